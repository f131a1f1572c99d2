#!/usr/bin/env bash
# A Docker Swarm of three nodes on this machine, to try the lab across nodes:
# each node a Docker engine in a container of its own (Docker-in-Docker, with
# named capabilities: --privileged is refused here), on one network. Node 1 is
# the manager; the Docker CLI reaches it through the context zmq-lab-swarm-sim
# (make swarm-up uses it when it exists). Nodes 2 and 3 take the lab's binding
# side, node 1 its connecting side (label zmq-lab.side): producers and
# consumers on different nodes, and node 1, the only manager, never the node a
# scenario takes down.
#
#   usage: scripts/swarm-sim.sh up | down | status
set -euo pipefail
cd "$(dirname "$0")/.."

NODES=(zmq-lab-node1 zmq-lab-node2 zmq-lab-node3)
NETWORK=zmq-lab-swarm-sim
CONTEXT=zmq-lab-swarm-sim
IMAGE=zmq-lab/swarm-node:bookworm
# The registry make swarm-up starts on the manager when LAB_REGISTRY is not
# set: plain HTTP, so every node's engine is told to trust it.
REGISTRY=${NODES[0]}:5000
log() { printf 'swarm-sim: %s\n' "$*" >&2; }

node_ip() { docker inspect -f "{{(index .NetworkSettings.Networks \"$NETWORK\").IPAddress}}" "$1"; }
in_node() { local node=$1; shift; docker exec "$node" docker "$@"; }

up() {
  bash scripts/build-debian-image.sh "$IMAGE" docker.io,iptables,ca-certificates,iproute2,procps '["dockerd"]' >/dev/null
  docker network inspect "$NETWORK" >/dev/null 2>&1 || docker network create "$NETWORK" >/dev/null
  for node in "${NODES[@]}"; do
    if [ "$(docker inspect -f '{{.State.Running}}' "$node" 2>/dev/null)" = true ]; then continue; fi
    docker rm -f "$node" >/dev/null 2>&1 || true
    # What dockerd needs inside a container, short of --privileged: mounts
    # and cgroups (SYS_ADMIN), networks and iptables (NET_ADMIN, NET_RAW),
    # device nodes (MKNOD), the host's cgroup tree. Its data on tmpfs (vfs:
    # overlay on overlay does not work), so removing a node leaves nothing.
    # The engine also listens on TCP, on this network only, for the host's CLI.
    # Its containers go under the node's own cgroup (--cgroup-parent): the host's
    # cgroup tree is shared, and without it `docker pause` of a node would freeze
    # its engine but not its tasks, which would run on unseen.
    docker run -d --name "$node" --hostname "$node" --network "$NETWORK" \
      --label zmq-lab.swarm-sim=node \
      --cap-add SYS_ADMIN --cap-add NET_ADMIN --cap-add MKNOD --cap-add SYS_PTRACE --cap-add NET_RAW \
      --security-opt seccomp=unconfined --security-opt apparmor=unconfined \
      --cgroupns host -v /sys/fs/cgroup:/sys/fs/cgroup:rw --tmpfs /var/lib/docker:exec \
      "$IMAGE" sh -c 'exec dockerd --storage-driver=vfs --insecure-registry "$0" \
        --cgroup-parent "$(sed -n "s/^[0-9]*:freezer://p; s/^0:://p" /proc/self/cgroup | head -n 1)" \
        -H unix:///var/run/docker.sock -H tcp://0.0.0.0:2375' "$REGISTRY" >/dev/null
  done
  for node in "${NODES[@]}"; do
    # Bounded: an engine starts in a few seconds; 60 s means it will not.
    for _ in $(seq 120); do in_node "$node" info >/dev/null 2>&1 && break; sleep 0.5; done
    in_node "$node" info >/dev/null 2>&1 || { docker logs --tail 20 "$node" >&2; log "$node: its engine did not start"; exit 1; }
  done

  local manager=${NODES[0]}
  if [ "$(in_node "$manager" info -f '{{.Swarm.LocalNodeState}}')" != active ]; then
    in_node "$manager" swarm init --advertise-addr "$(node_ip "$manager")" >/dev/null
  fi
  local token
  token=$(in_node "$manager" swarm join-token -q worker)
  for node in "${NODES[@]:1}"; do
    if [ "$(in_node "$node" info -f '{{.Swarm.LocalNodeState}}')" != active ]; then
      in_node "$node" swarm join --token "$token" "$(node_ip "$manager"):2377" >/dev/null
    fi
  done
  in_node "$manager" node update --label-add zmq-lab.side=connect "$manager" >/dev/null
  for node in "${NODES[@]:1}"; do in_node "$manager" node update --label-add zmq-lab.side=bind "$node" >/dev/null; done

  docker context rm -f "$CONTEXT" >/dev/null 2>&1 || true
  docker context create "$CONTEXT" --description "zmq-lab's simulated Swarm (make swarm-sim-up)" \
    --docker "host=tcp://$(node_ip "$manager"):2375" >/dev/null 2>&1
  status
}

status() {
  if ! docker inspect "${NODES[0]}" >/dev/null 2>&1; then
    log "not running (make swarm-sim-up)"
    return 0
  fi
  in_node "${NODES[0]}" node ls --format '{{.Hostname}} {{.Status}} {{.Availability}} {{.ManagerStatus}}' | sort | while read -r line; do log "$line"; done
  log "the Docker CLI reaches it with: docker --context $CONTEXT ..."
}

down() {
  docker context rm -f "$CONTEXT" >/dev/null 2>&1 || true
  docker rm -f -v "${NODES[@]}" >/dev/null 2>&1 || true
  docker network rm "$NETWORK" >/dev/null 2>&1 || true
  log "removed: nodes, network, context"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *)
    echo "usage: $0 up | down | status" >&2
    exit 2
    ;;
esac
