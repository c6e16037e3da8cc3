#!/usr/bin/env bash
# End-to-end check of the regio executable on one (bad or good) input; see README.md.
#
#   check_bad_input.sh --mpiexec MPIRUN --np N --regio REGIO
#                      [--npflag -np] [--exit-code K] [--message TEXT]...
#                      [--status failed|complete|none] [--no-error]
#                      -- REGIO_ARGS...
#
# Runs `timeout 60 MPIRUN NPFLAG N REGIO REGIO_ARGS...` in a fresh temporary folder; every
# REGIO_ARGS word equal to @OUT@ is replaced by a fresh, not yet existing output folder inside it.
# Each rank runs regio under a tiny bash wrapper that records that rank's own exit status, and
# mpirun is told not to kill the other ranks when one exits non-zero
# (OMPI_MCA_orte_abort_on_non_zero_status=0): a rank left waiting in a collective after another
# rank gave up then shows up as a hang instead of being killed and hidden by mpirun.
# Checks (each failure is reported, the script exits 1 if any failed):
#   - the run finished within 60 s (no hang in a collective after an error);
#   - every one of the N ranks exited by itself, with status K (default: any non-zero;
#     with --no-error: 0); this is the status mpirun reports with its default settings;
#   - stderr has exactly one line starting with "regio: error:" (printed once, by rank 0),
#     and that line contains every TEXT (fixed strings); with --no-error: no such line;
#   - no rank reported an "internal error" (MPI_Abort path);
#   - status none (default for failures): @OUT@/run.yaml, if any, does not say "status: complete";
#     status failed|complete: @OUT@/run.yaml exists and its last line is "status: failed|complete".
set -u

mpiexec="" npflag="-np" np="" regio="" exit_code="" status="" no_error=0
messages=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --mpiexec) mpiexec="$2"; shift 2 ;;
    --npflag) npflag="$2"; shift 2 ;;
    --np) np="$2"; shift 2 ;;
    --regio) regio="$2"; shift 2 ;;
    --exit-code) exit_code="$2"; shift 2 ;;
    --message) messages+=("$2"); shift 2 ;;
    --status) status="$2"; shift 2 ;;
    --no-error) no_error=1; shift ;;
    --) shift; break ;;
    *) echo "check_bad_input.sh: unknown option '$1'" >&2; exit 2 ;;
  esac
done
if [[ -z "$mpiexec" || -z "$np" || -z "$regio" || $# -eq 0 ]]; then
  echo "check_bad_input.sh: need --mpiexec, --np, --regio and -- REGIO_ARGS" >&2
  exit 2
fi
status=${status:-none}
[[ $no_error -eq 1 ]] && exit_code=${exit_code:-0}

work=$(mktemp -d "${TMPDIR:-/tmp}/regio-badinput.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
out="$work/out"
args=()
for a in "$@"; do
  if [[ "$a" == "@OUT@" ]]; then args+=("$out"); else args+=("$a"); fi
done

mkdir "$work/rc" || exit 2
# shellcheck disable=SC2016  # expanded by the wrapper, on each rank
wrapper='d=$1; shift; "$@"; s=$?; echo $s > "$d/rank.${OMPI_COMM_WORLD_RANK:-${PMIX_RANK:-${PMI_RANK:-x}}}"; exit $s'
echo "+ timeout 60 $mpiexec $npflag $np $regio ${args[*]}"
OMPI_MCA_orte_abort_on_non_zero_status=0 \
  timeout 60 "$mpiexec" "$npflag" "$np" bash -c "$wrapper" rank-wrapper "$work/rc" "$regio" "${args[@]}" \
  >"$work/stdout" 2>"$work/stderr"
mpirun_rc=$?

failures=0
fail() { echo "FAIL: $*"; failures=$((failures + 1)); }

echo "---- stdout"; cat "$work/stdout"
echo "---- stderr"; cat "$work/stderr"
echo "----"

if [[ $mpirun_rc -eq 124 || $mpirun_rc -eq 137 ]]; then
  fail "timed out after 60 s (hang?)"
fi
for ((r = 0; r < np; r++)); do
  f="$work/rc/rank.$r"
  if [[ ! -f "$f" ]]; then
    fail "rank $r did not exit by itself (killed, aborted or hung; mpirun status $mpirun_rc)"
    continue
  fi
  rc=$(<"$f")
  echo "rank $r exit status: $rc"
  if [[ -n "$exit_code" ]]; then
    [[ $rc -eq $exit_code ]] || fail "rank $r exit status $rc, expected $exit_code"
  else
    [[ $rc -ne 0 ]] || fail "rank $r exit status 0, expected non-zero"
  fi
done

errors=$(grep -c '^regio: error:' "$work/stderr")
if [[ $no_error -eq 1 ]]; then
  [[ $errors -eq 0 ]] || fail "$errors 'regio: error:' line(s) on stderr, expected none"
else
  if [[ $errors -ne 1 ]]; then
    fail "$errors 'regio: error:' lines on stderr, expected exactly 1 (from rank 0 only)"
  fi
  line=$(grep -m1 '^regio: error:' "$work/stderr")
  for m in "${messages[@]}"; do
    grep -qF -- "$m" <<<"$line" || fail "the error line does not contain '$m'"
  done
fi
if grep -q 'internal error' "$work/stderr"; then
  fail "a rank reported an internal error (MPI_Abort) instead of an input/solver error"
fi

run_yaml="$out/run.yaml"
case "$status" in
  none)
    if [[ -f "$run_yaml" ]] && grep -q '^status: complete' "$run_yaml"; then
      fail "$run_yaml says 'status: complete' for a failed run"
    fi ;;
  failed|complete)
    if [[ ! -f "$run_yaml" ]]; then
      fail "$run_yaml does not exist"
    else
      last=$(tail -n 1 "$run_yaml")
      [[ "$last" == "status: $status" ]] || fail "last line of run.yaml is '$last', expected 'status: $status'"
    fi ;;
  *) echo "check_bad_input.sh: bad --status '$status'" >&2; exit 2 ;;
esac

if [[ $failures -gt 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
exit 0
