#!/usr/bin/python3
"""Are two trees of regio outputs the same, byte for byte? (scripts/behaviour_check.sh)

    /usr/bin/python3 tools/same_outputs.py BEFORE_DIR AFTER_DIR

Walks BEFORE_DIR and compares every file with its namesake under AFTER_DIR:

* CSV and other text files byte for byte, except what measures the machine or names the run
  rather than the model: the `seconds` column of solver.csv, and in run.yaml the lines
  `regio_version:`, `run_id:` (random per run), `started:`, `finished:` and `elapsed_seconds:`;
* HDF5 files (regions.h5, checkpoints) dataset by dataset and attribute by attribute, bit for
  bit (the files' bytes hold object modification times, so they differ between any two runs),
  except the attributes that describe the file rather than the state: `regio_version`, and the
  checkpoint's integrity metadata (`run_id`, `identity_checksum`, the datasets' `checksum`,
  `format_version`: checkpoint format 2 added them, docs/guarantees.md);
* a file present on one side only is a difference.

Prints one line per difference and a summary; exit 0 if there is none, 1 otherwise.
"""
import argparse
import csv
import io
import os
import sys

import numpy as np

IGNORED_RUN_YAML = ("regio_version:", "run_id:", "started:", "finished:", "elapsed_seconds:")
IGNORED_ATTRIBUTES = ("regio_version", "run_id", "identity_checksum", "checksum", "format_version")


def text_lines(path):
    with open(path, "rb") as f:
        data = f.read()
    name = os.path.basename(path)
    if name == "run.yaml":
        return b"".join(l for l in data.splitlines(keepends=True) if not l.decode("utf-8", "replace").startswith(IGNORED_RUN_YAML))
    if name == "solver.csv":
        rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
        if rows and "seconds" in rows[0]:
            k = rows[0].index("seconds")
            rows = [r[:k] + r[k + 1:] for r in rows]
        return "\n".join(",".join(r) for r in rows).encode()
    return data


def h5_items(path):
    import h5py

    items = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            for key, value in obj.attrs.items():
                if key not in IGNORED_ATTRIBUTES:
                    items[f"{name}@{key}"] = np.asarray(value)
            if isinstance(obj, h5py.Dataset):
                items[name] = obj[()]
        for key, value in f.attrs.items():
            if key not in IGNORED_ATTRIBUTES:
                items[f"/@{key}"] = np.asarray(value)
        f.visititems(visit)
    return items


def same_array(a, b):
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape or a.dtype != b.dtype:
        return False
    if a.dtype.kind in "fc":
        return a.tobytes() == b.tobytes()
    return np.array_equal(a, b)


def compare_h5(before, after):
    a, b = h5_items(before), h5_items(after)
    problems = [f"only in one file: {k}" for k in sorted(set(a) ^ set(b))]
    problems += [f"differs: {k}" for k in sorted(set(a) & set(b)) if not same_array(a[k], b[k])]
    return problems


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("before")
    ap.add_argument("after")
    args = ap.parse_args()
    files = set()
    for root in (args.before, args.after):
        for d, _, names in os.walk(root):
            for n in (n for n in names if not n.startswith(".")):
                files.add(os.path.relpath(os.path.join(d, n), root))
    differences = 0
    for rel in sorted(files):
        a, b = os.path.join(args.before, rel), os.path.join(args.after, rel)
        if not (os.path.exists(a) and os.path.exists(b)):
            print(f"DIFFERENT {rel}: only in {'before' if os.path.exists(a) else 'after'}")
            differences += 1
            continue
        if rel.endswith(".h5"):
            problems = compare_h5(a, b)
        else:
            problems = [] if text_lines(a) == text_lines(b) else ["bytes differ"]
        for p in problems[:5]:
            print(f"DIFFERENT {rel}: {p}")
        differences += bool(problems)
    print(f"{len(files)} files compared, {differences} differ")
    return 1 if differences else 0


if __name__ == "__main__":
    sys.exit(main())
