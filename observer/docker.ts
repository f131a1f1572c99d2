// The observer's one door to the lab: the Docker Engine API over the mounted
// socket, through dockerode. It finds its own Compose project, lists the
// project's containers, follows their life (events) and their log lines, and
// acts on them (kill, stop, ...) for the page's buttons: only on containers of
// its own project, never on itself. The services need no change to be observed.
import { hostname } from "node:os"
import { PassThrough, type Readable } from "node:stream"
import { createInterface } from "node:readline"
import Docker from "dockerode"
import { explainFailure, faultScript, HEAL_SCRIPT, HELPER_IMAGE, HELPER_LABEL, type Fault } from "../shared/faults.js"
import type { ContainerEvent, ContainerInfo } from "./model.js"

/** What a container can be told; "fault" and "heal" are the network faults (shared/faults.ts), made from a helper container. */
export const ACTIONS = ["kill", "stop", "start", "restart", "pause", "unpause", "fault", "heal"] as const
export type Action = (typeof ACTIONS)[number]
export type LifeAction = Exclude<Action, "fault" | "heal">

const PROJECT = "com.docker.compose.project"
const SERVICE = "com.docker.compose.service"
const STOP_TIMEOUT_S = 5

export interface LabHandlers {
  line(service: string, text: string): void
  event(e: ContainerEvent & { command?: string }): void
}

/** An error the API reports to its caller as it is (a 4xx with the reason). */
export class ActionError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export class DockerLab {
  private readonly docker: Docker
  /** Containers whose logs are followed now, by id. */
  private readonly following = new Map<string, Readable>()
  /** The last log line's Docker timestamp per container: a follow taken up again skips what was read. */
  private readonly lastSeen = new Map<string, string>()
  private events: Readable | undefined
  private stopped = false
  project = ""
  selfId = ""

  constructor(
    private readonly handlers: LabHandlers,
    socketPath = "/var/run/docker.sock",
  ) {
    this.docker = new Docker({ socketPath })
  }

  /** The project is the observer's own: its container (the hostname is its id) carries the label. */
  async start(project?: string): Promise<ContainerInfo[]> {
    if (project) this.project = project
    else {
      const self = await this.docker.getContainer(hostname()).inspect()
      this.selfId = self.Id
      this.project = self.Config.Labels[PROJECT] ?? ""
      if (!this.project) throw new Error("the observer's container has no Compose project label: start it with docker compose")
    }
    // Events first: a container that starts while the list is read is not missed.
    const stream = (await this.docker.getEvents({ filters: { type: ["container"], label: [`${PROJECT}=${this.project}`] } })) as Readable
    this.events = stream
    createInterface({ input: stream }).on("line", line => this.onEvent(line))
    const list = await this.list()
    // Not its own lines: they say what it read, not what the lab did.
    for (const c of list) if (c.id !== this.selfId) this.follow(c.id, c.service)
    return list
  }

  async list(): Promise<ContainerInfo[]> {
    const containers = await this.docker.listContainers({ all: true, filters: { label: [`${PROJECT}=${this.project}`] } })
    return containers.map(c => ({
      id: c.Id,
      service: c.Labels[SERVICE] ?? c.Names[0]?.replace(/^\//, "") ?? c.Id,
      command: c.Command,
      state: c.State,
      ...(c.State === "exited" ? { exitCode: Number(/Exited \((\d+)\)/.exec(c.Status)?.[1] ?? NaN) } : {}),
    }))
  }

  private onEvent(line: string): void {
    let e: { Action?: string; id?: string; time?: number; timeNano?: number; Actor?: { Attributes?: Record<string, string> } }
    try {
      e = JSON.parse(line) as typeof e
    } catch {
      return
    }
    const attributes = e.Actor?.Attributes ?? {}
    const service = attributes[SERVICE]
    if (!e.id || !e.Action || !service || e.id === this.selfId) return
    // "exec_start: sh -c ..." and "health_status: healthy" carry a detail after the colon.
    const action = e.Action.split(":")[0]!
    const t = e.timeNano ? Math.floor(e.timeNano / 1e6) : (e.time ?? 0) * 1000
    const exitCode = attributes.exitCode !== undefined ? Number(attributes.exitCode) : undefined
    this.handlers.event({ t, id: e.id, service, action, ...(exitCode !== undefined ? { exitCode } : {}) })
    if (action === "start") this.follow(e.id, service)
  }

  /** Follows a container's log lines from where the last follow ended (all of them the first time). */
  private follow(id: string, service: string): void {
    if (this.following.has(id) || this.stopped) return
    const placeholder = new PassThrough()
    this.following.set(id, placeholder)
    const last = this.lastSeen.get(id)
    const since = last ? Math.floor(Date.parse(last) / 1000) : 0
    this.docker
      .getContainer(id)
      .logs({ follow: true, stdout: true, stderr: true, timestamps: true, since })
      .then(raw => {
        const stream = raw as unknown as Readable
        const out = new PassThrough()
        this.docker.modem.demuxStream(stream, out, out)
        stream.on("end", () => out.end())
        stream.on("error", () => out.end())
        this.following.set(id, stream)
        createInterface({ input: out }).on("line", line => {
          // "2026-11-27T13:00:00.123456789Z {json}": Docker's own time, then the line.
          const space = line.indexOf(" ")
          const stamp = line.slice(0, space)
          const previous = this.lastSeen.get(id)
          if (previous && stamp <= previous) return
          this.lastSeen.set(id, stamp)
          this.handlers.line(service, line.slice(space + 1))
        })
        out.on("end", () => this.following.delete(id))
      })
      .catch(() => this.following.delete(id))
  }

  private async containerOf(service: string): Promise<string> {
    const [found] = await this.docker.listContainers({ all: true, filters: { label: [`${PROJECT}=${this.project}`, `${SERVICE}=${service}`] } })
    if (!found || found.Id === this.selfId) throw new ActionError(404, `no container of service ${service} in project ${this.project}`)
    return found.Id
  }

  /**
   * Runs a script in the service's network namespace from a helper container
   * (NET_ADMIN for it alone), removed when it ends, as `make fault` does.
   */
  private async inNamespace(service: string, script: string): Promise<{ code: number; output: string }> {
    const id = await this.containerOf(service)
    let helper: Docker.Container
    try {
      helper = await this.docker.createContainer({
        Image: HELPER_IMAGE,
        Cmd: ["sh", "-c", script],
        Labels: { [HELPER_LABEL]: "observer" },
        HostConfig: { NetworkMode: `container:${id}`, CapAdd: ["NET_ADMIN"] },
      })
    } catch (error) {
      if ((error as { statusCode?: number }).statusCode === 404)
        throw new ActionError(409, `the fault helper image ${HELPER_IMAGE} is not here: make up builds it (scripts/build-fault-image.sh)`)
      throw error
    }
    try {
      await helper.start()
      const { StatusCode } = (await helper.wait()) as { StatusCode: number }
      const output = String(await helper.logs({ stdout: true, stderr: true }))
      return { code: StatusCode, output }
    } finally {
      await helper.remove({ force: true }).catch(() => undefined)
    }
  }

  async fault(service: string, f: Fault): Promise<void> {
    const { code, output } = await this.inNamespace(service, faultScript(f))
    if (code !== 0) throw new ActionError(409, explainFailure(f, output))
  }

  async heal(service: string): Promise<void> {
    const { code, output } = await this.inNamespace(service, HEAL_SCRIPT)
    if (code !== 0) throw new ActionError(409, `heal failed: ${output.trim()}`)
  }

  /** Kill, stop, start, restart, pause or unpause one service of the project. */
  async act(service: string, action: LifeAction): Promise<void> {
    const container = this.docker.getContainer(await this.containerOf(service))
    try {
      if (action === "kill") await container.kill()
      else if (action === "stop") await container.stop({ t: STOP_TIMEOUT_S })
      else if (action === "start") await container.start()
      else if (action === "restart") await container.restart({ t: STOP_TIMEOUT_S })
      else if (action === "pause") await container.pause()
      else await container.unpause()
    } catch (error) {
      // Docker's 304 (already started/stopped) and 409 (not running, paused) are the caller's to hear about.
      const status = (error as { statusCode?: number }).statusCode
      const reason = (error as { json?: { message?: string } }).json?.message ?? (error as Error).message
      if (status === 304) throw new ActionError(409, `${service} is already ${action === "start" ? "running" : "stopped"}`)
      if (status && status >= 400 && status < 500) throw new ActionError(409, reason)
      throw error
    }
  }

  close(): void {
    this.stopped = true
    this.events?.destroy()
    for (const stream of this.following.values()) stream.destroy()
    this.following.clear()
  }
}
