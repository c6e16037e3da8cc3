#!/bin/bash
# MODEL.md §10's speed target, measured in one run: the per-residual time of the levels economy
# with labour groups (groups_bench: input–output links, G = 1 and G = 2) against Part I's
# residual (regio_bench on the synthetic geography of the same size, S = 3, one θ), on the same
# ranks one after the other. Appends to bench/results/groups.csv and prints the ratios.
#   bash bench/groups_vs_part1.sh [--regions 4000] [--ranks 2] [--reps 20]
# Run it on an idle machine; the load average at the start is printed and kept in the CSV.
set -euo pipefail
cd "$(dirname "$0")/.."
N=4000; NP=2; REPS=20; OUT=bench/results/groups.csv
while [ $# -gt 0 ]; do
  case $1 in
    --regions) N=$2; shift 2 ;; --ranks) NP=$2; shift 2 ;; --reps) REPS=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;; *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
BUILD=${BUILD:-build}
for b in regio_bench groups_bench; do
  [ -x "$BUILD/bench/$b" ] || { echo "build first: cmake --build $BUILD (needs bench/$b)" >&2; exit 2; }
done
. scripts/mpi-env.sh
mkdir -p bench/results bench/work
load=$(cut -d' ' -f1 /proc/loadavg)
/usr/bin/python3 tools/synth_regions.py --regions "$N" --provinces 31 --seed 1 -o "bench/work/synth-$N" --no-network >/dev/null
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mpirun -np "$NP" "$BUILD/bench/regio_bench" "bench/work/synth-$N/scenario.yaml" --epochs 1 --csv "$tmp/part1.csv" \
  --label "synth-$N" >/dev/null
part1=$(/usr/bin/python3 -c "import csv,sys; print(list(csv.DictReader(open(sys.argv[1])))[-1]['residual_s'])" "$tmp/part1.csv")
for g in 1 2; do
  mpirun -np "$NP" "$BUILD/bench/groups_bench" --regions "$N" --groups "$g" --reps "$REPS" --csv "$tmp/groups.csv" >/dev/null
done
/usr/bin/python3 - "$tmp/groups.csv" "$part1" "$OUT" "$load" "$NP" "$N" <<'PY'
import csv, os, sys
rows = list(csv.DictReader(open(sys.argv[1])))
part1, out, load, np, n = float(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
fresh = not os.path.exists(out)
with open(out, "a") as f:
    if fresh:
        f.write("regions,ranks,load_average,part1_residual_s,groups_1_residual_s,groups_2_residual_s,ratio_groups_2_to_part1,version\n")
    g = {r["groups"]: float(r["residual_s"]) for r in rows}
    f.write(f"{n},{np},{load},{part1},{g['1']},{g['2']},{g['2'] / part1:.3f},{rows[-1]['version']}\n")
print(f"N {n}, {np} ranks (load average {load} at the start): Part I {part1:.4f} s/residual; "
      f"labour groups with input-output links: G = 1 {g['1']:.4f} s, G = 2 {g['2']:.4f} s "
      f"= {g['2'] / part1:.2f}x Part I (target <= 1.3x)")
PY
