#!/bin/bash
# tools/krylov_spectrum.py and -national_dump_operator (docs/numerics.md, "The spectrum of the
# preconditioned operator"): the dumped operator is the one the solver's GMRES saw (its residual
# history matches -national_ksp_monitor for that Newton step), the dump leaves the run's results
# unchanged, and bad uses fail clearly (more than one rank, a truncated dump, another step's
# monitor lines).
set -euo pipefail
REGIO=$1; MPIEXEC=$2; SRC=$3; W=$4
rm -rf "$W"; mkdir -p "$W"
fail() { echo "FAIL: $*"; exit 1; }
/usr/bin/python3 "$SRC/tools/synth_regions.py" --regions 124 --provinces 31 --seed 5 -o "$W/in" --no-network >/dev/null
dump=(-national_dump_operator "$W/op.bin" -national_dump_operator_solve 3 -national_dump_operator_step 1)
"$MPIEXEC" -np 1 "$REGIO" run "$W/in/scenario.yaml" --epochs 3 --quiet --out "$W/plain" > "$W/plain.log" 2>&1 || fail "plain run: $(tail -3 "$W/plain.log")"
"$MPIEXEC" -np 1 "$REGIO" run "$W/in/scenario.yaml" --epochs 3 --quiet --out "$W/dumped" -- "${dump[@]}" \
  -national_ksp_monitor -national_snes_monitor > "$W/dumped.log" 2>&1 || fail "dumping run: $(tail -3 "$W/dumped.log")"
grep -q "wrote the preconditioned operator (496 x 496) of Newton step 1 of solve 3" "$W/dumped.log" || fail "no dump line"
[ "$(stat -c %s "$W/op.bin")" = $((8 + 8 * (496 * 496 + 496))) ] || fail "dump size $(stat -c %s "$W/op.bin")"
# The run itself is unchanged: the products go through the raw finite-difference operator.
/usr/bin/python3 "$SRC/tools/compare_runs.py" "$W/plain" "$W/dumped" --rtol 0 > "$W/compare.txt" 2>&1 \
  || fail "the dump changed the run: $(tail -5 "$W/compare.txt")"
/usr/bin/python3 "$SRC/tools/krylov_spectrum.py" "$W/op.bin" --regions "$W/in/regions.csv" --monitor "$W/dumped.log" \
  --solve 3 --step 1 > "$W/report.txt" 2>&1 || fail "report: $(cat "$W/report.txt")"
grep -q "agreement over [1-9][0-9]* iterations: .*: OK" "$W/report.txt" || fail "no agreement line: $(cat "$W/report.txt")"
grep -q "× exact inverses of the within-province blocks" "$W/report.txt" || fail "no ideal-preconditioner table"
# Another step's monitor lines must not pass for this step's.
if /usr/bin/python3 "$SRC/tools/krylov_spectrum.py" "$W/op.bin" --regions "$W/in/regions.csv" --monitor "$W/dumped.log" \
  --solve 3 --step 0 > "$W/wrong.txt" 2>&1; then fail "another step's GMRES passed: $(cat "$W/wrong.txt")"; fi
grep -q "DIFFERENT" "$W/wrong.txt" || fail "no DIFFERENT: $(cat "$W/wrong.txt")"
head -c 100000 "$W/op.bin" > "$W/short.bin"
if /usr/bin/python3 "$SRC/tools/krylov_spectrum.py" "$W/short.bin" --regions "$W/in/regions.csv" > "$W/short.txt" 2>&1; then fail "truncated dump accepted"; fi
grep -q "not a complete dump" "$W/short.txt" || fail "$(cat "$W/short.txt")"
# A step that never comes: the run completes and says that nothing was written.
"$MPIEXEC" -np 1 "$REGIO" run "$W/in/scenario.yaml" --epochs 1 --quiet --out "$W/late" -- -national_dump_operator "$W/late.bin" \
  -national_dump_operator_solve 1 -national_dump_operator_step 40 > "$W/late.log" 2>&1 || fail "late: $(tail -3 "$W/late.log")"
grep -q "note: solve 1 of -national_dump_operator ended before Newton step 40; nothing written to $W/late.bin" "$W/late.log" || fail "$(cat "$W/late.log")"
[ ! -e "$W/late.bin" ] || fail "late.bin written"
# An unwritable dump path: one line naming it, exit 1, and run.yaml records the failure.
if "$MPIEXEC" -np 1 "$REGIO" run "$W/in/scenario.yaml" --epochs 1 --quiet --out "$W/nowhere" -- -national_dump_operator \
  "$W/missing/op.bin" -national_dump_operator_solve 1 -national_dump_operator_step 1 > "$W/nowhere.log" 2>&1; then
  fail "unwritable dump accepted"; fi
grep -q "cannot write the operator dump $W/missing/op.bin: check that its folder exists" "$W/nowhere.log" || fail "$(cat "$W/nowhere.log")"
[ "$(tail -1 "$W/nowhere/run.yaml")" = "status: failed" ] || fail "run.yaml: $(tail -3 "$W/nowhere/run.yaml")"
# More than one rank: refused on every rank with one line, nothing passed off as complete.
if "$MPIEXEC" -np 2 "$REGIO" run "$W/in/scenario.yaml" --epochs 1 --quiet --out "$W/two" -- "${dump[@]}" > "$W/two.log" 2>&1; then
  fail "two ranks accepted"; fi
grep -q "dump_operator writes the dense preconditioned operator from one rank: run it with mpirun -np 1" "$W/two.log" || fail "$(cat "$W/two.log")"
if [ -f "$W/two/run.yaml" ] && tail -1 "$W/two/run.yaml" | grep -q "status: complete"; then fail "two-rank run marked complete"; fi
echo "OK"
