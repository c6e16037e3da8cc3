#!/usr/bin/env python3
"""Levels and exact hat algebra agree (MODEL.md §12; CTest levels_vs_hat_np*).

    check_levels_hat.py REGIO NP OUT [--tolerance 1e-9] [--stayers]

A synthetic economy (tools/synth_regions.py: 14 regions in 4 provinces, three sectors) in the
subset both modes share: input-output links (China's 2020 shares), capital and land, housing,
migration with hukou stocks, and no saving, transfers, rest of the world, agglomeration or
growth (every nominal term homogeneous of degree 1, MODEL.md §12). Then

  1. `regio run --epochs 1 --export-base OUT/base` solves it in levels and writes its own
     equilibrium as a base-year folder (docs/hat-algebra.md §1);
  2. `regio run --epochs 1` solves it again with the provincial border cost b raised from 1.3
     to 1.6 (every inter-provincial τ_nis × 1.6/1.3);
  3. `regio counterfactual` solves the same shock in changes from OUT/base
     (τ̂ = 1.6/1.3 on every inter-provincial pair, written to OUT/shock.csv).

With --stayers, households.land_income: stayers (MODEL.md §11: land and housing rents to the
stayers, the own term (C_o U_o)^ε) and no capital (hat mode defines the stayers' rebate without
capital income; the capital shares go to labour); the real income compared is then a newcomer's
(levels: the `utility` column, U_d/B_d with B_d unchanged), as hat mode's V̂.

Compared region by region, as the numeraires differ (levels: P̄ = 1; hat: a wage): the real
wage change ŵ/P̂ (levels: (w'/P')/(w/P)), the population change L̂, the real income change v̂,
the land rent relative to the wage q̂/ŵ, the sectors' revenue changes R̂_ns/ŵ_n and the own
migration share m̂_oo of every region, and welfare (the registered-weighted mean of log D^(1/ε)). Then
  4. `regio compare OUT/levels0 OUT/levels1 --hats OUT/hat` makes the same comparison (and the
     national welfare, trade and migrant shares) in hats_regions.csv and hats_national.csv.
Prints the largest relative difference (and regio compare's largest |hat − levels|) and exits 1
if either exceeds the tolerance.
"""
import argparse
import csv
import math
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))

SECTORS = """sectors:
  - name: agriculture
    theta: 4
    labor_share: 0.2973
    capital_share: 0.0167
    land_share: 0.3031
    intermediate_shares: [0.1375, 0.1752, 0.0702]
    consumption_share: 0.08
  - name: manufacturing
    theta: 5
    labor_share: 0.1079
    capital_share: 0.1175
    land_share: 0.0257
    intermediate_shares: [0.0456, 0.5475, 0.1558]
    consumption_share: 0.38
  - name: services
    theta: 3.5
    labor_share: 0.2681
    capital_share: 0.2052
    land_share: 0.0540
    intermediate_shares: [0.0077, 0.1534, 0.3116]
    consumption_share: 0.54
"""


def without_capital(sectors):
    """The sectors with their capital share moved to labour."""
    out, labour = [], None
    for line in sectors.splitlines():
        key = line.strip().split(":")[0]
        if key == "labor_share":
            labour = float(line.split(":")[1])
            continue
        if key == "capital_share":
            indent = line[:len(line) - len(line.lstrip())]
            out.append(f"{indent}labor_share: {labour + float(line.split(':')[1])!r}")
            out.append(f"{indent}capital_share: 0")
            continue
        out.append(line)
    return "\n".join(out) + "\n"


def scenario(path, regions, border_cost, stayers):
    households = "households:\n  saving_rate: 0\n  housing_share: 0.15\n"
    if stayers:
        households += "  land_income: stayers\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"regions: {regions}\ndecomposition: auto\nepochs: 1\nscale_to_observed_gdp: false\n" + households +
                f"trade:\n  border_cost: {border_cost}\n"
                "solver:\n  atol: 1e-12\n" + (without_capital(SECTORS) if stayers else SECTORS))


def read(path, key):
    with open(path, newline="", encoding="utf-8") as f:
        return {tuple(r[k] for k in key): r for r in csv.DictReader(f)}


def last_epoch(rows):
    epoch = max(int(r["epoch"]) for r in rows.values())
    return {k[1]: r for k, r in rows.items() if int(r["epoch"]) == epoch}


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("regio")
    ap.add_argument("np")
    ap.add_argument("out")
    ap.add_argument("--tolerance", type=float, default=1e-9)
    ap.add_argument("--stayers", action="store_true", help="households.land_income: stayers, no capital")
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    mpi = [os.environ.get("MPIEXEC", "mpirun"), "-np", a.np, a.regio]
    run([sys.executable, os.path.join(HERE, "synth_regions.py"), "--regions", "14", "--provinces", "4", "--seed", "5",
         "-o", os.path.join(a.out, "synth"), "--no-network"])
    regions = os.path.join(a.out, "synth", "regions.csv")
    b0, b1 = 1.3, 1.6
    scenario(os.path.join(a.out, "before.yaml"), regions, b0, a.stayers)
    scenario(os.path.join(a.out, "after.yaml"), regions, b1, a.stayers)
    base = os.path.join(a.out, "base")
    run(mpi + ["run", os.path.join(a.out, "before.yaml"), "--quiet", "--out", os.path.join(a.out, "levels0"),
               "--export-base", base])
    run(mpi + ["run", os.path.join(a.out, "after.yaml"), "--quiet", "--out", os.path.join(a.out, "levels1")])
    # The shock in changes: every pair of regions in different provinces, every sector.
    province = {r["id"]: r["province"] for r in read(os.path.join(base, "regions.csv"), ["id"]).values()}
    sectors = sorted({k[0] for k in read(os.path.join(base, "revenues.csv"), ["sector", "region"])})
    with open(os.path.join(a.out, "shock.csv"), "w", encoding="utf-8") as f:
        f.write("sector,importer,exporter,change\n")
        for s in sectors:
            for n in province:
                for i in province:
                    if province[n] != province[i]:
                        f.write(f"{s},{n},{i},{b1 / b0!r}\n")
    with open(os.path.join(a.out, "counterfactual.yaml"), "w", encoding="utf-8") as f:
        f.write("description: border cost 1.3 -> 1.6 (check_levels_hat.py)\nbase_year: base\nmigration: true\n"
                "shocks:\n  trade_costs:\n    - file: shock.csv\n      pairs: all\n")
    hat = os.path.join(a.out, "hat")
    run(mpi + ["counterfactual", os.path.join(a.out, "counterfactual.yaml"), "--quiet", "--out", hat])
    compare(a, hat)


def compare(a, hat):
    l0 = last_epoch(read(os.path.join(a.out, "levels0", "regions.csv"), ["epoch", "region"]))
    l1 = last_epoch(read(os.path.join(a.out, "levels1", "regions.csv"), ["epoch", "region"]))
    units = {k[0]: r for k, r in read(os.path.join(hat, "units.csv"), ["region", "group"]).items()}
    sectors_hat = read(os.path.join(hat, "sectors.csv"), ["region", "sector"])
    f = lambda r, c: float(r[c])
    worst, where = 0.0, ""
    moved = 0.0

    def check(name, region, levels, hat_value):
        nonlocal worst, where
        d = abs(levels - hat_value) / max(abs(levels), abs(hat_value))
        if d > worst:
            worst, where = d, f"{name} of {region}: levels {levels!r}, hat {hat_value!r}"

    base_revenue = read(os.path.join(a.out, "base", "revenues.csv"), ["region", "sector"])
    for region, u in units.items():
        b, c = l0[region], l1[region]
        w_hat = f(u, "wage_change")
        real_wage = (f(c, "wage") / f(c, "price_index")) / (f(b, "wage") / f(b, "price_index"))
        moved = max(moved, abs(real_wage - 1))
        check("real wage change", region, real_wage, w_hat / f(u, "goods_price_change"))
        check("population change", region, f(c, "population") / f(b, "population"), f(u, "employment_change"))
        income = "utility" if a.stayers else "real_income_pc"
        check("real income change", region, f(c, income) / f(b, income), f(u, "real_income_change"))
        own = lambda r: 1 - f(r, "migrants_out") / f(r, "registered")
        check("own share change", region, own(c) / own(b), f(u, "own_share_new") / f(u, "own_share_base"))
        check("land rent / wage", region, (f(c, "land_rent") / f(b, "land_rent")) / (f(c, "wage") / f(b, "wage")),
              f(u, "land_rent_change") / w_hat)
        gross0 = sum(f(r, "revenue") for k, r in base_revenue.items() if k[0] == region)
        gross_hat = sum(f(r, "revenue_base") * f(r, "revenue_change") for k, r in sectors_hat.items() if k[0] == region)
        check("gross output / wage", region, (f(c, "gross_output") / f(b, "gross_output")) / (f(c, "wage") / f(b, "wage")),
              gross_hat / gross0 / w_hat)
    # Welfare, MODEL.md §7: exp of the registered-weighted mean of log D_o^(1/ε) (levels, aggregates.csv)
    # against hat mode's welfare_logmean_pct.
    w0, w1 = (float(list(read(os.path.join(a.out, d, "aggregates.csv"), ["epoch"]).values())[-1]["welfare"])
              for d in ("levels0", "levels1"))
    national = {k[0]: float(r["value"]) for k, r in read(os.path.join(hat, "national.csv"), ["statistic"]).items()}
    check("welfare change", "the country", math.exp(w1 - w0), 1 + national["welfare_logmean_pct"] / 100)
    print(f"levels vs hat: {len(units)} regions, largest relative difference {worst:.2e} ({where}); "
          f"largest real wage change {moved:.3%}")
    if moved < 1e-3:
        sys.exit("the shock moved nothing: not a test")
    compared = compare_hats(a, hat)
    sys.exit(0 if worst <= a.tolerance and compared <= a.tolerance else 1)


def compare_hats(a, hat):
    """regio compare --hats: the largest |hat − levels| of hats_regions.csv and hats_national.csv."""
    out = os.path.join(a.out, "compare")
    run([a.regio, "compare", os.path.join(a.out, "levels0"), os.path.join(a.out, "levels1"), "--out", out,
         "--hats", hat])
    worst, where, quantities = 0.0, "", set()
    for name in ("hats_regions.csv", "hats_national.csv"):
        with open(os.path.join(out, name), newline="", encoding="utf-8") as f:
            for r in csv.DictReader(f):
                q = r.get("quantity") or r["statistic"]
                quantities.add(q)
                d = abs(float(r["difference"]))
                if d > worst:
                    worst, where = d, f"{q} of {r.get('region', 'the nation')}"
    print(f"regio compare --hats: {len(quantities)} quantities, largest |hat - levels| {worst:.2e} ({where})")
    return worst


if __name__ == "__main__":
    main()
