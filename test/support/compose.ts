// The real lab under test: a Compose project of its own per test (its own name,
// network and containers), configured through an override file, torn down
// afterwards whatever happened. Every docker command goes through `docker()`.
import { spawn, type ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { LogCollector } from "./logs.js"

const root = fileURLToPath(new URL("../..", import.meta.url))

export function docker(args: string[], { check = true } = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn("docker", args, { cwd: root, stdio: ["ignore", "pipe", "pipe"] })
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

export type Overrides = Record<string, Record<string, string>>

export class ComposeProject {
  readonly logs = new LogCollector()
  private readonly dir: string
  private readonly followers: ChildProcess[] = []

  /** `environment` applies to every service; `services` adds per-service values. */
  constructor(
    readonly name: string,
    environment: Record<string, string> = {},
    services: Overrides = {},
  ) {
    this.dir = mkdtempSync(join(tmpdir(), `${name}-`))
    const all = ["pubsub-publisher", "pubsub-subscriber", "pubsub-late-subscriber", "pipeline-ventilator", "pipeline-worker-1", "pipeline-worker-2", "pipeline-sink", "reqrep-server", "reqrep-client", "rd-broker", "rd-worker-1", "rd-worker-2", "rd-client"]
    // JSON is valid YAML: the override needs no YAML library.
    const override = { services: Object.fromEntries(all.map(service => [service, { environment: { STATS_INTERVAL_MS: "1000", ...environment, ...services[service] } }])) }
    writeFileSync(join(this.dir, "override.yml"), JSON.stringify(override, null, 2))
  }

  private base(): string[] {
    return ["compose", "--project-name", this.name, "--profile", "late", "--file", join(root, "docker-compose.yml"), "--file", join(this.dir, "override.yml")]
  }

  compose(args: string[], options?: { check?: boolean }) {
    return docker([...this.base(), ...args], options)
  }

  /** Starts the services (all when none named), waits until they run, follows their logs. */
  async up(services: string[] = []): Promise<void> {
    const names = services.length > 0 ? services : await this.defaultServices()
    await this.compose(["up", "--detach", "--wait", "--no-build", ...names])
    const follower = spawn("docker", [...this.base(), "logs", "--follow", "--no-color", ...names], { cwd: root, stdio: ["ignore", "pipe", "ignore"] })
    this.logs.follow(follower.stdout!, { prefixed: true })
    this.followers.push(follower)
  }

  private async defaultServices(): Promise<string[]> {
    // Without --profile: exactly what `make up` starts.
    const { stdout } = await docker(["compose", "--project-name", this.name, "--file", join(root, "docker-compose.yml"), "config", "--services"])
    return stdout.trim().split("\n")
  }

  kill(service: string) {
    return this.compose(["kill", service])
  }

  stop(service: string) {
    return this.compose(["stop", "--timeout", "5", service])
  }

  start(service: string) {
    return this.compose(["start", service])
  }

  async containerId(service: string): Promise<string> {
    const { stdout } = await this.compose(["ps", "--all", "--quiet", service])
    const id = stdout.trim()
    if (!id) throw new Error(`no container for ${service}`)
    return id
  }

  async inspect(service: string, format: string): Promise<string> {
    const { stdout } = await docker(["inspect", "--format", format, await this.containerId(service)])
    return stdout.trim()
  }

  /** The container's address on the project network (reachable from this host). */
  ip(service: string): Promise<string> {
    return this.inspect(service, "{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}")
  }

  async states(): Promise<Record<string, string>> {
    const { stdout } = await this.compose(["ps", "--all", "--format", "{{.Service}} {{.State}}"])
    return Object.fromEntries(stdout.trim().split("\n").filter(Boolean).map(line => line.split(" ") as [string, string]))
  }

  /** Removes everything of the project: containers, network, volumes, temp files. */
  async down(): Promise<void> {
    for (const follower of this.followers) follower.kill("SIGTERM")
    await this.compose(["down", "--volumes", "--remove-orphans", "--timeout", "5"], { check: false })
    rmSync(this.dir, { recursive: true, force: true })
  }
}
