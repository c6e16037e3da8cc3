#!/usr/bin/python3
"""Assign whole provinces to MPI ranks and write a regio decomposition YAML.

A province is the unit of decomposition (MODEL.md §1): all regions of a
province live on one rank.  This tool reads a regions CSV (columns `id`,
`province`, and `population` for --weight population), weighs each province,
and splits the provinces over P ranks so that the heaviest rank is as light as
possible.

Default method `contiguous`: provinces are ordered by GB/T 2260 code (the
smallest numeric region id in the province; file order if ids are not all
numeric) and cut into P consecutive blocks.  Code order follows geography
(1x north, 2x north-east, 3x east, 4x central-south, 5x south-west,
6x north-west), so each rank gets neighbouring provinces, which keeps halo and
border traffic local.  The cut is optimal, not greedy: it first minimises the
maximum block weight, then, among such cuts, the sum of squared block weights
(so all ranks are as even as possible), then the number of cuts that split a
macro-region (first digit of the GB code), so equal-cost cuts prefer the
boundaries between macro-regions.  Method `lpt` (greedy longest-
processing-time, heaviest province to the lightest rank) ignores geography and
is there for comparison.

Weights: `regions` = number of regions in the province (the per-region cost
of a row of bilateral terms is ~N for every region, so the count is the
relevant load); `population` = total population of the province.

Standard library only.  Usage:
    /usr/bin/python3 tools/make_decomp.py REGIONS.csv --ranks P -o decomp/X.yaml
        [--weight regions|population] [--method contiguous|lpt] [--label TEXT]
"""

import argparse
import csv
import json
import os
import sys


def read_provinces(path, weight):
    """Ordered list of (province, weight, n_regions, macro_region) from a regions CSV."""
    with open(path, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    if not rows:
        raise ValueError("%s has no rows" % path)
    for col in ("id", "province") + (("population",) if weight == "population" else ()):
        if col not in rows[0]:
            raise ValueError("%s lacks column %r" % (path, col))

    numeric_ids = all(r["id"].strip().isdigit() for r in rows)
    order, wsum, count, key = [], {}, {}, {}
    for pos, r in enumerate(rows):
        p = r["province"].strip()
        if not p:
            raise ValueError("empty province for region %s" % r["id"])
        if p not in wsum:
            order.append(p)
            wsum[p], count[p] = 0.0, 0
            key[p] = int(r["id"]) if numeric_ids else pos
        elif numeric_ids:
            key[p] = min(key[p], int(r["id"]))
        count[p] += 1
        wsum[p] += float(r["population"]) if weight == "population" else 1.0
    order.sort(key=lambda p: key[p])
    # Macro-region of a province = first digit of its GB code (1 north,
    # 2 north-east, 3 east, ...); used only to break ties between cuts.
    group = {p: (str(key[p])[0] if numeric_ids else p) for p in order}
    return [(p, wsum[p], count[p], group[p]) for p in order]


def contiguous_blocks(weights, ranks, groups=None):
    """Cut `weights` into `ranks` non-empty consecutive blocks.

    Minimises the largest block sum, then the sum of squared block sums, then
    the number of cuts that fall inside a macro-region (`groups[i]` equal on
    both sides of the cut).  Returns the list of block start indices (length
    ranks).  O(P n^2), fine for any realistic number of provinces.
    """
    n = len(weights)
    prefix = [0.0]
    for w in weights:
        prefix.append(prefix[-1] + w)

    def seg(i, j):  # weight of items i..j-1
        return prefix[j] - prefix[i]

    inf = float("inf")
    # Pass 1: bottleneck[k][j] = min over cuts of items 0..j-1 into k blocks of the max block.
    bott = [[inf] * (n + 1) for _ in range(ranks + 1)]
    bott[0][0] = 0.0
    for k in range(1, ranks + 1):
        for j in range(k, n + 1):
            bott[k][j] = min(max(bott[k - 1][i], seg(i, j)) for i in range(k - 1, j))
    limit = bott[ranks][n] * (1 + 1e-12)

    # Pass 2: minimise (sum of squares, split macro-regions) lexicographically,
    # subject to every block <= limit.  Both terms are additive over blocks.
    def split(i):  # 1 if a block starting at item i cuts a macro-region
        return 1 if groups is not None and 0 < i < n and groups[i - 1] == groups[i] else 0

    worst = (inf, inf)
    cost = [[worst] * (n + 1) for _ in range(ranks + 1)]
    back = [[-1] * (n + 1) for _ in range(ranks + 1)]
    cost[0][0] = (0.0, 0)
    for k in range(1, ranks + 1):
        for j in range(k, n + 1):
            for i in range(k - 1, j):
                s = seg(i, j)
                prev = cost[k - 1][i]
                if s > limit or prev == worst:
                    continue
                cand = (prev[0] + s * s, prev[1] + split(i))
                if cand < cost[k][j]:
                    cost[k][j] = cand
                    back[k][j] = i
    starts, j = [], n
    for k in range(ranks, 0, -1):
        i = back[k][j]
        starts.append(i)
        j = i
    return starts[::-1]


def assign_contiguous(provs, ranks):
    """Rank lists of province names, consecutive blocks in code order."""
    starts = contiguous_blocks([t[1] for t in provs], ranks,
                               [t[3] for t in provs]) + [len(provs)]
    return [[t[0] for t in provs[starts[r]:starts[r + 1]]] for r in range(ranks)]


def assign_lpt(provs, ranks):
    """Greedy LPT: heaviest province first onto the currently lightest rank."""
    load = [0.0] * ranks
    out = [[] for _ in range(ranks)]
    pos = {t[0]: i for i, t in enumerate(provs)}
    for p, w in sorted(((t[0], t[1]) for t in provs), key=lambda t: (-t[1], pos[t[0]])):
        r = min(range(ranks), key=lambda k: (load[k], k))
        load[r] += w
        out[r].append(p)
    for lst in out:  # keep code order inside a rank for readability
        lst.sort(key=lambda p: pos[p])
    return out


def yaml_text(assignment, loads, counts, header):
    """The decomposition file: comment header, `ranks`, flow-list per rank."""
    lines = ["# " + header, "ranks: %d" % len(assignment), "assignment:"]
    for r, names in enumerate(assignment):
        quoted = ", ".join(json.dumps(n, ensure_ascii=False) for n in names)
        lines.append("  - [%s]  # rank %d: %d provinces, %d regions, weight %.6g"
                     % (quoted, r, len(names), counts[r], loads[r]))
    return "\n".join(lines) + "\n"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("regions", help="regions CSV (needs id, province; population for --weight population)")
    ap.add_argument("--ranks", "-p", type=int, required=True, help="number of MPI ranks (= mpirun -np)")
    ap.add_argument("-o", "--output", required=True, help="output YAML path")
    ap.add_argument("--weight", choices=("regions", "population"), default="regions")
    ap.add_argument("--method", choices=("contiguous", "lpt"), default="contiguous")
    ap.add_argument("--label", default=None,
                    help="text for the header comment (default: the CSV's folder name)")
    args = ap.parse_args(argv)

    provs = read_provinces(args.regions, args.weight)
    if not 1 <= args.ranks <= len(provs):
        ap.error("--ranks must be between 1 and the number of provinces (%d)" % len(provs))

    if args.method == "contiguous":
        assignment = assign_contiguous(provs, args.ranks)
    else:
        assignment = assign_lpt(provs, args.ranks)

    info = {t[0]: (t[1], t[2]) for t in provs}
    flat = [p for names in assignment for p in names]
    if sorted(flat) != sorted(info) or len(set(flat)) != len(flat) or not all(assignment):
        raise AssertionError("assignment is not a partition into non-empty ranks")
    loads = [sum(info[p][0] for p in names) for names in assignment]
    counts = [sum(info[p][1] for p in names) for names in assignment]
    mean = sum(loads) / len(loads)
    imbalance = max(loads) / mean

    label = args.label or os.path.basename(os.path.dirname(os.path.abspath(args.regions)))
    header = "%s: %d provinces on %d rank%s (tools/make_decomp.py, weight=%s, method=%s)" % (
        label, len(provs), args.ranks, "" if args.ranks == 1 else "s", args.weight, args.method)
    out_dir = os.path.dirname(os.path.abspath(args.output))
    os.makedirs(out_dir, exist_ok=True)
    with open(args.output, "w", encoding="utf-8") as f:
        f.write(yaml_text(assignment, loads, counts, header))

    print("%s -> %s" % (args.regions, args.output))
    for r, names in enumerate(assignment):
        print("  rank %d: weight %.6g, %d provinces (%s .. %s)"
              % (r, loads[r], len(names), names[0], names[-1]))
    print("imbalance (max/mean weight) = %.4f" % imbalance)
    return 0


if __name__ == "__main__":
    sys.exit(main())
