#!/usr/bin/env python3
"""The Head–Ries inversion recovers known symmetric frictions (MODEL.md §12; CTest frictions_head_ries_np*).

    check_head_ries.py REGIO NP OUT [--tolerance 1e-10]

A synthetic levels economy (tools/synth_regions.py: 6 regions in 6 provinces, two sectors with
θ = 4 and 6) is given province-pair trade frictions τ_pqs (trade.frictions: a random symmetric
factor per pair and sector, different in the two sectors) on top of distance (φ = 0.2) and a
border cost b = 1.4. `regio run --epochs 1 --export-base` solves it and writes its equilibrium
shares; tools/head_ries_frictions.py base inverts them. The index must equal
sqrt(τ_ni τ_in / (τ_nn τ_ii)) = (1 + D_ni/d0)^φ b τ_pqs / sqrt((1 + D_nn/d0)^φ (1 + D_ii/d0)^φ)
for every pair and sector, computed here from the regions' coordinates exactly as regio does
(haversine, internal distance (2/3) sqrt(area/π)): exits 1 if a relative difference exceeds
the tolerance. The shares carry 17 significant digits, so only rounding remains.
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
PHI, B, D0 = 0.2, 1.4, 100.0
SECTORS = """sectors:
  - name: food
    theta: 4
    labor_share: 0.6
    capital_share: 0.2
    consumption_share: 0.3
  - name: goods
    theta: 6
    labor_share: 0.5
    capital_share: 0.3
    consumption_share: 0.7
"""


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")


def distance(a, b):
    if a is b:
        return (2.0 / 3.0) * math.sqrt(float(a["area_km2"]) / math.pi)
    la1, lo1, la2, lo2 = (math.radians(float(x)) for x in (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("regio")
    ap.add_argument("np")
    ap.add_argument("out")
    ap.add_argument("--tolerance", type=float, default=1e-10)
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    run([sys.executable, os.path.join(HERE, "synth_regions.py"), "--regions", "6", "--provinces", "6", "--seed", "3",
         "-o", os.path.join(a.out, "synth"), "--no-network", "--common-productivity"])
    with open(os.path.join(a.out, "synth", "regions.csv"), newline="", encoding="utf-8") as f:
        regions = list(csv.DictReader(f))
    provinces = [r["province"] for r in regions]
    assert len(set(provinces)) == len(regions), "one region per province expected"
    rng = random.Random(11)
    tau = {}
    with open(os.path.join(a.out, "frictions.csv"), "w", encoding="utf-8") as f:
        f.write("from_province,to_province,sector,tau\n")
        for s in ("food", "goods"):
            for x in range(len(provinces)):
                for y in range(x + 1, len(provinces)):
                    tau[(s, x, y)] = tau[(s, y, x)] = rng.uniform(0.8, 3.0)
                    f.write(f"{provinces[y] if (x + y) % 2 else provinces[x]},"
                            f"{provinces[x] if (x + y) % 2 else provinces[y]},{s},{tau[(s, x, y)]!r}\n")
    with open(os.path.join(a.out, "scenario.yaml"), "w", encoding="utf-8") as f:
        f.write(f"regions: synth/regions.csv\ndecomposition: auto\nepochs: 1\nscale_to_observed_gdp: false\n"
                f"trade:\n  d0_km: {D0}\n  distance_elasticity: {PHI}\n  border_cost: {B}\n"
                "  frictions: frictions.csv\nsolver:\n  atol: 1e-12\n" + SECTORS)
    mpi = [os.environ.get("MPIEXEC", "mpirun"), "-np", a.np, a.regio]
    base = os.path.join(a.out, "base")
    run(mpi + ["run", os.path.join(a.out, "scenario.yaml"), "--quiet", "--out", os.path.join(a.out, "levels"),
               "--export-base", base])
    got = os.path.join(a.out, "head_ries.csv")
    run([sys.executable, os.path.join(HERE, "head_ries_frictions.py"), "base", base, "-o", got])
    index = {p: k for k, p in enumerate(provinces)}
    worst, where, count = 0.0, "", 0
    with open(got, newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            s, x, y = r["sector"], index[r["from_province"]], index[r["to_province"]]
            rx, ry = regions[x], regions[y]
            dist = lambda p, q: (1 + distance(p, q) / D0) ** PHI
            want = dist(rx, ry) * B * tau[(s, x, y)] / math.sqrt(dist(rx, rx) * dist(ry, ry))
            d = abs(float(r["tau"]) - want) / want
            count += 1
            if d >= worst:
                worst, where = d, f"{s} {provinces[x]}–{provinces[y]}: Head–Ries {r['tau']}, τ {want!r}"
    print(f"{count} pairs × sectors; largest relative difference {worst:.3g} ({where})")
    if count != 2 * len(regions) * (len(regions) - 1) // 2 or not worst <= a.tolerance:
        sys.exit(1)


if __name__ == "__main__":
    main()
