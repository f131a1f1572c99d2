#!/usr/bin/env bash
# Installs and starts a Docker engine with Compose v2 and Buildx on a bare
# Debian 12 (bookworm) machine without systemd. Idempotent: does nothing when
# `docker info` and `docker compose version` already answer.
#
# Compose v2 and Buildx are not packaged for bookworm; the next Debian release
# packages them as static Go binaries, so they are fetched from that suite of the
# mirror this machine already uses (read from its apt sources, never hard-coded)
# and unpacked into the CLI plugin folder, without upgrading anything else.
set -euo pipefail

log() { printf '[install-docker] %s\n' "$*" >&2; }

engine_answers() { docker info >/dev/null 2>&1; }
plugins_answer() { docker compose version >/dev/null 2>&1 && docker buildx version >/dev/null 2>&1; }

if engine_answers && plugins_answer; then
  log "engine, compose and buildx already available"
  exit 0
fi

[ "$(id -u)" = 0 ] || { log "must run as root"; exit 1; }

export DEBIAN_FRONTEND=noninteractive

if ! command -v dockerd >/dev/null 2>&1; then
  log "installing docker.io from the Debian archive"
  apt-get update -qq
  apt-get install -y -qq docker.io >/dev/null
fi

if ! plugins_answer; then
  mirror=$(awk '/^URIs:/ { print $2; exit }' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  if [ -z "$mirror" ]; then
    mirror=$(awk '/^deb / && $0 !~ /security/ { print $2; exit }' /etc/apt/sources.list 2>/dev/null || true)
  fi
  [ -n "$mirror" ] || { log "cannot find the Debian mirror in the apt sources"; exit 1; }
  log "fetching docker-compose and docker-buildx from the trixie suite of $mirror"
  src=/etc/apt/sources.list.d/zmq-lab-trixie.list
  pin=/etc/apt/preferences.d/zmq-lab-trixie
  cleanup_trixie() { rm -f "$src" "$pin"; apt-get update -qq >/dev/null 2>&1 || true; }
  trap cleanup_trixie EXIT
  echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $mirror trixie main" > "$src"
  printf 'Package: *\nPin: release n=trixie\nPin-Priority: 100\n' > "$pin"
  apt-get update -qq
  work=$(mktemp -d)
  (cd "$work" && apt-get download -qq docker-compose/trixie docker-buildx/trixie)
  for deb in "$work"/*.deb; do dpkg -x "$deb" /; done
  rm -rf "$work"
  cleanup_trixie
  trap - EXIT
fi

if ! engine_answers; then
  log "starting dockerd"
  # No systemd on these machines: run the daemon in the background ourselves.
  nohup dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    engine_answers && break
    sleep 0.5 # polling the daemon's socket: there is no readiness event to wait on
  done
  engine_answers || { log "dockerd did not answer within 30 s; see /var/log/dockerd.log"; exit 1; }
fi

docker compose version >&2
docker buildx version >&2
log "ready"
