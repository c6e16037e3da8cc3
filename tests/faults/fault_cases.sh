# The cases of check_faults.sh (sourced: W, REGIO, MPIEXEC, SRC, NP and the helpers are set).

# A folder another run holds (its lock taken, as a live run holds it) is refused at once,
# and two runs started together into one folder never both write it.
case_lock() {
  mkdir -p "$W/held"
  exec 9> "$W/held/.regio.lock"  # this shell holds the lock, as a live run would
  flock -n 9 || fail "could not take the lock"
  run "$NP" "$W/ck.yaml" --epochs 2 --out "$W/held"
  local rc=$?
  exec 9>&-
  [ $rc = 1 ] || fail "a run into a locked folder: exit $rc, expected 1"
  error_says "another regio run is writing into this folder"
  [ ! -e "$W/held/run.yaml" ] || fail "the refused run wrote run.yaml"
  ok "a folder held by another run is refused"
  # Two at once: one wins, the other is refused; the folder holds the winner's rows only.
  run "$NP" "$W/long.yaml" --epochs 20 --out "$W/ref" || fail "reference run"
  (run "$NP" "$W/long.yaml" --epochs 20 --out "$W/both"; echo $? > "$W/rc1") 2> "$W/err1" &
  (run "$NP" "$W/long.yaml" --epochs 20 --out "$W/both"; echo $? > "$W/rc2") 2> "$W/err2" &
  wait
  [ "$(sort "$W/rc1" "$W/rc2" | tr '\n' ' ')" = "0 1 " ] || fail "two runs into one folder: exits $(cat "$W/rc1") and $(cat "$W/rc2")"
  [ "$(status "$W/both")" = "status: complete" ] || fail "the winner is not complete"
  for f in aggregates.csv regions.csv; do cmp -s "$W/ref/$f" "$W/both/$f" || fail "$f mixes two runs"; done
  ok "two runs into one folder: one completes alone, the other is refused"
}

# A folder holding a run is never written over without --overwrite; a failing or crashing
# replacement puts the old run back; a replacement that completes leaves nothing stale.
case_rerun() {
  run "$NP" "$W/ck.yaml" --epochs 4 --out "$W/a" || fail "first run"
  digest "$W/a" > "$W/a.sum"
  run "$NP" "$W/ck.yaml" --epochs 3 --out "$W/a"
  local rc=$?
  [ $rc = 1 ] || fail "a rerun into a complete run's folder: exit $rc, expected 1"
  error_says "holds the files of another run (run.yaml status: complete)"
  digest "$W/a" | cmp -s - "$W/a.sum" || fail "the refused rerun changed the folder"
  ok "a rerun without --overwrite is refused and changes nothing"
  # A replacement that fails (an option PETSc cannot use, found in its first solve).
  run "$NP" "$W/ck.yaml" --epochs 3 --out "$W/a" --overwrite -- -national_snes_type no_such_type
  rc=$?
  [ $rc = 1 ] || fail "a failing replacement: exit $rc, expected 1"
  digest "$W/a" | cmp -s - "$W/a.sum" || fail "a failing replacement destroyed the earlier run"
  grep -q "the run it was to replace is back in place" "$W/err" || fail "no note that the old run is back"
  ok "a failing --overwrite puts the earlier run back"
  # A replacement that crashes (a rank-local error: MPI_Abort): the next start restores the old run.
  OMPI_MCA_orte_abort_on_non_zero_status=1 REGIO_FAIL_AT="epoch@$((NP - 1))" \
    timeout 60 "$MPIEXEC" -x REGIO_FAIL_AT -np "$NP" "$REGIO" run "$W/ck.yaml" --epochs 3 --out "$W/a" --overwrite \
    --quiet > /dev/null 2>&1
  run "$NP" "$W/ck.yaml" --epochs 3 --out "$W/a"
  [ $? = 1 ] || fail "a rerun after a crashed replacement was not refused"
  digest "$W/a" | cmp -s - "$W/a.sum" || fail "a crashed replacement destroyed the earlier run"
  ok "a crashed --overwrite is undone by the next start"
  # A replacement that completes: the old run's files are gone (no regions.h5, no checkpoints).
  printf 'base: %s\noutput_format: csv\n' "$SRC/tests/bad_inputs/fixtures/good.yaml" > "$W/plain.yaml"
  run "$NP" "$W/plain.yaml" --epochs 2 --out "$W/a" --overwrite || { cat "$W/err"; fail "--overwrite"; }
  [ "$(status "$W/a")" = "status: complete" ] || fail "the replacement is not complete"
  for f in regions.h5 checkpoints .replaced; do [ ! -e "$W/a/$f" ] || fail "$f of the old run survived --overwrite"; done
  [ "$(cut -d, -f1 "$W/a/aggregates.csv" | tail -n +2 | tr '\n' ' ')" = "0 1 " ] || fail "aggregates.csv: not the new run's"
  ok "a completed --overwrite replaces the old run whole"
}

# --restart continues only the checkpoint's own run, with every earlier epoch whole.
case_restart() {
  run "$NP" "$W/ck.yaml" --epochs 4 --out "$W/a" || fail "run a"
  run "$NP" "$W/ck.yaml" --epochs 4 --out "$W/b" || fail "run b"
  local ck="$W/a/checkpoints/checkpoint-e000003.h5"
  digest "$W/b" > "$W/b.sum"
  run "$NP" "$W/ck.yaml" --epochs 4 --out "$W/b" --restart "$ck"
  [ $? = 1 ] || fail "a checkpoint restarted into another run's folder was accepted"
  error_says "holds run $(sed -n 's/^run_id: //p' "$W/b/run.yaml"), the checkpoint"
  digest "$W/b" | cmp -s - "$W/b.sum" || fail "the refused restart changed the other run"
  run "$NP" "$W/ck.yaml" --epochs 4 --out "$W/empty" --restart "$ck"
  [ $? = 1 ] || fail "a restart into an empty folder was accepted"
  error_says "holds no run"
  ok "a checkpoint continues its own run only"
  # A gap: epoch 1's row gone from aggregates.csv.
  cp -r "$W/a" "$W/gap" && sed -i '/^1,/d' "$W/gap/aggregates.csv"
  run "$NP" "$W/ck.yaml" --epochs 4 --out "$W/gap" --restart "$W/gap/checkpoints/checkpoint-e000003.h5"
  [ $? = 1 ] || fail "a restart over a missing epoch was accepted"
  error_says "aggregates.csv: epoch 1 has 0 rows, 1 expected"
  # A row cut by a kill before the checkpoint's epoch: refused; after it: dropped cleanly.
  cp -r "$W/a" "$W/cut" && head -n 2 "$W/a/aggregates.csv" > "$W/cut/aggregates.csv"
  sed -n 3p "$W/a/aggregates.csv" | head -c 30 >> "$W/cut/aggregates.csv"  # header, epoch 0, half of epoch 1
  run "$NP" "$W/ck.yaml" --epochs 4 --out "$W/cut" --restart "$W/cut/checkpoints/checkpoint-e000003.h5"
  [ $? = 1 ] || fail "a restart over a cut row of epoch 1 was accepted"
  error_says "epoch 1 has 0 rows"
  cp -r "$W/a" "$W/tail" && printf '3,2023,12.5' >> "$W/tail/aggregates.csv"
  run "$NP" "$W/ck.yaml" --epochs 4 --out "$W/tail" --restart "$W/tail/checkpoints/checkpoint-e000003.h5" ||
    { cat "$W/err"; fail "a restart after a cut last line"; }
  for f in aggregates.csv regions.csv solver.csv; do
    if [ "$f" = solver.csv ]; then
      cmp -s <(cut -d, -f1-6,8- "$W/a/$f") <(cut -d, -f1-6,8- "$W/tail/$f") || fail "$f differs after the restart"
    else
      cmp -s "$W/a/$f" "$W/tail/$f" || fail "$f differs after the restart"
    fi
  done
  ok "gaps and cut rows before the checkpoint are refused; a cut last line after it is dropped"
}

# A damaged checkpoint is refused with the reason; a value no run can hold names its region.
case_checkpoint() {
  run "$NP" "$W/ck.yaml" --epochs 5 --out "$W/a" || fail "run"
  local ck="$W/a/checkpoints/checkpoint-e000004.h5"
  cp -r "$W/a" "$W/clean"
  # refused MODE TEXT [FILE]: FILE (default checkpoint e4) of a copy of the folder damaged as
  # MODE says; the restart is refused with TEXT.
  refused() {
    rm -rf "$W/d" && cp -r "$W/clean" "$W/d"
    /usr/bin/python3 "$SRC/tests/faults/damage_checkpoint.py" "$W/d/${3:-checkpoints/checkpoint-e000004.h5}" "$1" ||
      fail "damage_checkpoint.py $1"
    run "$NP" "$W/ck.yaml" --epochs 5 --out "$W/d" --restart "$W/d/checkpoints/checkpoint-e000004.h5"
    local rc=$?
    [ $rc != 124 ] || fail "a restart from ${3:-a checkpoint} damaged by $1 hung"
    [ $rc = 1 ] || fail "${3:-a checkpoint} damaged by $1 was accepted (exit $rc)"
    error_says "$2"
  }
  refused flip-data "/state/capital fails its checksum"
  refused flip-attribute "its attributes fail their checksum"
  refused negative-capital "region r2: /state/capital = -1 is not positive"  # its checksum made to match
  refused nan-prices "/state/prices = nan is not finite"
  # Damaged metadata: parallel HDF5 gave up on one rank inside H5Fopen and hung the others.
  refused break-continuation "not a readable HDF5 checkpoint (not a readable HDF5 file; the file is damaged)"
  refused break-continuation "the HDF5 region panel to continue is damaged" regions.h5
  run "$NP" "$W/ck.yaml" --epochs 5 --out "$W/clean" --restart "$W/clean/checkpoints/checkpoint-e000004.h5" ||
    fail "the undamaged checkpoint"
  cmp -s "$W/a/regions.csv" "$W/clean/regions.csv" || fail "the restart from the undamaged checkpoint differs"
  ok "flipped bytes, edited attributes, broken metadata and impossible values are refused"
}

# Pruning keeps this run's newest checkpoints, whatever other runs left in the folder.
case_prune() {
  run "$NP" "$W/ck.yaml" --epochs 12 --out "$W/other" || fail "the other run"
  run "$NP" "$W/ck.yaml" --epochs 6 --out "$W/a" || fail "run"
  cp "$W/other/checkpoints/checkpoint-e000010.h5" "$W/other/checkpoints/checkpoint-e000011.h5" "$W/a/checkpoints/"
  run "$NP" "$W/ck.yaml" --epochs 8 --out "$W/a" --restart "$W/a/checkpoints/checkpoint-e000005.h5" ||
    { cat "$W/err"; fail "restart"; }
  local have
  have=$(cd "$W/a/checkpoints" && ls | tr '\n' ' ')
  [ "$have" = "checkpoint-e000006.h5 checkpoint-e000007.h5 checkpoint-e000010.h5 checkpoint-e000011.h5 " ] ||
    fail "after pruning: $have (expected this run's e6, e7 and the other run's e10, e11)"
  ok "pruning keeps this run's newest and leaves other runs' files"
  # The interrupt checkpoint named in the restart command survives.
  run "$NP" "$W/ck.yaml" --epochs 3 --out "$W/b" || fail "run b"
  cp "$W/other/checkpoints/checkpoint-e000010.h5" "$W/other/checkpoints/checkpoint-e000011.h5" "$W/b/checkpoints/"
  printf 'base: %s\ncheckpoint_every: 0\noutput_format: both\n' "$SRC/tests/bad_inputs/fixtures/good.yaml" > "$W/sig.yaml"
  (timeout 60 "$MPIEXEC" -np "$NP" "$REGIO" run "$W/sig.yaml" --epochs 20 --out "$W/b" \
     --restart "$W/b/checkpoints/checkpoint-e000002.h5" > "$W/sig.log" 2>&1; echo $? > "$W/sig.rc") &
  local i
  for i in $(seq 200); do [ -n "$(rank_pids "$W/b")" ] && grep -q '^status: running' "$W/b/run.yaml" && break; sleep 0.02; done
  kill -USR1 $(rank_pids "$W/b") 2>/dev/null
  wait
  [ "$(cat "$W/sig.rc")" = 4 ] || { cat "$W/sig.log"; fail "exit $(cat "$W/sig.rc") after SIGUSR1, expected 4"; }
  local named
  named=$(sed -n 's/.*--restart \([^ `]*\)`.*/\1/p' "$W/sig.log" | tail -1)
  [ -n "$named" ] && [ -f "$named" ] || { cat "$W/sig.log"; fail "the restart command names a missing checkpoint: $named"; }
  ok "the interrupt checkpoint survives pruning"
}

# A full disk at any moment: never `status: complete` over lost rows, never an empty run.yaml,
# one error line; whatever completes is whole. A small tmpfs (root only; else skipped) is
# filled at every size from "nothing fits" to "everything fits".
case_disk() {
  mkdir -p "$W/mnt"
  mount -t tmpfs -o size=64k tmpfs "$W/mnt" 2>/dev/null || { echo "SKIP: cannot mount a tmpfs (needs root)"; exit 77; }
  umount "$W/mnt"
  printf 'base: %s\noutput_format: both\ncheckpoint_every: 1\n' "$SRC/tests/bad_inputs/fixtures/good.yaml" > "$W/disk.yaml"
  run "$NP" "$W/disk.yaml" --epochs 3 --out "$W/ref" || fail "reference run"
  local kb rc completed=0 failed=0
  for kb in 4 8 12 16 24 32 48 64 128 256 320 384 448 512 640 768 1024; do
    mount -t tmpfs -o "size=${kb}k" tmpfs "$W/mnt" || fail "mount"
    run "$NP" "$W/disk.yaml" --epochs 3 --out "$W/mnt/out"
    rc=$?
    if [ $rc = 0 ]; then
      [ "$(status "$W/mnt/out")" = "status: complete" ] || { umount "$W/mnt"; fail "${kb}k: exit 0 but run.yaml: $(status "$W/mnt/out")"; }
      for f in regions.csv aggregates.csv migration.csv; do
        cmp -s "$W/ref/$f" "$W/mnt/out/$f" || { umount "$W/mnt"; fail "${kb}k: exit 0 but $f differs from the reference"; }
      done
      completed=$((completed + 1))
    else
      [ "$(grep -c '^regio: error:' "$W/err")" = 1 ] || { cat "$W/err"; umount "$W/mnt"; fail "${kb}k: exit $rc without one error line"; }
      if [ -e "$W/mnt/out/run.yaml" ]; then
        [ -s "$W/mnt/out/run.yaml" ] || { umount "$W/mnt"; fail "${kb}k: an empty run.yaml"; }
        [ "$(status "$W/mnt/out")" != "status: complete" ] || { umount "$W/mnt"; fail "${kb}k: exit $rc but status: complete"; }
      fi
      failed=$((failed + 1))
    fi
    kill -9 $(rank_pids "$W/mnt") 2>/dev/null  # none should be left; a hang would hold the mount
    umount "$W/mnt" || umount -l "$W/mnt"
  done
  [ $completed -gt 0 ] && [ $failed -gt 0 ] || fail "expected both outcomes over the sizes ($completed complete, $failed failed)"
  ok "a full disk at any of 17 sizes: $failed failed cleanly, $completed complete and whole"
}

# Rank 0 blocked writing progress lines to a pipe nobody reads: a signal still gets the run
# checkpointed and stopped (no SA_RESTART; stdout non-blocking from then on). Run without
# mpirun (a singleton), so that its stdout is the pipe itself.
case_pipe() {
  mkfifo "$W/pipe"
  # A reader that opens the pipe, shrinks it to one page and never reads.
  /usr/bin/python3 -c "import fcntl,os,time; fd=os.open('$W/pipe', os.O_RDONLY); fcntl.fcntl(fd, 1031, 4096); time.sleep(60)" &
  local reader=$!
  timeout 60 "$REGIO" run "$W/long.yaml" --epochs 100000 --out "$W/p" > "$W/pipe" 2> "$W/err" &
  local pid=$! i
  for i in $(seq 300); do
    local r
    r=$(pgrep -P "$pid" -f "$REGIO run" || echo "$pid")
    [[ "$(cat /proc/"$r"/wchan 2>/dev/null)" == *pipe_write ]] && break
    sleep 0.05
  done
  [[ "$(cat /proc/"$r"/wchan 2>/dev/null)" == *pipe_write ]] || { kill "$reader" "$pid"; fail "regio never blocked on the pipe"; }
  kill -USR1 "$r"
  wait "$pid"
  local rc=$?
  kill "$reader" 2>/dev/null
  [ $rc = 4 ] || { cat "$W/err"; fail "exit $rc after SIGUSR1 while blocked on stdout, expected 4 (124: hung)"; }
  [ "$(status "$W/p")" = "status: interrupted" ] || fail "run.yaml: $(status "$W/p")"
  [ -n "$(ls "$W/p/checkpoints" 2>/dev/null)" ] || fail "no checkpoint"
  ok "a signal while rank 0 is blocked on a full stdout pipe: checkpoint, interrupted, exit 4"
  # stdout closed (the launcher went away): the run completes, it is not killed by SIGPIPE.
  "$REGIO" run "$W/long.yaml" --epochs 3 --out "$W/closed" 2> "$W/err" | head -c 0
  rc=${PIPESTATUS[0]}
  [ $rc = 0 ] && [ "$(status "$W/closed")" = "status: complete" ] || fail "stdout closed: exit $rc, $(status "$W/closed")"
  ok "a closed stdout does not kill the run"
}

# Handlers before run.yaml: once run.yaml exists, every rank takes SIGTERM and SIGUSR1 (bits 15
# and 10 of /proc/PID/status SigCgt), so a signal then means checkpoint-and-stop, never a kill.
# A large panel in HDF5 makes the set-up after run.yaml long enough to look into.
case_signal() {
  /usr/bin/python3 "$SRC/tools/synth_regions.py" --regions 2000 --provinces 30 --seed 5 -o "$W/synth" > /dev/null ||
    fail "synth_regions.py"
  printf 'output_format: hdf5\n' >> "$W/synth/scenario.yaml"
  (timeout 120 "$MPIEXEC" -np "$NP" "$REGIO" run "$W/synth/scenario.yaml" --epochs 3 --out "$W/s" > "$W/s.log" 2>&1
   echo $? > "$W/s.rc") &
  local i pid caught
  for i in $(seq 4000); do [ -e "$W/s/run.yaml" ] && break; sleep 0.005; done
  [ -e "$W/s/run.yaml" ] || fail "run.yaml never appeared"
  for pid in $(rank_pids "$W/s"); do
    caught=$((16#$(sed -n 's/^SigCgt:\s*//p' /proc/"$pid"/status)))
    [ $((caught & (1 << 14))) != 0 ] && [ $((caught & (1 << 9))) != 0 ] ||
      { kill $(rank_pids "$W/s"); wait; fail "rank pid $pid had no SIGTERM/SIGUSR1 handler when run.yaml existed"; }
  done
  kill -TERM $(rank_pids "$W/s")
  wait
  [ "$(cat "$W/s.rc")" = 4 ] || { cat "$W/s.log"; fail "exit $(cat "$W/s.rc") after SIGTERM, expected 4"; }
  [ "$(status "$W/s")" = "status: interrupted" ] || fail "run.yaml: $(status "$W/s")"
  ok "handlers are in place before run.yaml exists; SIGTERM then gives a checkpoint and exit 4"
}

# A value that is not finite never reaches a complete run: the run fails (exit 2) naming the
# region and column (REGIO_FAIL_AT=nonfinite@RANK makes the last region of RANK overflow).
case_numbers() {
  REGIO_FAIL_AT="nonfinite@$((NP - 1))" timeout 60 "$MPIEXEC" -x REGIO_FAIL_AT -np "$NP" "$REGIO" run --quiet \
    "$W/ck.yaml" --epochs 3 --out "$W/n" 2> "$W/err"
  local rc=$?
  [ $rc = 2 ] || { cat "$W/err"; fail "exit $rc with a non-finite outcome, expected 2"; }
  error_says "gdp_pc = inf is not finite"
  [ "$(status "$W/n")" = "status: failed" ] || fail "run.yaml: $(status "$W/n")"
  ! grep -qi ',inf\b\|,nan\b' "$W/n/regions.csv" "$W/n/aggregates.csv" || fail "a non-finite value was written"
  ok "a non-finite outcome fails the run before it is written"
}

# A rank that stops without MPI_Abort (here SIGSTOP: mpirun sees nothing, as with a rank hung on
# a dead node) leaves the others in a collective; with --progress-timeout each rank ends the job
# itself (exit 5) within the timeout, even with mpirun's abort-on-error off.
case_stalled() {
  # With abort-on-error off mpirun exits 0 whatever the ranks do: each rank's status is kept by a
  # wrapper (as tests/bad_inputs/check_bad_input.sh does).
  mkdir -p "$W/rc"
  local wrapper='d=$1; shift; "$@"; s=$?; echo $s > "$d/rank.${OMPI_COMM_WORLD_RANK:-x}"; exit $s'
  (OMPI_MCA_orte_abort_on_non_zero_status=0 timeout 60 "$MPIEXEC" -np "$NP" bash -c "$wrapper" wrapper "$W/rc" \
     "$REGIO" run --quiet "$W/long.yaml" --epochs 100000 --out "$W/st" --progress-timeout 3 > "$W/st.log" 2>&1) &
  local i victim
  for i in $(seq 200); do [ -e "$W/st/aggregates.csv" ] && [ "$(wc -l < "$W/st/aggregates.csv")" -gt 3 ] && break; sleep 0.05; done
  victim=$(rank_pids "$W/st" | tail -1)
  [ -n "$victim" ] || fail "no rank to stop"
  kill -STOP "$victim"
  local t0=$SECONDS
  for i in $(seq 200); do [ "$(rank_pids "$W/st" | wc -l)" -le 1 ] && break; sleep 0.1; done
  local waited=$((SECONDS - t0))
  kill -CONT "$victim" 2>/dev/null
  wait
  [ $waited -le 10 ] || fail "the other ranks waited $waited s for the stopped one (timeout 3 s)"
  local r
  for ((r = 0; r < NP; r++)); do
    [ "$(cat "$W/rc/rank.$r" 2>/dev/null)" = 5 ] || { cat "$W/st.log"; fail "rank $r: exit $(cat "$W/rc/rank.$r"), expected 5"; }
  done
  grep -q "made no progress for 3 s (--progress-timeout)" "$W/st.log" || { cat "$W/st.log"; fail "no message"; }
  ok "a stopped rank: the others end the job after --progress-timeout (${waited} s), exit 5"
}
