#!/bin/bash
# Does a change keep regio's behaviour? Runs every shipped scenario, a checkpoint restart on
# another rank count and the calibrations with the regio of two commits, and compares the
# outputs byte for byte (tools/same_outputs.py: run.yaml's version and clock lines, the HDF5
# files' regio_version attribute and solver.csv's seconds aside; HDF5 files dataset by dataset).
#
#   bash scripts/behaviour_check.sh BEFORE [AFTER]
#
# BEFORE, AFTER: git revisions, or `.` for the working tree (built in build/; the default for
# AFTER). Commits are built in $WORK/tree-<sha> (regio only) and their outputs kept in
# $WORK/runs-<sha>, so a commit is built and run once; the working tree is always run afresh.
# Both sides read one copy of the inputs (BEFORE's inputs/ and tests/ fixtures, in $WORK/src)
# and run from folders of the same shape, so even the command lines in run.yaml agree.
# Env: WORK (default /tmp/regio-behaviour), RANKS (default 2), JOBS.
set -euo pipefail
cd "$(dirname "$0")/.."
REPO=$(pwd)
BEFORE=${1:?usage: behaviour_check.sh BEFORE [AFTER]}
AFTER=${2:-.}
WORK=${WORK:-/tmp/regio-behaviour}
NP=${RANKS:-2}
. scripts/mpi-env.sh
mkdir -p "$WORK"

# The regio executable of a revision (`.`: the working tree's build/regio, rebuilt).
build_regio() {
  local rev=$1
  if [ "$rev" = . ]; then
    cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
    cmake --build build --target regio -j"${JOBS:-$(nproc)}" >/dev/null
    echo "$REPO/build/regio"
    return
  fi
  local sha tree
  sha=$(git rev-parse --short=12 "$rev^{commit}")
  tree="$WORK/tree-$sha"
  if [ ! -x "$tree/build/regio" ]; then
    rm -rf "$tree"
    git worktree prune
    git worktree add --detach "$tree" "$sha" >/dev/null 2>&1
    cmake -S "$tree" -B "$tree/build" -DCMAKE_BUILD_TYPE=Release -DREGIO_BUILD_TESTS=OFF -DREGIO_BUILD_BENCH=OFF >/dev/null
    cmake --build "$tree/build" --target regio -j"${JOBS:-$(nproc)}" >/dev/null
  fi
  echo "$tree/build/regio"
}

# The inputs both sides read: BEFORE's.
SRC="$WORK/src"
if [ ! -d "$SRC/inputs" ]; then
  mkdir -p "$SRC"
  git archive "$( [ "$BEFORE" = . ] && echo HEAD || echo "$BEFORE")" inputs tests/checkpoint tests/policies tools/synth_regions.py \
    | tar -x -C "$SRC"
fi
if [ ! -f "$SRC/synth/scenario.yaml" ]; then
  # Synthetic N = 1,000 with a road and high-speed-rail network, written as both panel formats.
  /usr/bin/python3 "$SRC/tools/synth_regions.py" --regions 1000 --provinces 20 --seed 7 --rail-stations 80 -o "$SRC/synth" >/dev/null
  printf 'network:\n  file: network.csv\noutput_format: both\n' >> "$SRC/synth/scenario.yaml"
fi

# All runs of one side, in folder $1 (cwd = $1, regio copied to $1/regio).
run_all() {
  local dir=$1 exe=$2
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$exe" "$dir/regio"
  (
    cd "$dir"
    r() { mpirun -np "$1" ./regio "${@:2}" --quiet >>log.txt 2>&1 || { echo "failed: regio ${*:2}" >&2; exit 1; }; }
    c() { mpirun -np "$1" ./regio "${@:2}" >>log.txt 2>&1 || { echo "failed: regio ${*:2}" >&2; exit 1; }; }
    r "$NP" run "$SRC/inputs/china31/baseline.yaml" --out out/china31
    r "$NP" run "$SRC/inputs/china31/baseline-open.yaml" --out out/china31-open
    for s in "$SRC"/inputs/china31/scenarios/*.yaml; do r "$NP" run "$s" --out "out/$(basename "$s" .yaml)"; done
    r "$NP" run "$SRC/tests/policies/all-kinds.yaml" --out out/all-kinds
    r 3 run "$SRC/inputs/china31/baseline.yaml" --epochs 4 --decomp auto --out out/china31-np3
    r "$NP" run "$SRC/inputs/china-prefectures/baseline.yaml" --out out/prefectures
    r "$NP" run "$SRC/inputs/china-counties/baseline.yaml" --epochs 5 --out out/counties
    r "$NP" run "$SRC/synth/scenario.yaml" --epochs 5 --out out/synth1000
    r "$NP" run "$SRC/inputs/china31-2010/scenario.yaml" --out out/china31-2010
    # Checkpoint restart on another rank count (policies in force across the restart).
    printf 'base: %s\ncheckpoint_every: 1\n' "$SRC/tests/checkpoint/prefectures-policies.yaml" > ck.yaml
    r "$NP" run ck.yaml --epochs 4 --out out/restart
    r 3 run ck.yaml --epochs 7 --out out/restart --restart out/restart/checkpoints/checkpoint-e000003.h5
    # The calibrations (tools/calibrate_baselines.sh and the 2010 validation's).
    mkdir -p calibrated
    for d in china31 china-prefectures china-counties; do c "$NP" calibrate "$SRC/inputs/$d/calibration.yaml" --out "calibrated/$d.csv"; done
    c "$NP" calibrate "$SRC/inputs/china31/calibration-open.yaml" --out calibrated/china31-open.csv
    c "$NP" calibrate "$SRC/inputs/china31-2010/calibration.yaml" --out calibrated/china31-2010.csv
    rm -f regio log.txt
  )
}

side() {
  local rev=$1 exe sha
  exe=$(build_regio "$rev")
  if [ "$rev" = . ]; then
    run_all "$WORK/runs-worktree" "$exe"
    echo "$WORK/runs-worktree"
  else
    sha=$(git rev-parse --short=12 "$rev^{commit}")
    if [ ! -f "$WORK/runs-$sha/.done" ]; then run_all "$WORK/runs-$sha" "$exe" && touch "$WORK/runs-$sha/.done"; fi
    echo "$WORK/runs-$sha"
  fi
}

t0=$(date +%s)
before_dir=$(side "$BEFORE")
after_dir=$(side "$AFTER")
echo "behaviour_check: $BEFORE ($before_dir) against $AFTER ($after_dir), $(( $(date +%s) - t0 )) s"
/usr/bin/python3 tools/same_outputs.py "$before_dir" "$after_dir"
