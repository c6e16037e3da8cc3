#!/bin/bash
# Strong and weak scaling studies: submit one jobscripts/regio.sbatch job per task count.
#
#   jobscripts/scaling.sh [options] strong SCENARIO.yaml OUTROOT NP [NP...]
#       the same scenario at every task count (fixed total work)
#   jobscripts/scaling.sh [options] weak OUTROOT NP:SCENARIO.yaml [NP:SCENARIO.yaml...]
#       one scenario per task count, sized so that the work per rank stays about constant
#       (e.g. 1:inputs/china31/baseline.yaml 12:inputs/china-prefectures/baseline.yaml)
# Options:
#   --epochs N        epochs of every run (default: the scenario's)
#   --launcher L      srun (default) | mpirun  (LAUNCHER of regio.sbatch)
#   --sbatch "OPTS"   extra sbatch options for every job, e.g. "-t 30 --exclusive -p compute"
#   --parallel        submit all jobs at once (default: each job waits for the previous one,
#                     --dependency=afterany, so that runs never share a node's cores)
#   --force           delete existing OUTROOT/np<N> folders first (default: refuse)
#   --wait            wait for the jobs (polling scontrol), fail if one did not complete
#   --timeout S       give up waiting after S seconds (default 3600; exit 3)
#   --report          (implies --wait) run tools/scaling_report.py OUTROOT afterwards
# Writes OUTROOT/np<N>/ (regio outputs), OUTROOT/np<N>.log (SLURM log), OUTROOT/jobs.txt.
# Run from the repository root (REGIO_HOME). Timings are only meaningful with whole nodes or
# cores to yourself: on a real cluster add --sbatch "--exclusive".
# Exit: 0 ok, 1 usage/submission error, 2 a job failed, 3 timeout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
usage() { sed -n '2,/^set -euo/p' "$0" | grep -v '^set -euo' | sed 's/^# \{0,1\}//'; exit 1; }
die() { echo "scaling.sh: $*" >&2; exit 1; }

epochs="" launcher="" sbatch_opts="" parallel=0 force=0 wait=0 timeout=3600 report=0
while [ $# -gt 0 ]; do
  case $1 in
    --epochs) epochs=$2; shift 2 ;;
    --launcher) launcher=$2; shift 2 ;;
    --sbatch) sbatch_opts=$2; shift 2 ;;
    --parallel) parallel=1; shift ;;
    --force) force=1; shift ;;
    --wait) wait=1; shift ;;
    --timeout) timeout=$2; shift 2 ;;
    --report) report=1; wait=1; shift ;;
    -h|--help) usage ;;
    -*) die "unknown option $1 (see --help)" ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || usage
mode=$1; shift
nps=() scenarios=()
case $mode in
  strong)
    [ $# -ge 3 ] || usage
    scenario=$1 root=$2; shift 2
    for np in "$@"; do nps+=("$np"); scenarios+=("$scenario"); done ;;
  weak)
    [ $# -ge 2 ] || usage
    root=$1; shift
    for spec in "$@"; do
      [[ $spec == *:* ]] || die "weak: expected NP:SCENARIO, got '$spec'"
      nps+=("${spec%%:*}"); scenarios+=("${spec#*:}")
    done ;;
  *) usage ;;
esac
for i in "${!nps[@]}"; do
  [[ ${nps[$i]} =~ ^[1-9][0-9]*$ ]] || die "task count '${nps[$i]}' is not a positive integer"
  [ -f "${scenarios[$i]}" ] || die "${scenarios[$i]}: scenario not found"
done
[ "$(printf '%s\n' "${nps[@]}" | sort | uniq -d)" = "" ] || die "a task count is given twice: ${nps[*]}"
command -v sbatch >/dev/null || die "sbatch not found (is this a SLURM login node?)"

mkdir -p "$root"
root=$(cd "$root" && pwd)
for np in "${nps[@]}"; do
  if [ -e "$root/np$np" ] || [ -e "$root/np$np.log" ]; then
    [ $force = 1 ] || die "$root/np$np exists (another study?): use another OUTROOT or --force"
    rm -rf "${root:?}/np$np" "$root/np$np.log"
  fi
done

read -r -a extra <<< "$sbatch_opts"
jobs=() prev=""
: > "$root/jobs.txt.tmp"
for i in "${!nps[@]}"; do
  np=${nps[$i]} scen=${scenarios[$i]}
  dep=()
  [ $parallel = 0 ] && [ -n "$prev" ] && dep=(--dependency=afterany:"$prev")
  jid=$(EPOCHS=$epochs LAUNCHER=${launcher:-${LAUNCHER:-}} REGIO_HOME=${REGIO_HOME:-$(pwd)} \
        sbatch --parsable -n "$np" -J "scaling-np$np" -o "$root/np$np.log" "${dep[@]}" "${extra[@]}" \
        "$here/regio.sbatch" "$scen" "$root/np$np") || die "sbatch failed for $np tasks"
  jid=${jid%%;*}
  jobs+=("$jid") prev=$jid
  printf '%s\t%s\t%s\t%s\n' "$np" "$jid" "$mode" "$scen" >> "$root/jobs.txt.tmp"
  echo "np $np: job $jid ($scen -> $root/np$np)"
done
mv "$root/jobs.txt.tmp" "$root/jobs.txt"
[ $wait = 1 ] || { echo "when done: tools/scaling_report.py $root"; exit 0; }

# ---- wait (bounded), by polling scontrol (sbatch --wait polls slowly)
t0=$(date +%s) rc=0
for jid in "${jobs[@]}"; do
  while :; do
    state=$(scontrol show job -o "$jid" 2>/dev/null | grep -oE 'JobState=[A-Z_]+' | cut -d= -f2)
    case $state in PENDING|CONFIGURING|RUNNING|COMPLETING|REQUEUED|SUSPENDED|RESIZING) ;; *) break ;; esac
    if [ $(( $(date +%s) - t0 )) -ge "$timeout" ]; then
      echo "scaling.sh: timeout after $timeout s: job $jid still $state" >&2; exit 3
    fi
    sleep 0.5
  done
  if [ "$state" != COMPLETED ]; then echo "scaling.sh: job $jid ended $state (see its log in $root)" >&2; rc=2; fi
done
[ $rc = 0 ] || exit $rc
echo "all ${#jobs[@]} jobs completed in $(( $(date +%s) - t0 )) s"
if [ $report = 1 ]; then
  /usr/bin/python3 "$here/../tools/scaling_report.py" "$root" --mode "$mode"
fi
