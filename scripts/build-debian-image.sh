#!/usr/bin/env bash
# Builds a small image from Debian's own packages: a minimal bookworm root
# file system (mmdebstrap, from this machine's apt mirror: no container
# registry needed) with the named packages, imported under a tag. Skips the
# build when the tag exists. Prints the tag on stdout.
#
#   usage: scripts/build-debian-image.sh TAG PACKAGES CMD [HOOK...]
#     PACKAGES  comma-separated Debian packages
#     CMD       the image's command, as JSON (["sh"])
#     HOOK      mmdebstrap customize hooks, run with the root file system as $1
set -euo pipefail

tag=$1 packages=$2 cmd=$3
shift 3
log() { printf '[%s] %s\n' "$tag" "$*" >&2; }

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
hooks=()
for hook in "$@"; do hooks+=(--customize-hook="$hook"); done
log "building a minimal bookworm with $packages from $mirror"
run mmdebstrap --quiet --variant=minbase --include="$packages" "${hooks[@]}" \
  --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/* "$1"/usr/share/doc "$1"/usr/share/man' \
  bookworm "$work/rootfs.tar" "$mirror"
log "importing"
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change "CMD $cmd" \
  "$work/rootfs.tar" "$tag" >/dev/null
echo "$tag"
