#!/usr/bin/env bash
# Build the fuzz targets and run them: every seed/regression input once, then SECONDS of
# fuzzing per target (default 60), JOBS targets at a time (default: number of cores, max 4).
#   fuzz/run.sh [SECONDS]          e.g. fuzz/run.sh 300
# Env: CXX (default clang++), REGIO_FUZZ_BUILD (default <repo>/build-fuzz), JOBS.
# Exit status is non-zero if any target found something; reproducers are in
# $REGIO_FUZZ_BUILD/artifacts/<target>/ (replay one: $REGIO_FUZZ_BUILD/fuzz_<target> FILE).
set -euo pipefail
secs=${1:-60}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
build=${REGIO_FUZZ_BUILD:-$(dirname "$here")/build-fuzz}
jobs=${JOBS:-$(n=$(nproc); echo $(( n < 4 ? n : 4 )))}

cmake -S "$here" -B "$build" -DCMAKE_CXX_COMPILER="${CXX:-clang++}" -DREGIO_FUZZ_SECONDS="$secs" >/dev/null
cmake --build "$build" -j "$(nproc)"

log=$build/fuzz-run.log
status=0
ctest --test-dir "$build" -L fuzz -j "$jobs" -V >"$log" 2>&1 || status=$?
grep -E 'tests passed|tests failed|Passed|\*\*\*|Failed' "$log" | grep -E '^ *[0-9]+/[0-9]+ Test|tests (passed|failed)' || true
# Executions per fuzzing test (libFuzzer -print_final_stats).
awk '/^[0-9]+: Test command: .*fuzz_[a-z]+ "?-max_total_time/ { n=$1; sub(":","",n); split($4,p,"/"); name[n]=p[length(p)] }
     /stat::number_of_executed_units/ { n=$1; sub(":","",n); ex[n]=$NF; total+=$NF }
     END { for (n in ex) printf "  %-22s %12d executions\n", name[n], ex[n]; printf "  %-22s %12d executions\n", "total", total }' "$log"
if [ "$status" -ne 0 ]; then
  echo "FINDINGS: see $log and $build/artifacts/*/" >&2
  ls -l "$build"/artifacts/*/ >&2 || true
fi
exit "$status"
