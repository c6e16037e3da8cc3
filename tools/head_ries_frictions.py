#!/usr/bin/python3
"""Province-pair trade frictions from observed trade shares by the Head–Ries index (MODEL.md §12).

    head_ries_frictions.py tz TZ_DIR REGIONS_CSV -o FRICTIONS_CSV [--theta 4] [--report]
    head_ries_frictions.py base BASE_DIR -o FRICTIONS_CSV [--by province|region]

The symmetric Head–Ries index of a pair, sector s,

    t_nis = (π_nis π_ins / (π_nns π_iis))^(−1/(2θ_s))  =  sqrt(τ_nis τ_ins / (τ_nns τ_iis)),

needs no prices (they cancel), so it is exact for any Armington/Eaton–Kortum economy whatever
its equilibrium; it identifies only the symmetric part of τ relative to internal trade. Written
as regio's trade.frictions CSV (from_province,to_province,sector,tau; one row per unordered
pair), it makes τ_nis = t_nis between provinces when the scenario has no other inter-provincial
cost (trade.border_cost: 1) and τ_nn = 1 (trade.distance_elasticity: 0, one region per province).

`tz`: Tombe & Zhu's 2002 shares (inputs/tombe-zhu-2019: 31×31, row n importer, column i
exporter, 30 provinces in the employment file's alphabetical order, index 31 the rest of the
world, which is dropped: the index is invariant to the rows' normalisation). Sectors: regio's
agriculture from TZ's agriculture; manufacturing and services from TZ's non-agriculture.
Provinces are matched by name (TZ's 'Shannxi' is Shaanxi). Tibet is not in TZ's data: it takes
Qinghai's factors with every other province (the neighbour on the same plateau, TZ's smallest
economy), and the Tibet–Qinghai pair the median of Qinghai's factors. A pair with a zero share
in either direction has an infinite index: it gets the sector's largest finite factor (counted
in --report).

`base`: a levels run's exported base year (regio run --export-base DIR: trade_shares.csv,
parameters.yaml's θ_s, regions.csv's provinces); the test of this inversion (CTest
frictions_head_ries) compares it with the τ the run was given.
"""
import argparse
import csv
import math
import os
import re
import statistics
import sys

TZ_PROVINCES = ["Anhui", "Beijing", "Chongqing", "Fujian", "Gansu", "Guangdong", "Guangxi", "Guizhou", "Hainan",
                "Hebei", "Heilongjiang", "Henan", "Hubei", "Hunan", "Inner Mongolia", "Jiangsu", "Jiangxi", "Jilin",
                "Liaoning", "Ningxia", "Qinghai", "Shandong", "Shanghai", "Shaanxi", "Shanxi", "Sichuan", "Tianjin",
                "Xinjiang", "Yunnan", "Zhejiang"]
TZ_SECTORS = {"agriculture": "trade_shares_agriculture_2002.csv",
              "nonagriculture": "trade_shares_nonagriculture_2002.csv"}
REGIO_FROM_TZ = {"agriculture": "agriculture", "manufacturing": "nonagriculture", "services": "nonagriculture"}


def head_ries(pi, n, i, theta):
    """t_ni from a share matrix pi[n][i] (row importer); None where a share is zero."""
    num = pi[n][i] * pi[i][n]
    den = pi[n][n] * pi[i][i]
    if num <= 0 or den <= 0:
        return None
    return math.exp(-(math.log(num) - math.log(den)) / (2.0 * theta))


def read_matrix(path):
    with open(path, newline="", encoding="utf-8") as f:
        return [[float(x) for x in r] for r in csv.reader(f) if r]


def write(path, rows):
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["from_province", "to_province", "sector", "tau"])
        for r in rows:
            w.writerow([r[0], r[1], r[2], repr(r[3])])


def tz(args):
    with open(args.regions, newline="", encoding="utf-8") as f:
        provinces = list(dict.fromkeys(r["province"] for r in csv.DictReader(f)))
    missing = [p for p in TZ_PROVINCES if p not in provinces]
    if missing:
        sys.exit(f"{args.regions}: provinces of Tombe & Zhu's data not found: {missing}")
    idx = {p: k for k, p in enumerate(TZ_PROVINCES)}
    rows, report = [], []
    for sector, tz_sector in REGIO_FROM_TZ.items():
        pi = read_matrix(os.path.join(args.tz_dir, TZ_SECTORS[tz_sector]))
        t, zeros = {}, 0
        for a in TZ_PROVINCES:
            for b in TZ_PROVINCES:
                if idx[a] < idx[b]:
                    t[(a, b)] = head_ries(pi, idx[a], idx[b], args.theta)
                    zeros += t[(a, b)] is None
        cap = max(v for v in t.values() if v is not None)
        t = {k: (cap if v is None else v) for k, v in t.items()}

        def pair(a, b):
            return t[(a, b)] if idx[a] < idx[b] else t[(b, a)]

        qinghai = [pair("Qinghai", p) for p in TZ_PROVINCES if p != "Qinghai"]
        for a in provinces:
            for b in provinces:
                if provinces.index(a) >= provinces.index(b):
                    continue
                if "Tibet" in (a, b):
                    other = b if a == "Tibet" else a
                    v = statistics.median(qinghai) if other == "Qinghai" else pair("Qinghai", other)
                else:
                    v = pair(a, b)
                rows.append((a, b, sector, v))
        vals = sorted(t.values())
        report.append(f"{sector} (TZ {tz_sector}, θ = {args.theta:g}): {len(vals)} pairs, {zeros} with a zero share "
                      f"(set to the largest finite factor {cap:.3f}); min {vals[0]:.3f}, median "
                      f"{statistics.median(vals):.3f}, max {vals[-1]:.3f}, pairs below 3.34: "
                      f"{sum(v < 3.34 for v in vals)}")
    write(args.output, rows)
    if args.report:
        print("\n".join(report))


def base(args):
    thetas = {}
    sector = None
    with open(os.path.join(args.base_dir, "parameters.yaml"), encoding="utf-8") as f:
        for line in f:
            m = re.match(r"\s*-?\s*name:\s*(\S+)", line)
            if m:
                sector = m.group(1)
            m = re.match(r"\s*trade_elasticity:\s*(\S+)", line)
            if m and sector:
                thetas[sector] = float(m.group(1))
    with open(os.path.join(args.base_dir, "regions.csv"), newline="", encoding="utf-8") as f:
        region_prov = {r["id"]: r["province"] for r in csv.DictReader(f)}
    ids = list(region_prov)
    pos = {r: k for k, r in enumerate(ids)}
    pis = {s: [[0.0] * len(ids) for _ in ids] for s in thetas}
    with open(os.path.join(args.base_dir, "trade_shares.csv"), newline="", encoding="utf-8") as f:
        for r in csv.DictReader(f):
            pis[r["sector"]][pos[r["importer"]]][pos[r["exporter"]]] = float(r["share"])
    rows = []
    for s, theta in thetas.items():
        for a in range(len(ids)):
            for b in range(a + 1, len(ids)):
                names = (ids[a], ids[b]) if args.by == "region" else (region_prov[ids[a]], region_prov[ids[b]])
                rows.append((names[0], names[1], s, head_ries(pis[s], a, b, theta)))
    write(args.output, rows)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="mode", required=True)
    a = sub.add_parser("tz")
    a.add_argument("tz_dir")
    a.add_argument("regions")
    a.add_argument("-o", "--output", required=True)
    a.add_argument("--theta", type=float, default=4.0)
    a.add_argument("--report", action="store_true")
    b = sub.add_parser("base")
    b.add_argument("base_dir")
    b.add_argument("-o", "--output", required=True)
    b.add_argument("--by", choices=["province", "region"], default="province")
    args = ap.parse_args()
    tz(args) if args.mode == "tz" else base(args)


if __name__ == "__main__":
    main()
