#!/bin/bash
# One command for a new user: install the Debian packages, build regio, and run the default
# scenario (China, 31 provinces, 2020-2030, the baseline built from history, 4 MPI ranks) into
# out/china31-baseline.
#   bash scripts/setup.sh            (env: RANKS=4 BUILD_DIR=build JOBS=$(nproc))
set -euo pipefail
cd "$(dirname "$0")/.."
RANKS=${RANKS:-4}
BUILD_DIR=${BUILD_DIR:-build}
bash scripts/install-deps.sh
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release
cmake --build "$BUILD_DIR" -j"${JOBS:-$(nproc)}"
. scripts/mpi-env.sh
mpirun -np "$RANKS" "$BUILD_DIR/regio" run inputs/china31/baseline-history.yaml --decomp "decomp/china31-np$RANKS.yaml" --overwrite --out out/china31-baseline
echo "setup: outputs in out/china31-baseline (regions.csv, aggregates.csv, solver.csv, run.yaml)"
