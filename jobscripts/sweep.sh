#!/bin/bash
# Submit a parameter sweep: counts the parameter sets of SWEEP and submits jobscripts/sweep.sbatch
# as an array 1-N. Prints the array job id. Run from the repository root.
#   jobscripts/sweep.sh SWEEP.txt BASE.yaml OUT [sbatch options, e.g. -n 4 -t 30 --array=1-N%2] [-- PETSC_OPTIONS]
# Then, when all tasks are done:  tools/sweep_collect.py OUT   (-> OUT/sweep.csv)
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,5p' "$0" | sed 's/^# \{0,1\}//'; exit 1; }
sweep=$1 base=$2 out=$3; shift 3
here=$(cd "$(dirname "$0")" && pwd)
n=$(/usr/bin/python3 "$here/sweep_scenario.py" --sweep "$sweep" --count)
opts=(); petsc=()
while [ $# -gt 0 ]; do case $1 in --) petsc=("$@"); break ;; *) opts+=("$1"); shift ;; esac; done
array=--array=1-$n
for o in "${opts[@]}"; do case $o in --array=*|-a) array="" ;; esac; done   # user's own --array wins
echo "sweep: $n parameter sets from $sweep -> $out/task-1..$n" >&2
sbatch --parsable ${array:+"$array"} "${opts[@]}" "$here/sweep.sbatch" "$sweep" "$base" "$out" "${petsc[@]}"
