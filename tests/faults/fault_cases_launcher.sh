# The launcher cases of check_faults.sh (sourced like fault_cases.sh).

# SIGTERM to mpirun (scancel, a preemption, a time limit: Slurm signals every process of the
# job, mpirun included). Open MPI 4's mpirun then ends the job itself: SIGTERM to the ranks after
# odls_base_sigkill_timeout seconds, SIGKILL after as many again (default 1 s: too short for an
# epoch and a checkpoint). With the timeout raised (the jobscripts set 20 s) the ranks finish the
# epoch, write a checkpoint and say `interrupted`; the restart completes the run byte for byte.
# term_mpirun TIMEOUT DIR: a run of 4-second epochs (REGIO_FAIL_AT=slow_epoch) whose mpirun gets
# SIGTERM right after its second epoch (so the next ends 4 s later), with odls_base_sigkill_timeout TIMEOUT; mpirun's status.
term_mpirun() {
  OMPI_MCA_odls_base_sigkill_timeout=$1 REGIO_FAIL_AT=slow_epoch@0 "$MPIEXEC" -x REGIO_FAIL_AT -np "$NP" "$REGIO" \
    run --quiet "$W/long.yaml" --epochs 1000 --out "$2" > "$2.log" 2>&1 &
  local launcher=$! i
  for i in $(seq 600); do [ "$({ wc -l < "$2/aggregates.csv"; } 2>/dev/null || echo 0)" -gt 2 ] && break; sleep 0.05; done
  kill -TERM "$launcher"
  wait "$launcher"
}

case_mpirun_term() {
  term_mpirun 1 "$W/short"
  [ "$(status "$W/short")" = "status: running" ] || fail "the default timeout (1 s) let the run finish ($(status "$W/short"))"
  ok "SIGTERM to mpirun with the default odls_base_sigkill_timeout (1 s): the ranks are killed mid-epoch (run.yaml running)"
  local t0=$SECONDS
  term_mpirun 12 "$W/t"
  local rc=$? took=$((SECONDS - t0))
  [ "$(status "$W/t")" = "status: interrupted" ] ||
    { cat "$W/t.log"; fail "SIGTERM to mpirun: run.yaml $(status "$W/t") (mpirun exit $rc)"; }
  local ck e
  ck=$(ls "$W/t"/checkpoints/checkpoint-e*.h5 | sort | tail -1)
  [ -n "$ck" ] || fail "no checkpoint after SIGTERM to mpirun"
  ok "SIGTERM to mpirun with odls_base_sigkill_timeout 12: $(basename "$ck"), interrupted (mpirun exit $rc, run ${took} s)"
  e=$(basename "$ck" .h5) && e=$((10#${e#checkpoint-e} + 2))
  run "$NP" "$W/long.yaml" --epochs "$e" --out "$W/ref" || fail "reference run"
  run "$NP" "$W/long.yaml" --epochs "$e" --out "$W/t" --restart "$ck" || { cat "$W/err"; fail "the restart"; }
  [ "$(status "$W/t")" = "status: complete" ] || fail "the restart is not complete"
  for f in aggregates.csv regions.csv; do cmp -s "$W/ref/$f" "$W/t/$f" || fail "$f differs from the uninterrupted run"; done
  cmp -s <(cut -d, -f1-6,8- "$W/ref/solver.csv") <(cut -d, -f1-6,8- "$W/t/solver.csv") || fail "solver.csv differs"
  ok "the restart completes byte for byte as an uninterrupted run of $e epochs"
}

# jobscripts/regio.sbatch resubmitted (or requeued) into a folder in each state, run outside
# Slurm (bash, mpirun as the launcher): nothing there: a fresh run; complete: nothing to do;
# killed (`running`) or interrupted: continued from the newest checkpoint; failed: refused;
# OVERWRITE=1: run again with --overwrite. The Slurm test `slurm_resubmit` submits it for real.
case_sbatch_resubmit() {
  mkdir -p "$W/bin" && printf '#!/bin/sh\nexit 1\n' > "$W/bin/scontrol" && chmod +x "$W/bin/scontrol"  # no Slurm here
  sb() {  # sb OUT [ENV=VALUE...]: the jobscript into OUT, 4 epochs; its status; log in $W/sb.log
    local out=$1; shift
    env "$@" PATH="$W/bin:$PATH" REGIO="$REGIO" REGIO_HOME="$SRC" DECOMP=auto EPOCHS=4 LAUNCHER="$MPIEXEC -np $NP" \
      timeout 120 bash "$SRC/jobscripts/regio.sbatch" "$W/ck.yaml" "$out" > "$W/sb.log" 2>&1
  }
  sb "$W/j" || { cat "$W/sb.log"; fail "the first submission"; }
  [ "$(status "$W/j")" = "status: complete" ] || fail "the first submission is not complete"
  digest "$W/j" > "$W/j.sum"
  sb "$W/j" || { cat "$W/sb.log"; fail "a resubmission into a complete folder did not exit 0"; }
  grep -q "is already complete; nothing to do" "$W/sb.log" || { cat "$W/sb.log"; fail "no 'nothing to do'"; }
  digest "$W/j" | cmp -s - "$W/j.sum" || fail "a resubmission changed a complete folder"
  ok "resubmitted into a complete folder: nothing to do, exit 0, the folder unchanged"
  # Killed after its checkpoint of epoch 3 (run.yaml still `running`, a cut last line).
  cp -r "$W/j" "$W/k"
  sed -i '$ s/^status: .*/status: running/' "$W/k/run.yaml"
  printf '3,20' >> "$W/k/aggregates.csv"
  sb "$W/k" || { cat "$W/sb.log"; fail "a resubmission into a killed run's folder"; }
  grep -q "^restart    from $W/k/checkpoints/checkpoint-e000003.h5" "$W/sb.log" || { cat "$W/sb.log"; fail "not restarted from e3"; }
  [ "$(status "$W/k")" = "status: complete" ] || fail "the continued run is not complete"
  cmp -s "$W/j/aggregates.csv" "$W/k/aggregates.csv" || fail "the continued run differs from the uninterrupted one"
  ok "resubmitted into a killed run's folder: continued from the newest checkpoint, complete, the same rows"
  # Failed: refused without OVERWRITE, run again with it.
  sed -i '$ s/^status: .*/status: failed/' "$W/k/run.yaml"
  digest "$W/k" > "$W/k.sum"
  sb "$W/k"
  [ $? = 1 ] || { cat "$W/sb.log"; fail "a resubmission into a failed run's folder was not refused"; }
  grep -q "run.yaml says failed.*set OVERWRITE=1" "$W/sb.log" || { cat "$W/sb.log"; fail "the refusal does not say what to do"; }
  digest "$W/k" | cmp -s - "$W/k.sum" || fail "the refused resubmission changed the folder"
  sb "$W/k" OVERWRITE=1 || { cat "$W/sb.log"; fail "OVERWRITE=1 into a failed run's folder"; }
  grep -q -- "--overwrite" "$W/sb.log" && [ "$(status "$W/k")" = "status: complete" ] || fail "OVERWRITE=1: not run again"
  sb "$W/j" OVERWRITE=1 || { cat "$W/sb.log"; fail "OVERWRITE=1 into a complete folder"; }
  [ "$(status "$W/j")" = "status: complete" ] && [ ! -e "$W/j/.replaced" ] || fail "OVERWRITE=1: the rerun is not complete"
  ok "a failed run's folder: refused (exit 1, says how); OVERWRITE=1 runs again with --overwrite"
}
