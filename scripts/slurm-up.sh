#!/bin/bash
# Start a single-node SLURM test cluster (munged + slurmctld + slurmd, no systemd) for the
# jobscripts/ templates and the CTest label `slurm`.
# Adapted from ../shared/toolchain/slurm-up.sh, verified on Debian 12 (Slurm 22.05, munge 0.5.15):
# - state, logs, PID files and slurm.conf live under $SLURM_BASE;
# - only daemons this script starts are recorded (PID files under $SLURM_BASE/run) and only
#   those are ever stopped (scripts/slurm-down.sh); a munged that is already running is reused
#   and left alone; a slurmctld/slurmd that is not ours makes this script fail, not kill it.
#
#   scripts/slurm-up.sh      env: SLURM_BASE  (default ${TMPDIR:-/tmp}/regio-slurm)
#                                 SLURM_CPUS  (default 8: CPUs announced to Slurm)
#                                 SLURM_UP_TIMEOUT (default 30 s: wait for the node to be idle)
#                                 SLURM_CRED_EXPIRE (default 10 s: requeued jobs wait this + 1 s)
# Then use the cluster with   export SLURM_CONF=$SLURM_BASE/etc/slurm.conf
# (the file is also installed as /etc/slurm/slurm.conf unless a foreign one exists there).
#
# Needs root and: apt-get install -y --no-install-recommends slurm-wlm munge
# Exit status: 0 up (node idle), 1 could not start (reason on stderr). Every wait is bounded.
set -euo pipefail
SLURM_BASE=${SLURM_BASE:-${TMPDIR:-/tmp}/regio-slurm}
# CPUs announced to Slurm; may exceed the real core count thanks to
# SlurmdParameters=config_overrides, so `sbatch -n 8` runs on a 2-core box.
SLURM_CPUS=${SLURM_CPUS:-8}
TIMEOUT=${SLURM_UP_TIMEOUT:-30}
CRED_EXPIRE=${SLURM_CRED_EXPIRE:-10}   # s; also the delay before a requeued job starts again
NODE=localhost          # NodeName; slurmd gets `-N localhost` since `hostname -s` differs
MARK="# regio single-node test cluster (written by scripts/slurm-up.sh)"
here=$(cd "$(dirname "$0")" && pwd)
die() { echo "slurm-up: $*" >&2; exit 1; }
t0=$(date +%s.%N)

# ------------------------------------------------------------------ prerequisites
[ "$(id -u)" = 0 ] || die "must run as root (munged, slurmctld and slurmd are started as root here)"
for exe in /usr/sbin/munged /usr/sbin/slurmctld /usr/sbin/slurmd sinfo munge unmunge; do
  command -v "$exe" >/dev/null || die "$exe missing: apt-get install -y --no-install-recommends slurm-wlm munge"
done
case "$SLURM_BASE" in /*) ;; *) SLURM_BASE=$(pwd)/$SLURM_BASE ;; esac
# slurmd puts per-step Unix sockets into its spool dir (limit 108 bytes per socket path)
[ ${#SLURM_BASE} -le 70 ] || die "SLURM_BASE too long for Unix sockets (${#SLURM_BASE} > 70 chars): $SLURM_BASE"

# A previous instance of THIS base is stopped first (by its PID files); anyone else's is not.
SLURM_BASE=$SLURM_BASE "$here/slurm-down.sh" >/dev/null 2>&1 || true
port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
for port in 6817 6818; do
  port_busy $port && die "port $port is in use: another slurmctld/slurmd is running (not started from $SLURM_BASE); stop it with its own slurm-down, we do not kill foreign daemons"
done
mkdir -p "$SLURM_BASE"/{state,spool,log,run,etc}
rm -rf "${SLURM_BASE:?}"/state/* "${SLURM_BASE:?}"/spool/* "${SLURM_BASE:?}"/log/*  # forget old jobs/logs

# ------------------------------------------------------------------ munge
munge_ok() { munge -n </dev/null 2>/dev/null | unmunge >/dev/null 2>&1; }
if munge_ok; then
  echo "munged already running: reusing it (not ours, slurm-down.sh will leave it alone)"
else
  # apt's postinst already made /etc/munge/munge.key; (re)create only if missing.
  [ -s /etc/munge/munge.key ] || /usr/sbin/mungekey --create --force --keyfile=/etc/munge/munge.key
  chown -R munge:munge /etc/munge; chmod 0700 /etc/munge; chmod 0600 /etc/munge/munge.key
  install -d -o munge -g munge -m 0755 /run/munge          # normally systemd's RuntimeDirectory
  install -d -o munge -g munge -m 0700 /var/log/munge /var/lib/munge
  # As root, plain `munged` refuses ("Logfile is insecure ... should be owned by UID 0"),
  # so run it as the munge user. It daemonizes and writes its pid file (where user munge may write).
  rm -f /run/munge/munged.pid
  runuser -u munge -- /usr/sbin/munged --pid-file=/run/munge/munged.pid
  for _ in $(seq 50); do munge_ok && break; sleep 0.1; done
  munge_ok || die "munged not answering (see /var/log/munge/munged.log)"
  cp /run/munge/munged.pid "$SLURM_BASE/run/munged.pid"   # our record: we started it
fi

# ------------------------------------------------------------------ slurm.conf
CONF=$SLURM_BASE/etc/slurm.conf
cat > "$CONF" <<CONF
$MARK
# SLURM_BASE=$SLURM_BASE
ClusterName=regio
SlurmctldHost=localhost
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
# a requeued job may start again only after the credential lifetime + 1 s (default 120 s):
# 10 s keeps the requeue tests short; real clusters keep the default
AuthInfo=cred_expire=$CRED_EXPIRE
SlurmctldPort=6817
SlurmdPort=6818
StateSaveLocation=$SLURM_BASE/state
SlurmdSpoolDir=$SLURM_BASE/spool
SlurmctldPidFile=$SLURM_BASE/run/slurmctld.pid
SlurmdPidFile=$SLURM_BASE/run/slurmd.pid
SlurmctldLogFile=$SLURM_BASE/log/slurmctld.log
SlurmdLogFile=$SLURM_BASE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
MailProg=/bin/true
# no systemd, no cgroup: linuxproc process tracking, no task binding, no accounting
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
# default batch_sched_delay=3 s delays every sbatch job by up to 3 s; 0 -> starts within ~1 s.
# bf_interval=5 (default 30): a requeued job that becomes eligible again is usually started by
# the backfill scheduler, so this bounds its extra wait to 5 s.
SchedulerParameters=batch_sched_delay=0,bf_interval=5
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# Debian's Open MPI 4.1 only speaks PMIx to srun (no PMI-1/PMI-2): make pmix the default
MpiDefault=pmix
ReturnToService=2
# jobs may be requeued (jobscripts/regio.sbatch requeues itself after a checkpoint)
JobRequeue=1
# reject impossible jobs at submit time ("More processors requested than permitted")
# instead of leaving them PENDING forever with Reason=PartitionConfig
EnforcePartLimits=ALL
# accept CPUs > real cores; without it the node goes INVAL/DRAIN with
# "Low socket*core*thread count, Low CPUs" and srun says "Required node not available"
SlurmdParameters=config_overrides
SlurmctldTimeout=30
SlurmdTimeout=30
InactiveLimit=0
MinJobAge=300
KillWait=5
Waittime=0
NodeName=$NODE NodeAddr=127.0.0.1 CPUs=$SLURM_CPUS RealMemory=1000 State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
# (no cgroup.conf needed with proctrack/linuxproc + task/none)
# Clients find the config through SLURM_CONF; install it as the system default too unless a
# foreign slurm.conf is there (one without our marker line).
mkdir -p /etc/slurm
if [ ! -e /etc/slurm/slurm.conf ] || head -1 /etc/slurm/slurm.conf | grep -qxF "$MARK"; then
  cp "$CONF" /etc/slurm/slurm.conf
else
  echo "note: /etc/slurm/slurm.conf is not ours, left alone: export SLURM_CONF=$CONF" >&2
fi
export SLURM_CONF=$CONF

# ------------------------------------------------------------------ daemons
# both daemonize and write the pid files named in slurm.conf (used by slurm-down.sh)
/usr/sbin/slurmctld -f "$CONF" || die "slurmctld did not start, see $SLURM_BASE/log/slurmctld.log"
/usr/sbin/slurmd    -f "$CONF" -N "$NODE" || die "slurmd did not start, see $SLURM_BASE/log/slurmd.log"

state=""
for _ in $(seq $((TIMEOUT * 5))); do
  state=$(timeout 5 sinfo -h -N -n "$NODE" -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.2
done
[ "$state" = idle ] || die "node not idle after ${TIMEOUT} s (state '${state}'), see $SLURM_BASE/log/"
printf 'slurm up in %.2f s: munged %s, slurmctld %s, slurmd %s; CPUs=%s\n' \
  "$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{print b-a}')" \
  "$(cat /run/munge/munged.pid 2>/dev/null || echo '?')" "$(cat "$SLURM_BASE/run/slurmctld.pid")" \
  "$(cat "$SLURM_BASE/run/slurmd.pid")" "$SLURM_CPUS"
echo "export SLURM_CONF=$CONF"
