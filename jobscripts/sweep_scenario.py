#!/usr/bin/python3
"""Derive one scenario of a parameter sweep (used by jobscripts/sweep.sbatch).

    sweep_scenario.py --base BASE.yaml --sweep SWEEP.txt --task I --outdir DIR
    sweep_scenario.py --sweep SWEEP.txt --count          # number of parameter sets

SWEEP.txt: one parameter set per line, `key=value` pairs separated by blanks (shell quoting
allowed: solver.petsc_options="-a -b"); blank lines and lines starting with # are skipped.
Keys are dotted scenario keys as in docs/parameters.md (trade.border_cost=1.2); a sector
parameter is addressed by sector name or 0-based index (sectors.manufacturing.theta=5).
Task I (1-based) is the I-th parameter set.

Writes DIR/scenario.yaml: the base scenario with the keys really merged in (regio rejects
duplicate keys, so appending would not do), with `regions:` and a `decomposition:` file made
absolute (they are relative to the scenario file); and DIR/sweep-params.yaml: the task's index,
line and parameters (read by tools/sweep_collect.py). Needs python3-yaml (Debian).
"""
import argparse
import os
import re
import shlex
import sys

try:
    import yaml
except ImportError:
    sys.exit("sweep_scenario.py: needs PyYAML: apt-get install -y python3-yaml")

PATH_KEYS = ("regions", "decomposition")  # relative to the scenario file (docs/parameters.md)


class Loader(yaml.SafeLoader):
    """SafeLoader that also reads 1e-10 as a float (YAML 1.2, as yaml-cpp does), not a string."""


Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$|^[-+]?\.(?:inf|Inf|INF)$|^\.(?:nan|NaN|NAN)$"),
    list("-+0123456789."))


def parameter_sets(path):
    """[(line_number, line, [(key, value_text), ...]), ...] of the sweep file."""
    sets = []
    with open(path, encoding="utf-8") as f:
        for n, raw in enumerate(f, 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            pairs = []
            for word in shlex.split(line, comments=True):
                if "=" not in word or word.startswith("="):
                    sys.exit(f"{path}:{n}: expected key=value, got '{word}'")
                key, value = word.split("=", 1)
                if any(k == key for k, _ in pairs):
                    sys.exit(f"{path}:{n}: key '{key}' given twice")
                pairs.append((key, value))
            sets.append((n, line, pairs))
    if not sets:
        sys.exit(f"{path}: no parameter sets (one key=value set per line)")
    return sets


def parse_value(text):
    value = yaml.load(text, Loader=Loader) if text.strip() else ""
    return value


def set_key(doc, key, value, where):
    parts = key.split(".")
    node = doc
    for i, part in enumerate(parts):
        last = i == len(parts) - 1
        if isinstance(node, list):
            if part.isdigit() and int(part) < len(node):
                idx = int(part)
            else:
                names = [e.get("name") for e in node if isinstance(e, dict)]
                if part not in names:
                    sys.exit(f"{where}: '{key}': no entry '{part}' in {'.'.join(parts[:i])} (have {names})")
                idx = names.index(part)
            if last:
                node[idx] = value
            else:
                node = node[idx]
        elif isinstance(node, dict):
            if last:
                node[part] = value
            else:
                if node.get(part) is None:
                    if part == "sectors":
                        sys.exit(f"{where}: '{key}': the base scenario has no sectors: list to change")
                    node[part] = {}
                node = node[part]
                if not isinstance(node, (dict, list)):
                    sys.exit(f"{where}: '{key}': '{'.'.join(parts[:i + 1])}' is a value, not a group")
        else:
            sys.exit(f"{where}: '{key}': cannot descend into a value")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--sweep", required=True)
    ap.add_argument("--base")
    ap.add_argument("--task", type=int)
    ap.add_argument("--outdir")
    ap.add_argument("--count", action="store_true", help="print the number of parameter sets")
    a = ap.parse_args()
    sets = parameter_sets(a.sweep)
    if a.count:
        print(len(sets))
        return
    if not (a.base and a.task and a.outdir):
        ap.error("--base, --task and --outdir are required")
    if not 1 <= a.task <= len(sets):
        sys.exit(f"{a.sweep}: task {a.task} out of range: the file has {len(sets)} parameter sets (--array=1-{len(sets)})")
    n, line, pairs = sets[a.task - 1]
    with open(a.base, encoding="utf-8") as f:
        doc = yaml.load(f, Loader=Loader)
    if not isinstance(doc, dict):
        sys.exit(f"{a.base}: not a scenario (a YAML mapping)")
    base_dir = os.path.dirname(os.path.abspath(a.base))
    for key in PATH_KEYS:
        v = doc.get(key)
        if isinstance(v, str) and v != "auto" and not os.path.isabs(v):
            doc[key] = os.path.normpath(os.path.join(base_dir, v))
    params = {}
    for key, text in pairs:
        set_key(doc, key, parse_value(text), f"{a.sweep}:{n}")
        params[key] = text
    os.makedirs(a.outdir, exist_ok=True)
    out = os.path.join(a.outdir, "scenario.yaml")
    body = (f"# sweep task {a.task}: {os.path.abspath(a.base)} with {line}\n"
            f"# (line {n} of {os.path.abspath(a.sweep)}; written by jobscripts/sweep_scenario.py)\n"
            + yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, default_flow_style=False))
    # rewrite only if different: a requeued task must see the very same scenario
    old = open(out, encoding="utf-8").read() if os.path.exists(out) else None
    if old != body:
        with open(out + ".tmp", "w", encoding="utf-8") as f:
            f.write(body)
        os.replace(out + ".tmp", out)
    with open(os.path.join(a.outdir, "sweep-params.yaml"), "w", encoding="utf-8") as f:
        yaml.safe_dump({"task": a.task, "line": line, "params": params}, f, sort_keys=False, allow_unicode=True)
    print(out)


if __name__ == "__main__":
    main()
