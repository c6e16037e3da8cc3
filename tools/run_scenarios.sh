#!/bin/bash
# Run the China-31 baselines and every shipped policy scenario (inputs/china31/scenarios/), compare
# each with its baseline (regio compare) and print the headline table of docs/policies.md.
#   bash tools/run_scenarios.sh [RANKS] [OUT]      (needs build/regio; default 2 ranks, out/scenarios)
# The scenarios build on the default baseline, inputs/china31/baseline-history.yaml (built from
# history, MODEL.md §14), except external-demand-shock (on the open Part I baseline,
# baseline-open.yaml). BASELINE=part1: each scenario on the history baseline is rebased onto the
# Part I baseline inputs/china31/baseline.yaml instead (OUT/scenarios/*.yaml; default OUT
# out/scenarios-part1).
set -euo pipefail
cd "$(dirname "$0")/.."
RANKS=${1:-2}
BASELINE=${BASELINE:-history}
if [ "$BASELINE" = part1 ]; then OUT=${2:-out/scenarios-part1}; else OUT=${2:-out/scenarios}; fi
. scripts/mpi-env.sh
mkdir -p "$OUT/scenarios"
run() { mpirun -np "$RANKS" build/regio run "$1" --quiet --overwrite --out "$2"; }
if [ "$BASELINE" = part1 ]; then run inputs/china31/baseline.yaml "$OUT/baseline"; else
  run inputs/china31/baseline-history.yaml "$OUT/baseline"; fi
run inputs/china31/baseline-open.yaml "$OUT/baseline-open"
for f in inputs/china31/scenarios/*.yaml; do
  name=$(basename "$f" .yaml)
  base=baseline
  grep -q 'baseline-open.yaml' "$f" && base=baseline-open
  if [ "$BASELINE" = part1 ] && [ $base = baseline ]; then
    sed "s|^base: ../baseline-history.yaml|base: $PWD/inputs/china31/baseline.yaml|; /^output:/d" "$f" > "$OUT/scenarios/$name.yaml"
    f="$OUT/scenarios/$name.yaml"
  fi
  run "$f" "$OUT/$name"
  mpirun -np 1 build/regio compare "$OUT/$base" "$OUT/$name" --out "$OUT/compare-$name" > /dev/null
done
/usr/bin/python3 tools/scenario_table.py "$OUT"
