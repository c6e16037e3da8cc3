# The folder cases of check_faults.sh (sourced like fault_cases.sh): `regio counterfactual`,
# `regio run --export-base` and `regio ensemble` own their folders as `regio run` does
# (src/io/run_folder.cpp; docs/guarantees.md "One run per folder").

# cf NP ARGS...: regio counterfactual of the tiny hat fixture on NP ranks (stderr to $W/err).
cf() { local np=$1; shift; timeout 120 "$MPIEXEC" -np "$np" "$REGIO" counterfactual --quiet "$@" 2> "$W/err"; }
held() {  # held DIR CMD...: CMD while this shell holds DIR's lock, as a live run would; CMD's status
  mkdir -p "$1"
  exec 9> "$1/.regio.lock"
  flock -n 9 || fail "could not take the lock of $1"
  shift
  "$@"
  local rc=$?
  exec 9>&-
  return $rc
}

case_cf_folder() {
  local fx="$SRC/tests/bad_inputs/fixtures/hat/good.yaml"
  held "$W/held" cf "$NP" "$fx" --out "$W/held"
  [ $? = 1 ] || fail "a counterfactual into a locked folder was not refused"
  error_says "another regio run is writing into this folder"
  [ ! -e "$W/held/run.yaml" ] || fail "the refused counterfactual wrote run.yaml"
  cf "$NP" "$fx" --out "$W/c" || { cat "$W/err"; fail "the counterfactual"; }
  [ "$(status "$W/c")" = "status: complete" ] || fail "the counterfactual is not complete"
  digest "$W/c" > "$W/c.sum"
  cf "$NP" "$fx" --out "$W/c"
  [ $? = 1 ] || fail "a counterfactual into a complete one's folder was not refused"
  error_says "holds the files of another run (run.yaml status: complete)"
  digest "$W/c" | cmp -s - "$W/c.sum" || fail "the refused counterfactual changed the folder"
  ok "a counterfactual's folder: locked, and never written over without --overwrite"
  cf "$NP" "$fx" --out "$W/c" --overwrite -- -hat_snes_type no_such_type
  [ $? = 1 ] || fail "a failing counterfactual --overwrite did not exit 1"
  grep -q "the run it was to replace is back in place" "$W/err" || { cat "$W/err"; fail "no note that the old run is back"; }
  digest "$W/c" | cmp -s - "$W/c.sum" || fail "a failing counterfactual --overwrite destroyed the earlier one"
  ok "a failing counterfactual --overwrite puts the earlier one back"
  # A counterfactual replacing a `regio run`: none of the run's files survive beside it.
  run "$NP" "$W/ck.yaml" --epochs 2 --out "$W/r" || fail "the run"
  cf "$NP" "$fx" --out "$W/r" --overwrite || { cat "$W/err"; fail "counterfactual --overwrite over a run"; }
  [ "$(status "$W/r")" = "status: complete" ] || fail "the replacing counterfactual is not complete"
  for f in regions.csv aggregates.csv regions.h5 checkpoints .replaced .run.yaml.tmp run.yaml.tmp; do
    [ ! -e "$W/r/$f" ] || fail "$f survived a counterfactual --overwrite"
  done
  ok "a counterfactual --overwrite replaces the folder's run whole"
}

case_export_folder() {
  run "$NP" "$W/ck.yaml" --epochs 2 --out "$W/r1" --export-base "$W/base" || { cat "$W/err"; fail "run --export-base"; }
  [ -s "$W/base/parameters.yaml" ] || fail "no parameters.yaml in the export"
  digest "$W/base" > "$W/base.sum"
  run "$NP" "$W/ck.yaml" --epochs 2 --out "$W/r2" --export-base "$W/base"
  [ $? = 1 ] || fail "an export into a folder holding one was not refused"
  error_says "$W/base: the folder holds the files of another run"
  [ ! -e "$W/r2/run.yaml" ] || fail "the refused run started (run.yaml written)"
  digest "$W/base" | cmp -s - "$W/base.sum" || fail "the refused export changed the folder"
  held "$W/base" run "$NP" "$W/ck.yaml" --epochs 2 --out "$W/r3" --export-base "$W/base"
  [ $? = 1 ] || fail "an export into a locked folder was not refused"
  error_says "another regio run is writing into this folder"
  run "$NP" "$W/ck.yaml" --epochs 2 --out "$W/r4" --export-base "$W/r4"
  [ $? = 1 ] || fail "--export-base into the run's own folder was not refused"
  error_says "--export-base must name another folder"
  ok "an export folder: locked from the run's start, never written over without --overwrite"
  # A restart cannot take --overwrite: its refusal says so instead of suggesting it.
  run "$NP" "$W/ck.yaml" --epochs 2 --out "$W/r1" --export-base "$W/base" \
    --restart "$W/r1/checkpoints/checkpoint-e000001.h5"
  [ $? = 1 ] || fail "a restart exporting into a folder holding an export was not refused"
  error_says "a restart cannot replace it (--overwrite and --restart exclude each other)"
  digest "$W/base" | cmp -s - "$W/base.sum" || fail "the refused restart changed the export folder"
  # --overwrite: a failing run puts the old export back; one that completes replaces it whole.
  run "$NP" "$W/ck.yaml" --epochs 2 --out "$W/r1" --export-base "$W/base" --overwrite -- -national_snes_type nope
  [ $? = 1 ] || fail "a failing --overwrite run did not exit 1"
  digest "$W/base" | cmp -s - "$W/base.sum" || fail "a failing --overwrite run destroyed the earlier export"
  touch "$W/base/migration_shares.csv"  # as if an export with migration: gone after the replacement
  run "$NP" "$W/ck.yaml" --epochs 3 --out "$W/r1" --export-base "$W/base" --overwrite || fail "--overwrite"
  for f in .replaced .parameters.yaml.tmp; do [ ! -e "$W/base/$f" ] || fail "$f left in the export folder"; done
  # (the empty file is the stale one: an export writes rows)
  [ ! -e "$W/base/migration_shares.csv" ] || [ -s "$W/base/migration_shares.csv" ] ||
    fail "a stale migration_shares.csv survived --overwrite"
  [ -s "$W/base/parameters.yaml" ] && [ -s "$W/base/units.csv" ] || fail "the replacing export is not whole"
  ok "an export --overwrite: undone if the run fails, whole if it completes"
}

case_ensemble_lock() {
  local ens="$SRC/tests/ensemble/quadrature.yaml"
  held "$W/ens" timeout 120 "$MPIEXEC" -np "$NP" "$REGIO" ensemble "$ens" --out "$W/ens" 2> "$W/err"
  [ $? = 1 ] || fail "an ensemble into a locked folder was not refused"
  error_says "another regio run is writing into this folder"
  [ ! -e "$W/ens/ensemble.yaml" ] || fail "the refused ensemble wrote ensemble.yaml"
  ok "an ensemble's folder is locked for the ensemble's lifetime"
}

# The free-space check is a bound on what is written (docs/guarantees.md "Free space"): with too
# little room (REGIO_TEST_FREE_BYTES pretends so) the run fails before writing any of the epoch
# or checkpoint, naming the bytes; the bounds it names are no smaller than what is written.
case_free_space() {
  local size
  size() { local t=0 f; for f in "$@"; do [ -e "$f" ] && t=$((t + $(stat -c %s "$f"))); done; echo $t; }
  REGIO_TEST_FREE_BYTES=1000@epoch run "$NP" "$W/ck.yaml" --epochs 2 --out "$W/f0"
  [ $? = 1 ] || fail "too little room for epoch 0: not refused"
  error_says "1000 bytes free, writing epoch 0 takes up to"
  [ "$(status "$W/f0")" = "status: failed" ] || fail "run.yaml: $(status "$W/f0"), expected failed"
  for f in regions.csv aggregates.csv solver.csv; do
    [ "$(wc -l < "$W/f0/$f")" = 1 ] || fail "$f has rows although the epoch was refused"
  done
  ok "too little room for an epoch: refused before any row is written, run.yaml failed"
  run "$NP" "$W/ck.yaml" --epochs 2 --out "$W/full" || fail "the reference run"
  local files="regions.csv aggregates.csv solver.csv migration.csv regions.h5"
  REGIO_TEST_FREE_BYTES=0@epoch\ 1 run "$NP" "$W/ck.yaml" --epochs 2 --out "$W/f1"
  [ $? = 1 ] || fail "no room for epoch 1: not refused"
  local bound written epoch_written
  bound=$(sed -n 's/.*writing epoch 1 takes up to \([0-9]*\) bytes.*/\1/p' "$W/err")
  written=$(( $(cd "$W/full" && size $files) - $(cd "$W/f1" && size $files) ))
  [ -n "$bound" ] && [ "$bound" -ge "$written" ] || fail "epoch 1: bound ${bound:-?} < the $written bytes written"
  epoch_written=$written
  REGIO_TEST_FREE_BYTES=0@the\ checkpoint run "$NP" "$W/ck.yaml" --epochs 2 --out "$W/f2"
  [ $? = 1 ] || fail "no room for the checkpoint: not refused"
  error_says "writing the checkpoint takes up to"
  [ "$(status "$W/f2")" = "status: failed" ] || fail "run.yaml: $(status "$W/f2"), expected failed"
  [ -z "$(ls "$W/f2/checkpoints" 2>/dev/null)" ] || fail "a checkpoint file was written although refused"
  local cbound
  cbound=$(sed -n 's/.*writing the checkpoint takes up to \([0-9]*\) bytes.*/\1/p' "$W/err")
  written=$(size "$W/full/checkpoints/checkpoint-e000001.h5")
  [ -n "$cbound" ] && [ "$cbound" -ge "$written" ] || fail "checkpoint: bound ${cbound:-?} < its $written bytes"
  ok "the bounds hold: epoch 1 takes up to $bound bytes ($epoch_written written), the checkpoint $cbound ($written)"
}
