#!/bin/bash
# Run the China-31 baselines and every shipped policy scenario (inputs/china31/scenarios/), compare
# each with its baseline (regio compare) and print the headline table of docs/policies.md.
#   bash tools/run_scenarios.sh [RANKS] [OUT]      (needs build/regio; default 2 ranks, out/scenarios)
# BASELINE=history: against inputs/china31/baseline-history.yaml instead (the baseline built from
# history, MODEL.md §14): each scenario is rebased onto it (OUT/scenarios/*.yaml); the one on the
# open baseline is left out (the history baseline is a closed economy). Default OUT out/scenarios-history.
set -euo pipefail
cd "$(dirname "$0")/.."
RANKS=${1:-2}
BASELINE=${BASELINE:-default}
if [ "$BASELINE" = history ]; then OUT=${2:-out/scenarios-history}; else OUT=${2:-out/scenarios}; fi
. scripts/mpi-env.sh
mkdir -p "$OUT"
run() { mpirun -np "$RANKS" build/regio run "$1" --quiet --overwrite --out "$2"; }
if [ "$BASELINE" = history ]; then
  run inputs/china31/baseline-history.yaml "$OUT/baseline"
  mkdir -p "$OUT/scenarios"
  for f in inputs/china31/scenarios/*.yaml; do
    grep -q 'baseline-open.yaml' "$f" && continue
    name=$(basename "$f" .yaml)
    sed "s|^base: ../baseline.yaml|base: $PWD/inputs/china31/baseline-history.yaml|; /^output:/d" "$f" > "$OUT/scenarios/$name.yaml"
    run "$OUT/scenarios/$name.yaml" "$OUT/$name"
    mpirun -np 1 build/regio compare "$OUT/baseline" "$OUT/$name" --out "$OUT/compare-$name" > /dev/null
  done
  /usr/bin/python3 tools/scenario_table.py "$OUT"
  exit 0
fi
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
