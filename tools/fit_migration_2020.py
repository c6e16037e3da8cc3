#!/usr/bin/python3
"""Fit regio's inter-provincial migration cost b_m to the 2020 census.

The default migration costs (docs/calibration-costs.md) were fitted to Tombe &
Zhu's 2000 data: mu_0 * b_m = 24.3.  Migration has roughly tripled since, so
they overstate 2020 frictions.  The 2020 census counts the residents of each
province whose hukou is registered in another province
(`hukou_in_other_province_census2020` of
../shared/data/china-provinces/province_census_2010_2020.csv); their share of
the national population is the target.

For a trial b_m (mu_0 = migration.moving_cost and phi_m = migration.
distance_elasticity are kept at the calibration scenario's values, i.e. regio's
defaults):
    1. `regio calibrate inputs/china31/calibration.yaml` with migration.border_cost
       = b_m (inverts productivity and amenities so that epoch 0 reproduces the
       2020 populations and GDP);
    2. `regio run` of the calibrated CSV for 1 epoch (epoch 0 = 2020);
    3. aggregates.csv `interprovincial_migrant_share`.
The share falls as b_m rises.  The root of log(share) = log(target) in log b_m is
bracketed (steps of a factor 2 from the current value) and found by regula
falsi (Illinois variant); the result is rounded to 3 significant digits and
written, with a provenance header, to inputs/china31/migration_2020.yaml.

Check (not a target): destination-side in-migrants by province, model
`migrants_in` (at province level every migrant is inter-provincial) against the
census column, at the rounded b_m.  Note that inputs/china31/regions.csv sets
registered = population (hukou origins are unknown), so in the calibrated model
every province sends out as many people as it receives.

Deterministic (fixed rank count, no randomness); about 10 s on 2 cores.

Usage:
    /usr/bin/python3 tools/fit_migration_2020.py [--ranks 2] [--binary build/regio]
        [--scenario inputs/china31/calibration.yaml]
        [--census ../shared/data/china-provinces/province_census_2010_2020.csv]
        [--out-yaml inputs/china31/migration_2020.yaml] [--no-write] [--keep DIR]
"""

import argparse
import csv
import math
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import regio_driver as rd  # noqa: E402

REPO = rd.REPO
DEFAULT_SCENARIO = os.path.join(REPO, "inputs", "china31", "calibration.yaml")
DEFAULT_CENSUS = os.path.normpath(os.path.join(
    REPO, "..", "shared", "data", "china-provinces", "province_census_2010_2020.csv"))
DEFAULT_OUT = os.path.join(REPO, "inputs", "china31", "migration_2020.yaml")
CENSUS_COLUMN = "hukou_in_other_province_census2020"

FTOL = 1e-9        # |log share - log target| at the root (before rounding)
XTOL = 1e-10       # bracket width in log b_m
MAX_ITER = 60


def sig3(x):
    """Round to 3 significant digits."""
    return float(f"{x:.3g}")


def fmt_sig3(x):
    s = f"{x:.3g}"
    if "e" in s:
        s = f"{sig3(x):f}".rstrip("0").rstrip(".")
    return s


def read_census(path):
    """{code: row dict} of the province census table (string values)."""
    with open(path, newline="", encoding="utf-8") as f:
        return {r["code"]: r for r in csv.DictReader(f)}


def census_target(census, population_column="pop_census2020", migrant_column=CENSUS_COLUMN):
    mig = sum(float(r[migrant_column]) for r in census.values())
    pop = sum(float(r[population_column]) for r in census.values())
    return mig / pop, mig, pop


def pearson(x, y):
    n = len(x)
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    return sxy / math.sqrt(sxx * syy)


class Evaluator:
    """share(b_m): calibrate + 1-epoch run, cached; keeps the epoch-0 rows."""

    def __init__(self, drv, base, workdir):
        self.drv, self.base, self.workdir = drv, base, workdir
        self.cache = {}
        self.log = []  # (b_m, share) in evaluation order

    def __call__(self, b):
        key = repr(float(b))
        if key in self.cache:
            return self.cache[key][0]
        d = os.path.join(self.workdir, f"b{len(self.cache):02d}")
        os.makedirs(d, exist_ok=True)
        sc = rd.set_param(self.base, "migration.border_cost", float(b))
        cal = os.path.join(d, "calibrated.csv")
        self.drv.calibrate(sc, cal, workdir=d)
        sc_run = dict(sc, regions=cal)
        agg, reg = self.drv.run(sc_run, os.path.join(d, "out"), epochs=1, workdir=d)
        share = float(agg[0]["interprovincial_migrant_share"])
        self.cache[key] = (share, [r for r in reg if r["epoch"] == "0"], cal)
        self.log.append((float(b), share))
        return share

    def regions(self, b):
        self(b)
        return self.cache[repr(float(b))][1]

    def calibrated_csv(self, b):
        self(b)
        return self.cache[repr(float(b))][2]


def fit(ev, target, b_start):
    """Root of log share(b) = log target in x = log b (share decreasing in b)."""
    lt = math.log(target)

    def f(x):
        return math.log(ev(math.exp(x))) - lt

    x0 = math.log(b_start)
    f0 = f(x0)
    step = math.log(2.0)
    if f0 > 0:  # too many migrants: raise b
        xa, fa = x0, f0
        xb = x0 + step
        fb = f(xb)
        while fb > 0:
            xa, fa = xb, fb
            xb += step
            if xb > math.log(1e6):
                raise SystemExit("no b_m <= 1e6 brings the share down to the target")
            fb = f(xb)
    else:  # too few migrants: lower b towards its bound 1
        xb, fb = x0, f0
        xa = max(x0 - step, 0.0)
        fa = f(xa)
        while fa < 0:
            if xa == 0.0:
                raise SystemExit(
                    f"even b_m = 1 gives a share of {ev(1.0):.4%} < target {target:.4%}: "
                    "not attainable with mu_0 and phi_m fixed")
            xb, fb = xa, fa
            xa = max(xa - step, 0.0)
            fa = f(xa)
    # Now fa > 0 >= fb with xa < xb.  Illinois regula falsi.
    side = 0
    x = xa
    for _ in range(MAX_ITER):
        x = xb - fb * (xb - xa) / (fb - fa)
        fx = f(x)
        if abs(fx) < FTOL or abs(xb - xa) < XTOL:
            break
        if fx > 0:
            xa, fa = x, fx
            if side == -1:
                fb *= 0.5
            side = -1
        else:
            xb, fb = x, fx
            if side == +1:
                fa *= 0.5
            side = +1
    return math.exp(x)


def destination_check(census, rows, migrant_column=CENSUS_COLUMN):
    """Rows of (code, name, data, model) and Pearson correlations (levels, logs)."""
    out = []
    for r in rows:
        c = census[r["region"]]
        out.append((r["region"], r["province"], float(c[migrant_column]),
                    float(r["migrants_in"]), float(r["population"])))
    data = [o[2] for o in out]
    model = [o[3] for o in out]
    corr = pearson(data, model)
    corr_log = pearson([math.log(v) for v in data], [math.log(v) for v in model])
    corr_rate = pearson([o[2] / o[4] for o in out], [o[3] / o[4] for o in out])
    return out, corr, corr_log, corr_rate


def destination_table_md(table, n=10):
    top = sorted(table, key=lambda o: -o[2])[:n]
    tot_d = sum(o[2] for o in table)
    tot_m = sum(o[3] for o in table)
    lines = ["| province | census 2020 (M) | share of all | model (M) | share of all | model / census |",
             "|---|---:|---:|---:|---:|---:|"]
    for o in top:
        lines.append(f"| {o[1]} | {o[2] / 1e6:.2f} | {o[2] / tot_d:.1%} | {o[3] / 1e6:.2f} | "
                     f"{o[3] / tot_m:.1%} | {o[3] / o[2]:.2f} |")
    lines.append(f"| **all 31** | {tot_d / 1e6:.2f} | 100% | {tot_m / 1e6:.2f} | 100% | "
                 f"{tot_m / tot_d:.2f} |")
    return "\n".join(lines)


def yaml_text(b, target, mig, pop, share, b_default, census_path, scenario_path):
    rel = os.path.relpath
    return f"""\
# Inter-provincial migration cost re-fitted to the 2020 census by tools/fit_migration_2020.py
# (docs/validation.md).  Target: the share of residents whose hukou is in another province,
# {CENSUS_COLUMN} / pop_census2020 of
# ../shared/data/china-provinces/{os.path.basename(census_path)}:
# {mig:,.0f} / {pop:,.0f} = {target:.4%}.
# Method: for each trial b_m, `regio calibrate {rel(scenario_path, REPO)}` (amenities matched to
# 2020 populations) with migration.border_cost = b_m, then a 1-epoch `regio run`; root of
# aggregates.csv interprovincial_migrant_share = target by regula falsi in log b_m.
# mu_0 (moving_cost) and phi_m (distance_elasticity) kept at regio's defaults; b_m replaces
# the Tombe & Zhu (2000) value {b_default:g} (mu_0*b_m = 24.3, docs/calibration-costs.md).
# Rounded to 3 significant digits: model share at this value {share:.4%}.
# Regenerate with: /usr/bin/python3 tools/fit_migration_2020.py
migration:
  border_cost: {fmt_sig3(b)}
"""


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ranks", type=int, default=2)
    ap.add_argument("--binary", default=None, help="regio binary (default build/regio or $REGIO)")
    ap.add_argument("--scenario", default=DEFAULT_SCENARIO)
    ap.add_argument("--census", default=DEFAULT_CENSUS)
    ap.add_argument("--out-yaml", default=DEFAULT_OUT)
    ap.add_argument("--no-write", action="store_true", help="do not write the YAML")
    ap.add_argument("--keep", default=None, help="keep the work files in this folder")
    args = ap.parse_args(argv)

    drv = rd.Regio(ranks=args.ranks, binary=args.binary)
    base = rd.load_scenario(args.scenario)
    defaults = drv.defaults()
    b_default = float(base.get("migration", {}).get("border_cost",
                                                    defaults["migration"]["border_cost"]))
    mu0 = float(base.get("migration", {}).get("moving_cost", defaults["migration"]["moving_cost"]))

    census = read_census(args.census)
    target, mig, pop = census_target(census)
    regions = rd.read_csv(base["regions"])
    pop_csv = sum(float(r["population"]) for r in regions)
    if abs(pop_csv - pop) > 0.5 or {r["id"] for r in regions} != set(census):
        raise SystemExit(f"{base['regions']} and {args.census} disagree on provinces or population")

    print(f"{drv.version()} | {args.ranks} ranks | scenario {os.path.relpath(args.scenario)}")
    print(f"target: {CENSUS_COLUMN} {mig:,.0f} / population {pop:,.0f} = {target:.6%}")

    work = args.keep or tempfile.mkdtemp(prefix="fit_migration_2020.")
    os.makedirs(work, exist_ok=True)
    try:
        ev = Evaluator(drv, base, work)
        b = fit(ev, target, b_default)
        b3 = sig3(b)
        share3 = ev(b3)
        for i, (bb, s) in enumerate(ev.log):
            print(f"  eval {i:2d}: b_m = {bb:.10g}  share = {s:.8%}")
        print(f"root: b_m = {b:.6g} (mu_0*b_m = {mu0 * b:.4g}); rounded b_m = {fmt_sig3(b3)} "
              f"gives share {share3:.4%} (target {target:.4%}); "
              f"default b_m = {b_default:g} gives {ev(b_default):.4%}")
        table, corr, corr_log, corr_rate = destination_check(census, ev.regions(b3))
        print(f"\ndestination check at b_m = {fmt_sig3(b3)}: correlation of in-migrants by "
              f"province, census vs model: levels {corr:.3f}, logs {corr_log:.3f}, "
              f"per resident {corr_rate:.3f}")
        print(destination_table_md(table))
        if not args.no_write:
            text = yaml_text(b3, target, mig, pop, share3, b_default, args.census, args.scenario)
            with open(args.out_yaml, "w", encoding="utf-8") as f:
                f.write(text)
            print(f"\nwrote {os.path.relpath(args.out_yaml)}")
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
