#!/usr/bin/env python3
"""`regio calibrate --history` recovers a history simulated with known dynamics (MODEL.md §14).

    check_history_round_trip.py REGIO NP OUT

1. Simulates a "true" history with `regio run`: China-31's provinces (inputs/china31), one
   productivity growth rate g and convergence β_A, known investment wedges ζ_i with drifts
   d_i (log ζ_i,t = log ζ_i,0 + d_i t), home bias ϕ, allocation elasticity ν, saving rate σ,
   province natural growth n_i and a hukou conversion rate ρ, 2000 … 2011.
2. Writes its outcomes as a history panel (GDP, population, registered population every year,
   GFCF J_t = P_t (K_t+1 − (1 − δ) K_t), capital, natural increase n_i L_t; deflators 1).
3. Runs `regio calibrate --history PANEL --until 2010 --home-bias ϕ` on NP ranks and checks
   that it recovers what was put in: every year's Ā (g and β_A of trends.csv to 1e-8, province
   effects 0) and B (centred, to 1e-8), the wedges of 2001–2010 (centred log ζ to 1e-8), the
   projection rule (the linear trend) with the drifts d_i, σ, the natural growth rates and ρ
   (from the registered populations of 2000 and 2010 only).
Exits 1 on any difference.
"""
import argparse
import csv
import math
import os
import random
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRUTH = {"g": 0.015, "beta_a": -0.02, "phi": 0.4, "nu": 1.5, "sigma": 0.4, "rho": 0.03, "delta": 0.096}
START, UNTIL = 2000, 2010


def scenario(path, regions):
    t = TRUTH
    sectors = "".join(
        f"  - {{name: {name}, labor_share: {a}, capital_share: {b}, consumption_share: {c}, agglomeration: {gam}, "
        f"productivity_growth: {t['g']}}}\n"
        for name, a, b, c, gam in (("agriculture", 0.55, 0.15, 0.08, 0), ("manufacturing", 0.45, 0.45, 0.38, 0.05),
                                   ("services", 0.55, 0.35, 0.54, 0.05)))
    with open(path, "w", encoding="utf-8") as f:
        f.write(f"regions: {regions}\nstart_year: {START}\nepochs: {UNTIL - START + 2}\n"
                f"households: {{saving_rate: {t['sigma']}}}\n"
                f"capital: {{home_bias: {t['phi']}, allocation_elasticity: {t['nu']}, depreciation: {t['delta']}}}\n"
                f"productivity: {{spillover: 0, convergence: {t['beta_a']}}}\n"
                f"migration: {{border_cost: 3.19, conversion_rate: {t['rho']}}}\nsectors:\n{sectors}")


def truth_regions(path):
    """China-31's calibrated provinces with known wedges, wedge drifts and natural growth."""
    rng = random.Random(21)
    with open(os.path.join(ROOT, "inputs/china31/regions_calibrated.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    truth = {}
    for r in rows:
        truth[r["id"]] = (math.exp(rng.uniform(0, 1.2)), rng.uniform(-0.03, 0.03), rng.uniform(-0.004, 0.012))
        r["capital_friction"], r["capital_friction_drift"], r["natural_growth"] = (repr(v) for v in truth[r["id"]])
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)
    return truth


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def write_panel(truth_dir, folder, truth):
    with open(os.path.join(truth_dir, "regions.csv"), encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    by = {(r["region"], int(r["year"])): r for r in rows}
    os.makedirs(folder)
    cols = ["code", "name_en", "year", "gdp_nominal", "gdp_deflator", "population", "gfcf_nominal",
            "invest_price_index", "capital_stock_1952prices", "registered_population", "natural_increase_est"]
    with open(os.path.join(folder, "panel.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(cols)
        for code in truth:
            for t in range(START, UNTIL + 1):
                r, nxt = by[(code, t)], by[(code, t + 1)]
                J = float(r["price_index"]) * (float(nxt["capital"]) - (1 - TRUTH["delta"]) * float(r["capital"]))
                w.writerow([code, code, t, r["gdp"], 1, r["population"], repr(J), 1, r["capital"], r["registered"],
                            repr(truth[code][2] * float(r["population"]))])
    return by


def read(path):
    with open(path, encoding="utf-8") as f:
        return list(csv.DictReader(f))


def centred(values):
    m = sum(values) / len(values)
    return [v - m for v in values]


class Checks:
    def __init__(self):
        self.failed = []

    def near(self, what, got, want, tol):
        err = abs(got - want)
        print(f"  {what}: {got:.12g} (truth {want:.12g}, |diff| {err:.1e})")
        if not err <= tol:
            self.failed.append(what)

    def worst(self, what, pairs, tol):
        err = max(abs(a - b) for a, b in pairs)
        print(f"  {what}: largest |diff| {err:.1e}")
        if not err <= tol:
            self.failed.append(what)


def check_years(c, out, by, truth):
    hist = read(os.path.join(out, "history.csv"))
    codes = list(truth)
    wedges, amenities = [], []
    for t in range(START, UNTIL + 1):
        rows = [r for r in hist if int(r["year"]) == t]
        pop = [float(by[(k, t)]["population"]) for k in codes]
        true_b = [math.log(float(by[(k, t)]["utility"]) / float(by[(k, t)]["real_income_pc"])) for k in codes]
        mb = sum(p * b for p, b in zip(pop, true_b)) / sum(pop)
        amenities += [(float(r["log_amenity"]), b - mb) for r, b in zip(rows, true_b)]
        if t > START:
            true_z = centred([math.log(truth[k][0]) + truth[k][1] * (t - START) for k in codes])
            wedges += [(float(r["log_wedge"]), z) for r, z in zip(rows, true_z)]
    c.worst("log B, every year (population-weighted mean 0)", amenities, 1e-8)
    c.worst("log wedge 2001-2010 (mean 0)", wedges, 1e-8)


def check_estimates(c, out, truth):
    trends = {(r["variable"], r["statistic"]): float(r["value"]) for r in read(os.path.join(out, "trends.csv"))}
    c.near("g of log A", trends[("log_productivity", "trend_g")], TRUTH["g"], 1e-8)
    c.near("beta of log A", trends[("log_productivity", "convergence_beta")], TRUTH["beta_a"], 1e-8)
    c.near("wedge projection is the linear trend", trends[("log_wedge", "rule_is_linear_trend")], 1, 0)
    c.near("rho (hukou conversion)", trends[("hukou_conversion", "rate_rho")], TRUTH["rho"], 1e-8)
    rho = next(float(line.split(":")[1]) for line in open(os.path.join(out, "forecast.yaml"), encoding="utf-8")
               if line.strip().startswith("conversion_rate:"))
    c.near("rho of the forecast", rho, TRUTH["rho"], 1e-8)
    effects = read(os.path.join(out, "province_effects.csv"))
    c.worst("province effects of log A (none in the truth)",
            [(float(r["log_productivity_effect"]), 0) for r in effects], 1e-9)
    c.worst("wedge drifts (mean 0)", zip([float(r["log_wedge_drift"]) for r in effects],
                                         centred([truth[r["id"]][1] for r in effects])), 1e-8)
    regions = read(os.path.join(out, "regions_forecast.csv"))
    c.worst("natural growth", [(float(r["natural_growth"]), truth[r["id"]][2]) for r in regions], 1e-12)
    z = centred([math.log(float(r["capital_friction"])) for r in regions])
    true_z = centred([math.log(truth[r["id"]][0]) + truth[r["id"]][1] * (UNTIL - START) for r in regions])
    c.worst("forecast's log wedges at the start (mean 0)", zip(z, true_z), 1e-8)
    c.near("saving rate of the forecast", next(float(line.split(":")[1]) for line in
                                                open(os.path.join(out, "forecast.yaml"), encoding="utf-8")
                                                if line.strip().startswith("saving_rate:")), TRUTH["sigma"], 1e-10)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("regio")
    ap.add_argument("np")
    ap.add_argument("out")
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    truth = truth_regions(os.path.join(a.out, "truth.csv"))
    scenario(os.path.join(a.out, "truth.yaml"), os.path.join(a.out, "truth.csv"))
    mpi = [os.environ.get("MPIEXEC", "mpirun"), "-np", a.np, a.regio]
    run(mpi + ["run", os.path.join(a.out, "truth.yaml"), "--out", os.path.join(a.out, "truth"), "--quiet"])
    by = write_panel(os.path.join(a.out, "truth"), os.path.join(a.out, "panel"), truth)
    out = os.path.join(a.out, "calibrated")
    print(run(mpi + ["calibrate", os.path.join(a.out, "truth.yaml"), "--history", os.path.join(a.out, "panel"),
                     "--until", str(UNTIL), "--home-bias", str(TRUTH["phi"]), "--out", out]).strip())
    c = Checks()
    check_years(c, out, by, truth)
    check_estimates(c, out, truth)
    if c.failed:
        sys.exit(f"not recovered: {', '.join(c.failed)}")
    print("round trip: the history's dynamics are recovered")


if __name__ == "__main__":
    main()
