#!/bin/bash
# Build (if needed) and run the whole test suite: unit, model (at -np 1 2 3 4), scenario,
# bad-input and docs tests.   bash scripts/test.sh [extra ctest args, e.g. -L unit]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$BUILD_DIR" -j"${JOBS:-$(nproc)}"
. scripts/mpi-env.sh
(cd "$BUILD_DIR" && ctest --output-on-failure "$@")
# The parsers' fuzz targets (libFuzzer, a separate clang build: fuzz/README.md), 20 s each.
# Skipped when ctest arguments select a subset, or with REGIO_NO_FUZZ=1.
if [ $# -eq 0 ] && [ "${REGIO_NO_FUZZ:-0}" != 1 ]; then
  cmake -S fuzz -B build-fuzz -DCMAKE_CXX_COMPILER=clang++ -DREGIO_FUZZ_SECONDS="${REGIO_FUZZ_SECONDS:-20}" >/dev/null
  cmake --build build-fuzz -j"${JOBS:-$(nproc)}"
  ctest --test-dir build-fuzz -L fuzz -j "$(nproc)" --output-on-failure
fi
