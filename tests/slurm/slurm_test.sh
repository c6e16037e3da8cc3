#!/bin/bash
# SLURM end-to-end checks of jobscripts/ on a single-node test cluster (see README.md here).
#   slurm_test.sh CHECK SOURCE_DIR REGIO MPIEXEC WORK_DIR
# CHECK: up | down | run-srun | run-mpirun | sweep | requeue | signal-steps | timelimit | ensemble | scaling |
#        resubmit
# Env: SLURM_BASE (cluster state dir), SLURM_CONF (= $SLURM_BASE/etc/slurm.conf).
# Every wait is bounded; a failure prints FAIL: <why> and the relevant log.
# Jobs that must not see the time-limit warning get -t 5: the templates' --signal=B:USR1@120 is
# sent at the first of slurmctld's 30-s checks with less than 120 + 30 s left, so with -t 2 it
# would arrive right at the start.
set -u
CHECK=$1 SRC=$2 REGIO=$3 MPIEXEC=$4 W=$5
export REGIO REGIO_HOME=$SRC
BASELINE=$SRC/inputs/china31/baseline.yaml
OWNER=$SLURM_BASE/ctest-owner
T0=$(date +%s.%N)
el() { awk -v a="$T0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b-a}'; }
fail() { echo "FAIL ($CHECK after $(el) s): $*"; for f in "${SHOW[@]}"; do [ -f "$f" ] && { echo "---- $f"; tail -40 "$f"; }; done; exit 1; }
SHOW=()
ok() { echo "ok ($(el) s): $*"; }

need_cluster() {
  command -v sbatch >/dev/null || fail "sbatch not found: apt-get install -y --no-install-recommends slurm-wlm munge"
  timeout 10 sinfo -h >/dev/null 2>&1 || fail "the test cluster does not answer (SLURM_CONF=$SLURM_CONF); did slurm_up pass?"
}
job_field() { scontrol show job -o "$1" 2>/dev/null | grep -oE "(^| )$2=[^ ]*" | head -1 | cut -d= -f2-; }
# wait_job JOBID SECONDS: until the job is in a final state; echoes the state
wait_job() {
  local j=$1 limit=$2 t=$SECONDS st
  while :; do
    st=$(job_field "$j" JobState)
    case $st in
      COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|PREEMPTED|BOOT_FAIL|DEADLINE) echo "$st"; return 0 ;;
      "") echo "UNKNOWN"; return 1 ;;
    esac
    if [ $((SECONDS - t)) -ge "$limit" ]; then scancel "$j" 2>/dev/null; echo "TIMEOUT_WAITING($st)"; return 1; fi
    sleep 0.25
  done
}
# wait_for FILE REGEX SECONDS: until FILE has a line matching REGEX
wait_for() {
  local t=$SECONDS
  until grep -qE "$2" "$1" 2>/dev/null; do
    [ $((SECONDS - t)) -ge "$3" ] && return 1
    sleep 0.1
  done
}
last_status() { tail -1 "$1/run.yaml" 2>/dev/null; }

case $CHECK in
# ------------------------------------------------------------------------------------------
up)
  [ "$(id -u)" = 0 ] || fail "the SLURM tests start munged/slurmctld/slurmd and must run as root"
  for exe in sbatch slurmctld slurmd munged; do
    command -v "$exe" >/dev/null || [ -x "/usr/sbin/$exe" ] || fail "$exe missing: apt-get install -y --no-install-recommends slurm-wlm munge (scripts/install-deps.sh)"
  done
  /usr/bin/python3 -c 'import yaml, matplotlib' 2>/dev/null || fail "python3-yaml and python3-matplotlib are needed: apt-get install -y python3-yaml python3-matplotlib"
  # One cluster per build dir: another ctest still running on it keeps it (its cleanup stops it)
  if [ -s "$OWNER" ] && [ "$(cat "$OWNER")" != "$PPID" ] && kill -0 "$(cat "$OWNER")" 2>/dev/null \
     && [ -s "$SLURM_BASE/run/slurmctld.pid" ] && kill -0 "$(cat "$SLURM_BASE/run/slurmctld.pid")" 2>/dev/null; then
    fail "the test cluster in $SLURM_BASE is in use by another running ctest (pid $(cat "$OWNER")): wait until it is done"
  fi
  timeout 90 "$SRC/scripts/slurm-up.sh" || fail "scripts/slurm-up.sh failed (exit $?); logs in $SLURM_BASE/log"
  echo "$PPID" > "$OWNER"     # the ctest process that owns the cluster
  sinfo
  ok "cluster up" ;;
# ------------------------------------------------------------------------------------------
down)
  if [ -s "$OWNER" ] && [ "$(cat "$OWNER")" != "$PPID" ] && kill -0 "$(cat "$OWNER")" 2>/dev/null; then
    ok "the cluster belongs to another running ctest (pid $(cat "$OWNER")): left running"; exit 0
  fi
  pids=""
  for f in slurmd slurmctld munged; do [ -s "$SLURM_BASE/run/$f.pid" ] && pids="$pids $(cat "$SLURM_BASE/run/$f.pid")"; done
  timeout 60 "$SRC/scripts/slurm-down.sh" || fail "scripts/slurm-down.sh failed"
  rm -f "$OWNER"
  for p in $pids; do kill -0 "$p" 2>/dev/null && fail "daemon pid $p still alive after slurm-down.sh"; done
  ok "daemons stopped:$pids" ;;
# ------------------------------------------------------------------------------------------
run-srun|run-mpirun)
  need_cluster
  L=${CHECK#run-}; D=$W/run-$L; rm -rf "$D"; mkdir -p "$D"; SHOW=("$D/slurm.log")
  j=$(cd "$SRC" && EPOCHS=3 LAUNCHER=$L timeout 30 sbatch --parsable -n 4 -t 5 -o "$D/slurm.log" \
        jobscripts/regio.sbatch inputs/china31/baseline.yaml "$D/out") || fail "sbatch refused the job"
  st=$(wait_job "$j" 60) || fail "job $j did not finish in 60 s ($st)"
  [ "$st" = COMPLETED ] || fail "job $j ended $st, ExitCode $(job_field "$j" ExitCode)"
  [ "$(last_status "$D/out")" = "status: complete" ] || fail "run.yaml: $(last_status "$D/out")"
  grep -qx "ranks: 4" "$D/out/run.yaml" || fail "run.yaml does not say ranks: 4"
  grep -q "^job        $j " "$D/slurm.log" || fail "log header lacks the job id"
  grep -q "tasks 4" "$D/slurm.log" || fail "log header lacks the task count"
  grep -q "^scenario   inputs/china31/baseline.yaml" "$D/slurm.log" || fail "log header lacks the scenario"
  grep -q "^decomp     $SRC/decomp/china31-np4.yaml" "$D/slurm.log" || fail "default DECOMP is not decomp/china31-np4.yaml"
  case $L in srun) grep -q "^launcher   srun --mpi=pmix" "$D/slurm.log" ;; mpirun) grep -q "^launcher   mpirun" "$D/slurm.log" ;; esac \
    || fail "log does not show the $L launcher"
  for e in 1 2 3; do grep -qE "^epoch $e/3 year [0-9]+ \| newton" "$D/slurm.log" || fail "progress line 'epoch $e/3' missing from the SLURM log"; done
  grep -q "^done: outputs in" "$D/slurm.log" || fail "no 'done:' line in the SLURM log"
  ok "regio.sbatch with $L: job $j, 4 tasks, 3 epochs, run.yaml complete, progress in the log" ;;
# ------------------------------------------------------------------------------------------
sweep)
  need_cluster
  D=$W/sweep; rm -rf "$D"; mkdir -p "$D"
  printf '# 3-value sweep\ntrade.border_cost=1.2\n\ntrade.border_cost=1.5\ntrade.border_cost=2.0   # last\n' > "$D/sweep.txt"
  a=$(cd "$SRC" && EPOCHS=3 timeout 30 jobscripts/sweep.sh "$D/sweep.txt" inputs/china31/baseline.yaml "$D/out" \
        -n 2 -t 5 -o "$D/task-%a.log") || fail "submitting the sweep failed"
  SHOW=("$D/task-1.log" "$D/task-2.log" "$D/task-3.log")
  for i in 1 2 3; do
    st=$(wait_job "${a}_$i" 60) || fail "array task ${a}_$i did not finish in 60 s ($st)"
    [ "$st" = COMPLETED ] || fail "array task ${a}_$i ended $st"
  done
  for i in 1 2 3; do
    [ "$(last_status "$D/out/task-$i")" = "status: complete" ] || fail "task-$i: $(last_status "$D/out/task-$i")"
  done
  /usr/bin/python3 -c 'import sys, yaml; d = yaml.safe_load(open(sys.argv[1])); sys.exit(d["trade"]["border_cost"] != 1.5)' \
    "$D/out/task-2/scenario.yaml" || fail "task-2/scenario.yaml: trade.border_cost is not 1.5"
  /usr/bin/python3 "$SRC/tools/sweep_collect.py" "$D/out" || fail "sweep_collect.py failed"
  [ "$(wc -l < "$D/out/sweep.csv")" = 4 ] || fail "sweep.csv should have a header and 3 rows: $(cat "$D/out/sweep.csv")"
  [ "$(cut -d, -f1,2 "$D/out/sweep.csv" | tr '\n' ' ')" = "task,trade.border_cost 1,1.2 2,1.5 3,2.0 " ] \
    || fail "sweep.csv task/parameter columns: $(cut -d, -f1,2 "$D/out/sweep.csv" | tr '\n' ' ')"
  head -1 "$D/out/sweep.csv" | grep -q ",gdp,.*,gini," || fail "sweep.csv lacks the aggregates columns"
  awk -F, 'NR > 1 && $3 != 2 { bad = 1 } END { exit bad }' "$D/out/sweep.csv" || fail "sweep.csv rows are not the last epoch (2)"
  # refusal: an incomplete task is listed and nothing is written
  cp -r "$D/out" "$D/bad"; rm -f "$D/bad/sweep.csv"
  sed -i '$ s/.*/status: interrupted/' "$D/bad/task-2/run.yaml"; rm -rf "$D/bad/task-3"
  /usr/bin/python3 "$SRC/tools/sweep_collect.py" "$D/bad" 2> "$D/bad.err" && fail "sweep_collect accepted an interrupted task"
  grep -q "task-2: interrupted" "$D/bad.err" && grep -q "task-3: missing" "$D/bad.err" || { cat "$D/bad.err"; fail "refusal does not list task-2 and task-3"; }
  [ ! -e "$D/bad/sweep.csv" ] || fail "sweep.csv written despite incomplete tasks"
  ok "sweep array $a: 3 tasks complete, sweep.csv has 3 rows; incomplete tasks refused and listed" ;;
# ------------------------------------------------------------------------------------------
requeue)
  need_cluster
  D=$W/requeue; rm -rf "$D"; mkdir -p "$D"; SHOW=("$D/slurm.log")
  N=150
  # 1-minute limit; the time-limit warning is set to 5 s so that it cannot fire during the test:
  # the USR1 comes from scancel --batch (what --signal=B:USR1 does at the limit)
  j=$(cd "$SRC" && EPOCHS=$N timeout 30 sbatch --parsable -n 2 -t 1 --signal=B:USR1@5 -o "$D/slurm.log" \
        jobscripts/regio.sbatch inputs/china31/baseline.yaml "$D/out") || fail "sbatch refused the job"
  wait_for "$D/slurm.log" "^epoch 5/$N " 30 || fail "regio did not reach epoch 5 within 30 s"
  scancel --batch --signal=USR1 "$j" || fail "scancel --batch --signal=USR1 $j failed"
  wait_for "$D/slurm.log" "requeueing job $j" 30 || fail "no requeue after SIGUSR1"
  grep -q "regio exited with 4" "$D/slurm.log" || fail "regio did not exit 4 after SIGUSR1"
  ok "USR1 -> exit 4 -> checkpoint $(grep -o 'checkpoint-e[0-9]*\.h5' "$D/slurm.log" | head -1) -> scontrol requeue"
  st=$(wait_job "$j" 90) || fail "requeued job $j did not finish in 90 s ($st)"
  [ "$st" = COMPLETED ] || fail "requeued job $j ended $st, ExitCode $(job_field "$j" ExitCode)"
  [ "$(job_field "$j" Restarts)" = 1 ] || fail "Restarts=$(job_field "$j" Restarts), expected 1"
  grep -q "restart count 1" "$D/slurm.log" || fail "second part of the log missing (--open-mode=append?)"
  grep -q "^restart    from $D/out/checkpoints/checkpoint-e" "$D/slurm.log" || fail "requeued job did not pick the checkpoint"
  grep -q "^restarting from" "$D/slurm.log" || fail "regio did not restart from the checkpoint"
  [ "$(last_status "$D/out")" = "status: complete" ] || fail "run.yaml: $(last_status "$D/out")"
  [ "$(cut -d, -f1 "$D/out/aggregates.csv" | tail -n +2 | sort -n | uniq | wc -l)" = $N ] \
    && [ "$(wc -l < "$D/out/aggregates.csv")" = $((N + 1)) ] || fail "aggregates.csv does not have epochs 0..$((N - 1)) once each"
  # the interrupted + restarted run equals an uninterrupted one
  OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_pml=ob1 \
  OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none OMPI_MCA_mpi_yield_when_idle=1 \
    timeout 120 "$MPIEXEC" -np 2 "$REGIO" run "$BASELINE" --epochs $N --decomp "$SRC/decomp/china31-np2.yaml" \
    --out "$D/ref" --quiet || fail "reference run failed"
  /usr/bin/python3 "$SRC/tools/compare_runs.py" "$D/ref" "$D/out" --rtol 1e-12 > "$D/compare.txt" 2>&1 \
    || { cat "$D/compare.txt"; fail "requeued run differs from the uninterrupted run"; }
  ok "job $j requeued once, restarted from the checkpoint, complete; equals an uninterrupted run" ;;
# ------------------------------------------------------------------------------------------
signal-steps)
  # what Slurm's --signal WITHOUT `B:` does (= scancel --signal=USR1 without --batch): only job
  # steps are signalled. srun-launched ranks are a step -> they stop (exit 4) although the batch
  # shell never saw the signal; mpirun-launched ranks live in the batch step -> nothing happens.
  need_cluster
  D=$W/signal-steps; rm -rf "$D"; mkdir -p "$D"; SHOW=("$D/srun.log" "$D/mpirun.log")
  declare -A J
  for L in srun mpirun; do
    J[$L]=$(cd "$SRC" && EPOCHS=100000 LAUNCHER=$L REQUEUE=0 timeout 30 sbatch --parsable -n 2 -t 5 -o "$D/$L.log" \
      jobscripts/regio.sbatch inputs/china31/baseline.yaml "$D/$L") || fail "sbatch refused the $L job"
  done
  for L in srun mpirun; do wait_for "$D/$L.log" "^epoch 5/" 30 || fail "$L job did not reach epoch 5 within 30 s"; done
  scancel --signal=USR1 "${J[srun]}" && scancel --signal=USR1 "${J[mpirun]}" || fail "scancel --signal=USR1 failed"
  st=$(wait_job "${J[srun]}" 30) || fail "srun job did not stop within 30 s of the step signal ($st)"
  [ "$st" = FAILED ] && [ "$(job_field "${J[srun]}" ExitCode)" = 4:0 ] || fail "srun job: $st $(job_field "${J[srun]}" ExitCode), expected FAILED 4:0"
  grep -q "^stopped by signal" "$D/srun.log" || fail "srun ranks did not stop on the step signal"
  grep -q "forwarding SIGUSR1" "$D/srun.log" && fail "the batch shell got a step-only signal?"
  sleep 3
  [ "$(job_field "${J[mpirun]}" JobState)" = RUNNING ] && ! grep -q "^stopped by signal" "$D/mpirun.log" \
    || fail "mpirun ranks reacted to a step-only signal (expected: not delivered)"
  scancel "${J[mpirun]}"; wait_job "${J[mpirun]}" 30 >/dev/null
  rm -rf "$D/srun/regions.csv" "$D/mpirun/regions.csv"
  ok "step-only USR1: srun ranks stop with exit 4; mpirun ranks never get it (use --signal=B:USR1)" ;;
# ------------------------------------------------------------------------------------------
timelimit)
  # the real thing: --signal=B:USR1@55 with a 1-minute limit (slurmctld sends it at its first
  # time check, <= 30 s after the start), launcher mpirun (needs the B: variant), no requeue
  need_cluster
  D=$W/timelimit; rm -rf "$D"; mkdir -p "$D"; SHOW=("$D/slurm.log")
  j=$(cd "$SRC" && EPOCHS=100000 LAUNCHER=mpirun REQUEUE=0 timeout 30 sbatch --parsable -n 2 -t 1 --signal=B:USR1@55 \
        -o "$D/slurm.log" jobscripts/regio.sbatch inputs/china31/baseline.yaml "$D/out") || fail "sbatch refused the job"
  st=$(wait_job "$j" 75) || fail "job $j did not finish in 75 s ($st)"
  grep -q "forwarding SIGUSR1" "$D/slurm.log" || fail "the batch shell never got SIGUSR1 from --signal=B:USR1@55 (job $st)"
  [ "$st" = FAILED ] && [ "$(job_field "$j" ExitCode)" = 4:0 ] || fail "job $j ended $st ExitCode $(job_field "$j" ExitCode), expected FAILED 4:0"
  [ "$(last_status "$D/out")" = "status: interrupted" ] || fail "run.yaml: $(last_status "$D/out")"
  ls "$D/out/checkpoints/"checkpoint-e*.h5 >/dev/null 2>&1 || fail "no checkpoint"
  ok "time-limit warning reached the mpirun ranks after $(grep -c '^epoch' "$D/slurm.log") epochs: exit 4, interrupted, checkpoint"
  rm -rf "$D/out/regions.csv" ;;  # tens of MB
# ------------------------------------------------------------------------------------------
ensemble)
  # jobscripts/ensemble.sbatch: the tiny grid ensemble (4 members) on 4 tasks in 2 groups of 2
  # ranks, with mpirun inside the allocation; every member complete, the bands written.
  need_cluster
  D=$W/ensemble; rm -rf "$D"; mkdir -p "$D"; SHOW=("$D/slurm.log")
  j=$(cd "$SRC" && LAUNCHER=mpirun GROUP_RANKS=2 timeout 30 sbatch --parsable -n 4 -t 5 -o "$D/slurm.log" \
        jobscripts/ensemble.sbatch tests/ensemble/grid.yaml "$D/out") || fail "sbatch refused the job"
  st=$(wait_job "$j" 90) || fail "job $j did not finish in 90 s ($st)"
  [ "$st" = COMPLETED ] || fail "job $j ended $st, ExitCode $(job_field "$j" ExitCode)"
  [ "$(tail -1 "$D/out/ensemble.yaml")" = "status: complete" ] || fail "ensemble.yaml: $(tail -1 "$D/out/ensemble.yaml")"
  grep -qx "groups: 2" "$D/out/ensemble.yaml" || fail "ensemble.yaml does not say groups: 2"
  for m in 000 001 002 003; do
    [ "$(last_status "$D/out/members/$m")" = "status: complete" ] || fail "member $m: $(last_status "$D/out/members/$m")"
    grep -qx "ranks: 2" "$D/out/members/$m/run.yaml" || fail "member $m did not run on 2 ranks"
  done
  [ -s "$D/out/bands_national.csv" ] && [ -s "$D/out/bands_regions.csv" ] || fail "bands missing"
  [ "$(grep -c '^member [0-9]* complete' "$D/slurm.log")" = 4 ] || fail "the log lacks the 4 members' lines"
  ok "ensemble.sbatch: job $j, 4 members in 2 groups of 2 ranks, bands written" ;;
# ------------------------------------------------------------------------------------------
scaling)
  need_cluster
  D=$W/scaling; rm -rf "$D"; mkdir -p "$D"; SHOW=("$D/strong/np1.log" "$D/strong/np2.log")
  (cd "$SRC" && timeout 120 jobscripts/scaling.sh --epochs 5 --sbatch "-t 5" --timeout 100 --report \
     strong inputs/china31/baseline.yaml "$D/strong" 1 2) > "$D/strong.txt" 2>&1 || { cat "$D/strong.txt"; fail "strong scaling study failed"; }
  cat "$D/strong.txt"
  SHOW=("$D/weak/np1.log" "$D/weak/np2.log")
  (cd "$SRC" && timeout 120 jobscripts/scaling.sh --epochs 5 --sbatch "-t 5" --timeout 100 --report \
     weak "$D/weak" 1:inputs/china31/baseline.yaml 2:inputs/china-prefectures/baseline.yaml) > "$D/weak.txt" 2>&1 \
     || { cat "$D/weak.txt"; fail "weak scaling study failed"; }
  for m in strong weak; do
    for f in scaling.csv scaling.md speedup.png efficiency.png; do [ -s "$D/$m/$f" ] || fail "$m: $f missing"; done
    for f in speedup.png efficiency.png; do
      [ "$(head -c 8 "$D/$m/$f" | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ] || fail "$m/$f is not a PNG"
    done
    [ "$(cut -d, -f1,2 "$D/$m/scaling.csv" | tail -n +2 | tr '\n' ' ')" = "$m,1 $m,2 " ] || fail "$m/scaling.csv: $(cat "$D/$m/scaling.csv")"
    grep -q "^| 2 |" "$D/$m/scaling.md" || fail "$m/scaling.md lacks the 2-rank row"
    # Both rank counts stored their kernel rows (run.yaml kernel_storage), so no switch warning.
    [ "$(tail -n +2 "$D/$m/scaling.csv" | tr -d '\r' | awk -F, '{print $14}' | sort -u)" = stored ] || fail "$m: kernel storage not 'stored' everywhere"
    ! grep -q "kernel storage differs" "$D/$m/scaling.md" || fail "$m/scaling.md warns of a kernel storage switch"
  done
  awk -F, 'NR == 2 && ($10 != "1.0000" || $11 != "1.0000") { exit 1 }' "$D/strong/scaling.csv" || fail "p0 row is not speedup 1, efficiency 1"
  ok "strong (1, 2 tasks) and weak (31 regions/1 task, 367/2) studies: tables and PNGs" ;;
# ------------------------------------------------------------------------------------------
resubmit)
  # regio.sbatch submitted again into its complete folder: nothing to do (COMPLETED, folder
  # unchanged); with OVERWRITE=1 it runs again with --overwrite (tests/faults case
  # sbatch_resubmit checks every folder state without Slurm).
  need_cluster
  D=$W/resubmit; rm -rf "$D"; mkdir -p "$D"; SHOW=("$D/slurm.log")
  sub() { (cd "$SRC" && env "$@" EPOCHS=2 LAUNCHER=mpirun timeout 30 sbatch --parsable -n 2 -t 5 -o "$D/slurm.log" \
             jobscripts/regio.sbatch inputs/china31/baseline.yaml "$D/out"); }
  j=$(sub) || fail "sbatch refused the job"
  st=$(wait_job "$j" 60) || fail "job $j did not finish in 60 s ($st)"
  [ "$st" = COMPLETED ] && [ "$(last_status "$D/out")" = "status: complete" ] || fail "first job $j ended $st"
  sum=$(cd "$D/out" && find . -type f ! -name .regio.lock | sort | xargs sha256sum)
  j=$(sub) || fail "sbatch refused the resubmission"
  st=$(wait_job "$j" 60) || fail "job $j did not finish in 60 s ($st)"
  [ "$st" = COMPLETED ] || fail "the resubmission $j ended $st, ExitCode $(job_field "$j" ExitCode)"
  grep -q "is already complete; nothing to do" "$D/slurm.log" || fail "the resubmission did not say 'nothing to do'"
  [ "$(cd "$D/out" && find . -type f ! -name .regio.lock | sort | xargs sha256sum)" = "$sum" ] || fail "the resubmission changed the folder"
  j=$(sub OVERWRITE=1) || fail "sbatch refused the OVERWRITE=1 job"
  st=$(wait_job "$j" 60) || fail "job $j did not finish in 60 s ($st)"
  [ "$st" = COMPLETED ] && [ "$(last_status "$D/out")" = "status: complete" ] || fail "OVERWRITE=1 job $j ended $st"
  grep -q "^overwrite  the run in $D/out" "$D/slurm.log" || fail "the OVERWRITE=1 job did not say it overwrites"
  ok "resubmitted into a complete folder: nothing to do; OVERWRITE=1: run again, complete" ;;
*) echo "unknown check $CHECK"; exit 2 ;;
esac
