#!/usr/bin/env bash
# Build Looplab's offline sandbox base image (default tag looplab-base:bookworm)
# without any container registry: debootstrap a minimal Debian bookworm root
# filesystem from the Debian mirror apt already uses, then `docker import` it.
#
# Usage: bash resources/sandbox/build-base.sh [IMAGE_TAG]
# Env:   LOOPLAB_DEBIAN_MIRROR  override the detected Debian mirror URL
#        TMPDIR                 where the temporary root filesystem goes (default /var/tmp)
# Needs: root, debootstrap, a running Docker engine.
set -euo pipefail

TAG="${1:-looplab-base:bookworm}"
SUITE=bookworm
INCLUDE=python3,ca-certificates
FALLBACK_MIRROR=http://deb.debian.org/debian

die() { echo "build-base: $*" >&2; exit 1; }

[ "$(id -u)" -eq 0 ] || die "must run as root (debootstrap needs it)"
command -v debootstrap >/dev/null || die "debootstrap not found (apt-get install debootstrap)"
command -v docker >/dev/null || die "docker client not found"
docker info >/dev/null 2>&1 || die "Docker engine does not answer (is dockerd running?)"

# Print the first http(s)/file/ftp URI of an enabled 'deb' source for $SUITE, from
# one-line *.list files and deb822 *.sources files (apt ignores other names).
detect_mirror() {
  local f files=()
  [ -f /etc/apt/sources.list ] && files+=(/etc/apt/sources.list)
  for f in /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [ -f "$f" ] && files+=("$f")
  done
  [ "${#files[@]}" -gt 0 ] || return 0
  awk -v suite="$SUITE" '
    function ok(u) { return u ~ /^(https?|ftp|file):/ }
    function has(list, w,   n, a, i) { n = split(list, a, /[ \t]+/); for (i = 1; i <= n; i++) if (a[i] == w) return 1; return 0 }
    function flush() {
      if (types != "" && has(types, "deb") && has(suites, suite) && tolower(enabled) != "no") {
        n = split(uris, u, /[ \t]+/); for (i = 1; i <= n; i++) if (ok(u[i])) { print u[i]; found = 1; exit }
      }
      types = uris = suites = enabled = ""
    }
    FNR == 1 { flush() }
    FILENAME ~ /\.sources$/ {
      if ($0 ~ /^[ \t]*$/) { flush(); next }
      if ($0 ~ /^[ \t]*#/) next
      line = $0; key = tolower(line); sub(/:.*/, "", key); val = line; sub(/^[^:]*:[ \t]*/, "", val)
      if (key == "types") types = val; else if (key == "uris") uris = val
      else if (key == "suites") suites = val; else if (key == "enabled") enabled = val
      next
    }
    {
      sub(/#.*/, ""); if ($1 != "deb") next
      i = 2; if ($2 ~ /^\[/) { while (i <= NF && $i !~ /\]$/) i++; i++ }
      if ($(i + 1) == suite && ok($i)) { print $i; found = 1; exit }
    }
    END { if (!found) flush() }
  ' "${files[@]}"
}

MIRROR="${LOOPLAB_DEBIAN_MIRROR:-}"
[ -n "$MIRROR" ] || MIRROR="$(detect_mirror || true)"
[ -n "$MIRROR" ] || MIRROR="$FALLBACK_MIRROR"
MIRROR="${MIRROR%/}"

start=$SECONDS
work="$(mktemp -d "${TMPDIR:-/var/tmp}/looplab-base.XXXXXX")"
cleanup() {
  # debootstrap mounts proc/sys inside the target; never rm -rf through a live mount.
  awk -v p="$work/" 'index($2, p) == 1 { print $2 }' /proc/mounts | sort -r |
    while read -r m; do umount -l "$m" 2>/dev/null || true; done
  rm -rf --one-file-system "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

root="$work/rootfs"   # a subdirectory, so the image's / gets 0755 rather than mktemp's 0700
echo "build-base: debootstrap $SUITE (minbase, +$INCLUDE) from $MIRROR"
if ! debootstrap --variant=minbase --include="$INCLUDE" "$SUITE" "$root" "$MIRROR" \
     >"$work/debootstrap.log" 2>&1; then
  tail -n 30 "$work/debootstrap.log" >&2
  [ -f "$root/debootstrap/debootstrap.log" ] && tail -n 30 "$root/debootstrap/debootstrap.log" >&2
  die "debootstrap failed"
fi
chmod 0755 "$root"
# Drop the downloaded .debs and debootstrap's placeholder package lists; a Dockerfile
# FROM this image runs `apt-get update` itself.
rm -rf "$root"/var/cache/apt/archives/*.deb "$root"/var/lib/apt/lists/* "$root"/debootstrap
mkdir -p "$root/var/lib/apt/lists/partial"
boot_s=$((SECONDS - start))

echo "build-base: importing as $TAG"
tar -C "$root" --numeric-owner -c . | docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV LANG=C.UTF-8' \
  --change 'CMD ["/bin/bash"]' \
  --change "LABEL org.opencontainers.image.title=looplab-base org.opencontainers.image.description=\"Debian $SUITE minbase + python3, imported offline\" looplab.debian.mirror=$MIRROR" \
  - "$TAG" >/dev/null

# Smoke test: the image must run Python with no network at all.
out="$(docker run --rm --network none "$TAG" python3 -c 'print(1)')"
[ "$out" = 1 ] || die "smoke test failed: python3 printed '$out'"

echo "build-base: built $TAG in $((SECONDS - start))s (debootstrap ${boot_s}s, import+check $((SECONDS - start - boot_s))s), $(docker image inspect -f '{{.Size}}' "$TAG" | awk '{ printf "%.0f MB", $1 / 1e6 }')"
