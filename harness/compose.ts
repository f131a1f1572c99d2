// Drives one Compose project of the lab: its own name, network and containers,
// configured by an override file, torn down afterwards whatever happened.
// The harness the end-to-end tests and the scenario runner share. Every docker command
// goes through `docker()`, and can be echoed so a person can replay it by hand.
import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs"
import { createServer } from "node:net"
import { tmpdir } from "node:os"
import { join, relative, resolve } from "node:path"
import { fileURLToPath } from "node:url"
import { applyFault, heal, type Fault } from "./faults.js"
import { LogCollector } from "./logs.js"
import type { Inspected } from "./lockdown.js"
import { allowKey, ensureKeys } from "./keys.js"

export const root = fileURLToPath(new URL("..", import.meta.url))

/** Where run folders go: runs/ by default, RUNS_DIR to keep a set of runs apart (make test's). */
export const runsDir = resolve(root, process.env.RUNS_DIR ?? "runs")

export type Env = Record<string, string>

/** A service that has started logs within this time, or has failed to start. */
const FIRST_LINE_TIMEOUT_MS = 15_000

/** Every profile of the compose file ("*"): a project's commands see all its services; the profiles are named only there. */
const ALL_PROFILES = ["--profile", "*"]

export interface ProjectOptions {
  /** Settings for every service. */
  environment?: Env
  /** Settings for one service (over `environment`). */
  services?: Record<string, Env>
  /** Services the compose file does not have, each like one it has (a third worker, a second publisher). */
  extraServices?: Record<string, { like: string; env?: Env }>
  /** Sees every docker command before it runs. */
  echo?: (command: string) => void
  /** curve: docker-compose.curve.yml over the base file, with key pairs of the project's own (a fresh set per project). */
  security?: "none" | "curve"
}

const quote = (arg: string) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, "'\\''")}'`)

/** A port of the loopback nobody listens on now: each project's observer gets its own, so projects (and a running lab) never collide. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.on("error", reject)
    server.listen(0, "127.0.0.1", () => {
      const address = server.address()
      server.close(() => (address && typeof address === "object" ? resolve(address.port) : reject(new Error("no port"))))
    })
  })
}

/** The Docker socket's group, which the observer joins (as the Makefile passes it). */
const dockerGid = () => {
  try {
    return String(statSync("/var/run/docker.sock").gid)
  } catch {
    return "0"
  }
}

export function docker(
  args: string[],
  { check = true, echo, env }: { check?: boolean; echo?: (command: string) => void; env?: Env } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  echo?.(["docker", ...args].map(quote).join(" "))
  return new Promise((resolve, reject) => {
    const child = spawn("docker", args, { cwd: root, stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...env } })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()))
    child.on("error", reject)
    child.on("close", code => {
      if (check && code !== 0) reject(new Error(`docker ${args.join(" ")} failed (${code}): ${stderr.trim()}`))
      else resolve({ code: code ?? -1, stdout, stderr })
    })
  })
}

export class ComposeProject {
  readonly logs = new LogCollector()
  private readonly dir: string
  private readonly override: string
  private readonly followers: ChildProcess[] = []
  private prepared: Promise<void> | undefined
  /** What Compose interpolates for this project: its observer's port, the socket's group. */
  private env: Env = {}

  constructor(
    readonly name: string,
    private readonly options: ProjectOptions = {},
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `${name}-`))
    this.override = join(this.dir, "override.yml")
  }

  /** The compose files of the project: the lab's, and the CURVE one over it when secured. */
  private get files(): string[] {
    const files = this.options.security === "curve" ? ["docker-compose.yml", "docker-compose.curve.yml"] : ["docker-compose.yml"]
    return files.flatMap(file => ["--file", relative(root, join(root, file))])
  }

  /** The project's CURVE keys (make keys' layout): made with the project, gone with it. */
  get keysDir(): string {
    return join(this.dir, "keys")
  }

  /** Puts a key pair's public key on the project's allow-list, as a person would drop it in keys/allowed/. */
  allowKey(name: string): void {
    allowKey(this.keysDir, name)
  }

  private async writeOverride(): Promise<void> {
    this.env = { OBSERVER_PORT: String(await freePort()), DOCKER_GID: dockerGid() }
    if (this.options.security === "curve") {
      ensureKeys(this.keysDir)
      this.env.LAB_KEYS = this.keysDir
    }
    const { stdout } = await docker(["compose", ...this.files, ...ALL_PROFILES, "config", "--services"], { env: this.env })
    const { environment = {}, services = {}, extraServices = {} } = this.options
    const settings = (service: string, own: Env = {}) => ({ STATS_INTERVAL_MS: "1000", ...environment, ...own, ...services[service] })
    const override = {
      services: {
        ...Object.fromEntries(
          stdout
            .trim()
            .split("\n")
            .map(service => [service, { environment: settings(service) }]),
        ),
        ...Object.fromEntries(
          Object.entries(extraServices).map(([service, { like, env }]) => [
            service,
            { extends: { file: join(root, "docker-compose.yml"), service: like }, hostname: service, environment: settings(service, env) },
          ]),
        ),
      },
    }
    // JSON is valid YAML: the override needs no YAML library.
    writeFileSync(this.override, JSON.stringify(override, null, 2))
  }

  private base(): string[] {
    return ["compose", "--project-name", this.name, ...ALL_PROFILES, ...this.files, "--file", this.override]
  }

  async compose(args: string[], options: { check?: boolean; quiet?: boolean } = {}) {
    this.prepared ??= this.writeOverride()
    await this.prepared
    return docker([...this.base(), ...args], { check: options.check ?? true, echo: options.quiet ? undefined : this.options.echo, env: this.env })
  }

  /** The observer's page and API on this host (once the project is up). */
  get observerUrl(): string {
    return `http://127.0.0.1:${this.env.OBSERVER_PORT ?? "8080"}`
  }

  /** The override file's path, for the commands a report shows. */
  get overrideFile(): string {
    return this.override
  }

  /**
   * Starts the services (as `make up` when none named), waits until they run,
   * follows their logs, and returns once each one's first log line is in: what
   * comes next (a wait, a decision on who produces) sees them from the start.
   */
  async up(services: string[] = []): Promise<void> {
    const names = services.length > 0 ? services : await this.defaultServices()
    await this.compose(["up", "--detach", "--wait", "--no-build", ...names])
    const mark = this.logs.mark
    this.follow(names)
    await Promise.all(names.map(name => this.logs.waitFor(`${name}'s first log line`, r => r.service === name, FIRST_LINE_TIMEOUT_MS, { after: mark })))
  }

  /** Follows the services' logs into `logs` (a stream per call; restarts included). */
  follow(services: string[]): void {
    const follower = spawn("docker", [...this.base(), "logs", "--follow", "--no-color", ...services], {
      cwd: root,
      stdio: ["ignore", "pipe", "ignore"],
      env: { ...process.env, ...this.env },
    })
    this.logs.follow(follower.stdout!, { prefixed: true })
    this.followers.push(follower)
  }

  private async defaultServices(): Promise<string[]> {
    // Without --profile: exactly what `make up` starts.
    const { stdout } = await docker(["compose", "--project-name", this.name, "--file", join(root, "docker-compose.yml"), "config", "--services"])
    return stdout.trim().split("\n")
  }

  kill(service: string, signal = "SIGKILL") {
    return this.compose(["kill", "--signal", signal, service])
  }

  stop(service: string) {
    return this.compose(["stop", "--timeout", "5", service])
  }

  start(service: string) {
    return this.compose(["start", service])
  }

  restart(service: string) {
    return this.compose(["restart", "--timeout", "5", service])
  }

  pause(service: string) {
    return this.compose(["pause", service])
  }

  unpause(service: string) {
    return this.compose(["unpause", service])
  }

  /** A new container for the service (a new address, unless the old one is free again). */
  recreate(service: string) {
    return this.compose(["up", "--detach", "--wait", "--no-build", "--no-deps", "--force-recreate", service])
  }

  scale(service: string, replicas: number) {
    return this.compose(["up", "--detach", "--wait", "--no-build", "--no-deps", "--no-recreate", "--scale", `${service}=${replicas}`, service])
  }

  /** Runs a one-shot container of the service; its JSON log lines join the history. */
  async run(service: string, args: string[] = []) {
    const result = await this.compose(["run", "--rm", "--no-deps", service, ...args])
    for (const line of result.stdout.split("\n")) if (line.trim()) this.logs.add(line)
    return result
  }

  /** Runs a command inside the service's running container. */
  exec(service: string, command: string[]) {
    return this.compose(["exec", "-T", service, ...command])
  }

  /** A network fault inside the service's namespace, from a helper that is gone when it returns. */
  async fault(service: string, f: Fault): Promise<void> {
    await applyFault(await this.containerId(service), f, this.options.echo)
  }

  /** A container that is not running has no namespace, and no rules left: nothing to heal. */
  async heal(service: string): Promise<void> {
    if ((await this.inspect(service, "{{.State.Running}}")) !== "true") return
    await heal(await this.containerId(service), this.options.echo)
  }

  get network(): string {
    return `${this.name}_default`
  }

  async disconnect(service: string) {
    return docker(["network", "disconnect", this.network, await this.containerId(service)], { echo: this.options.echo })
  }

  /** Back on the network, with the service name as DNS alias as Compose gave it. */
  async connect(service: string) {
    return docker(["network", "connect", "--alias", service, this.network, await this.containerId(service)], { echo: this.options.echo })
  }

  async containerId(service: string): Promise<string> {
    const { stdout } = await this.compose(["ps", "--all", "--quiet", service], { quiet: true })
    const id = stdout.trim().split("\n")[0]
    if (!id) throw new Error(`no container for ${service}`)
    return id
  }

  async inspect(service: string, format: string): Promise<string> {
    const { stdout } = await docker(["inspect", "--format", format, await this.containerId(service)])
    return stdout.trim()
  }

  /** `docker inspect` of every container of the project, running or not. */
  async inspectAll(): Promise<Inspected[]> {
    const { stdout } = await this.compose(["ps", "--all", "--quiet"], { quiet: true })
    const ids = stdout.trim().split("\n").filter(Boolean)
    if (ids.length === 0) return []
    return JSON.parse((await docker(["inspect", ...ids])).stdout) as Inspected[]
  }

  /** The container's address on the project network (reachable from this host). */
  ip(service: string): Promise<string> {
    return this.inspect(service, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}")
  }

  async states(): Promise<Record<string, string>> {
    const { stdout } = await this.compose(["ps", "--all", "--format", "{{.Service}} {{.State}}"], { quiet: true })
    return Object.fromEntries(
      stdout
        .trim()
        .split("\n")
        .filter(Boolean)
        .map(line => line.split(" ") as [string, string]),
    )
  }

  /** Removes everything of the project: containers, network, volumes, temp files. */
  async down(): Promise<void> {
    for (const follower of this.followers) follower.kill("SIGTERM")
    await this.compose(["down", "--volumes", "--remove-orphans", "--timeout", "5"], { check: false })
    rmSync(this.dir, { recursive: true, force: true })
  }
}
