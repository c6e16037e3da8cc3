#!/bin/bash
# What regio guarantees when runs collide, crash, fill the disk or meet damaged files
# (docs/guarantees.md, issue 19). One case per CTest test (label `faults`):
#   check_faults.sh CASE REGIO MPIEXEC SOURCE_DIR WORK_DIR NP
# CASE: lock | rerun | restart | checkpoint | prune | disk | pipe | signal | numbers | stalled
# (fault_cases.sh) | cf_folder | export_folder | ensemble_lock | free_space (fault_cases_folders.sh) |
# mpirun_term | sbatch_resubmit (fault_cases_launcher.sh); the harness: harness.sh.
# Exit 0: the guarantee holds; 1: it does not (the FAIL line says which); 77: skipped (the
# case needs what this machine lacks: root's tmpfs mounts).
set -u
CASE=$1 REGIO=$2 MPIEXEC=$3 SRC=$4 W=$5 NP=$6
fail() { echo "FAIL: $*"; exit 1; }
ok() { echo "ok: $*"; }
rm -rf "$W" && mkdir -p "$W"
# The tiny scenario of the bad-input tests (4 regions, 3 provinces), a checkpoint every epoch,
# both panel formats (regions.csv and regions.h5); China-31 for runs that must last.
printf 'base: %s\ncheckpoint_every: 1\noutput_format: both\n' "$SRC/tests/bad_inputs/fixtures/good.yaml" > "$W/ck.yaml"
printf 'base: %s\ncheckpoint_every: 0\n' "$SRC/inputs/china31/baseline.yaml" > "$W/long.yaml"
# run NP ARGS...: regio run on NP ranks (stderr to $W/err), within 120 s; returns regio's status.
run() { local np=$1; shift; timeout 120 "$MPIEXEC" -np "$np" "$REGIO" run --quiet "$@" 2> "$W/err"; }
status() { tail -1 "$1/run.yaml" 2>/dev/null; }
# The run's files and their contents, lock file aside.
digest() { (cd "$1" && find . -type f ! -name .regio.lock | sort | xargs -r sha256sum); }
error_says() {  # exactly one regio: error: line, containing the text
  [ "$(grep -c '^regio: error:' "$W/err")" = 1 ] || { cat "$W/err"; fail "expected one 'regio: error:' line"; }
  grep -q -- "$1" "$W/err" || { cat "$W/err"; fail "the error does not say: $1"; }
}
rank_pids() { pgrep -f -- "^$REGIO run .*$1" || true; }  # the rank processes of a run into folder $1

. "$(dirname "$0")/fault_cases.sh"
. "$(dirname "$0")/fault_cases_folders.sh"
. "$(dirname "$0")/fault_cases_launcher.sh"
case_"$CASE"
echo "ALL OK ($CASE)"
