#!/usr/bin/env python3
"""`regio calibrate --history` (MODEL.md §14): nothing after T is read, and the same at any rank count.

    check_history_calibration.py REGIO NP OUT [--until 2010] [--reference DIR]
                                 [--scenario FILE] [--impute-year CODE:YEAR]

With --until 2020 --scenario inputs/china31/history-calibration-2020.yaml --impute-year
420000:2020 it checks the default baseline's calibration (docs/baseline-history.md): the
post-sample file (2021–2022) and any panel row after 2020 corrupted; the censuses, all of them
in the sample, kept.

1. Calibrates China-31 for every year of 2000..2010 from inputs/china31-history (`OUT/clean`) with
   inputs/china31-2010/history-calibration.yaml, the validation's scenario.
2. Copies the history folder with every post-T field of panel.csv replaced by garbage, the
   post-sample file and census columns of later censuses overwritten too, and calibrates
   again (`OUT/dirty`): every output file must be byte-identical.
3. Runs the forecast scenario it wrote (forecast.yaml, regions_forecast.csv) for two epochs.
4. With --reference (a run at another rank count), history.csv (with the wedges), trends.csv and
   province_effects.csv agree to 1e-9.
Exits 1 on any difference.
"""
import argparse
import csv
import filecmp
import os
import shutil
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def corrupt(src, dst, until):
    shutil.copytree(src, dst)
    with open(os.path.join(src, "panel.csv"), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    head = rows[0]
    keep = {head.index("code"), head.index("year"), head.index("name_en")}
    with open(os.path.join(dst, "panel.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(head)
        for r in rows[1:]:
            if int(r[head.index("year")]) > until:
                r = [v if i in keep else "nan" for i, v in enumerate(r)]
                w.writerow(r)  # twice: a duplicate after T must go unnoticed too
            w.writerow(r)
    later_census = until < 2020  # the 2020 census and its migration estimates come after T
    for name in ("panel_2021_2022_post_sample.csv",) + (("census.csv", "migration_od_estimated.csv")
                                                        if later_census else ()):
        with open(os.path.join(dst, name), "w", encoding="utf-8") as f:
            f.write("garbage\n")


def calibrate(a, history, out):
    cmd = [os.environ.get("MPIEXEC", "mpirun"), "-np", a.np, a.regio, "calibrate", os.path.join(ROOT, a.scenario),
           "--history", history, "--until", str(a.until), "--out", out]
    if a.impute_year:
        cmd += ["--impute-year", a.impute_year]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"failed ({p.returncode}): {' '.join(cmd)}\n{p.stdout}\n{p.stderr}")
    return p.stdout


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("regio")
    ap.add_argument("np")
    ap.add_argument("out")
    ap.add_argument("--until", type=int, default=2010)
    ap.add_argument("--reference")
    ap.add_argument("--scenario", default="inputs/china31-2010/history-calibration.yaml")
    ap.add_argument("--impute-year")
    a = ap.parse_args()
    shutil.rmtree(a.out, ignore_errors=True)
    os.makedirs(a.out)
    clean, dirty = os.path.join(a.out, "clean"), os.path.join(a.out, "dirty")
    print(calibrate(a, os.path.join(ROOT, "inputs/china31-history"), clean).splitlines()[-1])
    corrupt(os.path.join(ROOT, "inputs/china31-history"), os.path.join(a.out, "history-corrupted"), a.until)
    calibrate(a, os.path.join(a.out, "history-corrupted"), dirty)
    files = sorted(os.listdir(clean))
    match, mismatch, errors = filecmp.cmpfiles(clean, dirty, files, shallow=False)
    if mismatch or errors or len(files) < 16:
        sys.exit(f"post-{a.until} data changed the calibration: {mismatch + errors} ({len(files)} files)")
    print(f"guard: {len(match)} files byte-identical with every post-{a.until} number corrupted")
    # The forecast scenario it wrote runs (two epochs here; docs/forecast-protocol.md §4).
    run_dir = os.path.join(a.out, "forecast-run")
    p = subprocess.run([os.environ.get("MPIEXEC", "mpirun"), "-np", a.np, a.regio, "run",
                        os.path.join(clean, "forecast.yaml"), "--epochs", "2", "--out", run_dir, "--quiet"],
                       capture_output=True, text=True)
    with open(os.path.join(run_dir, "run.yaml"), encoding="utf-8") as f:
        if p.returncode != 0 or not f.read().rstrip().endswith("status: complete"):
            sys.exit(f"the forecast scenario did not run: {p.stdout}\n{p.stderr}")
    print("forecast.yaml runs")
    if a.reference:
        worst = 0.0
        with open(os.path.join(clean, "history.csv"), encoding="utf-8") as f1, \
                open(os.path.join(a.reference, "clean", "history.csv"), encoding="utf-8") as f2:
            for r1, r2 in zip(csv.DictReader(f1), csv.DictReader(f2)):
                for k in ("gdp", "capital", "registered", "log_productivity", "log_amenity", "capital_rent",
                          "pooled_weight", "log_wedge"):
                    if r1[k] == r2[k] == "":
                        continue  # the first year's wedge
                    x, y = float(r1[k]), float(r2[k])
                    worst = max(worst, abs(x - y) / max(1.0, abs(x), abs(y)))
        for name, keys in (("trends.csv", ("value",)),
                           ("province_effects.csv", ("log_productivity_effect", "log_amenity_effect",
                                                     "log_wedge_projected", "log_wedge_drift"))):
            with open(os.path.join(clean, name), encoding="utf-8") as f1, \
                    open(os.path.join(a.reference, "clean", name), encoding="utf-8") as f2:
                for r1, r2 in zip(csv.DictReader(f1), csv.DictReader(f2)):
                    for k in keys:  # differences of levels: absolute, against the scale of the level
                        worst = max(worst, abs(float(r1[k]) - float(r2[k])) / max(1.0, abs(float(r1[k]))))
        print(f"against {a.reference}: largest relative difference {worst:.1e}")
        if worst > 1e-9:
            sys.exit(1)


if __name__ == "__main__":
    main()
