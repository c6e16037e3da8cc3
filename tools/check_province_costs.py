#!/usr/bin/env python3
"""Province migration costs: the kernel applies them, and regio calibrate recovers them (CTest census_*).

    check_province_costs.py REGIO NP OUT [--tolerance 1e-8]

A synthetic fine geography (tools/synth_regions.py: 30 regions in 6 provinces, plus one province
of a single region), registered populations different from the residents (Σ R = Σ L), and known
province scales w_p, x_p (migration.province_costs) on top of μ_0 (1 + d/d0)^φ_m b_m:

1. `regio calibrate` (no census) inverts amenities for the known scales, `regio run` solves epoch
   0 with them; the migrants by province pair (migration.csv between provinces, and within a
   province its units' migrants_in less those from other provinces) must equal the flows computed
   here from the run's utilities and registered populations with μ_od = μ_0 (1 + d/d0)^φ_m w_p
   (o ≠ d in p) and μ_0 (1 + d/d0)^φ_m b_m √(x_p x_q) (o in p, d in q ≠ p), haversine distances:
   an independent check that the kernels apply the scales as documented;
2. those province totals (residents registered in another unit of the province, in another
   province), spread over each province's units in proportion to population, are the census of
   `regio calibrate` with calibration.migrants (from scales 1): it must recover w_p and x_p and
   the amenities, and a run with the calibrated files must reproduce the totals.
Exits 1 if a relative difference exceeds the tolerance. At NP ranks (the province of one region
keeps w = 1: it has no within-province moves).
"""
import argparse
import csv
import math
import os
import random
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EPS, MU0, PHI, D0, B = 1.5, 1.77, 0.858, 100.0, 2.0


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def distance(a, b):
    la1, lo1, la2, lo2 = (math.radians(float(x)) for x in (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def province_flows(run_dir):
    """{(origin, destination): migrants} at epoch 0: migration.csv between provinces; within a
    province (its registered living in another of its units) the province's migrants_in
    (regions.csv) less those from other provinces."""
    flows = {(r["origin"], r["destination"]): float(r["migrants"])
             for r in read(os.path.join(run_dir, "migration.csv")) if r["epoch"] == "0"}
    inflow, units = {}, {}
    for r in read(os.path.join(run_dir, "regions.csv")):
        if r["epoch"] == "0":
            inflow[r["province"]] = inflow.get(r["province"], 0.0) + float(r["migrants_in"])
            units[r["province"]] = units.get(r["province"], 0) + 1
    for p, v in inflow.items():  # a province of one region has no moves inside it
        flows[(p, p)] = v - sum(x for (o, d), x in flows.items() if d == p and o != p) if units[p] > 1 else 0.0
    return flows


def totals(flows, provinces):
    """Per destination province: (residents registered in another unit of it, in another province)."""
    return {p: (flows[(p, p)], sum(flows[(o, p)] for o in provinces if o != p)) for p in provinces}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("regio")
    ap.add_argument("np")
    ap.add_argument("out")
    ap.add_argument("--tolerance", type=float, default=1e-8)
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    o = lambda *p: os.path.join(a.out, *p)  # noqa: E731
    run([sys.executable, os.path.join(HERE, "synth_regions.py"), "--regions", "30", "--provinces", "6", "--seed", "5",
         "-o", o("synth"), "--no-network", "--common-productivity"])
    regions = read(o("synth", "regions.csv"))
    regions[-1]["province"] = "Solo"  # a province of one region
    rng = random.Random(17)
    factor = [rng.uniform(0.7, 1.4) for _ in regions]
    L = [float(r["population"]) for r in regions]
    scale = sum(L) / sum(x * f for x, f in zip(L, factor))
    for r, x, f in zip(regions, L, factor):
        r["registered"] = repr(x * f * scale)
    with open(o("regions.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(regions[0]), lineterminator="\n")
        w.writeheader()
        w.writerows(regions)
    provinces = list(dict.fromkeys(r["province"] for r in regions))
    truth = {p: (rng.uniform(2, 8), rng.uniform(1.5, 10)) for p in provinces}
    with open(o("truth.csv"), "w", encoding="utf-8") as f:
        f.write("province,within_scale,between_scale\n")
        for p in provinces:
            f.write(f"{p},{truth[p][0]!r},{truth[p][1]!r}\n")
    common = (f"decomposition: auto\nepochs: 1\nscale_to_observed_gdp: true\n"
              f"migration:\n  elasticity: {EPS}\n  moving_cost: {MU0}\n  distance_elasticity: {PHI}\n"
              f"  border_cost: {B}\n  conversion_rate: 0\ntrade:\n  d0_km: {D0}\nsolver:\n  atol: 1e-13\n")
    mpi = [os.environ.get("MPIEXEC", "mpirun"), "-np", a.np, a.regio]

    # 1. The known scales: calibrated amenities, epoch 0, flows against an independent computation.
    with_costs = lambda file: common.replace(f"  border_cost: {B}\n",  # noqa: E731
                                             f"  border_cost: {B}\n  province_costs: {file}\n")
    with open(o("truth.yaml"), "w", encoding="utf-8") as f:
        f.write("regions: regions.csv\n" + with_costs("truth.csv"))
    run(mpi + ["calibrate", o("truth.yaml"), "--out", o("regions_truth.csv")])
    with open(o("truth_run.yaml"), "w", encoding="utf-8") as f:
        f.write(open(o("truth.yaml"), encoding="utf-8").read().replace("regions: regions.csv", "regions: regions_truth.csv"))
    run(mpi + ["run", o("truth_run.yaml"), "--quiet", "--out", o("truth_run")])
    flows = province_flows(o("truth_run"))
    out = [r for r in read(o("truth_run", "regions.csv")) if r["epoch"] == "0"]
    U = [float(r["utility"]) for r in out]
    R = [float(r["registered"]) for r in out]
    n = len(regions)

    def mu(i, k):
        p, q = regions[i]["province"], regions[k]["province"]
        base = MU0 * (1 + distance(regions[i], regions[k]) / D0) ** PHI
        return base * truth[p][0] if p == q else base * B * math.sqrt(truth[p][1] * truth[q][1])

    worst, where = 0.0, ""
    mine = {}
    for i in range(n):
        weights = [U[i] ** EPS if k == i else (U[k] / mu(i, k)) ** EPS for k in range(n)]
        D = sum(weights)
        for k in range(n):
            if k != i:
                key = (regions[i]["province"], regions[k]["province"])
                mine[key] = mine.get(key, 0.0) + R[i] * weights[k] / D
    for key, v in mine.items():
        d = abs(flows[key] / v - 1)
        if d >= worst:
            worst, where = d, f"{key[0]} → {key[1]}: migration.csv {flows[key]!r}, computed {v!r}"
    print(f"1. kernel: {len(mine)} province pairs; largest relative difference {worst:.3g} ({where})")
    failed = not worst <= a.tolerance

    # 2. The census of those flows: regio calibrate recovers the scales and amenities.
    target = totals(flows, provinces)
    pop = {p: sum(L[i] for i in range(n) if regions[i]["province"] == p) for p in provinces}
    with open(o("census.csv"), "w", encoding="utf-8") as f:
        f.write("id,within_province,other_province\n")
        for r, x in zip(regions, L):
            p = r["province"]
            f.write(f"{r['id']},{target[p][0] * x / pop[p]!r},{target[p][1] * x / pop[p]!r}\n")
    with open(o("census.yaml"), "w", encoding="utf-8") as f:
        f.write("regions: regions.csv\n" + common + "calibration:\n  migrants: census.csv\n")
    print(run(mpi + ["calibrate", o("census.yaml"), "--out", o("regions_census.csv"), "--province-costs",
                     o("costs.csv")]).strip())
    got = {r["province"]: (float(r["within_scale"]), float(r["between_scale"])) for r in read(o("costs.csv"))}
    worst, where = 0.0, ""
    for p in provinces:
        want_w = 1.0 if p == "Solo" else truth[p][0]
        for what, g, t in (("within", got[p][0], want_w), ("between", got[p][1], truth[p][1])):
            d = abs(g / t - 1)
            if d >= worst:
                worst, where = d, f"{p} {what}_scale: calibrated {g!r}, known {t!r}"
    for r1, r2 in zip(read(o("regions_census.csv")), read(o("regions_truth.csv"))):
        d = abs(float(r1["amenity"]) / float(r2["amenity"]) - 1)
        if d >= worst:
            worst, where = d, f"{r1['id']} amenity: calibrated {r1['amenity']}, known {r2['amenity']}"
    print(f"2. calibration: {2 * len(provinces)} scales and {n} amenities recovered; largest relative difference "
          f"{worst:.3g} ({where})")
    failed = failed or not worst <= a.tolerance

    # 3. A run with the calibrated files reproduces the census totals.
    with open(o("census_run.yaml"), "w", encoding="utf-8") as f:
        f.write("regions: regions_census.csv\n" + with_costs("costs.csv"))
    run(mpi + ["run", o("census_run.yaml"), "--quiet", "--out", o("census_run")])
    again = totals(province_flows(o("census_run")), provinces)
    worst, where = 0.0, ""
    for p in provinces:
        for k, what in ((0, "within"), (1, "between")):
            if p == "Solo" and k == 0:
                continue
            d = abs(again[p][k] / target[p][k] - 1)
            if d >= worst:
                worst, where = d, f"{p} {what}: run {again[p][k]!r}, census {target[p][k]!r}"
    print(f"3. run: {2 * len(provinces)} province totals; largest relative difference {worst:.3g} ({where})")
    failed = failed or not worst <= a.tolerance
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
