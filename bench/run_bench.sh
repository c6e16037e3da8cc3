#!/bin/bash
# Benchmark driver (docs/performance.md): whole epochs with regio_bench on synthetic
# geographies at the sizes and rank counts given, and the NumPy damped fixed point on the same
# inputs for comparison. Writes bench/results/epochs.csv (one row per run, appended) and
# bench/results/numpy.csv, and prints the rows.
#   bash bench/run_bench.sh [--sizes "1000 4000 16000"] [--ranks "1 2 4"] [--numpy "2000 4000"] [--epochs 3]
#                           [--rail-stations M] [--out bench/results/epochs.csv]
# --rail-stations M also runs every size with a transport network (synth_regions.py's kNN roads
# plus high-speed rail between the M most populous regions; label synth-N-railM).
# Run it on an otherwise idle machine: timings and the STREAM bound share the memory bus.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES="1000 4000 16000"; RANKS="1 2 4"; NUMPY="2000 4000"; EPOCHS=3; RAIL=0; OUT=bench/results/epochs.csv
while [ $# -gt 0 ]; do
  case $1 in
    --sizes) SIZES=$2; shift 2 ;; --ranks) RANKS=$2; shift 2 ;; --numpy) NUMPY=$2; shift 2 ;;
    --epochs) EPOCHS=$2; shift 2 ;; --rail-stations) RAIL=$2; shift 2 ;;
    --out) OUT=$2; shift 2 ;; *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
BUILD=${BUILD:-build}
[ -x "$BUILD/bench/regio_bench" ] || { echo "build first: cmake --build $BUILD (needs bench/regio_bench)" >&2; exit 2; }
. scripts/mpi-env.sh
mkdir -p bench/results bench/work
# Written afresh every time (the same seed gives the same files; a folder from an older
# generator would otherwise be benchmarked with its old scenario).
for n in $SIZES $NUMPY; do
  /usr/bin/python3 tools/synth_regions.py --regions "$n" --provinces 31 --seed 1 -o "bench/work/synth-$n" --no-network >/dev/null
done
LABELS=""
for n in $SIZES; do
  LABELS="$LABELS synth-$n"
  if [ "$RAIL" -gt 0 ]; then
    d="bench/work/synth-$n-rail$RAIL"
    /usr/bin/python3 tools/synth_regions.py --regions "$n" --provinces 31 --seed 1 -o "$d" --rail-stations "$RAIL" >/dev/null
    printf 'network:\n  file: network.csv\n' >> "$d/scenario.yaml"
    LABELS="$LABELS synth-$n-rail$RAIL"
  fi
done
for label in $LABELS; do
  for p in $RANKS; do
    mpirun -np "$p" "$BUILD/bench/regio_bench" "bench/work/$label/scenario.yaml" --epochs "$EPOCHS" \
      --csv "$OUT" --label "$label"
  done
done
# NumPy damped fixed point vs regio (1 rank and 2 ranks) on the same inputs and tolerance.
[ -f bench/results/numpy.csv ] || echo "regions,numpy_iterations,numpy_residual_evaluations,numpy_seconds,numpy_residual,regio_ranks,regio_seconds,regio_residual_evaluations,regio_residual_norm_bound,speedup" > bench/results/numpy.csv
for n in $NUMPY; do
  sc=bench/work/synth-$n/scenario.yaml
  /usr/bin/python3 bench/numpy_fixed_point.py "$sc" --regio "$BUILD/regio" --tol 1e-10 --out "bench/work/numpy-$n.csv" \
    --summary "bench/work/numpy-$n.json" >/dev/null
  for p in 1 2; do
    mpirun -np "$p" "$BUILD/bench/regio_bench" "$sc" --epochs 1 --csv "bench/work/regio-$n-np$p.csv" --label "synth-$n" >/dev/null
    /usr/bin/python3 - "$n" "$p" <<'PY' >> bench/results/numpy.csv
import csv, json, sys
n, p = sys.argv[1], sys.argv[2]
s = json.load(open(f"bench/work/numpy-{n}.json"))
rows = list(csv.DictReader(open(f"bench/work/regio-{n}-np{p}.csv")))
r = rows[-1]
t = float(r["cold_epoch_s"])
# regio stops at ||G||_2 <= solver.atol = 1e-10 (2-norm of log residuals, >= their max norm)
print(f"{n},{s['iterations']},{s['residual_evaluations']},{s['solve_seconds']:.4f},{s['residual']:.2e},{p},{t:.4f},{r['cold_residuals']},1e-10,{s['solve_seconds'] / t:.2f}")
PY
  done
done
echo "== $OUT"; column -s, -t < "$OUT" | cut -c1-250
echo "== bench/results/numpy.csv"; column -s, -t < bench/results/numpy.csv
