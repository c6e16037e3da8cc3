#!/bin/bash
# The national preconditioner is the registered PETSc PC type `regio` (regio_pc.hpp):
# -national_ksp_view names it, -national_pc_type none replaces it by PETSc's and reaches the same
# equilibrium (with more Krylov iterations), -national_pc_type regio is the default spelled out
# (byte-identical outputs), and an unknown type is refused.
#   test_pc_type.sh REGIO MPIEXEC SOURCE_DIR WORK_DIR
set -uo pipefail
REGIO=$1; MPIEXEC=$2; SRC=$3; W=$4
rm -rf "$W"; mkdir -p "$W"
fail() { echo "FAIL: $*"; exit 1; }
/usr/bin/python3 "$SRC/tools/synth_regions.py" --regions 62 --provinces 8 --seed 4 -o "$W/in" --no-network >/dev/null
run() { local out=$1; shift; "$MPIEXEC" -np 2 "$REGIO" run "$W/in/scenario.yaml" --epochs 2 --quiet --out "$W/$out" -- "$@" > "$W/$out.log" 2>&1; }
run default -national_ksp_view || fail "default run: $(tail -3 "$W/default.log")"
grep -q "type: regio" "$W/default.log" || fail "KSPView does not name the regio PC: $(grep -m3 'type:' "$W/default.log")"
grep -q "regio recycled Krylov space + block-diagonal (local) preconditioner" "$W/default.log" || fail "no description of the PC"
run spelled -national_pc_type regio || fail "-national_pc_type regio: $(tail -3 "$W/spelled.log")"
/usr/bin/python3 "$SRC/tools/compare_runs.py" "$W/default" "$W/spelled" --rtol 0 > "$W/spelled.txt" 2>&1 || fail "regio spelled out differs: $(tail -3 "$W/spelled.txt")"
run none -national_pc_type none -national_ksp_view || fail "-national_pc_type none: $(tail -3 "$W/none.log")"
grep -q "type: none" "$W/none.log" || fail "pc_type none not applied"
/usr/bin/python3 "$SRC/tools/compare_runs.py" "$W/default" "$W/none" --rtol 1e-8 > "$W/none.txt" 2>&1 || fail "another PC reached another equilibrium: $(tail -3 "$W/none.txt")"
linear() { awk -F, 'NR > 1 { s += $4 } END { print s }' "$W/$1/solver.csv"; }
[ "$(linear none)" -gt "$(linear default)" ] || fail "no preconditioner took no more Krylov iterations ($(linear none) vs $(linear default))"
if run bogus -national_pc_type no_such_pc; then fail "an unknown PC type was accepted"; fi
echo "ok: regio PC by default (Krylov iterations $(linear default)), none reaches the same equilibrium ($(linear none))"
