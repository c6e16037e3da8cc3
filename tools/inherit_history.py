#!/usr/bin/python3
"""A finer geography's history baseline inherits its province's estimates (MODEL.md §14, issue 21;
docs/baseline-history.md "Prefectures and counties").

    /usr/bin/python3 tools/inherit_history.py FINE_DIR [--provinces inputs/china31/history-2020]

Reads FINE_DIR/regions.csv (the unit's observed 2020 data) and the province forecast's start
(PROVINCES/regions_forecast.csv, written by `regio calibrate --history`), and writes
FINE_DIR/regions_history.csv: every unit with its province's
- productivity_drift and amenity_drift (the province effects α_i of log Ā and log B),
- natural_growth (the province's 2015–2019 mean),
- capital_friction and capital_friction_drift (the province's projected investment wedge ζ_i),
- capital_rent_lagged (the province's calibrated capital rent of 2019, r̄),
and its GDP and capital scaled, province by province, so that they add up to the province's
forecast start (Hubei's 2020 GDP is imputed there: docs/forecast-protocol.md, change 2; elsewhere
the factors are 1 up to rounding of the source data). Population and registered population stay the
unit's census figures. The national parameters (trend g, convergence β_A and β_B, saving rate,
home bias, conversion ρ, input–output sectors) come with the scenario, which bases on
PROVINCES/forecast.yaml (FINE_DIR/history-calibration.yaml); `regio calibrate` on it then inverts
the units' Ā and B (and the province migration-cost scales) so that epoch 0 reproduces the data.

With one ζ_i and one r̄ per province, the capital market's weight of a province, Σ_units K (r̄/ζ)^ν,
is the province's K (r̄/ζ)^ν: the provinces' shares of pooled saving are the province model's.
"""
import argparse
import csv
import os
import sys

INHERITED = ["productivity_drift", "amenity_drift", "natural_growth", "capital_friction", "capital_friction_drift",
             "capital_rent_lagged"]


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("fine", help="folder of the finer geography (regions.csv)")
    ap.add_argument("--provinces", default="inputs/china31/history-2020",
                    help="folder of the province forecast (regions_forecast.csv)")
    a = ap.parse_args()
    prov = {r["province"]: r for r in read(os.path.join(a.provinces, "regions_forecast.csv"))}
    units = read(os.path.join(a.fine, "regions.csv"))
    totals = {}
    for u in units:
        if u["province"] not in prov:
            sys.exit(f"{a.fine}/regions.csv: unit {u['id']} is in province '{u['province']}', which "
                     f"{a.provinces}/regions_forecast.csv does not have")
        t = totals.setdefault(u["province"], [0.0, 0.0])
        t[0] += float(u["gdp"])
        t[1] += float(u["capital"])
    missing = sorted(set(prov) - set(totals))
    if missing:
        sys.exit(f"{a.fine}/regions.csv: no unit of province(s) {', '.join(missing)}")
    fields = list(units[0].keys()) + INHERITED
    out = os.path.join(a.fine, "regions_history.csv")
    largest = {}
    with open(out, "w", encoding="utf-8", newline="") as f:
        w = csv.DictWriter(f, fieldnames=fields, lineterminator="\n")
        w.writeheader()
        for u in units:
            p = prov[u["province"]]
            gdp_f = float(p["gdp"]) / totals[u["province"]][0]
            cap_f = float(p["capital"]) / totals[u["province"]][1]
            largest[u["province"]] = (gdp_f, cap_f)
            row = dict(u)
            row["gdp"] = repr(float(u["gdp"]) * gdp_f)
            row["capital"] = repr(float(u["capital"]) * cap_f)
            for c in INHERITED:
                row[c] = p[c]
            w.writerow(row)
    far = {k: v for k, v in largest.items() if abs(v[0] - 1) > 1e-4 or abs(v[1] - 1) > 1e-4}
    print(f"wrote {out}: {len(units)} units in {len(totals)} provinces")
    for k, (g, c) in sorted(far.items()):
        print(f"  {k}: GDP x {g:.6f}, capital x {c:.6f} (to the province forecast's start)")


if __name__ == "__main__":
    main()
