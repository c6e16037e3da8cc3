#!/usr/bin/python3
"""Check that regional inequality falls along a run: the population-weighted Theil index of GDP
per capita, computed here from the run's regions.csv (Σ g_i ln(g_i/p_i), g and p the regions'
shares of GDP and population), is lower in the last epoch than in the first, and agrees with
aggregates.csv's `theil` in both (1e-9). The CTest default_baseline_theil_falls runs it on the
default baseline (inputs/china31/baseline-history.yaml, docs/baseline-history.md).

    /usr/bin/python3 tools/check_theil_path.py OUT_DIR
"""
import csv
import math
import sys


def theil(rows):
    L = sum(float(r["population"]) for r in rows)
    Y = sum(float(r["gdp"]) for r in rows)
    t = 0.0
    for r in rows:
        g, p = float(r["gdp"]) / Y, float(r["population"]) / L
        t += g * math.log(g / p)
    return t


def main(out):
    by_epoch = {}
    with open(f"{out}/regions.csv") as f:
        for r in csv.DictReader(f):
            by_epoch.setdefault(int(r["epoch"]), []).append(r)
    with open(f"{out}/aggregates.csv") as f:
        agg = {int(r["epoch"]): float(r["theil"]) for r in csv.DictReader(f)}
    first, last = min(by_epoch), max(by_epoch)
    if last == first:
        sys.exit(f"{out}: one epoch only; the path needs two")
    t0, t1 = theil(by_epoch[first]), theil(by_epoch[last])
    for e, t in ((first, t0), (last, t1)):
        if abs(t - agg[e]) > 1e-9 * max(1.0, abs(t)):
            sys.exit(f"{out}: Theil of epoch {e} from regions.csv {t:.12g} differs from aggregates.csv's {agg[e]:.12g}")
    print(f"Theil of GDP per capita: epoch {first} {t0:.4f} -> epoch {last} {t1:.4f} ({t1 - t0:+.4f})")
    if not t1 < t0:
        sys.exit(f"{out}: regional inequality does not fall ({t0:.4f} -> {t1:.4f})")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
