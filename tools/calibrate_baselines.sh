#!/bin/bash
# Recalibrate the shipped China baselines (after a parameter change in calibration.yaml or a
# change of the model): writes inputs/<resolution>/regions_calibrated.csv for each resolution.
#   bash tools/calibrate_baselines.sh [RANKS]     (needs build/regio)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/mpi-env.sh
for d in china31 china-prefectures china-counties; do
  mpirun -np "${1:-2}" build/regio calibrate "inputs/$d/calibration.yaml" --out "inputs/$d/regions_calibrated.csv"
done
# China-31 with input–output links (baseline-io.yaml).
mpirun -np "${1:-2}" build/regio calibrate inputs/china31/calibration-io.yaml --out inputs/china31/regions_calibrated_io.csv
# China-31 with the rest of the world (baseline-open.yaml, the external scenarios).
mpirun -np "${1:-2}" build/regio calibrate inputs/china31/calibration-open.yaml --out inputs/china31/regions_calibrated_open.csv
