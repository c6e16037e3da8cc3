#!/bin/bash
# Run the China-31 baselines and every shipped policy scenario (inputs/china31/scenarios/), compare
# each with its baseline (regio compare) and print the headline table of docs/policies.md.
#   bash tools/run_scenarios.sh [RANKS] [OUT]      (needs build/regio; default 2 ranks, out/scenarios)
set -euo pipefail
cd "$(dirname "$0")/.."
RANKS=${1:-2}
OUT=${2:-out/scenarios}
. scripts/mpi-env.sh
mkdir -p "$OUT"
run() { mpirun -np "$RANKS" build/regio run "$1" --quiet --overwrite --out "$2"; }
run inputs/china31/baseline.yaml "$OUT/baseline"
run inputs/china31/baseline-open.yaml "$OUT/baseline-open"
for f in inputs/china31/scenarios/*.yaml; do
  name=$(basename "$f" .yaml)
  base=baseline
  grep -q 'baseline-open.yaml' "$f" && base=baseline-open
  run "$f" "$OUT/$name"
  mpirun -np 1 build/regio compare "$OUT/$base" "$OUT/$name" --out "$OUT/compare-$name" > /dev/null
done
/usr/bin/python3 tools/scenario_table.py "$OUT"
