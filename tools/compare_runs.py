#!/usr/bin/python3
"""Compare two regio output folders number by number.

Used by CTest to show that results do not depend on the number of ranks or on the
decomposition (MODEL.md §8), and handy for users who change solver options:

    /usr/bin/python3 tools/compare_runs.py out/np1 out/np4 --rtol 1e-9

Checks that both runs finished (run.yaml ends with `status: complete`), that regions.csv and
aggregates.csv have the same columns and rows, and that every number agrees to
|a - b| <= rtol * max(|a|, |b|) + atol. Prints the worst difference per file; exit 1 on mismatch.
"""
import argparse
import csv
import math
import os
import sys


def read_status(folder):
    path = os.path.join(folder, "run.yaml")
    if not os.path.exists(path):
        return None
    status = None
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line.startswith("status:"):
                status = line.split(":", 1)[1].strip()
    return status


def read_csv(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    return rows[0], rows[1:]


def compare_file(a_dir, b_dir, name, rtol, atol):
    ha, ra = read_csv(os.path.join(a_dir, name))
    hb, rb = read_csv(os.path.join(b_dir, name))
    problems = []
    if ha != hb:
        return [f"{name}: columns differ: {ha} vs {hb}"], 0.0
    if len(ra) != len(rb):
        return [f"{name}: {len(ra)} rows vs {len(rb)} rows"], 0.0
    worst = (0.0, "")
    for i, (x, y) in enumerate(zip(ra, rb)):
        for col, u, v in zip(ha, x, y):
            try:
                fu, fv = float(u), float(v)
            except ValueError:
                if u != v:
                    problems.append(f"{name} row {i + 2} column {col}: '{u}' vs '{v}'")
                continue
            if math.isnan(fu) and math.isnan(fv):
                continue
            scale = max(abs(fu), abs(fv))
            diff = abs(fu - fv)
            relative = diff / scale if scale > 0 else 0.0
            if relative > worst[0]:
                worst = (relative, f"row {i + 2} column {col}")
            if not diff <= rtol * scale + atol:
                problems.append(f"{name} row {i + 2} column {col}: {u} vs {v} (relative {relative:.2e})")
    print(f"{name}: {len(ra)} rows, worst relative difference {worst[0]:.2e} {worst[1]}")
    return problems, worst[0]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("a")
    ap.add_argument("b")
    ap.add_argument("--rtol", type=float, default=1e-9)
    ap.add_argument("--atol", type=float, default=1e-12)
    ap.add_argument("--files", nargs="+", default=["regions.csv", "aggregates.csv"])
    ap.add_argument("--no-status", action="store_true",
                    help="compare the files only (e.g. calibrated region CSVs), without run.yaml")
    args = ap.parse_args()
    problems = []
    for folder in (args.a, args.b) if not args.no_status else ():
        status = read_status(folder)
        if status != "complete":
            problems.append(f"{folder}: run.yaml status is {status!r}, not 'complete'")
    if not problems:
        for name in args.files:
            problems += compare_file(args.a, args.b, name, args.rtol, args.atol)[0]
    for p in problems[:20]:
        print("MISMATCH:", p)
    if len(problems) > 20:
        print(f"... {len(problems) - 20} more")
    print("OK" if not problems else f"FAILED: {len(problems)} mismatches")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
