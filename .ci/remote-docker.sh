#!/usr/bin/env bash
# A second, real Docker engine on this machine that tests reach the way a person reaches a GPU box:
# over SSH, as an unprivileged user, through `docker system dial-stdio`. The engine and an OpenSSH
# server run inside a network namespace of their own, joined to the host by a veth pair, so the
# "remote" has its own address (10.201.0.2), its own images and containers, and a link that can be cut.
#
#   remote-docker.sh [up]        start what is missing, check what is running (idempotent, ~1 s when up)
#   remote-docker.sh env         print the `export` lines the tests read
#   remote-docker.sh link down   cut the link: the remote's packets are dropped both ways, as on a pulled
#                                cable (connections stall, new ones time out; nothing is refused or reset)
#   remote-docker.sh link up     restore it (stalled connections carry on if they have not timed out)
#   remote-docker.sh down        stop sshd and the engine, remove the namespace (keeps the data root)
#
# Run as root, after the main engine answers and looplab-sandbox:ci is built (see .ci/run).
set -euo pipefail
# shellcheck source=.ci/netns-lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/netns-lib.sh"

NS=looplab-remote
NS_PATH=/var/run/netns/$NS
VETH_HOST=llremote-h                  # interface names: 15 characters at most
VETH_NS=llremote-n
HOST_IP=10.201.0.1
REMOTE_IP=10.201.0.2
PREFIX=30
RUN_DIR=/run/looplab-remote
REMOTE_USER=looplab-remote
REMOTE_HOME=/home/$REMOTE_USER
SOCK=$RUN_DIR/docker.sock
DATA_ROOT=/var/lib/looplab-remote-docker
EXEC_ROOT=$RUN_DIR/exec               # the engine's own containerd lives under here: no clash with the main one
DOCKERD_PID=$RUN_DIR/dockerd.pid
DOCKERD_LOG=/tmp/looplab-remote-dockerd.log
SSHD_CONFIG=$RUN_DIR/sshd_config
SSHD_PID=$RUN_DIR/sshd.pid
SSHD_LOG=/tmp/looplab-remote-sshd.log
HOST_KEY=$RUN_DIR/ssh_host_ed25519_key
CLIENT_KEY=$RUN_DIR/id_ed25519
KNOWN_HOSTS=$RUN_DIR/known_hosts
SSH_CONFIG=$RUN_DIR/ssh_config
SSH_CONFIG_DROPIN=/etc/ssh/ssh_config.d/looplab-remote.conf
IMAGE=${LOOPLAB_REMOTE_IMAGE:-looplab-sandbox:ci}
APT_PACKAGES=(openssh-server openssh-client iproute2 iptables docker.io util-linux)
REMOTE_URL="ssh://$REMOTE_USER@$REMOTE_IP:22"

die() { printf 'remote-docker: %s\n' "$*" >&2; exit 1; }
remote() { docker -H "unix://$SOCK" "$@"; }
# A process started from a pid file is alive and sits in our namespace.
alive_in_ns() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null && [ "$(ip netns identify "$(cat "$1")")" = "$NS" ]; }

print_env() {
  cat <<EOF
export LOOPLAB_REMOTE_DOCKER=$REMOTE_URL
export LOOPLAB_REMOTE_SSH_KEY=$CLIENT_KEY
export LOOPLAB_REMOTE_KNOWN_HOSTS=$KNOWN_HOSTS
export LOOPLAB_REQUIRE_REMOTE=1
EOF
}

# The cut is made by the namespace's own firewall, which nothing else uses. Setting the veth down would
# not do: the kernel then drops its route and connects fail at once (or leave through the default route).
link() { cut_link "$NS" "$VETH_NS" "${1:-}" || die "usage: remote-docker.sh link down|up"; }

stop_all() {
  for pidfile in "$SSHD_PID" "$DOCKERD_PID"; do
    if [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
      pid="$(cat "$pidfile")"
      kill "$pid"
      for _ in $(seq 1 30); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      note "stopped $(basename "$pidfile" .pid) ($pid)"
    fi
  done
  ip link show "$VETH_HOST" >/dev/null 2>&1 && ip link del "$VETH_HOST"
  [ -e "$NS_PATH" ] && ip netns del "$NS"
  note "namespace $NS removed (images stay in $DATA_ROOT)"
}

install_packages() { apt_install /tmp/looplab-remote-apt.log "${APT_PACKAGES[@]}"; }

setup_network() {
  veth_namespace "$NS" "$VETH_HOST" "$VETH_NS" "$HOST_IP" "$REMOTE_IP" "$PREFIX"
  link up   # undoes a cut a test left behind
}

setup_user() {
  if ! id "$REMOTE_USER" >/dev/null 2>&1; then
    useradd --create-home --home-dir "$REMOTE_HOME" --shell /bin/bash --user-group "$REMOTE_USER"
    note "user $REMOTE_USER created"
  fi
  # Without PAM, sshd refuses every login to an account whose password field starts with '!' (locked),
  # which is how useradd leaves it. '*' means "no password" without "locked".
  [ "$(getent shadow "$REMOTE_USER" | cut -d: -f2)" = '*' ] || usermod -p '*' "$REMOTE_USER"
  install -d -m 0755 "$RUN_DIR"
}

start_engine() {
  if remote version --format '{{.Server.Version}}' >/dev/null 2>&1 && alive_in_ns "$DOCKERD_PID"; then
    note "engine answers on $SOCK (pid $(cat "$DOCKERD_PID"))"
    return
  fi
  local started=''
  if ! alive_in_ns "$DOCKERD_PID"; then
    install -d -m 0700 "$DATA_ROOT" "$EXEC_ROOT"
    # A config of its own, never the main engine's /etc/docker/daemon.json. Before Docker 23 an engine's
    # ID comes from /etc/docker/key.json, which the main engine uses too: a key of its own gives this one
    # an ID of its own, as a separate host has (the setting exists only in the file, not as a flag).
    if [ "$(dockerd --version | sed -E 's/^Docker version ([0-9]+).*/\1/')" -lt 23 ]; then
      echo "{\"deprecated-key-path\": \"$DATA_ROOT/key.json\"}" >"$RUN_DIR/daemon.json"
    else
      echo '{}' >"$RUN_DIR/daemon.json"
    fi
    note "starting dockerd in $NS (log: $DOCKERD_LOG)"
    # nsenter, not `ip netns exec`: the latter remounts /sys and hides the cgroup mounts dockerd needs.
    nsenter --net="$NS_PATH" setsid dockerd \
      --config-file "$RUN_DIR/daemon.json" \
      --data-root "$DATA_ROOT" --exec-root "$EXEC_ROOT" --pidfile "$DOCKERD_PID" \
      --host "unix://$SOCK" --group "$REMOTE_USER" \
      --bridge=none --iptables=false --ip6tables=false --ip-forward=false --ip-masq=false \
      --cgroup-parent=/looplab-remote \
      >>"$DOCKERD_LOG" 2>&1 </dev/null &
    started=$!
  fi
  for _ in $(seq 1 120); do
    remote version >/dev/null 2>&1 && break
    [ -n "$started" ] && ! kill -0 "$started" 2>/dev/null && break   # it exited: no point waiting
    sleep 0.5
  done
  remote version >/dev/null 2>&1 || { tail -n 30 "$DOCKERD_LOG" >&2; die "the remote dockerd did not answer on $SOCK (log: $DOCKERD_LOG)"; }
  alive_in_ns "$DOCKERD_PID" || die "the engine on $SOCK does not run inside namespace $NS"
  note "engine $(remote version --format '{{.Server.Version}}') answers on $SOCK"
}

load_image() {
  local want have start
  want="$(docker image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null)" || die "$IMAGE is missing on the main engine: build it first"
  have="$(remote image inspect -f '{{.Id}}' "$IMAGE" 2>/dev/null || true)"
  if [ "$want" = "$have" ]; then
    note "$IMAGE present (${want:7:12})"
    return
  fi
  start=$(now_ms)
  docker save "$IMAGE" | remote load -q >/dev/null || die "loading $IMAGE into the remote engine failed"
  note "$IMAGE loaded (${want:7:12}, $(docker image inspect -f '{{.Size}}' "$IMAGE" | awk '{printf "%.0f MB", $1/1e6}')) in $(($(now_ms) - start)) ms"
  remote image prune -f >/dev/null   # the previous build, now untagged
}

setup_keys() {
  [ -f "$CLIENT_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C "looplab-remote-test" -f "$CLIENT_KEY"
  [ -f "$HOST_KEY" ] || ssh-keygen -q -t ed25519 -N '' -C "looplab-remote-host" -f "$HOST_KEY"
  # Root-owned, 0600: the tests run as root, and OpenSSH's client refuses a key others can read.
  chmod 600 "$CLIENT_KEY" "$HOST_KEY"
  echo "$REMOTE_IP $(cut -d' ' -f1,2 "$HOST_KEY.pub")" >"$KNOWN_HOSTS"
  install -d -m 0700 -o "$REMOTE_USER" -g "$REMOTE_USER" "$REMOTE_HOME/.ssh"
  install -m 0600 -o "$REMOTE_USER" -g "$REMOTE_USER" "$CLIENT_KEY.pub" "$REMOTE_HOME/.ssh/authorized_keys"
  # `docker system dial-stdio` run over SSH reaches this engine, not /var/run/docker.sock.
  echo "DOCKER_HOST=unix://$SOCK" | install -m 0600 -o "$REMOTE_USER" -g "$REMOTE_USER" /dev/stdin "$REMOTE_HOME/.ssh/environment"
  cat >"$SSH_CONFIG" <<EOF
Host $REMOTE_IP
  User $REMOTE_USER
  IdentityFile $CLIENT_KEY
  IdentitiesOnly yes
  UserKnownHostsFile $KNOWN_HOSTS
  StrictHostKeyChecking yes
  ConnectTimeout 5
EOF
  # The docker CLI runs plain `ssh -l USER -- HOST docker system dial-stdio` and takes no -F: Debian's
  # /etc/ssh/ssh_config includes ssh_config.d/*.conf, so the block above applies to every ssh here.
  echo "Include $SSH_CONFIG" >"$SSH_CONFIG_DROPIN"
}

start_sshd() {
  local new="$SSHD_CONFIG.new"
  cat >"$new" <<EOF
ListenAddress $REMOTE_IP:22
HostKey $HOST_KEY
PidFile $SSHD_PID
UsePAM no
PasswordAuthentication no
KbdInteractiveAuthentication no
PubkeyAuthentication yes
AuthenticationMethods publickey
PermitRootLogin no
AllowUsers $REMOTE_USER
AuthorizedKeysFile .ssh/authorized_keys
PermitUserEnvironment DOCKER_HOST
# docker-modem opens one SSH connection per API call: allow many handshakes at once.
MaxStartups 100:30:200
MaxSessions 50
ClientAliveInterval 15
Subsystem sftp /usr/lib/openssh/sftp-server
LogLevel VERBOSE
EOF
  install -d -m 0755 /run/sshd   # privilege separation directory
  /usr/sbin/sshd -t -f "$new" || die "sshd rejects $new"
  local changed=0
  cmp -s "$new" "$SSHD_CONFIG" || { mv "$new" "$SSHD_CONFIG"; changed=1; }
  rm -f "$new"
  if alive_in_ns "$SSHD_PID"; then
    [ "$changed" = 1 ] && { kill -HUP "$(cat "$SSHD_PID")"; note "sshd reloaded its config"; }
    note "sshd running (pid $(cat "$SSHD_PID"))"
  else
    nsenter --net="$NS_PATH" /usr/sbin/sshd -f "$SSHD_CONFIG" -E "$SSHD_LOG" || die "sshd did not start (log: $SSHD_LOG)"
    note "sshd started on $REMOTE_IP:22 (log: $SSHD_LOG)"
  fi
}

check_over_ssh() {
  local version start
  start=$(now_ms)
  for _ in $(seq 1 20); do
    version="$(docker -H "ssh://$REMOTE_USER@$REMOTE_IP" version --format '{{.Server.Version}}' 2>/tmp/looplab-remote-check.err)" && break
    sleep 0.25
  done
  [ -n "${version:-}" ] || { cat /tmp/looplab-remote-check.err >&2; tail -n 20 "$SSHD_LOG" >&2 || true; die "docker -H ssh://$REMOTE_USER@$REMOTE_IP does not answer"; }
  note "docker -H ssh://$REMOTE_USER@$REMOTE_IP version: $version ($(($(now_ms) - start)) ms)"
}

up() {
  [ "$(id -u)" -eq 0 ] || die "run as root (starts dockerd and sshd in a network namespace)"
  section "packages"; install_packages
  section "namespace $NS ($HOST_IP <-> $REMOTE_IP)"; setup_network
  section "user $REMOTE_USER"; setup_user
  section "engine"; start_engine
  section "image $IMAGE"; load_image
  section "ssh keys and config"; setup_keys
  section "sshd"; start_sshd
  section "check over ssh"; check_over_ssh
  section "ready: $REMOTE_URL"
}

case "${1:-up}" in
  up) up ;;
  env) print_env ;;
  link) link "${2:-}" ;;
  down) stop_all ;;
  *) die "usage: remote-docker.sh [up|env|link down|link up|down]" ;;
esac
