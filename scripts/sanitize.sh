#!/bin/bash
# Build regio and its tests with AddressSanitizer + UBSan in build-asan/ and run the test suite
# there (all but the SLURM tests), then fail if any sanitizer report appears in the test log.
# About 10 minutes of building and 3 of tests on 2 cores; not part of test.sh or CI.
#   bash scripts/sanitize.sh [extra ctest args, e.g. -L model]
set -euo pipefail
cd "$(dirname "$0")/.."
BUILD_DIR=${BUILD_DIR:-build-asan}
cmake -S . -B "$BUILD_DIR" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DREGIO_SANITIZE=ON -DREGIO_BUILD_BENCH=OFF >/dev/null
cmake --build "$BUILD_DIR" -j"${JOBS:-$(nproc)}"
. scripts/mpi-env.sh
# Open MPI's and PETSc's allocations outlive MPI_Finalize by design: leak reports would be noise.
# A report exits 86 / 87, not the sanitizers' default 1, which the bad-input tests expect of regio.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:exitcode=86}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:exitcode=87}
status=0
(cd "$BUILD_DIR" && ctest --output-on-failure -j"${JOBS:-$(nproc)}" -LE slurm "$@") || status=$?
log="$BUILD_DIR/Testing/Temporary/LastTest.log"
if grep -q -E "ERROR: AddressSanitizer|runtime error:" "$log"; then
  echo "sanitize: sanitizer reports in $log:" >&2
  grep -n -E "ERROR: AddressSanitizer|runtime error:" "$log" | head -20 >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "sanitize: no sanitizer report, all tests passed"
exit "$status"
