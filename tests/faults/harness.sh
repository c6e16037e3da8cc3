#!/bin/bash
# Fault-injection harness (issue 19): one output folder, a random fault at a random moment,
# again and again for SECONDS seconds, each followed by what a user would do next (restart from
# the newest checkpoint, or rerun with --overwrite); after every step the folder must keep the
# guarantees of docs/guarantees.md:
#   - a run.yaml that says complete holds exactly the rows of an uninterrupted run (bitwise: a
#     restart on the same ranks is byte-identical), and is never empty;
#   - every refusal or failure is one `regio: error:` line; nothing hangs (each step has a
#     timeout, and killing the launcher's ranks is part of the faults);
# and at the end the run is driven to completion and compared.
#   harness.sh REGIO MPIEXEC SOURCE_DIR WORK_DIR NP [SECONDS [SEED]]
# Faults: kill -9 a rank, kill -9 the launcher (mpiexec; its orphaned ranks are then killed too,
# as a scheduler would), SIGUSR1 (checkpoint and stop), a second run into the same folder at once,
# a flipped bit in a random checkpoint, a rerun with --overwrite.
set -u
REGIO=$1 MPIEXEC=$2 SRC=$3 W=$4 NP=$5 SECONDS_BUDGET=${6:-60} SEED=${7:-$RANDOM}
fail() { echo "FAIL (seed $SEED, step $step): $*"; kill_all; exit 1; }
rm -rf "$W" && mkdir -p "$W"
RANDOM=$SEED
step=0
EPOCHS=10
printf 'base: %s\ncheckpoint_every: 1\noutput_format: both\n' "$SRC/tests/bad_inputs/fixtures/good.yaml" > "$W/ck.yaml"
OUT="$W/out"
# Every launcher and rank of this harness (a killed launcher's orphans, as a scheduler would).
kill_all() {
  local p
  p=$(pgrep -f -- "^($MPIEXEC .*)?$REGIO run .*$W/" || true)
  [ -z "$p" ] || kill -9 $p 2>/dev/null
}
start() {  # start ARGS...: a run in the background; its launcher's pid in $launcher, output in $W/log.N
  timeout 60 "$MPIEXEC" -np "$NP" "$REGIO" run "$W/ck.yaml" --epochs $EPOCHS --out "$OUT" "$@" \
    > "$W/log.$step" 2>&1 &
  launcher=$!
}
hung() {  # what a hung run left: its fault, its output and the processes still there
  echo "hung: step $step (${name:-the final drive}), started with: ${args:-}"
  sed 's/^/  log: /' "$W/log.$step" 2>/dev/null | tail -n 20
  ps -eo pid,ppid,stat,etimes,args | grep -E "[m]pi|[r]egio run" | sed 's/^/  ps: /'
  fail "$1"
}
# Wait for the run; its exit status in $rc. Open MPI's mpiexec (4.1) can stay behind for good
# after one of its ranks was killed (seen in CI: "PMIX ERROR: UNREACHABLE", then no exit, not even
# on timeout's SIGTERM): once every rank has been gone for 20 s the launcher is killed, with a note,
# since nothing of regio is left to hang. Ranks still there at the timeout are a hang of regio.
await_launcher() {  # await_launcher PID: its exit status in $rc
  local waited=0 gone=0
  while kill -0 "$1" 2>/dev/null; do
    sleep 0.5
    waited=$((waited + 1))
    if [ -n "$(pgrep -f -- "^$REGIO run .*$W/")" ]; then gone=0; else gone=$((gone + 1)); fi
    [ $waited -lt 140 ] || hung "a run hung: its ranks still there 10 s after the timeout"
    if [ $gone -ge 40 ]; then
      [ $waited -lt 120 ] || hung "a run hung (timeout), its launcher too"
      echo "note: step $step: mpiexec still there 20 s after its ranks ended (Open MPI teardown); killed"
      kill -9 $(pgrep -P "$1") "$1" 2>/dev/null
      break
    fi
  done
  wait "$1"; rc=$?
}
finish() {
  await_launcher "$launcher"
  [ $rc != 124 ] || hung "a run hung (timeout)"
  sleep 0.2; kill_all  # ranks orphaned by a killed launcher
}
newest() { ls "$OUT"/checkpoints/checkpoint-e*.h5 2>/dev/null | sort | tail -1; }
check_folder() {
  [ -e "$OUT/run.yaml" ] || return 0
  [ -s "$OUT/run.yaml" ] || fail "an empty run.yaml"
  if [ "$(tail -1 "$OUT/run.yaml")" = "status: complete" ]; then
    for f in regions.csv aggregates.csv migration.csv; do
      cmp -s "$W/ref/$f" "$OUT/$f" || fail "status: complete but $f differs from the uninterrupted run"
    done
  fi
  local errors
  [ -e "$W/log.$step" ] || return 0
  errors=$(grep -c '^regio: error:' "$W/log.$step")
  [ "$errors" -le 1 ] || fail "$errors error lines: $(cat "$W/log.$step")"
}
# next step: continue the run (restart from the newest checkpoint) or replace it.
resume_args() {
  local ck st
  ck=$(newest)
  st=$(tail -1 "$OUT/run.yaml" 2>/dev/null)
  if [ -n "$ck" ] && [ "$st" != "status: complete" ] && [ $((RANDOM % 4)) != 0 ]; then
    echo "--restart $ck"
  elif [ -e "$OUT" ]; then
    echo "--overwrite"
  fi
}

timeout 60 "$MPIEXEC" -np "$NP" "$REGIO" run "$W/ck.yaml" --epochs $EPOCHS --out "$W/ref" --quiet || fail "reference run"
deadline=$(( $(date +%s) + SECONDS_BUDGET ))
declare -A seen
while [ "$(date +%s)" -lt "$deadline" ]; do
  step=$((step + 1))
  fault=$((RANDOM % 6))
  delay=$(printf '0.%02d' $((RANDOM % 100)))
  names=("kill a rank" "kill the launcher" "SIGUSR1" "a second run at once" "a flipped bit" "none")
  name=${names[$((fault < 5 ? fault : 5))]}
  args=$(resume_args)
  # shellcheck disable=SC2086
  start $args
  case $fault in
    0) sleep "$delay"; p=$(pgrep -f -- "^$REGIO run .*$OUT" | shuf -n 1 --random-source=<(yes "$RANDOM")); [ -z "$p" ] || kill -9 "$p" 2>/dev/null; name="kill a rank" ;;
    1) sleep "$delay"; kill -9 $(pgrep -P "$launcher") "$launcher" 2>/dev/null; name="kill the launcher" ;;  # mpiexec
    2) sleep "$delay"; p=$(pgrep -f -- "^$REGIO run .*$OUT" || true); [ -z "$p" ] || kill -USR1 $p 2>/dev/null; name="SIGUSR1" ;;
    3) first=$launcher; start --overwrite; second=$launcher; launcher=$first; name="a second run at once"
       await_launcher "$second"; [ $rc != 124 ] || hung "the second run hung" ;;
    4) ck=$(ls "$OUT"/checkpoints/checkpoint-e*.h5 2>/dev/null | shuf -n 1 --random-source=<(yes "$RANDOM"))
       [ -z "$ck" ] || /usr/bin/python3 "$SRC/tests/faults/damage_checkpoint.py" "$ck" flip-random "$RANDOM"
       name="a flipped bit in ${ck##*/}" ;;
    *) name="none" ;;
  esac
  finish
  seen[$name]=1
  echo "step $step: ${name%% in *} -> exit $rc, $(tail -1 "$OUT/run.yaml" 2>/dev/null || echo 'no run.yaml')"
  check_folder
done
# Drive the run to completion: restart while there is a good checkpoint, else replace it.
for step in $(seq $((step + 1)) $((step + 6))); do
  [ "$(tail -1 "$OUT/run.yaml" 2>/dev/null)" = "status: complete" ] && break
  name="" args=$(resume_args)
  # shellcheck disable=SC2086
  start $args
  finish
  [ $rc = 0 ] || { ck=$(newest); [ -z "$ck" ] || mv "$ck" "$ck.bad"; }  # a damaged checkpoint: use the one before
  check_folder
done
[ "$(tail -1 "$OUT/run.yaml")" = "status: complete" ] || fail "the run never completed"
check_folder
echo "faults exercised: ${!seen[*]}"
echo "ALL OK (seed $SEED, $step steps)"
