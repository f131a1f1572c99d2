#!/usr/bin/env bash
# Builds the network-fault helper image: Debian bookworm minbase with iptables
# and iproute2, from the machine's own apt mirror (no container registry
# needed), imported as zmq-lab/netfault:bookworm. A helper runs for one
# command inside a target container's network namespace with NET_ADMIN; the
# lab's services never get a capability of their own. Skips the build when the
# tag exists. Prints the tag on stdout.
#
#   usage: scripts/build-fault-image.sh [tag]
set -euo pipefail

tag=${1:-zmq-lab/netfault:bookworm}
log() { printf '[fault-image] %s\n' "$*" >&2; }

if docker image inspect "$tag" >/dev/null 2>&1; then
  echo "$tag"
  exit 0
fi
run() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }

export DEBIAN_FRONTEND=noninteractive
if ! command -v mmdebstrap >/dev/null 2>&1; then
  log "installing mmdebstrap"
  run apt-get update -qq
  run apt-get install -y -qq mmdebstrap >/dev/null
fi

mirror=$(bash "$(dirname "$0")/debian-mirror.sh") || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
log "building a minimal bookworm with iptables and iproute2 from $mirror"
run mmdebstrap --quiet --variant=minbase --include=iptables,iproute2 \
  --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* "$1"/usr/share/doc "$1"/usr/share/man' \
  bookworm "$work/rootfs.tar" "$mirror"
log "importing as $tag"
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'CMD ["sh"]' \
  "$work/rootfs.tar" "$tag" >/dev/null
echo "$tag"
