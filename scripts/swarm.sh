#!/usr/bin/env bash
# The lab on a Docker Swarm: the one the Docker CLI points at (DOCKER_CONTEXT
# or DOCKER_HOST), else the simulated one when it runs (make swarm-sim-up).
#
#   up     the lab image to a registry every node reaches, then the stack
#          (docker-stack.yml), waiting until every service runs
#   push   only the image; prints its name in the registry (the scenarios' stacks use it)
#   down   the stack, and the registry the lab started
#   logs   every task's lines as they come (make swarm-logs prints them)
#
# The registry: LAB_REGISTRY (host:port) when set, pushed to from this host.
# Otherwise the lab runs one on the manager, from Debian's docker-registry
# package (no container registry is reachable from here), and the manager's
# engine pushes to it: every node must trust <manager>:5000 as an insecure
# registry (the simulated nodes do).
set -euo pipefail
cd "$(dirname "$0")/.."

STACK=zmq-lab
SIM_CONTEXT=zmq-lab-swarm-sim
LAB_IMAGE=${LAB_IMAGE:-zmq-lab:local}
REGISTRY_IMAGE=zmq-lab/registry:bookworm
REGISTRY_CONTAINER=zmq-lab-registry
log() { printf 'swarm: %s\n' "$*" >&2; }

if [ -z "${DOCKER_CONTEXT:-}" ] && [ -z "${DOCKER_HOST:-}" ] && docker context inspect "$SIM_CONTEXT" >/dev/null 2>&1; then
  export DOCKER_CONTEXT=$SIM_CONTEXT
fi
# The host's own engine, for what is built here, whatever the target.
local_docker() { env -u DOCKER_CONTEXT -u DOCKER_HOST docker --context default "$@"; }

require_manager() {
  if [ "$(docker info -f '{{.Swarm.ControlAvailable}}' 2>/dev/null)" != true ]; then
    log "the Docker CLI does not point at a Swarm manager (${DOCKER_CONTEXT:-${DOCKER_HOST:-the local engine}}): make swarm-sim-up, or set DOCKER_CONTEXT"
    exit 1
  fi
}

# The lab image in one layer: the nodes store images without sharing layers
# (the simulated ones use vfs), so one layer is the least they copy.
flat_image() {
  local id flat
  id=$(local_docker image inspect -f '{{.Id}}' "$LAB_IMAGE" | cut -c8-19)
  flat=zmq-lab-swarm:$id
  if ! local_docker image inspect "$flat" >/dev/null 2>&1; then
    local container changes=()
    changes+=(--change "USER $(local_docker image inspect -f '{{.Config.User}}' "$LAB_IMAGE")")
    changes+=(--change "WORKDIR $(local_docker image inspect -f '{{.Config.WorkingDir}}' "$LAB_IMAGE")")
    while read -r env; do [ -n "$env" ] && changes+=(--change "ENV $env"); done < <(local_docker image inspect -f '{{range .Config.Env}}{{println .}}{{end}}' "$LAB_IMAGE")
    changes+=(--change "CMD $(local_docker image inspect -f '{{json .Config.Cmd}}' "$LAB_IMAGE")")
    container=$(local_docker create "$LAB_IMAGE")
    local_docker export "$container" | local_docker import "${changes[@]}" - "$flat" >/dev/null
    local_docker rm "$container" >/dev/null
  fi
  echo "$flat"
}

# Prints the image name the nodes pull.
push_image() {
  local flat=$1 tag=${1#zmq-lab-swarm:}
  if [ -n "${LAB_REGISTRY:-}" ]; then
    local_docker tag "$flat" "$LAB_REGISTRY/zmq-lab:$tag"
    log "pushing to $LAB_REGISTRY"
    local_docker push -q "$LAB_REGISTRY/zmq-lab:$tag" >/dev/null
    echo "$LAB_REGISTRY/zmq-lab:$tag"
    return
  fi
  local registry
  registry="$(docker info -f '{{.Name}}'):5000"
  if ! docker image inspect "$REGISTRY_IMAGE" >/dev/null 2>&1; then
    # Debian's registry, with a config of its own: the packaged one asks for
    # an htpasswd file. Plain HTTP on port 5000, storage in the container.
    env -u DOCKER_CONTEXT -u DOCKER_HOST bash scripts/build-debian-image.sh "$REGISTRY_IMAGE" docker-registry,ca-certificates \
      '["/usr/bin/docker-registry","serve","/etc/zmq-lab-registry.yml"]' \
      'printf "version: 0.1\nstorage: {filesystem: {rootdirectory: /var/lib/docker-registry}}\nhttp: {addr: \":5000\"}\n" > "$1/etc/zmq-lab-registry.yml"' >/dev/null
    log "the registry image to the manager"
    local_docker save "$REGISTRY_IMAGE" | docker load -q >/dev/null
  fi
  if [ "$(docker inspect -f '{{.State.Running}}' "$REGISTRY_CONTAINER" 2>/dev/null)" != true ]; then
    docker rm -f "$REGISTRY_CONTAINER" >/dev/null 2>&1 || true
    docker run -d --name "$REGISTRY_CONTAINER" --restart unless-stopped -p 5000:5000 "$REGISTRY_IMAGE" >/dev/null
  fi
  if ! docker image inspect "$flat" >/dev/null 2>&1; then
    log "the lab image to the manager ($(local_docker image inspect -f '{{.Size}}' "$flat" | awk '{ printf "%d MB", $1 / 1e6 }'))"
    local_docker save "$flat" | docker load -q >/dev/null
  fi
  docker tag "$flat" "$registry/zmq-lab:$tag"
  log "pushing to $registry, the registry on the manager"
  # Bounded: the registry answers within a second or two of its start.
  for attempt in $(seq 20); do
    docker push -q "$registry/zmq-lab:$tag" >/dev/null 2>&1 && break
    [ "$attempt" = 20 ] && { docker push "$registry/zmq-lab:$tag" >&2; exit 1; }
    sleep 0.5
  done
  echo "$registry/zmq-lab:$tag"
}

up() {
  require_manager
  local image
  image=$(push_image "$(flat_image)")
  log "deploying the stack $STACK ($image)"
  LAB_IMAGE=$image docker stack deploy --detach=true --prune -c docker-stack.yml "$STACK" >/dev/null
  wait_running
}

# Every service with its one task running: the nodes pull the image first.
wait_running() {
  local started=$SECONDS ready="" all
  all=$(docker stack services "$STACK" -q | wc -l)
  # Bounded: three nodes pulling ~200 MB each take about a minute here.
  while [ $((SECONDS - started)) -lt 300 ]; do
    local now
    now=$(docker stack ps "$STACK" --filter desired-state=running --format '{{.Name}} {{.CurrentState}} {{.Node}}' | awk '$2 == "Running" { print $1 "@" $NF }' | sort)
    for task in $now; do
      case " $ready " in *" $task "*) ;; *) log "running: ${task%@*} on ${task#*@} ($((SECONDS - started)) s)" ;; esac
    done
    ready=$(echo $now)
    if [ "$(echo "$now" | grep -c .)" -ge "$all" ]; then
      log "all $all services run"
      return 0
    fi
    sleep 1
  done
  docker stack ps --no-trunc "$STACK" >&2
  log "not every service runs after 300 s"
  exit 1
}

down() {
  require_manager
  docker stack rm "$STACK" >/dev/null 2>&1 || true
  # Bounded: a stack's tasks stop within their grace period (5 s) and then the network goes.
  for _ in $(seq 60); do
    [ -z "$(docker service ls -q --filter label=com.docker.stack.namespace=$STACK)" ] && [ -z "$(docker network ls -q --filter label=com.docker.stack.namespace=$STACK)" ] && break
    sleep 1
  done
  docker rm -f -v "$REGISTRY_CONTAINER" >/dev/null 2>&1 || true
  log "removed: the stack $STACK and the registry"
}

logs() {
  require_manager
  local pids=()
  for service in $(docker stack services "$STACK" --format '{{.Name}}'); do
    docker service logs --follow --raw --tail "${TAIL:-20}" "$service" &
    pids+=($!)
  done
  trap 'kill "${pids[@]}" 2>/dev/null' EXIT INT TERM
  wait
}

case "${1:-}" in
  up) up ;;
  push)
    require_manager
    push_image "$(flat_image)"
    ;;
  down) down ;;
  logs) logs ;;
  *)
    echo "usage: $0 up | push | down | logs" >&2
    exit 2
    ;;
esac
