#!/usr/bin/env python3
"""Does a run reproduce the census's migrants, province by province? (CTest census_totals_*)

    check_census_totals.py RUN CENSUS.csv [--epoch 0] [--tolerance 1e-8]

RUN is a regio output folder, CENSUS.csv a calibration.migrants file (id, within_province,
other_province: residents registered in another unit of the same province, in another
province). For every province p at the epoch, the run's residents registered in another
province are the column sum of migration.csv (origin ≠ p, destination p), and those registered
in another of p's units its units' migrants_in (regions.csv) less that sum. Prints both against
the census and exits 1 if a relative difference exceeds the tolerance (provinces of one unit
have no within-province migrants: 0 in both).
"""
import argparse
import csv
import os
import sys


def read(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("run")
    ap.add_argument("census")
    ap.add_argument("--epoch", default="0")
    ap.add_argument("--tolerance", type=float, default=1e-8)
    a = ap.parse_args()
    rows = [r for r in read(os.path.join(a.run, "regions.csv")) if r["epoch"] == a.epoch]
    province = {r["region"]: r["province"] for r in rows}
    order = list(dict.fromkeys(r["province"] for r in rows))
    census = {p: [0.0, 0.0] for p in order}
    for r in read(a.census):
        census[province[r["id"]]][0] += float(r["within_province"])
        census[province[r["id"]]][1] += float(r["other_province"])
    model = {p: [0.0, 0.0] for p in order}
    units = {p: 0 for p in order}
    for r in rows:
        model[r["province"]][0] += float(r["migrants_in"])
        units[r["province"]] += 1
    for r in read(os.path.join(a.run, "migration.csv")):
        if r["epoch"] == a.epoch:
            model[r["destination"]][1] += float(r["migrants"])
    worst, where = 0.0, ""
    pop = sum(float(r["population"]) for r in rows)
    print(f"{'province':<16}{'within: run':>16}{'census':>14}{'between: run':>16}{'census':>14}")
    for p in order:
        model[p][0] = model[p][0] - model[p][1] if units[p] > 1 else 0.0
        print(f"{p:<16}{model[p][0]:>16.1f}{census[p][0]:>14.0f}{model[p][1]:>16.1f}{census[p][1]:>14.0f}")
        for k, what in ((0, "within"), (1, "between")):
            if census[p][k] == 0 and units[p] == 1 and k == 0:
                continue
            d = abs(model[p][k] / census[p][k] - 1)
            if d >= worst:
                worst, where = d, f"{p} {what}"
    w = sum(v[0] for v in model.values()) / pop
    x = sum(v[1] for v in model.values()) / pop
    print(f"migrant share {w + x:.4%} (census {sum(v[0] + v[1] for v in census.values()) / pop:.4%}), "
          f"inter-provincial {x:.4%} (census {sum(v[1] for v in census.values()) / pop:.4%})")
    print(f"largest relative difference {worst:.3g} ({where}); tolerance {a.tolerance:g}")
    sys.exit(0 if worst <= a.tolerance else 1)


if __name__ == "__main__":
    main()
