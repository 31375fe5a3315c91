# Shared by remote-docker.sh and slurm.sh: Debian packages installed without starting their services, and
# a network namespace joined to the host by a veth pair. Sourced; the caller defines die.

note() { printf '    %s\n' "$*"; }
now_ms() { echo $(($(date +%s%N) / 1000000)); }
T0=$(now_ms)
section() { printf '  - %s  [%s ms]\n' "$*" "$(($(now_ms) - T0))"; }   # [elapsed so far]

# apt_install LOG PACKAGE...: installs those not installed yet.
apt_install() {
  local log=$1 missing=() p
  shift
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && { note "packages present"; return; }
  note "installing: ${missing[*]}"
  # Debian starts a package's services when it is installed (sshd on 0.0.0.0:22, munged, slurmd); the
  # scripts start their own. A policy-rc.d that answers 101 tells the packages not to start services.
  local policy=/usr/sbin/policy-rc.d made_policy=0
  if [ ! -e "$policy" ]; then
    printf '#!/bin/sh\nexit 101\n' >"$policy" && chmod 755 "$policy" && made_policy=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  local ok=1
  { apt-get update -qq && apt-get install -y -qq --no-install-recommends -o Dpkg::Use-Pty=0 "${missing[@]}"; } \
    >"$log" 2>&1 || ok=0
  [ "$made_policy" = 1 ] && rm -f "$policy"
  [ "$ok" = 1 ] || { tail -n 40 "$log" >&2; die "apt-get install failed (log: $log)"; }
}

# veth_namespace NS VETH_HOST VETH_NS HOST_IP NS_IP PREFIX: the namespace and its link, made or checked.
veth_namespace() {
  local ns=$1 veth_host=$2 veth_ns=$3 host_ip=$4 ns_ip=$5 prefix=$6
  [ -e "/var/run/netns/$ns" ] || ip netns add "$ns"
  if ! ip link show "$veth_host" >/dev/null 2>&1; then
    ip link add "$veth_host" type veth peer name "$veth_ns"
    ip link set "$veth_ns" netns "$ns"
  fi
  ip addr replace "$host_ip/$prefix" dev "$veth_host"
  ip link set "$veth_host" up
  ip -n "$ns" addr replace "$ns_ip/$prefix" dev "$veth_ns"
  ip -n "$ns" link set "$veth_ns" up
  ip -n "$ns" link set lo up
}

# cut_link NS VETH_NS down|up: drop the namespace's packets both ways, as a pulled cable would (connections
# stall, new ones time out; nothing is refused or reset), or let them through again.
cut_link() {
  local ns=$1 veth_ns=$2 rule
  local rules=("INPUT -i $veth_ns -j DROP" "OUTPUT -o $veth_ns -j DROP")
  case "${3:-}" in
    down) for rule in "${rules[@]}"; do
        # shellcheck disable=SC2086  # a rule is several words
        ip netns exec "$ns" iptables -w -C $rule 2>/dev/null || ip netns exec "$ns" iptables -w -I $rule
      done ;;
    up) for rule in "${rules[@]}"; do
        # shellcheck disable=SC2086
        while ip netns exec "$ns" iptables -w -C $rule 2>/dev/null; do ip netns exec "$ns" iptables -w -D $rule; done
      done ;;
    *) return 2 ;;
  esac
}
