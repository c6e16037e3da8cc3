#!/usr/bin/python3
"""Reference check: regio's epoch-0 equilibrium against an independent NumPy solver.

    check_reference.py --source SRC --regio EXE --mpiexec MPIEXEC [--numproc-flag -n] [--np 2]
                       --work DIR --variant default|labor-only [--seed 2024] [--rtol R]

1. makes a synthetic geography (tools/synth_regions.py, N = 60 regions in P = 8 provinces,
   fixed seed) in DIR/geo;
2. variant `default`: regio's default economy (3 sectors, capital, land, housing, saving,
   agglomeration, migration) on it; variant `labor-only`: one sector with labor_share 1,
   capital_share 0, consumption_share 1, housing_share 0, saving_rate 0, migration off
   (Armington with labor only); variant `mixed`: sector-specific theta, agglomeration,
   hukou barrier, registered != population, amenities != 1, ... (see MIXED);
3. runs `mpiexec -n NP regio run SCENARIO --epochs 1` into DIR/regio;
4. runs bench/numpy_fixed_point.py (damped fixed point, tol 1e-13) into DIR/numpy.csv;
5. compares population, wage, capital_rent, land_rent, price_index and gdp region by region:
   |a - b| <= tol max(|a|, |b|).

The tolerance follows from both solvers' reported residuals: tol = AMP (||G||_regio +
r_numpy) + FLOOR, where ||G||_regio is regio's final residual norm (solver.csv; log units),
r_numpy the NumPy solver's final max |log(demand/supply)|, AMP = 10 bounds the error
amplification of either residual (measured <= 3.2 on these geographies, by loosening each
solver and at the tolerances used here), and FLOOR = max(10^(1-d), 1e-13) covers the rounding
of regio's CSV printed with d significant digits (d = 15: 1e-14) and the double-precision
round-off of both solvers (differences of ~1e-13 remain when regio reports ||G|| = 0).
With regio's defaults (atol 1e-10) that is at most about 1e-9; in practice 1.1e-12 to
3.7e-11, and the measured worst differences are 2.6e-13 to 6.3e-12.
--rtol R replaces it by a fixed R.

Exit 0 on agreement, 1 on a mismatch (naming the worst region and column) or a failed
run, 77 (CTest SKIP_RETURN_CODE) if python3-numpy or python3-yaml is missing.
"""

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys

COLUMNS = ["population", "wage", "capital_rent", "land_rent", "price_index", "gdp"]
AMP, NUMPY_TOL, ROUNDOFF = 10.0, 1e-13, 1e-13

LABOR_ONLY = """\
# One-sector, labor-only economy without migration (tests/reference, variant labor-only)
regions: regions.csv
decomposition: auto
epochs: 1
start_year: 2020
scale_to_observed_gdp: false
households:
  housing_share: 0
  saving_rate: 0
migration:
  enabled: false
sectors:
  - name: goods
    labor_share: 1
    capital_share: 0
    consumption_share: 1
"""

# Sector-specific theta (three kernels), stronger agglomeration, hukou barrier, a higher
# migration elasticity, low home bias, other trade costs; the CSV gets registered !=
# population and amenities != 1 (see mixed_regions).
MIXED = """\
# Many features at once (tests/reference, variant mixed)
regions: regions_mixed.csv
decomposition: auto
epochs: 1
start_year: 2020
scale_to_observed_gdp: false
capital: {home_bias: 0.3}
migration: {hukou_barrier: 2.5, elasticity: 3}
trade: {border_cost: 2, distance_elasticity: 0.3}
sectors:
  - {name: agriculture, theta: 3, labor_share: 0.5, capital_share: 0.2, consumption_share: 0.1}
  - {name: manufacturing, theta: 8, labor_share: 0.45, capital_share: 0.45, consumption_share: 0.4, agglomeration: 0.1}
  - {name: services, theta: 5, labor_share: 0.6, capital_share: 0.3, consumption_share: 0.5, agglomeration: 0.05}
"""


def mixed_regions(src, dst, seed):
    """Copy of the region CSV with registered = population x U(0.5, 1.5), amenity U(0.7, 1.4)."""
    rnd = random.Random(seed)
    with open(src, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        r["registered"] = "%d" % max(1, round(float(r["population"]) * rnd.uniform(0.5, 1.5)))
        r["amenity"] = "%.4f" % rnd.uniform(0.7, 1.4)
    with open(dst, "w", newline="", encoding="utf-8") as f:
        w = csv.DictWriter(f, fieldnames=list(rows[0].keys()), lineterminator="\n")
        w.writeheader()
        w.writerows(rows)


def significant_digits(text):
    """Significant digits of a printed number ("0.0373442457512572" -> 15)."""
    mant = text.strip().lstrip("+-").lower().split("e")[0].replace(".", "").lstrip("0")
    return len(mant.rstrip("0")) if mant else 1


def run(cmd, what):
    print("$ " + " ".join(cmd), flush=True)
    p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    sys.stdout.write(p.stdout)
    if p.returncode != 0:
        print("FAIL: %s exited with %d" % (what, p.returncode))
        sys.exit(1)
    return p.stdout


def read_rows(path, epoch_col):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if epoch_col:
        rows = [r for r in rows if r["epoch"] == "0"]
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", required=True, help="regio source folder")
    ap.add_argument("--regio", required=True, help="the regio executable")
    ap.add_argument("--mpiexec", required=True)
    ap.add_argument("--numproc-flag", default="-n")
    ap.add_argument("--np", type=int, default=2)
    ap.add_argument("--work", required=True, help="scratch folder (recreated)")
    ap.add_argument("--variant", choices=("default", "labor-only", "mixed"), required=True)
    ap.add_argument("--regions", type=int, default=60)
    ap.add_argument("--provinces", type=int, default=8)
    ap.add_argument("--seed", type=int, default=2024)
    ap.add_argument("--rtol", type=float, default=None, help="fixed relative tolerance (default: from the residuals)")
    args = ap.parse_args()

    try:
        import numpy  # noqa: F401  (needed by bench/numpy_fixed_point.py)
        import yaml  # noqa: F401
    except ImportError as e:
        print("SKIP: %s (apt-get install python3-numpy python3-yaml)" % e)
        return 77

    py = sys.executable
    if os.path.isdir(args.work):
        shutil.rmtree(args.work)
    geo = os.path.join(args.work, "geo")
    synth = [py, os.path.join(args.source, "tools", "synth_regions.py"), "--regions", str(args.regions),
             "--provinces", str(args.provinces), "--seed", str(args.seed), "-o", geo, "--no-network"]
    if args.variant == "labor-only":
        synth.append("--common-productivity")
    run(synth, "tools/synth_regions.py")
    if args.variant == "default":
        scenario = os.path.join(geo, "scenario.yaml")
    else:
        scenario = os.path.join(geo, args.variant.replace("-", "_") + ".yaml")
        with open(scenario, "w", encoding="utf-8") as f:
            f.write(LABOR_ONLY if args.variant == "labor-only" else MIXED)
        if args.variant == "mixed":
            mixed_regions(os.path.join(geo, "regions.csv"), os.path.join(geo, "regions_mixed.csv"), args.seed)

    out = os.path.join(args.work, "regio")
    run([args.mpiexec, args.numproc_flag, str(args.np), args.regio, "run", scenario, "--epochs", "1",
         "--quiet", "--out", out], "regio run")
    with open(os.path.join(out, "run.yaml"), encoding="utf-8") as f:
        status = [line for line in f if line.startswith("status:")]
    if not status or status[-1].split(":", 1)[1].strip() != "complete":
        print("FAIL: regio's run.yaml does not end with status: complete")
        return 1
    solver = read_rows(os.path.join(out, "solver.csv"), True)[0]
    g_regio = float(solver["residual_norm"])

    npcsv = os.path.join(args.work, "numpy.csv")
    summary = os.path.join(args.work, "numpy.json")
    run([py, os.path.join(args.source, "bench", "numpy_fixed_point.py"), scenario, "--regio", args.regio,
         "--tol", repr(NUMPY_TOL), "--out", npcsv, "--summary", summary], "bench/numpy_fixed_point.py")
    with open(summary, encoding="utf-8") as f:
        r_numpy = float(json.load(f)["residual"])

    a = read_rows(os.path.join(out, "regions.csv"), True)
    b = read_rows(npcsv, False)
    digits = max(significant_digits(r[c]) for r in a for c in COLUMNS)
    floor = max(10.0 ** (1 - digits), ROUNDOFF)
    if args.rtol is not None:
        tol, why = args.rtol, "fixed by --rtol"
    else:
        tol = AMP * (g_regio + r_numpy) + floor
        why = "%g x (regio ||G|| %.2e + numpy residual %.2e) + %.0e (round-off; regio prints %d digits)" % (
            AMP, g_regio, r_numpy, floor, digits)
    ids_a, ids_b = [r["region"] for r in a], [r["region"] for r in b]
    if ids_a != ids_b:
        print("FAIL: the two outputs list different regions (%d vs %d rows)" % (len(ids_a), len(ids_b)))
        return 1
    print("\n%-13s %-12s %-22s %-22s %s" % ("column", "worst rel.", "region", "regio", "numpy"))
    bad = []
    for c in COLUMNS:
        worst = (-1.0, None, None, None)
        for ra, rb in zip(a, b):
            x, y = float(ra[c]), float(rb[c])
            scale = max(abs(x), abs(y))
            rel = abs(x - y) / scale if scale > 0 else 0.0
            if rel != rel:  # NaN
                rel = float("inf")
            if rel > worst[0]:
                worst = (rel, ra["region"], ra[c], rb[c])
        print("%-13s %-12.3e %-22s %-22s %s" % (c, worst[0], worst[1], worst[2], worst[3]))
        if worst[0] > tol:
            bad.append((c,) + worst)
    print("tolerance %.3e (%s); regio: %s Newton, %s residual evaluations, %s s"
          % (tol, why, solver["nonlinear_iterations"], solver["residual_evaluations"], solver["seconds"]))
    if bad:
        for c, rel, region, x, y in bad:
            print("FAIL: %s differs by %.3e (> %.3e) in region %s: regio %s, numpy %s" % (c, rel, tol, region, x, y))
        return 1
    print("OK: regio and the NumPy fixed point agree (variant %s, %d regions)" % (args.variant, len(a)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
