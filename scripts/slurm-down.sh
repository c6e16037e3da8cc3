#!/bin/bash
# Stop the single-node SLURM test cluster started by scripts/slurm-up.sh with the same SLURM_BASE.
# Adapted from ../shared/toolchain/slurm-down.sh, verified on Debian 12 (Slurm 22.05, munge 0.5.15).
# Only daemons recorded in $SLURM_BASE/run/*.pid are stopped, by PID, and only if that PID still
# runs the expected program (/proc/PID/comm), so a recycled PID is never hit; never pkill/killall.
# A munged that slurm-up.sh found already running was not recorded and is left alone.
# Takes ~2-4 s (after SIGTERM slurmctld and munged need ~2 s each to exit). Always exits 0.
#   scripts/slurm-down.sh     env: SLURM_BASE (default ${TMPDIR:-/tmp}/regio-slurm)
set -u
SLURM_BASE=${SLURM_BASE:-${TMPDIR:-/tmp}/regio-slurm}
RUN=$SLURM_BASE/run

# pid_of NAME PIDFILE: the PID in the file if that process is alive and is NAME
pid_of() {
  local pid
  [ -s "$2" ] || return 0
  pid=$(tr -dc 0-9 < "$2" 2>/dev/null)
  [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = "$1" ] && echo "$pid"
  return 0
}
stop() {  # name=pidfile ... : SIGTERM all, wait up to 15 s, then SIGKILL survivors
  local spec name pf pid pids=() names=() i any
  for spec in "$@"; do
    name=${spec%%=*}; pf=${spec#*=}; pid=$(pid_of "$name" "$pf")
    if [ -n "$pid" ]; then
      kill -TERM "$pid"; pids+=("$pid"); names+=("$name")
    else
      echo "$name: not running (or not ours)"
    fi
    rm -f "$pf"
  done
  [ ${#pids[@]} = 0 ] && return 0
  # NB: the daemons delete their own pid files early during shutdown: wait on the PIDs
  for i in $(seq 150); do
    any=0; for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && any=1; done
    [ $any = 0 ] && break; sleep 0.1
  done
  for i in "${!pids[@]}"; do
    if kill -0 "${pids[$i]}" 2>/dev/null; then
      echo "${names[$i]} (${pids[$i]}) ignored SIGTERM, SIGKILL"; kill -KILL "${pids[$i]}"
    else
      echo "${names[$i]} (${pids[$i]}) stopped"
    fi
  done
}

# 1. cancel all jobs of our cluster so no slurmstepd / job processes are left behind
ctld=$(pid_of slurmctld "$RUN/slurmctld.pid")
if [ -n "$ctld" ]; then
  export SLURM_CONF=$SLURM_BASE/etc/slurm.conf
  timeout 10 scancel --user=root 2>/dev/null || true
  for i in $(seq 50); do [ -z "$(timeout 5 squeue -h 2>/dev/null)" ] && break; sleep 0.2; done
fi
# 2. slurmd + slurmctld together, then munged (slurm daemons talk to munge until they exit)
stop slurmd="$RUN/slurmd.pid" slurmctld="$RUN/slurmctld.pid"
stop munged="$RUN/munged.pid"
exit 0
