#!/bin/bash
# Ensembles across ranks (docs/ensembles.md, docs/performance.md "Ensembles"): the wall time of
# one `regio shapley` (or `regio ensemble`) at each rank count and group size given, appended as
# one CSV row per run to bench/results/ensemble.csv (date, commit, what, members, epochs, ranks,
# group_ranks, groups, seconds: ensemble.yaml's wall time; wall: the whole mpirun, start-up
# included; members_per_second).
#   bash bench/ensemble_bench.sh [--what "shapley inputs/china31/ensembles/policy-package.yaml"]
#                                [--configs "1:1 2:1 2:2"] [--epochs 10] [--repeat 1]
# A config is RANKS:GROUP_RANKS. Run it on an otherwise idle machine.
set -euo pipefail
cd "$(dirname "$0")/.."
WHAT="shapley inputs/china31/ensembles/policy-package.yaml"; CONFIGS="1:1 2:1 2:2"; EPOCHS=10; REPEAT=1
OUT=bench/results/ensemble.csv
while [ $# -gt 0 ]; do
  case $1 in
    --what) WHAT=$2; shift 2 ;; --configs) CONFIGS=$2; shift 2 ;; --epochs) EPOCHS=$2; shift 2 ;;
    --repeat) REPEAT=$2; shift 2 ;; --out) OUT=$2; shift 2 ;; *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
REGIO=${REGIO:-build/regio}
[ -x "$REGIO" ] || { echo "build first: $REGIO not found" >&2; exit 2; }
. scripts/mpi-env.sh
mkdir -p bench/results bench/work
[ -s "$OUT" ] || echo "date,commit,what,members,epochs,ranks,group_ranks,groups,seconds,wall,members_per_second" > "$OUT"
commit=$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src include || echo -dirty)
read -r -a what <<< "$WHAT"
for rep in $(seq "$REPEAT"); do
  for c in $CONFIGS; do
    np=${c%%:*}; p=${c##*:}
    dir=bench/work/ensemble-np$np-g$p
    rm -rf "$dir"
    t0=$(date +%s.%N)
    mpirun -np "$np" "$REGIO" "${what[@]}" --epochs "$EPOCHS" --group-ranks "$p" --out "$dir" > "$dir.log"
    t1=$(date +%s.%N)
    members=$(sed -n 's/^members: //p' "$dir/ensemble.yaml")
    seconds=$(sed -n 's/^seconds: //p' "$dir/ensemble.yaml")
    row=$(printf '%s,%s,"%s",%s,%s,%s,%s,%s,%s,%.3f,%.2f' "$(date -u +%Y-%m-%d)" "$commit" "$WHAT" "$members" "$EPOCHS" \
      "$np" "$p" $((np / p)) "$seconds" "$(echo "$t1 - $t0" | bc)" "$(echo "$members / ($t1 - $t0)" | bc -l)")
    echo "$row" | tee -a "$OUT"
  done
done
