#!/usr/bin/python3
"""The inter-provincial migration cost b_m of the history-based baseline from T (docs/forecast-protocol.md,
change 1 after the first comparison): the b_m at which epoch 0 of the forecast `regio calibrate --history --until T` writes
has the census's share of residents registered in another province, with the registered
populations of the history panel (the census's own origins), not registered = residents. For
T = 2020 with Hubei's COVID 2020 imputed (--impute-year 420000:2020, change 2).

    /usr/bin/python3 tools/fit_migration_history.py [--until 2020] [--ranks 2] [--work DIR]

Regula falsi (Illinois) in log b_m between 3.19 and 13.7 to |share − target| < 1e-7; prints b_m
to three significant digits, the value `inputs/china31/history-calibration-2020.yaml` carries.
The 2020 target is the census's 124,837,153 of 1,409,778,724 residents (8.855 %).
"""
import argparse
import csv
import math
import os
import tempfile

import regio_driver as rd

TARGET = {2020: 124837153 / 1409778724}  # the T = 2010 forecast keeps amendment 4's 7.89
# Abnormal years imputed from the year before (docs/forecast-protocol.md, change 2): Hubei's COVID 2020.
IMPUTE = {2020: ["420000:2020"]}


def share(drv, until, b, work):
    d = os.path.join(work, f"b{b:.9g}")
    os.makedirs(d, exist_ok=True)
    y = os.path.join(d, "s.yaml")
    with open(y, "w", encoding="utf-8") as f:
        f.write(f"base: {os.path.join(rd.REPO, 'inputs/china31/calibration-io.yaml')}\n"
                f"migration:\n  border_cost: {b!r}\n")
    drv._mpirun(["calibrate", y, "--history", os.path.join(rd.REPO, "inputs/china31-history"), "--until",
                 str(until), "--out", os.path.join(d, "h")] +
                [x for spec in IMPUTE.get(until, []) for x in ("--impute-year", spec)])
    drv._mpirun(["run", os.path.join(d, "h", "forecast.yaml"), "--epochs", "1", "--out", os.path.join(d, "r"),
                 "--quiet"])
    with open(os.path.join(d, "r", "aggregates.csv"), encoding="utf-8") as f:
        return float(next(csv.DictReader(f))["interprovincial_migrant_share"])


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--until", type=int, default=2020, choices=sorted(TARGET))
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--work", default=None)
    a = ap.parse_args()
    drv = rd.Regio(ranks=a.ranks)
    work = a.work or tempfile.mkdtemp(prefix="fit_migration_history.")
    target = TARGET[a.until]
    lo, hi = 3.19, 13.7
    flo, fhi = share(drv, a.until, lo, work) - target, share(drv, a.until, hi, work) - target
    x = lo
    for _ in range(60):
        x = math.exp((math.log(lo) * fhi - math.log(hi) * flo) / (fhi - flo))
        fx = share(drv, a.until, x, work) - target
        print(f"b_m {x:.9g}: share - target {fx:+.3e}")
        if abs(fx) < 1e-7:
            break
        if fx > 0:
            lo, flo, fhi = x, fx, fhi / 2
        else:
            hi, fhi, flo = x, fx, flo / 2
    print(f"b_m = {float(f'{x:.3g}'):g} (census {a.until}: {target:.4%})")


if __name__ == "__main__":
    main()
