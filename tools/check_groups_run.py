#!/usr/bin/env python3
"""`regio run` with labour groups (MODEL.md §10; CTest groups_run_*).

    check_groups_run.py REGIO NP OUT [--tolerance 1e-8] [--mode part1|part1-policies|groups]

--mode part1: one group nests Part I. A synthetic economy (tools/synth_regions.py: 14 regions in 4
provinces; check_levels_hat.py's three sectors with China's input-output shares, capital, land and
housing) in the model class the grouped economy covers (no saving, transfers, rest of the world or
agglomeration), with hukou conversion, natural growth and productivity growth over 3 epochs, is run
twice: as Part I, and with labour.units putting every region's whole registered population in one
group. The two solvers share no equilibrium code (Part I's local clearing and national Newton, the
grouped economy's per-region blocks), and their numeraires differ (Part I: P̄ = 1; groups: the last
region's wage). Every real or relative outcome of every region and epoch must agree: population,
registered, migrants in and out, real income, utility, welfare, own trade share, employment by
sector, GDP shares, the real wage, land rent and capital rent over the wage; and the national real
GDP, welfare, Theil index, migrant and trade shares.

--mode part1-policies: the same with a hukou reform (barrier and conversion rate) and a
productivity policy (a one-off shock and a year of extra growth in one sector) from epoch 1, on
regions spread over the ranks (MODEL.md §4 in the grouped economy); services take manufacturing's
θ, so that the two share one trade-kernel row in both solvers (KernelRows' θ-groups), and
manufacturing has agglomeration γ = 0.08 (A = Ā (L/H)^γ, L the region's residents).

--mode groups: two groups (farm and city sectors, land by group, Tombe & Zhu's land income to the
stayers, switching costs within and between provinces) over 3 epochs at NP ranks against 1 rank
(decomposition invariance), with accounting: Σ employment = Σ registered in every epoch, conversion
conserves registered persons (Σ R' = (1 + g^L) Σ R), and group switching happens at all; then the
amenities by unit inverted from residents (labour.units `residents`) at NP ranks recover the
np-1 run's amenities from its own residents, up to a common factor (see `calibrated`).
"""
import argparse
import csv
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from check_levels_hat import SECTORS, without_capital  # noqa: E402  (the shared synthetic technology)


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def rows(path, key):
    with open(path, newline="", encoding="utf-8") as f:
        return {tuple(r[k] for k in key): r for r in csv.DictReader(f)}


def with_groups(sectors, group_of):
    """The sectors YAML with a labour_group after each sector's name."""
    out, name = [], None
    for line in sectors.splitlines():
        out.append(line)
        if line.strip().startswith("- name:"):
            name = line.split(":")[1].strip()
            out.append(f"    labour_group: {group_of(name)}")
    return "\n".join(out) + "\n"


def scenario(path, regions, sectors, extra=""):
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"regions: {regions}\ndecomposition: auto\nepochs: 3\nscale_to_observed_gdp: false\n"
                "households:\n  saving_rate: 0\n  housing_share: 0.15\n" + extra +
                "migration:\n  conversion_rate: 0.05\npopulation:\n  growth: 0.01\nproductivity:\n  spillover: 0\n"
                "trade:\n  border_cost: 1.3\nsolver:\n  atol: 1e-12\n" + sectors)


class Worst:
    def __init__(self):
        self.value, self.where = 0.0, ""

    def check(self, name, where, a, b):
        d = abs(a - b) / max(abs(a), abs(b), 1e-300)
        if d > self.value:
            self.value, self.where = d, f"{name} of {where}: {a!r} vs {b!r}"


def policies(ids):
    """A hukou reform and a productivity policy from epoch 1, on regions of several ranks."""
    return ("policies:\n"
            f"  - kind: hukou\n    epoch: 1\n    regions: [{', '.join(ids[::3])}]\n"
            "    barrier: 0.9\n    conversion_rate: 0.2\n"
            f"  - kind: productivity\n    epoch: 1\n    regions: [{', '.join(ids[1::4])}]\n"
            "    sectors: [manufacturing]\n    shock: 0.15\n    growth: 0.05\n    duration: 1\n")


def part1(a, mpi, regions):
    sectors = SECTORS.replace("consumption_share: 0.08", "consumption_share: 0.08\n    productivity_growth: 0.02")
    ids = [r["id"] for r in rows(regions, ["id"]).values()]
    extra = ""
    if a.mode == "part1-policies":  # and services with manufacturing's θ: two sectors share a kernel row
        extra = policies(ids)
        sectors = sectors.replace("theta: 3.5", "theta: 5").replace(
            "  - name: manufacturing\n", "  - name: manufacturing\n    agglomeration: 0.08\n")
    scenario(os.path.join(a.out, "part1.yaml"), regions, sectors, extra)
    with open(os.path.join(a.out, "units.csv"), "w", encoding="utf-8") as f:
        f.write("region,group,share\n" + "".join(f"{i},all,1\n" for i in ids))
    scenario(os.path.join(a.out, "groups.yaml"), regions, with_groups(sectors, lambda s: "all"),
             f"labour:\n  units: {os.path.join(a.out, 'units.csv')}\n" + extra)
    for name in ("part1", "groups"):
        run(mpi + ["run", os.path.join(a.out, f"{name}.yaml"), "--quiet", "--out", os.path.join(a.out, name)])
    p1 = rows(os.path.join(a.out, "part1", "regions.csv"), ["epoch", "region"])
    gr = rows(os.path.join(a.out, "groups", "regions.csv"), ["epoch", "region"])
    if set(p1) != set(gr):
        sys.exit("regions.csv: the two runs have different rows")
    w = Worst()
    f = float
    gdp = {}
    for (e, _), r in p1.items():
        gdp[("p", e)] = gdp.get(("p", e), 0) + f(r["gdp"])
        gdp[("g", e)] = gdp.get(("g", e), 0) + f(gr[(e, _)]["gdp"])
    for key, p in p1.items():
        g = gr[key]
        where = f"{key[1]} in epoch {key[0]}"
        for col in ("population", "registered", "migrants_in", "migrants_out", "real_income_pc", "utility",
                    "own_trade_share"):
            w.check(col, where, f(p[col]), f(g[col]))
        for col in p:
            if col.startswith("employment_"):
                w.check(col, where, f(p[col]), f(g[col]))
        for col in ("gdp_pc", "gross_output", "intermediate_use", "income"):  # nominal: in units of the wage
            w.check(f"{col} / wage", where, f(p[col]) / f(p["wage"]), f(g[col]) / f(g["wage"]))
        w.check("GDP share", where, f(p["gdp"]) / gdp[("p", key[0])], f(g["gdp"]) / gdp[("g", key[0])])
        w.check("real wage", where, f(p["wage"]) / f(p["price_index"]), f(g["wage"]) / f(g["price_index"]))
        for col in ("land_rent", "capital_rent"):
            w.check(f"{col} / wage", where, f(p[col]) / f(p["wage"]), f(g[col]) / f(g["wage"]))
    pa = rows(os.path.join(a.out, "part1", "aggregates.csv"), ["epoch"])
    ga = rows(os.path.join(a.out, "groups", "aggregates.csv"), ["epoch"])
    for e, p in pa.items():
        for col in ("real_gdp", "welfare", "theil", "gini", "migrant_share", "interprovincial_migrant_share",
                    "internal_trade_share", "interprovincial_trade_share"):
            w.check(col, f"the country in epoch {e[0]}", f(p[col]), f(ga[e][col]))
    moved = max(abs(f(r["registered"]) - f(gr[("0", k[1])]["registered"])) / f(r["registered"])
                for k, r in gr.items() if k[0] == "2")
    print(f"one group vs Part I: {len(p1)} region-epochs, largest relative difference {w.value:.2e} ({w.where}); "
          f"registered moved up to {moved:.2%} over the epochs")
    if moved < 1e-3:
        sys.exit("the dynamics moved nothing: not a test")
    return w.value


def groups(a, mpi, regions):
    ids = [r["id"] for r in rows(regions, ["id"]).values()]
    with open(os.path.join(a.out, "units.csv"), "w", encoding="utf-8") as f:
        f.write("region,group,share,amenity,land\n")
        for k, i in enumerate(ids):
            rural = 0.3 + 0.04 * (k % 7)
            f.write(f"{i},rural,{rural!r},1,0.7\n{i},urban,{1 - rural!r},{1.05 + 0.02 * (k % 5)!r},0.3\n")
    with open(os.path.join(a.out, "costs.csv"), "w", encoding="utf-8") as f:
        f.write("from_group,to_group,within,between\nrural,urban,1.8,3\nurban,rural,2.5,4\n"
                "rural,rural,1,1.6\nurban,urban,1,1.3\n")
    group_of = lambda s: "rural" if s == "agriculture" else "urban"
    sectors = with_groups(without_capital(SECTORS), group_of)
    extra = (f"labour:\n  units: {os.path.join(a.out, 'units.csv')}\n  land: by_group\n"
             f"  group_costs: {os.path.join(a.out, 'costs.csv')}\n")
    path = os.path.join(a.out, "groups.yaml")
    scenario(path, regions, sectors, extra)
    with open(path, "a", encoding="utf-8") as f:
        f.write("# households.land_income: stayers (Tombe & Zhu)\n")
    text = open(path, encoding="utf-8").read().replace("  housing_share: 0.15\n",
                                                        "  housing_share: 0.15\n  land_income: stayers\n")
    open(path, "w", encoding="utf-8").write(text)
    one = [os.environ.get("MPIEXEC", "mpirun"), "-np", "1", a.regio]
    run(one + ["run", path, "--quiet", "--out", os.path.join(a.out, "np1")])
    run(mpi + ["run", path, "--quiet", "--out", os.path.join(a.out, "npN")])
    u1 = rows(os.path.join(a.out, "np1", "units.csv"), ["epoch", "region", "group"])
    uN = rows(os.path.join(a.out, "npN", "units.csv"), ["epoch", "region", "group"])
    if set(u1) != set(uN) or len(u1) != 3 * len(ids) * 2:
        sys.exit("units.csv: wrong or different rows")
    w = Worst()
    for key, r in u1.items():
        for col in ("registered", "employment", "wage", "land_rent", "real_income", "utility", "migrants_out",
                    "expected_utility"):
            w.check(col, "/".join(key), float(r[col]), float(uN[key][col]))
    acc = Worst()
    totals = {}
    for (e, _, g), r in u1.items():
        t = totals.setdefault(e, [0.0, 0.0])
        t[0] += float(r["employment"])
        t[1] += float(r["registered"])
    for e, (L, R) in totals.items():
        acc.check("employment vs registered", f"epoch {e}", L, R)
    for e in ("1", "2"):
        acc.check("registered after conversion", f"epoch {e}", totals[e][1], 1.01 * totals[str(int(e) - 1)][1])
    switched = max(abs(float(r["employment"]) - float(r["registered"])) / float(r["registered"])
                   for r in u1.values())
    print(f"two groups, np 1 vs np {a.np}: largest relative difference {w.value:.2e} ({w.where}); "
          f"accounting {acc.value:.2e} ({acc.where}); largest |L − R|/R of a unit {switched:.1%}")
    if switched < 1e-2:
        sys.exit("nobody moved: not a test")
    nonfinite(a, path)
    free_space(a, path)
    recovered = calibrated(a, mpi, regions, path, u1)
    return max(w.value, acc.value, recovered)


def free_space(a, path):
    """No room for epoch 1 (REGIO_TEST_FREE_BYTES=0@epoch 1): refused before any of its rows is
    written, with a bound at least what the epoch writes in a full run; run.yaml failed."""
    out = os.path.join(a.out, "no-room")
    cmd = [os.environ.get("MPIEXEC", "mpirun"), "-x", "REGIO_TEST_FREE_BYTES", "-np", a.np, a.regio, "run", path,
           "--quiet", "--out", out]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, REGIO_TEST_FREE_BYTES="0@epoch 1"))
    errors = [line for line in p.stderr.splitlines() if line.startswith("regio: error:")]
    status = open(os.path.join(out, "run.yaml"), encoding="utf-8").read().splitlines()[-1]
    if p.returncode != 1 or len(errors) != 1 or "writing epoch 1 takes up to" not in errors[0] \
            or status != "status: failed":
        sys.exit(f"no room for epoch 1: exit {p.returncode}, {status!r}, errors {errors}")
    bound = int(errors[0].split("writing epoch 1 takes up to ")[1].split()[0])
    full = os.path.join(a.out, "npN")
    written = 0
    for name in ("regions.csv", "aggregates.csv", "solver.csv", "units.csv"):
        with open(os.path.join(full, name), encoding="utf-8") as f:
            written += sum(len(line.encode()) for line in f if line.split(",", 1)[0] == "1")
        with open(os.path.join(out, name), encoding="utf-8") as f:
            if any(line.split(",", 1)[0] == "1" for line in f):
                sys.exit(f"no room for epoch 1: {name} has rows of epoch 1")
    if bound < written:
        sys.exit(f"no room for epoch 1: the bound {bound} is below the {written} bytes epoch 1 writes")
    print(f"no room for epoch 1: refused before writing (bound {bound} bytes >= {written} written by a full run)")


def calibrated(a, mpi, regions, path, u1):
    """Amenities by unit from residents recover the amenities that made them: the np-1 run's
    epoch-0 residents become the units file's `residents` (and the regions' populations), its
    amenity factors are perturbed by up to ±20 %, and the inversion at NP ranks must give back
    B_ng up to one common factor (only ratios are identified) and so the same allocation in
    every epoch."""
    import math
    units = list(csv.DictReader(open(os.path.join(a.out, "units.csv"), encoding="utf-8")))
    L0 = {(r["region"], r["group"]): float(r["employment"]) for r in u1.values() if r["epoch"] == "0"}
    B0 = {(r["region"], r["group"]): float(r["amenity"]) for r in u1.values() if r["epoch"] == "0"}
    resident = {i: sum(v for (j, _), v in L0.items() if j == i) for i, _ in L0}
    cal_regions = os.path.join(a.out, "regions_cal.csv")
    with open(regions, newline="", encoding="utf-8") as f, open(cal_regions, "w", newline="", encoding="utf-8") as g:
        reader = csv.DictReader(f)
        writer = csv.DictWriter(g, fieldnames=reader.fieldnames, lineterminator="\n")
        writer.writeheader()
        for r in reader:
            r["population"] = repr(resident[r["id"]])
            writer.writerow(r)
    cal_units = os.path.join(a.out, "units_cal.csv")
    with open(cal_units, "w", encoding="utf-8") as f:
        f.write("region,group,share,amenity,land,residents\n")
        for k, r in enumerate(units):
            key = (r["region"], r["group"])
            f.write(f"{r['region']},{r['group']},{r['share']},{float(r['amenity']) * math.exp(0.2 * math.sin(7 * k))!r},"
                    f"{r['land']},{L0[key] / resident[r['region']]!r}\n")
    cal_path = os.path.join(a.out, "calibrated.yaml")
    text = open(path, encoding="utf-8").read()
    text = text.replace(regions, cal_regions).replace(os.path.join(a.out, "units.csv"), cal_units)
    open(cal_path, "w", encoding="utf-8").write(text)
    log = run(mpi + ["run", cal_path, "--out", os.path.join(a.out, "calibrated")])
    uc = rows(os.path.join(a.out, "calibrated", "units.csv"), ["epoch", "region", "group"])
    ratios = [float(r["amenity"]) / B0[(k[1], k[2])] for k, r in uc.items() if k[0] == "0"]
    w = Worst()
    w.check("B_cal/B_true", "the units (spread)", min(ratios), max(ratios))
    for key, r in u1.items():
        for col in ("employment", "registered", "real_income", "migrants_out"):
            w.check(col, "/".join(key), float(r[col]), float(uc[key][col]))
    line = next((x for x in log.splitlines() if x.startswith("amenities by unit")), "(no line)")
    print(f"amenities by unit from residents at np {a.np}: B recovered up to a common factor {ratios[0]:.6f}; "
          f"largest relative difference {w.value:.2e} ({w.where}); {line}")
    return w.value


def nonfinite(a, path):
    """An outcome made infinite on the last rank (REGIO_FAIL_AT=nonfinite@RANK) is never written:
    exit 2, one error line naming the region, run.yaml failed (docs/guarantees.md)."""
    last = int(a.np) - 1
    out = os.path.join(a.out, "nonfinite")
    cmd = [os.environ.get("MPIEXEC", "mpirun"), "-x", "REGIO_FAIL_AT", "-np", a.np, a.regio, "run", path, "--quiet",
           "--out", out]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, REGIO_FAIL_AT=f"nonfinite@{last}"))
    errors = [line for line in p.stderr.splitlines() if line.startswith("regio: error:")]
    status = open(os.path.join(out, "run.yaml"), encoding="utf-8").read().splitlines()[-1]
    if p.returncode != 2 or len(errors) != 1 or "gdp_pc = inf is not finite" not in errors[0] \
            or "epoch 0 (year" not in errors[0] or status != "status: failed":
        sys.exit(f"a non-finite outcome on rank {last}: exit {p.returncode}, {status!r}, errors {errors}")
    print(f"a non-finite outcome on rank {last}: refused ({errors[0][:110]}...)")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("regio")
    ap.add_argument("np")
    ap.add_argument("out")
    ap.add_argument("--tolerance", type=float, default=1e-8)
    ap.add_argument("--mode", choices=["part1", "part1-policies", "groups"], default="part1")
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    mpi = [os.environ.get("MPIEXEC", "mpirun"), "-np", a.np, a.regio]
    run([sys.executable, os.path.join(HERE, "synth_regions.py"), "--regions", "14", "--provinces", "4", "--seed", "5",
         "-o", os.path.join(a.out, "synth"), "--no-network"])
    regions = os.path.join(a.out, "synth", "regions.csv")
    worst = (groups if a.mode == "groups" else part1)(a, mpi, regions)
    sys.exit(0 if worst <= a.tolerance else 1)


if __name__ == "__main__":
    main()
