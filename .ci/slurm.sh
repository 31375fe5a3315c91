#!/usr/bin/env bash
# A one-node Slurm cluster from Debian's packages (slurm-wlm, munge) that tests reach the way a person
# reaches a cluster's login node: over SSH, as an unprivileged user, then sbatch, squeue, sacct, scancel.
# slurmctld, slurmd and an OpenSSH server run inside a network namespace of their own, joined to the host
# by a veth pair, so the "login node" has its own address (10.202.0.2). munged serves all of them through
# its socket in /run/munge (a file, so the namespace does not matter).
#
# The node is this machine: its CPUs, and RealMemory a little under the memory free now. No cgroup
# plugins (proctrack/linuxproc, task/none): nothing is enforced but the time limit, as on a small site.
# There is no slurmdbd (it needs a database server): jobs' ends go to jobcomp/filetxt, which
# `sacct --completion` reads; that is where `sacct` decides a job's final state here. slurmctld keeps
# ended jobs for an hour (MinJobAge), so `scontrol show job` answers too.
#
#   slurm.sh [up]   start what is missing, check what is running (idempotent, ~1 s when up)
#   slurm.sh env    print the `export` lines the tests read
#   slurm.sh link down  cut the login node's link: its packets are dropped both ways, as on a pulled cable
#   slurm.sh link up    restore it
#   slurm.sh down   stop sshd, slurmd, slurmctld and munged, remove the namespace (keeps the state folder)
#
# Run as root.
set -euo pipefail
# shellcheck source=.ci/netns-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns-lib.sh"

NS=looplab-slurm
NS_PATH=/var/run/netns/$NS
VETH_HOST=llslurm-h                   # interface names: 15 characters at most
VETH_NS=llslurm-n
HOST_IP=10.202.0.1
LOGIN_IP=10.202.0.2
PREFIX=30
NODE=looplab-slurm
RUN_DIR=/run/looplab-slurm
STATE_DIR=/var/lib/looplab-slurm
LOG_DIR=/tmp/looplab-slurm
SLURM_CONF=/etc/slurm/slurm.conf      # where sbatch on the login node looks, as on a real one
SLURM_USER=looplab-slurm
SLURM_HOME=/home/$SLURM_USER
SSHD_CONFIG=$RUN_DIR/sshd_config
SSHD_PID=$RUN_DIR/sshd.pid
HOST_KEY=$RUN_DIR/ssh_host_ed25519_key
CLIENT_KEY=$RUN_DIR/id_ed25519
KNOWN_HOSTS=$RUN_DIR/known_hosts
MUNGE_PID=/run/munge/munged.pid
APT_PACKAGES=(slurm-wlm slurm-client munge openssh-server openssh-client iproute2 iptables util-linux)
LOGIN_URL="ssh://$SLURM_USER@$LOGIN_IP:22"

die() { printf 'slurm: %s\n' "$*" >&2; exit 1; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }
alive_in_ns() { alive "$1" && [ "$(ip netns identify "$(cat "$1")")" = "$NS" ]; }
in_ns() { nsenter --net="$NS_PATH" "$@"; }

print_env() {
  cat <<EOF
export LOOPLAB_SLURM=$LOGIN_URL
export LOOPLAB_SLURM_SSH_KEY=$CLIENT_KEY
export LOOPLAB_SLURM_KNOWN_HOSTS=$KNOWN_HOSTS
export LOOPLAB_REQUIRE_SLURM=1
EOF
}

stop_pid() {
  local pidfile=$1 pid
  alive "$pidfile" || return 0
  pid="$(cat "$pidfile")"
  kill "$pid"
  for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  note "stopped $(basename "$pidfile" .pid) ($pid)"
}

stop_all() {
  for pidfile in "$SSHD_PID" "$RUN_DIR/slurmd.pid" "$RUN_DIR/slurmctld.pid" "$MUNGE_PID"; do stop_pid "$pidfile"; done
  ip link show "$VETH_HOST" >/dev/null 2>&1 && ip link del "$VETH_HOST"
  [ -e "$NS_PATH" ] && ip netns del "$NS"
  note "namespace $NS removed (state stays in $STATE_DIR)"
}

install_packages() { apt_install /tmp/looplab-slurm-apt.log "${APT_PACKAGES[@]}"; }

setup_network() {
  veth_namespace "$NS" "$VETH_HOST" "$VETH_NS" "$HOST_IP" "$LOGIN_IP" "$PREFIX"
}

setup_user() {
  if ! id "$SLURM_USER" >/dev/null 2>&1; then
    useradd --create-home --home-dir "$SLURM_HOME" --shell /bin/bash --user-group "$SLURM_USER"
    note "user $SLURM_USER created"
  fi
  # Without PAM, sshd refuses an account whose password field starts with '!' (locked); '*' is "no password".
  [ "$(getent shadow "$SLURM_USER" | cut -d: -f2)" = '*' ] || usermod -p '*' "$SLURM_USER"
  install -d -m 0755 "$RUN_DIR" "$LOG_DIR"
  install -d -m 0755 "$STATE_DIR" "$STATE_DIR/slurmd"   # the job script runs from the spool as the user
  install -d -m 0700 "$STATE_DIR/ctld"
  # `sacct --completion` opens the file to append before it reads it (its plugin's start), as the user.
  # The user owns it: slurmctld (root) sets its mode back to 0644 each time it starts, so group write
  # lasted only until the next start, and sacct then failed with "Permission denied".
  [ -f "$STATE_DIR/jobcomp.txt" ] || : >"$STATE_DIR/jobcomp.txt"
  chown "$SLURM_USER:$SLURM_USER" "$STATE_DIR/jobcomp.txt" && chmod 0644 "$STATE_DIR/jobcomp.txt"
}

start_munge() {
  [ -s /etc/munge/munge.key ] || { mungekey --create --keyfile /etc/munge/munge.key; chown munge:munge /etc/munge/munge.key; }
  chmod 0400 /etc/munge/munge.key
  install -d -m 0755 -o munge -g munge /run/munge /var/log/munge
  if ! alive "$MUNGE_PID"; then
    runuser -u munge -- /usr/sbin/munged --pid-file="$MUNGE_PID" --log-file=/var/log/munge/munged.log \
      || die "munged did not start (log: /var/log/munge/munged.log)"
    note "munged started"
  fi
  munge -n </dev/null | unmunge >/dev/null || die "munge cannot encode and decode a credential"
  note "munge answers (pid $(cat "$MUNGE_PID"))"
}

write_config() {
  local cpus mem new="$SLURM_CONF.new"
  cpus=$(nproc)
  # A little under what is free now: slurmd refuses a node that claims more memory than it has.
  mem=$(awk '/^MemAvailable:/ {printf "%d", $2 / 1024 * 0.8}' /proc/meminfo)
  # Free memory moves: the figure already written stays while it is within 20 % (no restart for nothing).
  local had
  had=$(sed -nE 's/^NodeName=.* RealMemory=([0-9]+) .*/\1/p' "$SLURM_CONF" 2>/dev/null || true)
  [ -n "$had" ] && [ "$had" -le $((mem * 6 / 5)) ] && [ "$had" -ge $((mem * 4 / 5)) ] && mem=$had
  install -d -m 0755 /etc/slurm
  cat >"$new" <<EOF
ClusterName=looplab
SlurmctldHost=$(hostname -s)($LOGIN_IP)
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$STATE_DIR/ctld
SlurmdSpoolDir=$STATE_DIR/slurmd
SlurmctldPidFile=$RUN_DIR/slurmctld.pid
SlurmdPidFile=$RUN_DIR/slurmd.pid
SlurmctldLogFile=$LOG_DIR/slurmctld.log
SlurmdLogFile=$LOG_DIR/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$STATE_DIR/jobcomp.txt
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
MpiDefault=none
ReturnToService=2
MinJobAge=3600
DefMemPerCPU=512
KillWait=5
SchedulerParameters=sched_interval=5
NodeName=$NODE NodeAddr=$LOGIN_IP CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=$NODE Default=YES MaxTime=INFINITE State=UP
EOF
  if cmp -s "$new" "$SLURM_CONF"; then rm -f "$new"; return 1; fi
  mv "$new" "$SLURM_CONF"
  note "wrote $SLURM_CONF ($cpus CPUs, ${mem} MB)"
}

start_slurm() {
  local changed=0
  write_config && changed=1
  if [ "$changed" = 1 ]; then stop_pid "$RUN_DIR/slurmd.pid"; stop_pid "$RUN_DIR/slurmctld.pid"; fi
  if ! alive_in_ns "$RUN_DIR/slurmctld.pid"; then
    in_ns /usr/sbin/slurmctld || die "slurmctld did not start (log: $LOG_DIR/slurmctld.log)"
    note "slurmctld started"
  fi
  if ! alive_in_ns "$RUN_DIR/slurmd.pid"; then
    in_ns /usr/sbin/slurmd -N "$NODE" || die "slurmd did not start (log: $LOG_DIR/slurmd.log)"
    note "slurmd started"
  fi
  for _ in $(seq 1 60); do
    in_ns sinfo -h -N -o '%T' 2>/dev/null | grep -Eq '^(idle|mixed|allocated)' && break
    sleep 0.5
  done
  local state
  state="$(in_ns sinfo -h -N -o '%T' 2>&1 || true)"
  case "$state" in
    idle* | mixed* | allocated*) note "node $NODE is $state" ;;
    *)
      tail -n 20 "$LOG_DIR/slurmctld.log" "$LOG_DIR/slurmd.log" >&2 || true
      die "node $NODE is not ready (${state:-no answer}; logs: $LOG_DIR)" ;;
  esac
}

setup_keys() {
  [ -f "$CLIENT_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C "looplab-slurm-test" -f "$CLIENT_KEY"
  [ -f "$HOST_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C "looplab-slurm-host" -f "$HOST_KEY"
  chmod 600 "$CLIENT_KEY" "$HOST_KEY"   # OpenSSH's client refuses a key others can read
  echo "$LOGIN_IP $(cut -d' ' -f1,2 "$HOST_KEY.pub")" >"$KNOWN_HOSTS"
  install -d -m 0700 -o "$SLURM_USER" -g "$SLURM_USER" "$SLURM_HOME/.ssh"
  install -m 0600 -o "$SLURM_USER" -g "$SLURM_USER" "$CLIENT_KEY.pub" "$SLURM_HOME/.ssh/authorized_keys"
}

start_sshd() {
  local new="$SSHD_CONFIG.new" changed=0
  cat >"$new" <<EOF
ListenAddress $LOGIN_IP:22
HostKey $HOST_KEY
PidFile $SSHD_PID
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthenticationMethods publickey
PermitRootLogin no
AllowUsers $SLURM_USER
AuthorizedKeysFile .ssh/authorized_keys
MaxStartups 100:30:200
MaxSessions 50
ClientAliveInterval 15
LogLevel VERBOSE
EOF
  install -d -m 0755 /run/sshd   # privilege separation directory
  /usr/sbin/sshd -t -f "$new" || die "sshd rejects $new"
  cmp -s "$new" "$SSHD_CONFIG" || { mv "$new" "$SSHD_CONFIG"; changed=1; }
  rm -f "$new"
  if alive_in_ns "$SSHD_PID"; then
    [ "$changed" = 1 ] && { kill -HUP "$(cat "$SSHD_PID")"; note "sshd reloaded its config"; }
    note "sshd running (pid $(cat "$SSHD_PID"))"
  else
    in_ns /usr/sbin/sshd -f "$SSHD_CONFIG" -E "$LOG_DIR/sshd.log" || die "sshd did not start (log: $LOG_DIR/sshd.log)"
    note "sshd started on $LOGIN_IP:22 (log: $LOG_DIR/sshd.log)"
  fi
}

check_over_ssh() {
  local out start
  start=$(now_ms)
  for _ in $(seq 1 20); do
    out="$(ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$KNOWN_HOSTS" \
      -i "$CLIENT_KEY" -o IdentitiesOnly=yes "$SLURM_USER@$LOGIN_IP" sinfo --version 2>/tmp/looplab-slurm-check.err)" && break
    sleep 0.25
  done
  [ -n "${out:-}" ] || { cat /tmp/looplab-slurm-check.err >&2; die "sinfo over ssh://$SLURM_USER@$LOGIN_IP does not answer"; }
  note "ssh $SLURM_USER@$LOGIN_IP sinfo --version: $out ($(($(now_ms) - start)) ms)"
  # Where jobs' ends are read: the user must be able to open the completion file, now and after restarts.
  ssh -o BatchMode=yes -o StrictHostKeyChecking=yes -o UserKnownHostsFile="$KNOWN_HOSTS" -i "$CLIENT_KEY" \
    -o IdentitiesOnly=yes "$SLURM_USER@$LOGIN_IP" sacct -c -X -n -P -j 1 -o State >/dev/null 2>/tmp/looplab-slurm-check.err \
    || { cat /tmp/looplab-slurm-check.err >&2; die "sacct --completion fails for $SLURM_USER (mode of $STATE_DIR/jobcomp.txt?)"; }
  note "sacct --completion answers for $SLURM_USER"
}

up() {
  [ "$(id -u)" -eq 0 ] || die "run as root (installs packages, starts slurmctld, slurmd and sshd in a namespace)"
  section "packages"; install_packages
  section "namespace $NS ($HOST_IP <-> $LOGIN_IP)"; setup_network
  section "user $SLURM_USER"; setup_user
  section "munge"; start_munge
  section "slurmctld and slurmd"; start_slurm
  section "ssh keys"; setup_keys
  section "sshd"; start_sshd
  section "check over ssh"; check_over_ssh
  section "ready: $LOGIN_URL"
}

case "${1:-up}" in
  up) up ;;
  env) print_env ;;
  link) cut_link "$NS" "$VETH_NS" "${2:-}" || die "usage: slurm.sh link down|up" ;;
  down) stop_all ;;
  *) die "usage: slurm.sh [up|env|link down|link up|down]" ;;
esac
