// Drives one stack of the lab on a Docker Swarm, the way ComposeProject drives
// a Compose project: its own name (and so its own overlay network), the
// services a scenario names with its settings, every task's log lines
// collected, and everything removed afterwards. The Swarm is the one the
// Docker CLI points at, else the simulated one (make swarm-sim-up); the image
// is the one make swarm-up pushed to the registry every node reaches.
//
// What a scenario does to a node goes to the node itself: on the simulated
// Swarm a node is a container of this host's engine, paused or cut off there.
import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { docker, root, type Env } from "./compose.js"
import { run } from "./faults.js"
import { LogCollector } from "./logs.js"
import { readCompose, stackFrom } from "./stack.js"

export const SIM_CONTEXT = "zmq-lab-swarm-sim"
/** A task is placed, pulls (the nodes have the image once make swarm-up ran) and logs its first line within this time, or has failed to. */
const FIRST_LINE_TIMEOUT_MS = 60_000
/** A stack's tasks stop within their grace period (5 s); its network goes after them. */
const REMOVAL_TIMEOUT_MS = 60_000

export interface SwarmOptions {
  environment?: Env
  services?: Record<string, Env>
  echo?: (command: string) => void
}

/** Pure: a service's name in its log lines on the Swarm (SERVICE_NAME: `<service>.<task slot>`). */
export const taskName = (service: string, slot = 1) => `${service}.${slot}`

/** The Swarm's Docker context: DOCKER_CONTEXT or DOCKER_HOST as set, else the simulated one when it exists. */
export async function swarmEnv(): Promise<Env> {
  if (process.env.DOCKER_CONTEXT || process.env.DOCKER_HOST) return {}
  const sim = await docker(["context", "inspect", SIM_CONTEXT], { check: false })
  return sim.code === 0 ? { DOCKER_CONTEXT: SIM_CONTEXT } : {}
}

/** Is there a Swarm manager to deploy to? The reason when not (a scenario is then SKIPPED, never faked). */
export async function swarmMissing(): Promise<string | undefined> {
  const env = await swarmEnv()
  const info = await docker(["info", "--format", "{{.Swarm.ControlAvailable}}"], { check: false, env })
  if (info.code !== 0 || info.stdout.trim() !== "true")
    return "no Docker Swarm manager to deploy to: make swarm-sim-up (or point the Docker CLI at one), then make swarm-up"
  return undefined
}

export class SwarmProject {
  readonly logs = new LogCollector()
  private readonly dir: string
  private readonly followers: ChildProcess[] = []
  private env: Env | undefined
  private deployed = new Set<string>()

  constructor(
    readonly name: string,
    private readonly options: SwarmOptions = {},
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `${name}-`))
  }

  /** Runs docker against the Swarm's manager. */
  async swarm(args: string[], { check = true, quiet = false, env = {} }: { check?: boolean; quiet?: boolean; env?: Env } = {}) {
    this.env ??= await swarmEnv()
    return docker(args, { check, echo: quiet ? undefined : this.options.echo, env: { ...this.env, ...env } })
  }

  /** The lab's image in the registry (pushed there by make swarm-up; pushing again is quick). */
  private async image(): Promise<string> {
    const result = await run("bash", ["scripts/swarm.sh", "push"])
    if (result.code !== 0) throw new Error(`scripts/swarm.sh push failed: ${result.stderr.trim()}`)
    return result.stdout.trim()
  }

  /** The stack file for `services`, with the run's settings over the Compose file's. */
  private stackFile(services: string[]): string {
    const stack = stackFrom(readCompose(root)) as { services: Record<string, { environment: Env }>; networks: unknown }
    const { environment = {}, services: own = {} } = this.options
    const chosen = Object.fromEntries(
      services.map(service => {
        const definition = stack.services[service]
        if (!definition) throw new Error(`${service} is not in the Swarm stack (docker-stack.yml)`)
        return [service, { ...definition, environment: { ...definition.environment, STATS_INTERVAL_MS: "1000", ...environment, ...own[service] } }]
      }),
    )
    const file = join(this.dir, "stack.json")
    // JSON is valid YAML: docker stack deploy reads it.
    writeFileSync(file, JSON.stringify({ services: chosen, networks: stack.networks }, null, 2))
    return file
  }

  /** Deploys the services (adding to what runs), waits until each logs, and follows their logs from their first line. */
  async up(services: string[]): Promise<void> {
    for (const service of services) this.deployed.add(service)
    const image = await this.image()
    await this.swarm(["stack", "deploy", "--detach=true", "--compose-file", this.stackFile([...this.deployed]), this.name], { env: { LAB_IMAGE: image } })
    const mark = this.logs.mark
    for (const service of services) this.follow(service)
    await Promise.all(
      services.map(service =>
        this.logs.waitFor(`${service}'s first log line`, r => r.service.startsWith(`${service}.`), FIRST_LINE_TIMEOUT_MS, { after: mark }),
      ),
    )
  }

  private follow(service: string): void {
    // One stream per service: Swarm's log stream goes on with the tasks that replace one.
    const follower = spawn("docker", ["service", "logs", "--follow", "--raw", `${this.name}_${service}`], {
      cwd: root,
      stdio: ["ignore", "pipe", "ignore"],
      env: { ...process.env, ...(this.env ?? {}) },
    })
    this.logs.follow(follower.stdout!)
    this.followers.push(follower)
  }

  /**
   * Completes the logs from the nodes' own files: every line of every task of
   * the project's services, added where the live streams missed it. Swarm's
   * live stream of a task on a node that went down stops there, and a task
   * that ends as its node comes back may end before its last lines are
   * streamed; what its engine wrote is all there afterwards.
   */
  async settle(): Promise<number> {
    for (const node of [...this.away.keys()]) await this.giveBack(node)
    const outputs = await this.taskLogs()
    const seen = new Set(this.logs.records.map(record => JSON.stringify(record)))
    let added = 0
    for (const line of outputs.join("\n").split("\n")) {
      if (!line.trim()) continue
      let record: unknown
      try {
        record = JSON.parse(line)
      } catch {
        continue
      }
      const key = JSON.stringify(record)
      if (seen.has(key)) continue
      seen.add(key)
      this.logs.add(line)
      added += 1
    }
    return added
  }

  /**
   * Every task's log lines, read from the engine of the node it ran on. Swarm's
   * own `docker service logs` cannot be trusted here: after a node was cut off
   * it goes on answering "incomplete log stream" for that node's tasks, long
   * after the node is back. On the simulated Swarm each node is a container of
   * this host, its engine reached with `docker exec`; elsewhere the service
   * logs are read, and an incomplete stream is an error: figures from missing
   * lines would be wrong.
   */
  private async taskLogs(): Promise<string[]> {
    const { stdout } = await this.swarm(["stack", "ps", "--no-trunc", "--format", "{{.ID}} {{.Node}}", this.name], { quiet: true })
    const outputs: string[] = []
    const viaService = new Set<string>()
    for (const [task, node] of stdout
      .trim()
      .split("\n")
      .filter(Boolean)
      .map(line => line.split(" "))) {
      const local = await this.host(["inspect", "--type", "container", "--format", "{{.State.Running}}", node!], { check: false, quiet: true })
      if (local.stdout.trim() !== "true") {
        viaService.add(task!)
        continue
      }
      const inNode = (args: string[]) => this.host(["exec", node!, "docker", ...args], { check: false, quiet: true })
      const container = (await inNode(["ps", "--all", "--quiet", "--filter", `label=com.docker.swarm.task.id=${task}`])).stdout.trim()
      if (container) outputs.push((await inNode(["logs", container])).stdout)
    }
    if (viaService.size > 0) {
      for (const service of this.deployed) {
        const result = await this.swarm(["service", "logs", "--raw", `${this.name}_${service}`], { quiet: true, check: false })
        if (result.stderr.includes("incomplete log stream"))
          throw new Error(`the logs of ${service} could not all be read (${result.stderr.trim()}): the run's figures would be wrong`)
        outputs.push(result.stdout)
      }
    }
    return outputs
  }

  /** The node a service's running task is on (its hostname: on the simulated Swarm, the node's container). */
  async nodeOf(service: string): Promise<string> {
    const { stdout } = await this.swarm(
      ["service", "ps", "--filter", "desired-state=running", "--format", "{{.Node}} {{.CurrentState}}", `${this.name}_${service}`],
      {
        quiet: true,
      },
    )
    const running = stdout
      .trim()
      .split("\n")
      .find(line => line.includes(" Running"))
    if (!running) throw new Error(`${service} has no running task`)
    return running.split(" ")[0]!
  }

  /** The host's own engine: on the simulated Swarm a node is one of its containers. */
  private host(args: string[], { check = true, quiet = false } = {}) {
    return docker(args, { check, echo: quiet ? undefined : this.options.echo, env: { DOCKER_CONTEXT: "default" } })
  }

  /** Takes a node away: frozen (its engine and every task on it), or cut off from the others (its traffic on the nodes' network dropped both ways). */
  private async takeAway(node: string, how: "pause" | "cut"): Promise<void> {
    this.away.set(node, how)
    if (how === "pause") await this.host(["pause", node])
    else for (const chain of ["INPUT -i", "OUTPUT -o"]) await this.host(["exec", node, "iptables", "-I", ...chain.split(" "), "eth0", "-j", "DROP"])
  }

  private async giveBack(node: string): Promise<void> {
    const how = this.away.get(node)
    if (how === "pause") await this.host(["unpause", node], { check: false })
    if (how === "cut")
      for (const chain of ["INPUT -i", "OUTPUT -o"])
        await this.host(["exec", node, "iptables", "-D", ...chain.split(" "), "eth0", "-j", "DROP"], { check: false })
    this.away.delete(node)
  }

  /** The nodes taken away, and how: given back at settle() and down() whatever happened. */
  private readonly away = new Map<string, "pause" | "cut">()
  /** The node taken away for a service. */
  private readonly awayFor = new Map<string, string>()

  /**
   * node-down / node-cut: takes away the node that runs the service's task.
   * node-up / node-heal: gives it back, and returns once Swarm has stopped
   * the service's task there: the task it replaced runs on until the node's
   * agent hears from the manager that it should not.
   * Returns the node's name.
   */
  async nodeAction(kind: "node-down" | "node-up" | "node-cut" | "node-heal", service: string): Promise<string> {
    if (kind === "node-down" || kind === "node-cut") {
      const node = await this.nodeOf(service)
      await this.takeAway(node, kind === "node-down" ? "pause" : "cut")
      this.awayFor.set(service, node)
      return node
    }
    const node = this.awayFor.get(service)
    if (!node) throw new Error(`no node was taken away for ${service}`)
    await this.giveBack(node)
    this.awayFor.delete(service)
    const started = Date.now()
    for (;;) {
      const { stdout } = await this.swarm(["service", "ps", "--filter", `node=${node}`, "--format", "{{.CurrentState}}", `${this.name}_${service}`], {
        quiet: true,
        check: false,
      })
      if (!/^Running/m.test(stdout)) return node
      if (Date.now() - started > REMOVAL_TIMEOUT_MS)
        throw new Error(`${service}: its task on ${node} still runs ${REMOVAL_TIMEOUT_MS} ms after the node came back`)
      // Polled: the CLI has no event for a task's state.
      await new Promise(resolve => setTimeout(resolve, 500))
    }
  }

  scale(service: string, replicas: number) {
    return this.swarm(["service", "scale", "--detach", `${this.name}_${service}=${replicas}`])
  }

  /** Scaled to 0: its tasks get SIGTERM and write their final lines. */
  stop(service: string) {
    return this.scale(service, 0)
  }

  /** Each service: running when a task of it runs. */
  async states(): Promise<Record<string, string>> {
    const { stdout } = await this.swarm(["stack", "ps", "--filter", "desired-state=running", "--format", "{{.Name}} {{.CurrentState}}", this.name], {
      quiet: true,
      check: false,
    })
    const states: Record<string, string> = {}
    for (const line of stdout.trim().split("\n").filter(Boolean)) {
      const [task, state] = line.split(" ")
      const service = task!.slice(this.name.length + 1).replace(/\.\d+$/, "")
      if (state === "Running") states[service] = "running"
    }
    return states
  }

  /** Removes the stack (its services, tasks and network) and waits until it is gone; a node it took away is given back first. */
  async down(): Promise<void> {
    for (const node of [...this.away.keys()]) await this.giveBack(node)
    for (const follower of this.followers) follower.kill("SIGTERM")
    await this.swarm(["stack", "rm", this.name], { check: false })
    const started = Date.now()
    while (Date.now() - started < REMOVAL_TIMEOUT_MS) {
      const services = await this.swarm(["service", "ls", "--quiet", "--filter", `label=com.docker.stack.namespace=${this.name}`], {
        quiet: true,
        check: false,
      })
      const networks = await this.swarm(["network", "ls", "--quiet", "--filter", `label=com.docker.stack.namespace=${this.name}`], {
        quiet: true,
        check: false,
      })
      if (!services.stdout.trim() && !networks.stdout.trim()) break
      // Polled: Swarm has no event for "the stack is gone" that the CLI waits on.
      await new Promise(resolve => setTimeout(resolve, 1000))
    }
    rmSync(this.dir, { recursive: true, force: true })
  }
}
