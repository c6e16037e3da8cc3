#!/usr/bin/python3
"""Check that a finer geography's history baseline follows its provinces' paths (tools/inherit_history.py,
docs/baseline-history.md "Prefectures and counties"):

1. every unit of FINE_DIR/regions_calibrated_history.csv carries its province's drifts, natural
   growth, wedge and lagged rent of PROVINCES/regions_forecast.csv exactly;
2. RUN_ON (the baseline, epoch 0): each province's units' GDP adds up to the province forecast's
   start (rtol 1e-8; their population is the 2020 census's, the province's the year-end estimate);
3. RUN_OFF (the baseline with migration.enabled: false, two epochs): each province's population
   grows from epoch 0 to 1 by exactly its natural growth, (Σ L_1)/(Σ R_0) = 1 + n_p (rtol 1e-12).

    /usr/bin/python3 tools/check_inherited_history.py FINE_DIR RUN_ON RUN_OFF [PROVINCES]
"""
import csv
import sys

COLS = ["productivity_drift", "amenity_drift", "natural_growth", "capital_friction", "capital_friction_drift",
        "capital_rent_lagged"]


def read(path):
    with open(path, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def close(a, b, rtol):
    return abs(a - b) <= rtol * max(abs(a), abs(b))


def main(fine, run_on, run_off, provinces="inputs/china31/history-2020"):
    prov = {r["province"]: r for r in read(f"{provinces}/regions_forecast.csv")}
    units = read(f"{fine}/regions_calibrated_history.csv")
    unit_province = {u["id"]: u["province"] for u in units}
    bad = []
    for u in units:
        for c in COLS:
            if float(u[c]) != float(prov[u["province"]][c]):
                bad.append(f"unit {u['id']} ({u['province']}): {c} {u[c]} != the province's {prov[u['province']][c]}")
    sums = {}
    for r in read(f"{run_on}/regions.csv"):
        if int(r["epoch"]) == 0:
            sums[unit_province[r["region"]]] = sums.get(unit_province[r["region"]], 0.0) + float(r["gdp"])
    for p, Y in sums.items():
        if not close(Y, float(prov[p]["gdp"]), 1e-8):
            bad.append(f"{p}: epoch 0 adds up to GDP {Y:.10g}; the province's start has {prov[p]['gdp']}")
    R0, L1 = {}, {}
    for r in read(f"{run_off}/regions.csv"):
        p, e = unit_province[r["region"]], int(r["epoch"])
        if e == 0:
            R0[p] = R0.get(p, 0.0) + float(r["registered"])
        elif e == 1:
            L1[p] = L1.get(p, 0.0) + float(r["population"])
    for p in prov:
        growth = L1[p] / R0[p] - 1
        if not close(1 + growth, 1 + float(prov[p]["natural_growth"]), 1e-12):
            bad.append(f"{p}: population grows {growth:.15g} without migration; its natural growth is "
                       f"{prov[p]['natural_growth']}")
    if bad:
        sys.exit(f"{fine}: the history baseline does not follow its provinces:\n  " + "\n  ".join(bad[:20]))
    print(f"{fine}: {len(units)} units follow their {len(prov)} provinces (drifts, wedges, epoch-0 GDP, "
          "natural growth)")


if __name__ == "__main__":
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    main(*sys.argv[1:])
