#!/bin/bash
# An error raised on one rank only (not through collectives.hpp) ends every rank within seconds,
# with one `regio: error:` line and the error's exit code, instead of leaving the others waiting
# in a collective until the wall-time limit. REGIO_FAIL_AT=<point>@<rank> injects one
# (collectives.hpp, fail_point): before the first solve (setup), at the start of an epoch
# (epoch, the others then wait in the solve) and inside a residual evaluation (residual, in the
# middle of SNES's collectives).
#   test_rank_local_error.sh REGIO MPIEXEC SOURCE_DIR WORK_DIR
set -uo pipefail
REGIO=$1; MPIEXEC=$2; SRC=$3; W=$4
rm -rf "$W"; mkdir -p "$W"
fail() { echo "FAIL: $*"; exit 1; }
for point in setup epoch residual; do
  start=$(date +%s)
  REGIO_FAIL_AT="$point@1" timeout 60 "$MPIEXEC" -np 3 "$REGIO" run "$SRC/inputs/china31/baseline.yaml" --epochs 3 \
    --quiet --out "$W/$point" > "$W/$point.out" 2> "$W/$point.err"
  rc=$?
  took=$(( $(date +%s) - start ))
  [ "$rc" = 124 ] && fail "$point: the job hung (killed by timeout after 60 s)"
  [ "$rc" = 1 ] || fail "$point: exit code $rc, expected 1 (input error); stderr: $(head -5 "$W/$point.err")"
  [ "$took" -le 20 ] || fail "$point: took $took s to end"
  n=$(grep -c '^regio: error:' "$W/$point.err")
  [ "$n" = 1 ] || fail "$point: $n 'regio: error:' lines: $(grep '^regio: error:' "$W/$point.err")"
  grep -q "^regio: error: failure injected at $point on rank 1 (REGIO_FAIL_AT) (on rank 1 only; the job is aborted)" "$W/$point.err" \
    || fail "$point: message $(grep '^regio: error:' "$W/$point.err")"
  if [ -f "$W/$point/run.yaml" ] && grep -q '^status: complete' "$W/$point/run.yaml"; then fail "$point: run.yaml says complete"; fi
  echo "ok: $point@1 ended all 3 ranks in $took s with one message, exit 1"
done
