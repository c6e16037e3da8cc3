#!/bin/bash
# Recalibrate the shipped China baselines (after a parameter change in calibration.yaml or a
# change of the model): writes inputs/<resolution>/regions_calibrated.csv for each resolution (and
# province_costs.csv for the prefectures and counties; and the prefectures with China-31's trade
# frictions in inputs/china-prefectures/frictions).
#   bash tools/calibrate_baselines.sh [RANKS]     (needs build/regio)
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/mpi-env.sh
mpirun -np "${1:-2}" build/regio calibrate inputs/china31/calibration.yaml --out inputs/china31/regions_calibrated.csv
# Counties first: with the census's migrants (calibration.migrants), regio calibrate also writes the
# province migration costs; then the calibrated county model splits the census's within-province
# migrants into those from the same and from other prefectures (tools/prefecture_migrants.py),
# the prefecture calibration's target (docs/calibration.md, "Finer geographies' migration").
mpirun -np "${1:-2}" build/regio calibrate inputs/china-counties/calibration.yaml \
  --out inputs/china-counties/regions_calibrated.csv --province-costs inputs/china-counties/province_costs.csv
county_run=$(mktemp -d)
trap 'rm -rf "$county_run"' EXIT
mpirun -np "${1:-2}" build/regio run inputs/china-counties/baseline.yaml --epochs 1 --quiet --out "$county_run"
/usr/bin/python3 tools/prefecture_migrants.py "$county_run"
mpirun -np "${1:-2}" build/regio calibrate inputs/china-prefectures/calibration.yaml \
  --out inputs/china-prefectures/regions_calibrated.csv --province-costs inputs/china-prefectures/province_costs.csv
# The prefectures with China-31's province-pair trade frictions, rescaled (docs/frictions.md §5): the
# target is the China-31 frictions baseline's epoch 0 aggregated to provinces.
china31_run=$(mktemp -d)
trap 'rm -rf "$county_run" "$china31_run"' EXIT
mpirun -np "${1:-2}" build/regio run inputs/china31/frictions/baseline.yaml --epochs 1 --quiet --out "$china31_run/run" \
  --export-base "$china31_run/base"
/usr/bin/python3 tools/province_trade_shares.py "$china31_run/base" -o inputs/china-prefectures/frictions/trade_shares.csv
mpirun -np "${1:-2}" build/regio calibrate inputs/china-prefectures/frictions/calibration.yaml \
  --out inputs/china-prefectures/frictions/regions_calibrated.csv \
  --province-costs inputs/china-prefectures/frictions/province_costs.csv \
  --trade-scales inputs/china-prefectures/frictions/province_scales.csv
# China-31 with input–output links (baseline-io.yaml).
mpirun -np "${1:-2}" build/regio calibrate inputs/china31/calibration-io.yaml --out inputs/china31/regions_calibrated_io.csv
# China-31 with the rest of the world (baseline-open.yaml, the external scenarios).
mpirun -np "${1:-2}" build/regio calibrate inputs/china31/calibration-open.yaml --out inputs/china31/regions_calibrated_open.csv
