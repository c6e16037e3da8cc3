#!/usr/bin/env python3
"""Regenerate what is generated from regio's output schema (src/io/output_schema.cpp):

    /usr/bin/python3 tools/output_schema.py build/regio

writes tools/output_schema.json (`regio schema`, read by tools/regio_outputs.py) and replaces
the blocks of docs/outputs.md between `<!-- schema FILE: ... -->` and `<!-- end schema -->`
with `regio schema --markdown`'s. With --check it changes nothing and exits 1 if either is
stale (CTests docs_output_schema_current and docs_outputs_current check the same).
"""
import argparse
import os
import re
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
JSON_PATH = os.path.join(ROOT, "tools", "output_schema.json")
DOC_PATH = os.path.join(ROOT, "docs", "outputs.md")
BLOCK = re.compile(r"^<!-- schema (\S+): .*?^<!-- end schema -->\n", re.M | re.S)


def regio(exe, *args):
    return subprocess.run([exe, "schema", *args], check=True, capture_output=True, text=True).stdout


def spliced(doc, markdown):
    """docs/outputs.md with each schema block replaced by regio's block of the same file."""
    fresh = {m.group(1): m.group(0) for m in BLOCK.finditer(markdown)}
    present = [m.group(1) for m in BLOCK.finditer(doc)]
    missing = sorted(set(fresh) - set(present))
    unknown = sorted(set(present) - set(fresh))
    if missing or unknown:
        sys.exit(f"{DOC_PATH}: schema blocks missing for {missing or 'none'}, unknown blocks {unknown or 'none'}: "
                 "add or remove the marker pair by hand, then run this again")
    return BLOCK.sub(lambda m: fresh[m.group(1)], doc)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("regio", help="the regio executable (e.g. build/regio)")
    ap.add_argument("--check", action="store_true", help="only check; exit 1 if a generated file is stale")
    args = ap.parse_args()
    with open(DOC_PATH, encoding="utf-8") as f:
        doc = f.read()
    wanted = {JSON_PATH: regio(args.regio), DOC_PATH: spliced(doc, regio(args.regio, "--markdown"))}
    stale = []
    for path, text in wanted.items():
        old = open(path, encoding="utf-8").read() if os.path.exists(path) else None
        if old == text:
            continue
        stale.append(os.path.relpath(path, ROOT))
        if not args.check:
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
    if args.check and stale:
        sys.exit(f"stale: {', '.join(stale)}; regenerate with /usr/bin/python3 tools/output_schema.py build/regio")
    print(("rewrote " + ", ".join(stale)) if stale else "tools/output_schema.json and docs/outputs.md are current")


if __name__ == "__main__":
    main()
