#!/bin/bash
# Build regio and its tests with AddressSanitizer + UBSan in build-asan/ and run the test suite
# there (all but the SLURM tests), then fail if any sanitizer report appears in the test log.
# About 5 minutes of building and 1.5 of tests on 2 cores; run by CI after test.sh.
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
# Kernels that randomise mmap with more than 28 bits (vm.mmap_rnd_bits) can put a library where
# GCC 12's ASan wants its shadow memory, and it then dies before main (google/sanitizers#1614):
# there, run the tests without address randomisation if this machine lets us (setarch -R;
# every rank inherits it).
norandom=()
if [ "$(cat /proc/sys/vm/mmap_rnd_bits 2>/dev/null || echo 28)" -gt 28 ]; then
  if setarch "$(uname -m)" -R true 2>/dev/null; then
    norandom=(setarch "$(uname -m)" -R)
  else
    echo "sanitize: vm.mmap_rnd_bits > 28 and setarch -R is not permitted here: ASan may die at start-up" >&2
  fi
fi
status=0
(cd "$BUILD_DIR" && "${norandom[@]}" ctest --output-on-failure -j"${JOBS:-$(nproc)}" -LE slurm "$@") || status=$?
log="$BUILD_DIR/Testing/Temporary/LastTest.log"
if grep -q -E "ERROR: AddressSanitizer|runtime error:" "$log"; then
  echo "sanitize: sanitizer reports in $log:" >&2
  grep -n -E "ERROR: AddressSanitizer|runtime error:" "$log" | head -20 >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "sanitize: no sanitizer report, all tests passed"
exit "$status"
