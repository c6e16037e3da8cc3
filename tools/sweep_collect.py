#!/usr/bin/python3
"""Collect a parameter sweep (jobscripts/sweep.sbatch) into one table.

    tools/sweep_collect.py OUT [--partial] [--output FILE]

For every task OUT/task-<i> of the sweep (the tasks are the parameter sets of OUT/sweep.txt;
without it, the task-* folders found) writes one row to OUT/sweep.csv: the task index, the
task's parameter values (one column per swept key, from OUT/task-<i>/sweep-params.yaml) and the
last epoch's row of OUT/task-<i>/aggregates.csv (all its columns).

Only runs whose run.yaml ends with `status: complete` are used. If any task is missing or not
complete (running, interrupted, failed), they are listed with their status and, unless
--partial, nothing is written and the exit status is 1. With --partial the complete tasks are
written and the others listed (exit 0). Standard library (+ python3-yaml if installed).
"""
import argparse
import csv
import os
import re
import shlex
import sys

try:
    import yaml  # python3-yaml; optional here
except ImportError:
    yaml = None


def parameter_lines(path):
    """The parameter-set lines of a sweep file (same rules as jobscripts/sweep_scenario.py)."""
    with open(path, encoding="utf-8") as f:
        return [ln.strip() for ln in f if ln.strip() and not ln.strip().startswith("#")]


def params_of_line(line):
    out = {}
    for word in shlex.split(line, comments=True):
        key, _, value = word.partition("=")
        out[key] = value
    return out


def read_params(task_dir, fallback_line):
    """{key: value text} from the task's sweep-params.yaml (needs python3-yaml), else from its
    line of OUT/sweep.txt."""
    path = os.path.join(task_dir, "sweep-params.yaml")
    if yaml is not None and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            doc = yaml.safe_load(f) or {}
        if isinstance(doc.get("params"), dict):
            return {str(k): str(v) for k, v in doc["params"].items()}
    return params_of_line(fallback_line) if fallback_line is not None else {}


def run_status(task_dir):
    """(status, detail) from run.yaml's last line (and its error: line)."""
    path = os.path.join(task_dir, "run.yaml")
    if not os.path.isdir(task_dir):
        return "missing", "no task folder (task never ran?)"
    if not os.path.exists(path):
        return "missing", "no run.yaml (still pending, or failed before starting: see the SLURM log)"
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    status = lines[-1].split(":", 1)[1].strip() if lines and lines[-1].startswith("status:") else "unknown"
    error = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("error:")), "")
    return status, error


def last_row(path):
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if len(rows) < 2:
        return None, None
    return rows[0], rows[-1]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("out", help="the sweep's output folder (OUT of sweep.sbatch)")
    ap.add_argument("--partial", action="store_true", help="write the complete tasks even if others are not")
    ap.add_argument("--output", help="table to write (default OUT/sweep.csv)")
    a = ap.parse_args()
    if not os.path.isdir(a.out):
        sys.exit(f"sweep_collect: {a.out}: no such folder")

    sweep_file = os.path.join(a.out, "sweep.txt")
    lines = parameter_lines(sweep_file) if os.path.exists(sweep_file) else None
    found = sorted(int(m.group(1)) for d in os.listdir(a.out) if (m := re.fullmatch(r"task-(\d+)", d)))
    tasks = list(range(1, len(lines) + 1)) if lines is not None else found
    if not tasks:
        sys.exit(f"sweep_collect: {a.out}: no sweep.txt and no task-* folders")

    rows, bad, keys, columns = [], [], [], None
    for i in tasks:
        d = os.path.join(a.out, f"task-{i}")
        status, detail = run_status(d)
        if status != "complete":
            bad.append((i, status, detail))
            continue
        header, row = last_row(os.path.join(d, "aggregates.csv"))
        if row is None:
            bad.append((i, "complete?", "aggregates.csv has no rows"))
            continue
        if columns is None:
            columns = header
        elif header != columns:
            bad.append((i, "complete", f"aggregates.csv has other columns than task {rows[0][0]}"))
            continue
        params = read_params(d, lines[i - 1] if lines is not None and i <= len(lines) else None)
        keys += [k for k in params if k not in keys]
        rows.append((i, params, dict(zip(header, row))))

    if bad:
        print(f"sweep_collect: {len(bad)} of {len(tasks)} tasks are not complete:", file=sys.stderr)
        for i, status, detail in bad:
            print(f"  task-{i}: {status}{': ' + detail if detail else ''}", file=sys.stderr)
        if not a.partial:
            print("sweep_collect: nothing written (rerun those tasks, or use --partial)", file=sys.stderr)
            return 1
    if not rows:
        print("sweep_collect: no complete task", file=sys.stderr)
        return 1

    target = a.output or os.path.join(a.out, "sweep.csv")
    clash = [k for k in keys if k in columns or k == "task"]
    with open(target + ".tmp", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["task"] + [("param:" + k if k in clash else k) for k in keys] + columns)
        for i, params, agg in rows:
            w.writerow([i] + [params.get(k, "") for k in keys] + [agg[c] for c in columns])
    os.replace(target + ".tmp", target)
    print(f"sweep_collect: {len(rows)} tasks -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
