#!/bin/bash
# A/B per-residual time of two regio_bench binaries on the same input (docs/performance.md):
# runs them alternately (A B A B ...) so that drift in the machine's load falls on both, at
# each rank count, and prints per binary the median and minimum seconds per residual
# evaluation and the ratio B/A. Rows go to bench/results/ab_residual.csv (appended).
#   bash bench/ab_residual.sh OLD/bench/regio_bench NEW/bench/regio_bench [--size 4000]
#        [--ranks "1 2"] [--rounds 5] [--epochs 2]
set -euo pipefail
cd "$(dirname "$0")/.."
A=$1; B=$2; shift 2
SIZE=4000; RANKS="1 2"; ROUNDS=5; EPOCHS=2
while [ $# -gt 0 ]; do
  case $1 in
    --size) SIZE=$2; shift 2 ;; --ranks) RANKS=$2; shift 2 ;; --rounds) ROUNDS=$2; shift 2 ;;
    --epochs) EPOCHS=$2; shift 2 ;; *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
. scripts/mpi-env.sh
mkdir -p bench/results bench/work
d=bench/work/synth-$SIZE
/usr/bin/python3 tools/synth_regions.py --regions "$SIZE" --provinces 31 --seed 1 -o "$d" --no-network >/dev/null
OUT=bench/results/ab_residual.csv
[ -f "$OUT" ] || echo "date,which,binary,regions,ranks,round,residual_s,warm_residuals,peak_rss_mb_per_rank" > "$OUT"
tmp=$(mktemp -d)
for p in $RANKS; do
  for r in $(seq 1 "$ROUNDS"); do
    for which in A B; do
      bin=$A; [ $which = B ] && bin=$B
      mpirun -np "$p" "$bin" "$d/scenario.yaml" --epochs "$EPOCHS" --csv "$tmp/$which.csv" --label ab >/dev/null
      /usr/bin/python3 - "$tmp/$which.csv" "$which" "$bin" "$SIZE" "$p" "$r" >> "$OUT" <<'PY'
import csv, sys, datetime
path, which, binary, n, p, r = sys.argv[1:]
row = list(csv.DictReader(open(path)))[-1]
print(f"{datetime.datetime.now().isoformat(timespec='seconds')},{which},{binary},{n},{p},{r},{row['residual_s']},{row['warm_residuals']},{row['peak_rss_mb_per_rank']}")
PY
    done
  done
done
rm -rf "$tmp"
/usr/bin/python3 - "$OUT" "$SIZE" "$ROUNDS" $RANKS <<'PY'
import csv, statistics, sys
path, n, rounds, ranks = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
rows = [r for r in csv.DictReader(open(path)) if r["regions"] == n]
for p in ranks:
    sel = [r for r in rows if r["ranks"] == p][-2 * rounds:]  # this invocation's runs
    t = {w: [float(r["residual_s"]) for r in sel if r["which"] == w] for w in "AB"}
    med = {w: statistics.median(v) for w, v in t.items()}
    print(f"N={n} np={p}: A median {med['A']*1e3:.3f} ms (min {min(t['A'])*1e3:.3f}), "
          f"B median {med['B']*1e3:.3f} ms (min {min(t['B'])*1e3:.3f}), B/A median {med['B']/med['A']:.3f}, "
          f"min {min(t['B'])/min(t['A']):.3f}")
PY
