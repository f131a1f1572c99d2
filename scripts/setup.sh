#!/usr/bin/env bash
# What `make up` and `make test` need on this machine, set up when missing: a
# Docker engine with Compose v2 and Buildx, and the Node.js base image (the
# official one, or, where no container registry answers, one built here from
# Debian's packages and the npm registry), and the network-fault helper image.
# Each step prints one line: what it
# found or did, and how long it took; when everything is there, all of it
# takes well under a second. What a step printed in full goes to $SETUP_LOG.
#
# Prints the base image's tag on stdout, for the build.
set -euo pipefail
cd "$(dirname "$0")/.."

LOG=${SETUP_LOG:-${TMPDIR:-/tmp}/zmq-lab-setup.log}
OFFICIAL_IMAGE=node:24-bookworm-slim
OFFLINE_IMAGE=zmq-lab/node:24-offline
: >"$LOG"

now() { date +%s.%N; }
say() { printf 'setup: %-14s %s (%s s)\n' "$1" "$2" "$(awk -v a="$3" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }')" >&2; }
fail() {
  printf 'setup: %s\n' "$*" >&2
  [ -s "$LOG" ] && printf 'setup: what it printed is in %s\n' "$LOG" >&2
  exit 1
}

# Root, or sudo without a password: what installing and starting an engine takes.
as_root() {
  if [ "$(id -u)" = 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo "$@"
  else
    fail "$1 needs root. Run, as root or with sudo: bash scripts/install-docker.sh   (then make up again)"
  fi
}

debian_like() {
  [ -r /etc/os-release ] && grep -Eq '^(ID|ID_LIKE)=.*(debian|ubuntu)' /etc/os-release && command -v apt-get >/dev/null 2>&1
}

# --- the engine, Compose and Buildx ----------------------------------------------------------
t0=$(now)
if docker info >/dev/null 2>&1 && compose=$(docker compose version --short 2>/dev/null) && docker buildx version >/dev/null 2>&1; then
  say "docker" "engine running, Compose $compose, Buildx there" "$t0"
else
  if docker info 2>&1 | grep -q "permission denied"; then
    fail "the Docker engine runs, but this user may not use it. Run: sudo usermod -aG docker $(id -un)   (then log in again)"
  fi
  debian_like || fail "no Docker engine with Compose v2 and Buildx here, and this is not a Debian-like machine: install Docker Engine with its Compose and Buildx plugins, then make up again"
  as_root bash scripts/install-docker.sh >>"$LOG" 2>&1 || fail "installing the Docker engine failed"
  say "docker" "installed and started: engine, Compose $(docker compose version --short 2>/dev/null), Buildx" "$t0"
fi

# --- the base image ---------------------------------------------------------------------------
t0=$(now)
# NODE_IMAGE: from the environment, or from .env (where Compose reads it too).
image=${NODE_IMAGE:-$(sed -n 's/^NODE_IMAGE=//p' .env 2>/dev/null | tail -n 1)}
if [ -n "$image" ]; then
  docker image inspect "$image" >/dev/null 2>&1 || docker pull "$image" >>"$LOG" 2>&1 || fail "NODE_IMAGE=$image: no such image here, and it cannot be pulled"
  say "base image" "$image (NODE_IMAGE)" "$t0"
elif docker image inspect "$OFFICIAL_IMAGE" >/dev/null 2>&1; then
  image=$OFFICIAL_IMAGE
  say "base image" "$image, here already" "$t0"
elif docker image inspect "$OFFLINE_IMAGE" >/dev/null 2>&1; then
  image=$OFFLINE_IMAGE
  say "base image" "$image, built here before (no registry answered then)" "$t0"
# A registry that answers gives the official image in seconds; one that does not fails fast.
elif timeout 120 docker pull "$OFFICIAL_IMAGE" >>"$LOG" 2>&1; then
  image=$OFFICIAL_IMAGE
  say "base image" "$image, pulled" "$t0"
else
  debian_like || fail "no container registry answers and this is not a Debian-like machine: set NODE_IMAGE to a Node.js 24 image you have"
  image=$(as_root bash scripts/build-offline-node-image.sh "$OFFLINE_IMAGE" 2>>"$LOG") || fail "building the base image without a registry failed"
  say "base image" "$image, built here: no container registry answers" "$t0"
fi
# --- the network-fault helper image --------------------------------------------------------
t0=$(now)
FAULT_IMAGE=zmq-lab/netfault:bookworm
if docker image inspect "$FAULT_IMAGE" >/dev/null 2>&1; then
  say "fault helper" "$FAULT_IMAGE, here already" "$t0"
else
  debian_like || fail "the network-fault helper image is built from Debian's packages: not on this machine (make fault and the network scenarios need it)"
  as_root bash scripts/build-fault-image.sh "$FAULT_IMAGE" >>"$LOG" 2>&1 || fail "building the network-fault helper image failed"
  say "fault helper" "$FAULT_IMAGE, built here (Debian minbase, iptables, iproute2)" "$t0"
fi
echo "$image"
