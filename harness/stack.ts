// The Swarm stack, made from docker-compose.yml so that the two cannot drift:
// the services `make up` starts (the observer aside: it watches one Docker
// engine), each with its command, settings and limits, plus what Swarm needs.
// `make stack` writes docker-stack.yml; a unit test fails when the committed
// file is not what the Compose file makes.
import { readFileSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { parse, stringify } from "yaml"

type Service = Record<string, unknown> & {
  command?: string[]
  environment?: Record<string, string>
  profiles?: string[]
  ports?: string[]
  deploy?: { resources?: unknown }
  stop_grace_period?: string
  read_only?: boolean
  cap_drop?: string[]
  init?: boolean
}
export interface ComposeFile {
  services: Record<string, Service>
}

/** Not in the stack: the observer reads one engine's containers and logs through its socket. */
const LEFT_OUT = new Set(["observer"])

/**
 * Which side of the lab's sockets a service is on. Those that bind (publishers,
 * ventilators, sinks, servers, brokers) run on nodes not labelled
 * `zmq-lab.side=connect`, those that connect on nodes not labelled
 * `zmq-lab.side=bind`: with the labels set, every producer is on another node
 * than its consumers, and the messages cross the network between nodes.
 */
export const SIDES: Record<string, "bind" | "connect"> = {
  "pubsub-publisher": "bind",
  "pubsub-subscriber": "connect",
  "pipeline-ventilator": "bind",
  "pipeline-worker-1": "connect",
  "pipeline-worker-2": "connect",
  "pipeline-sink": "bind",
  "reqrep-server": "bind",
  "reqrep-client": "connect",
  "router-dealer-broker": "bind",
  "router-dealer-worker-1": "connect",
  "router-dealer-worker-2": "connect",
  "router-dealer-client": "connect",
}

export const NETWORK = "lab"

/** Pure: the services of the stack, in the Compose file's order. */
export function stackServices(compose: ComposeFile): string[] {
  return Object.entries(compose.services)
    .filter(([name, service]) => service.profiles === undefined && !LEFT_OUT.has(name))
    .map(([name]) => name)
}

/** Pure: the stack file's content for a Compose file (merge keys resolved). */
export function stackFrom(compose: ComposeFile): Record<string, unknown> {
  const services: Record<string, unknown> = {}
  for (const name of stackServices(compose)) {
    const service = compose.services[name]!
    const side = SIDES[name]
    if (side === undefined) throw new Error(`${name}: no side (bind or connect) in harness/stack.ts SIDES`)
    services[name] = {
      // No dash in the message: the CLI would read it as ${VAR-default}.
      image: "${LAB_IMAGE:?set LAB_IMAGE to the lab image in a registry all nodes reach}",
      command: service.command,
      init: service.init,
      read_only: service.read_only,
      cap_drop: service.cap_drop,
      stop_grace_period: service.stop_grace_period,
      ...(service.ports ? { ports: service.ports } : {}),
      environment: {
        ...service.environment,
        // Swarm gives a container its id for a hostname: the name comes from here.
        SERVICE_NAME: `${name}.{{.Task.Slot}}`,
        INCARNATION: "{{.Task.ID}}",
      },
      networks: [NETWORK],
      deploy: {
        replicas: 1,
        // No virtual IP: this kernel has no IPVS, and ZeroMQ wants the task's
        // own address anyway (it resolves the name again at each reconnect, so
        // a task rescheduled elsewhere is found at its new address).
        endpoint_mode: "dnsrr",
        restart_policy: { condition: "any", delay: "1s" },
        placement: { constraints: [side === "bind" ? "node.labels.zmq-lab.side != connect" : "node.labels.zmq-lab.side != bind"] },
        resources: service.deploy?.resources,
      },
    }
  }
  return {
    services,
    networks: { [NETWORK]: { driver: "overlay", attachable: true } },
  }
}

const HEADER = `# The lab on Docker Swarm: made from docker-compose.yml by \`make stack\`
# (harness/stack.ts); edit the Compose file, not this one. A test fails when
# the two disagree.
#
#   make swarm-up      deploy to the Swarm the Docker CLI points at (or the simulated one)
#   make swarm-logs    every task's log lines through the lab's printer
#   make swarm-down    remove the stack
#
# Differences from Compose, each for a reason: the image comes from a registry
# (LAB_IMAGE, pushed by make swarm-up); an overlay network spans the nodes;
# endpoint_mode dnsrr (no IPVS here; ZeroMQ wants the task's own address);
# SERVICE_NAME and INCARNATION from the task (a container's hostname is its id);
# placement by the side of the sockets (node label zmq-lab.side); no
# security_opt (Swarm does not take it) and no .env (set settings here).
`

export function readCompose(root: string): ComposeFile {
  return parse(readFileSync(join(root, "docker-compose.yml"), "utf8"), { merge: true }) as ComposeFile
}

export function stackText(root: string): string {
  return HEADER + stringify(stackFrom(readCompose(root)), { lineWidth: 0 })
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const root = join(import.meta.dirname, "..")
  writeFileSync(join(root, "docker-stack.yml"), stackText(root))
  console.log("wrote docker-stack.yml")
}
