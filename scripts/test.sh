#!/bin/bash
# Build (if needed) and run the whole test suite: unit, model (at -np 1 2 3 4), scenario,
# bad-input and docs tests.   bash scripts/test.sh [extra ctest args, e.g. -L unit]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD_DIR" -j"${JOBS:-$(nproc)}"
. scripts/mpi-env.sh
cd "$BUILD_DIR"
ctest --output-on-failure "$@"
