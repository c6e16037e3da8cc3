#!/usr/bin/python3
"""A base-year folder's trade aggregated to province pairs: the calibration.trade_shares file.

    province_trade_shares.py BASE_DIR [-o SHARES.csv] [--compare TARGET.csv [--tolerance 1e-9]] [--own]

BASE_DIR is what `regio run SCENARIO --export-base BASE_DIR` writes (docs/hat-algebra.md §1):
regions.csv (id, province), trade_shares.csv (π_nis, importer n, exporter i), revenues.csv
(R_is). Each importer's spending X_ns is recovered from the goods markets R_is = Σ_n π_nis X_ns
(one linear solve per sector; any closed economy, with or without saving, capital mobility or
input–output links), and the province shares are

    π_pqs = Σ_{n∈p} X_ns Σ_{i∈q} π_nis / Σ_{n∈p} X_ns

(own shares q = p include the trade between the regions of p). With one region per province they
are the regions' shares. Writes `sector,importer,exporter,share` (province names; every pair,
zeros included), the file calibration.trade_shares reads (docs/frictions.md §5).

--compare TARGET.csv: the largest relative difference over TARGET's positive shares (and any
positive share where TARGET has 0); exit 1 above --tolerance. --own: every province's own share
(spending-weighted over sectors) and per sector, as CSV on stdout.
Python 3 standard library plus numpy (Debian python3-numpy).
"""
import argparse
import csv
import os
import sys

import numpy as np


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def aggregate(base):
    """(provinces, sectors, shares {(s, p, q): π}, spending {(s, p): X})."""
    regions = read(os.path.join(base, "regions.csv"))
    ids = [r["id"] for r in regions]
    index = {r: k for k, r in enumerate(ids)}
    province = [r["province"] for r in regions]
    provinces = list(dict.fromkeys(province))
    sectors = list(dict.fromkeys(r["sector"] for r in read(os.path.join(base, "revenues.csv"))))
    n = len(ids)
    pi = {s: np.zeros((n, n)) for s in sectors}
    for r in read(os.path.join(base, "trade_shares.csv")):
        pi[r["sector"]][index[r["importer"]], index[r["exporter"]]] = float(r["share"])
    revenue = {s: np.zeros(n) for s in sectors}
    for r in read(os.path.join(base, "revenues.csv")):
        revenue[r["sector"]][index[r["region"]]] = float(r["revenue"])
    shares, spending = {}, {}
    member = {p: [k for k in range(n) if province[k] == p] for p in provinces}
    for s in sectors:
        X = np.linalg.solve(pi[s].T, revenue[s])  # R_i = Σ_n π_ni X_n
        for p in provinces:
            rows = member[p]
            flows = {q: sum(X[k] * pi[s][k, member[q]].sum() for k in rows) for q in provinces}
            total = sum(flows.values())
            spending[(s, p)] = total
            for q in provinces:
                shares[(s, p, q)] = flows[q] / total
    return provinces, sectors, shares, spending


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("base")
    ap.add_argument("-o", "--out")
    ap.add_argument("--compare")
    ap.add_argument("--tolerance", type=float, default=1e-9)
    ap.add_argument("--own", action="store_true")
    a = ap.parse_args()
    provinces, sectors, shares, spending = aggregate(a.base)
    if a.out:
        with open(a.out, "w", encoding="utf-8", newline="") as f:
            w = csv.writer(f, lineterminator="\n")
            w.writerow(["sector", "importer", "exporter", "share"])
            for s in sectors:
                for p in provinces:
                    for q in provinces:
                        w.writerow([s, p, q, repr(float(shares[(s, p, q)]))])
    if a.own:
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["province", "own_share"] + [f"own_share_{s}" for s in sectors])
        for p in provinces:
            total = sum(spending[(s, p)] for s in sectors)
            own = sum(spending[(s, p)] * shares[(s, p, p)] for s in sectors) / total
            w.writerow([p, f"{own:.6f}"] + [f"{shares[(s, p, p)]:.6f}" for s in sectors])
    if a.compare:
        worst, where = 0.0, "no shares"
        for r in read(a.compare):
            key = (r["sector"], r["importer"], r["exporter"])
            want, got = float(r["share"]), float(shares[key])
            d = abs(got / want - 1) if want > 0 else (float("inf") if got > 0 else 0.0)
            if d >= worst:
                worst, where = d, f"{key[1]} from {key[2]} ({key[0]}): {got!r} against {want!r}"
        print(f"province trade shares of {a.base} against {a.compare}: largest relative difference {worst:.3g} "
              f"({where})")
        if not worst <= a.tolerance:
            sys.exit(1)


if __name__ == "__main__":
    main()
