#!/bin/bash
# tools/scaling_report.py on hand-made run folders: speedup and efficiency from solver.csv, and
# the warning when the kernel rows were recomputed at one rank count and stored at another
# (solver.kernels: auto switches by memory per rank; the speedup would then be the switch's).
set -euo pipefail
SRC=$1; W=$2
rm -rf "$W"; mkdir -p "$W"
run() {  # run DIR RANKS SECONDS KERNELS
  mkdir -p "$1"
  { echo "regio_version: test"; [ -n "$4" ] && echo "kernel_storage: $4"; echo "scenario_file: s.yaml"; echo "ranks: $2"
    echo "regions: 1000"; [ -n "$4" ] && echo "decomposition_imbalance: 1.0$2$2"; echo "status: complete"; } > "$1/run.yaml"
  { echo "epoch,year,nonlinear_iterations,linear_iterations,residual_evaluations,residual_norm,seconds,reason"
    for e in 0 1 2; do echo "$e,$((2020 + e)),4,10,16,1e-11,$3,CONVERGED_FNORM_ABS"; done; } > "$1/solver.csv"
}
fail() { echo "FAIL: $*"; exit 1; }

run "$W/same/np1" 1 2.0 stored; run "$W/same/np2" 2 1.0 stored
/usr/bin/python3 "$SRC/tools/scaling_report.py" "$W/same" --no-plots > "$W/same.txt" 2>&1 || fail "$(cat "$W/same.txt")"
grep -q "kernel storage differs" "$W/same.txt" && fail "warned without a switch: $(cat "$W/same.txt")"
[ "$(sed -n 3p "$W/same/scaling.csv" | tr -d "\r" | cut -d, -f10,11,13,14,15)" = "2.0000,1.0000,16,stored,1.0220" ] || fail "same: $(cat "$W/same/scaling.csv")"
grep -q "^| 2 | 1000 | 500 | 1.022 |" "$W/same/scaling.md" || fail "scaling.md lacks the imbalance: $(cat "$W/same/scaling.md")"

run "$W/switch/np1" 1 20.0 on_the_fly; run "$W/switch/np2" 2 1.0 stored
/usr/bin/python3 "$SRC/tools/scaling_report.py" "$W/switch" --no-plots > "$W/switch.txt" 2>&1 || fail "$(cat "$W/switch.txt")"
grep -q "warning: kernel storage differs across rank counts (1: on_the_fly, 2: stored)" "$W/switch.txt" || fail "no warning: $(cat "$W/switch.txt")"
grep -q "^\*\*Warning:\*\* kernel storage differs" "$W/switch/scaling.md" || fail "scaling.md lacks the warning"

run "$W/old/np1" 1 2.0 ""; run "$W/old/np2" 2 1.0 ""  # run.yaml from before kernel_storage
/usr/bin/python3 "$SRC/tools/scaling_report.py" "$W/old" --no-plots > "$W/old.txt" 2>&1 || fail "$(cat "$W/old.txt")"
grep -q "kernel storage differs" "$W/old.txt" && fail "warned on old run folders"
echo "scaling_report: speedup, efficiency, kernel-storage warning: ok"
