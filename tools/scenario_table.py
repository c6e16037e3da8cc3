#!/usr/bin/python3
"""Headline table of the shipped policy scenarios (docs/policies.md) from `regio compare` outputs.

    /usr/bin/python3 tools/scenario_table.py out/scenarios   (after bash tools/run_scenarios.sh)

Reads OUT/compare-<scenario>/national.csv and prints, for the last common epoch, the changes
against the baseline: GDP and real GDP (%), welfare (consumption equivalent, %), Theil of GDP
per capita and of income per capita (after transfers), migrant share and internal trade share
(percentage points).
"""
import csv
import glob
import math
import os
import sys


def main(out):
    rows = []
    for d in sorted(glob.glob(os.path.join(out, "compare-*"))):
        with open(os.path.join(d, "national.csv")) as f:
            last = list(csv.DictReader(f))[-1]
        g = lambda k: float(last[k]) if k in last and last[k] not in ("", "nan") else math.nan
        rows.append((os.path.basename(d)[len("compare-"):], last["year"], g("gdp_pct"), g("real_gdp_pct"),
                     g("welfare_equivalent_pct"), g("theil_diff"), g("theil_income_diff"),
                     100 * g("migrant_share_diff"), 100 * g("internal_trade_share_diff")))
    print("| scenario | year | GDP % | real GDP % | welfare (CE) % | Δ Theil GDP pc | Δ Theil income pc | Δ migrant share pp | Δ internal trade share pp |")
    print("|---|---|---:|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print("| {} | {} | {:+.2f} | {:+.2f} | {:+.2f} | {:+.4f} | {:+.4f} | {:+.2f} | {:+.2f} |".format(*r))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "out/scenarios")
