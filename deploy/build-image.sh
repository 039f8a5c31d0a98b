#!/bin/sh
# `make image`: build the Flowcast image where no registry can be pulled from.
#
# The base is Debian bookworm made with debootstrap from Debian's packages (its python3 is
# 3.11, like the official python:3.11-slim-bookworm the Dockerfile defaults to), imported
# into podman once and kept as $BASE_IMAGE; then `podman build` on it. Needs root and
# Debian's podman, runc and debootstrap (.ci/run installs them).
#
#   deploy/build-image.sh flowcast:0.1.0
#   REBUILD_BASE=1 deploy/build-image.sh flowcast:0.1.0   # a fresh base (security updates)
set -eu

IMAGE=${1:?usage: build-image.sh IMAGE}
BASE_IMAGE=${BASE_IMAGE:-localhost/flowcast-base:bookworm}
# The machine's own Debian mirror (its apt sources), unless DEBIAN_MIRROR names one.
host_mirror() {
  sed -n 's/^URIs: *\(.*\/debian\)$/\1/p' /etc/apt/sources.list.d/*.sources 2>/dev/null | head -n 1
  sed -n 's/^deb  *\(\[[^]]*\] *\)\{0,1\}\([^ ]*\/debian\) .*/\2/p' /etc/apt/sources.list 2>/dev/null \
    | head -n 1
}
MIRROR=${DEBIAN_MIRROR:-$(host_mirror | head -n 1)}
[ -n "$MIRROR" ] || { echo "No Debian mirror in the apt sources: set DEBIAN_MIRROR" >&2; exit 1; }
# runc and cgroupfs: crun and the systemd cgroup manager do not work on these machines.
PODMAN="podman --runtime runc --cgroup-manager cgroupfs"

if [ "${REBUILD_BASE:-}" = 1 ] || ! $PODMAN image exists "$BASE_IMAGE"; then
  rootfs=$(mktemp -d /var/tmp/flowcast-rootfs.XXXXXX)
  log="$rootfs.log"
  trap 'rm -rf "$rootfs" "$log"' EXIT
  chmod 755 "$rootfs"  # apt's sandbox user must reach its lists in there
  echo "Building the base $BASE_IMAGE with debootstrap (a few minutes)"
  debootstrap --variant=minbase --include=python3,ca-certificates bookworm "$rootfs" "$MIRROR" \
    >"$log" 2>&1 || { cat "$log"; exit 1; }
  cat >"$rootfs/etc/apt/sources.list" <<SOURCES
deb $MIRROR bookworm main
deb $MIRROR bookworm-updates main
deb ${MIRROR%/debian}/debian-security bookworm-security main
SOURCES
  # The security updates debootstrap does not take.
  chroot "$rootfs" sh -c 'apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get -y -q upgrade' \
    >"$log" 2>&1 || { cat "$log"; exit 1; }
  chroot "$rootfs" apt-get clean
  rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/*.bin
  tar -C "$rootfs" -c . | $PODMAN import --change 'CMD ["/bin/bash"]' - "$BASE_IMAGE" >/dev/null
fi

# A network that inspects TLS hands its CA bundle to pip as a build secret, never a layer.
$PODMAN build --isolation=chroot --network host \
  --secret id=ca,src=/etc/ssl/certs/ca-certificates.crt \
  --build-arg BASE_IMAGE="$BASE_IMAGE" --build-arg IMAGE="$IMAGE" \
  --tag "$IMAGE" .

# Builder stages of earlier builds: kept a day as the layer cache, then dropped.
$PODMAN image prune --force --filter until=24h >/dev/null
