// What the observer knows of the running lab, made from two inputs only: the
// containers' life (Docker's events) and their JSON log lines. Pure: no
// Docker, no HTTP, no clock (time comes in as an argument), so it is tested
// with lines and events written by hand. Bounded: the series keep the last
// ten minutes at one-second resolution, the feed its last entries, the figures
// are ranges (shared/live-figures.ts).
import type { TimedRecord } from "../shared/accounting.js"
import { LiveFigures, type LiveRow } from "../shared/live-figures.js"
import { patternOf } from "../shared/service.js"
import type { Band, Edge, FeedEntry, FeedKind, Series, ServiceState, ServiceView, StreamView } from "./api.js"

export type { Band, Edge, FeedEntry, Series, ServiceView, StreamView } from "./api.js"

export const SERIES_SECONDS = 600
const FEED_MAX = 2000
const LAG_SAMPLES = 2000
/** A message not received this long after it was sent is lost, not in flight (the reliable variants' retries take longer; they are shown coming back). */
export const SETTLE_MS = 3000

/** The lines a feed shows: what changes the picture, not every retry or message. */
const FEED_EVENTS: Record<string, FeedKind> = {
  "socket.connect": "socket",
  "socket.disconnect": "socket",
  "socket.handshake:error:auth": "socket",
  "socket.handshake:error:protocol": "socket",
  "socket.handshake:error:other": "socket",
  listening: "socket",
  gap: "loss",
  duplicate: "loss",
  "give-up": "loss",
  "producer-restart": "event",
  "subscriber-joined": "event",
  "subscriber-left": "event",
  joined: "event",
  "join-unknown": "loss",
  "late-arrival": "event",
  "worker-expired": "event",
  "worker-gone": "event",
  "worker-ready": "event",
  resend: "event",
  timeout: "event",
  refused: "event",
  unroutable: "loss",
  "reply-undelivered": "loss",
  "bad-message": "event",
  crash: "life",
  shutdown: "life",
  resync: "event",
  snapshot: "event",
  "lab-action": "action",
}

/** Docker's container events that change a service's state, and the state after. */
const LIFE: Record<string, ServiceState> = {
  create: "created",
  start: "running",
  unpause: "running",
  pause: "paused",
  die: "exited",
  destroy: "removed",
}

export interface ContainerInfo {
  id: string
  service: string
  /** The program it runs (node dist/services/<pattern>/<role>.js). */
  command: string
  state: string
  startedAt?: number
  exitCode?: number
}

export interface ContainerEvent {
  t: number
  id: string
  service: string
  action: string
  exitCode?: number
}

const SERVICE_STATES: readonly ServiceState[] = ["created", "running", "paused", "restarting", "exited", "dead", "removed"]
const asState = (state: string): ServiceState => (SERVICE_STATES.includes(state as ServiceState) ? (state as ServiceState) : "exited")

/** services/<pattern>/<role>.js in the command, else the observer's own name. */
export function patternOfCommand(command: string, service: string): string {
  const program = command.split(/\s+/).find(word => word.includes("/services/") || word.startsWith("dist/services/"))
  return patternOf(program ?? "", service === "observer" ? "observer" : "lab")
}

/** The role in its pattern: `pipeline-worker-2` in `pipeline` is `worker`. */
export function roleOf(service: string, pattern: string): string {
  const rest = service.startsWith(`${pattern}-`) ? service.slice(pattern.length + 1) : service
  return rest.replace(/-\d+$/, "") || rest
}

/** tcp://host:port -> host (ipc and inproc endpoints have no peer service). */
export function hostOf(endpoint: string): string | undefined {
  return /^tcp:\/\/([^:/]+):\d+$/.exec(endpoint)?.[1]
}

const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined)
const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined)

class Ring {
  readonly values: number[] = new Array<number>(SERIES_SECONDS).fill(0)
  /** The epoch second of values[last]. */
  last = 0

  private advance(second: number): void {
    if (this.last === 0) this.last = second
    if (second <= this.last) return
    const steps = Math.min(second - this.last, SERIES_SECONDS)
    for (let i = 0; i < steps; i++) {
      this.values.shift()
      this.values.push(0)
    }
    this.last = second
  }

  add(second: number, amount: number): void {
    this.advance(second)
    const index = SERIES_SECONDS - 1 - (this.last - second)
    if (index >= 0) this.values[index]! += amount
  }

  /** The values up to `second`, oldest first. */
  read(second: number): number[] {
    this.advance(second)
    return [...this.values]
  }

  sum(second: number, seconds: number): number {
    this.advance(second)
    return this.values.slice(-seconds).reduce((a, b) => a + b, 0)
  }
}

export class Observatory {
  private readonly services = new Map<string, ServiceView>()
  private readonly lineRings = new Map<string, Ring>()
  private readonly edges = new Map<string, Edge>()
  private readonly feed: FeedEntry[] = []
  private feedId = 0
  private readonly figures = new LiveFigures(SETTLE_MS)
  /** Arrivals per second, by what a row counts: received:<producer/stream>:<consumer>, delivered:<producer/stream>, answered:<client>. */
  private readonly arrivals = new Map<string, Ring>()
  private readonly marks = new Map<string, { lost: Ring; duplicated: Ring; lastLost: number; lastDuplicated: number }>()
  private readonly bands: Band[] = []
  private rows: LiveRow[] = []
  private readonly lags: number[] = []
  private lineCount = 0
  private badLines = 0
  /** Feed listeners (the push stream). */
  private readonly listeners = new Set<(entry: FeedEntry) => void>()

  /**
   * `self`: the observer's own service (never acted on). `liveFrom`: when the
   * observer started; lines older than that are the backlog it reads first,
   * not a measure of its lag.
   */
  constructor(
    private readonly self = "observer",
    private readonly liveFrom = 0,
  ) {}

  onFeed(listener: (entry: FeedEntry) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  private service(name: string): ServiceView {
    let view = this.services.get(name)
    if (!view) {
      view = {
        name,
        pattern: "lab",
        role: name,
        state: "created",
        exitCode: null,
        containerId: "",
        instance: null,
        startedAt: null,
        lines: 0,
        lastLineAt: null,
        counters: {},
        linesPerSec: 0,
        faults: [],
      }
      this.services.set(name, view)
    }
    return view
  }

  private push(entry: Omit<FeedEntry, "id" | "pattern"> & { pattern?: string }): void {
    const full = { ...entry, id: ++this.feedId, pattern: entry.pattern ?? this.services.get(entry.service)?.pattern ?? "lab" }
    this.feed.push(full)
    if (this.feed.length > FEED_MAX) this.feed.splice(0, this.feed.length - FEED_MAX)
    for (const listener of this.listeners) listener(full)
  }

  /** The containers as listed at start (and after a reconnect to Docker). */
  containers(list: ContainerInfo[]): void {
    for (const c of list) {
      const view = this.service(c.service)
      view.containerId = c.id
      view.pattern = patternOfCommand(c.command, c.service)
      view.role = roleOf(c.service, view.pattern)
      view.state = asState(c.state)
      view.startedAt = c.startedAt ?? view.startedAt
      view.exitCode = c.exitCode ?? view.exitCode
      if (view.state === "paused" || view.state === "exited") this.openBand(c.service, view.state, c.startedAt ?? 0)
    }
  }

  /** A container event: start, die, pause, unpause, kill, stop, restart, create, destroy. */
  containerEvent(e: ContainerEvent & { command?: string }): void {
    const view = this.service(e.service)
    if (e.command) {
      view.pattern = patternOfCommand(e.command, e.service)
      view.role = roleOf(e.service, view.pattern)
    }
    if (e.action === "destroy" && view.containerId && view.containerId !== e.id) return // an old container of a recreated service
    view.containerId = e.id
    const next = LIFE[e.action]
    if (next) {
      view.state = next
      if (next === "running") {
        if (e.action === "start") view.startedAt = e.t
        // A started container has a new network namespace: no fault rules in it.
        if (e.action === "start") view.faults = []
        view.exitCode = null
        this.closeBands(e.service, e.t)
      } else if (next === "exited") {
        view.exitCode = e.exitCode ?? null
        this.openBand(e.service, "exited", e.t)
        for (const edge of this.edges.values()) if (edge.from === e.service && edge.up) Object.assign(edge, { up: false, since: e.t })
      } else if (next === "paused") this.openBand(e.service, "paused", e.t)
    }
    if (["start", "die", "pause", "unpause", "kill", "stop", "restart", "oom", "destroy"].includes(e.action)) {
      const detail = e.action === "die" ? ` (exit code ${e.exitCode ?? "?"})` : ""
      this.push({ t: e.t, service: e.service, kind: "life", event: `container.${e.action}`, message: `${e.service}: ${e.action}${detail}` })
    }
  }

  private openBand(service: string, kind: string, t: number): void {
    if (this.bands.some(b => b.service === service && b.to === null)) return
    this.bands.push({ service, pattern: this.services.get(service)?.pattern ?? "lab", kind, from: t, to: null })
  }

  private closeBands(service: string, t: number): void {
    for (const band of this.bands) if (band.service === service && band.to === null) band.to = t
  }

  /** A network fault made on the service (by a button): a band until it is healed, and an entry in the feed. */
  fault(t: number, service: string, description: string): void {
    const view = this.service(service)
    view.faults = [...view.faults, description]
    this.bands.push({ service, pattern: view.pattern, kind: description, from: t, to: null })
    this.push({ t, service, kind: "fault", event: "fault", message: `${service}: ${description}` })
  }

  healed(t: number, service: string): void {
    const view = this.service(service)
    view.faults = []
    for (const band of this.bands) if (band.service === service && band.to === null && band.kind !== "exited" && band.kind !== "paused") band.to = t
    this.push({ t, service, kind: "fault", event: "heal", message: `${service}: healed` })
  }

  /** Something the observer did itself (a button): in the feed like the rest. */
  action(t: number, service: string, action: string, ok: boolean, reason?: string): void {
    this.push({ t, service, kind: "action", event: "lab-action", message: `${action} ${service}${ok ? "" : ` refused: ${reason ?? "?"}`}` })
  }

  /** One log line of a container (any text: what is not a JSON object of the contract is counted and left out). */
  line(service: string, raw: string, now: number): void {
    let record: Record<string, unknown>
    try {
      const parsed: unknown = JSON.parse(raw)
      if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) throw new Error("not an object")
      record = parsed as Record<string, unknown>
    } catch {
      this.badLines += 1
      return
    }
    const t = Date.parse(text(record.timestamp) ?? "")
    const event = text(record.event)
    if (!Number.isFinite(t) || !event) {
      this.badLines += 1
      return
    }
    const name = text(record.service) ?? service
    const view = this.service(name)
    this.lineCount += 1
    view.lines += 1
    view.lastLineAt = t
    const second = Math.floor(t / 1000)
    let ring = this.lineRings.get(name)
    if (!ring) this.lineRings.set(name, (ring = new Ring()))
    ring.add(second, 1)
    const pattern = text(record.pattern)
    if (pattern) view.pattern = pattern
    view.role = roleOf(name, view.pattern)
    const instance = text(record.instance)
    if (instance) view.instance = instance
    if (t >= this.liveFrom) {
      this.lags.push(now - t)
      if (this.lags.length > LAG_SAMPLES) this.lags.shift()
    }

    const timed: TimedRecord = { ...record, t, service: name, event }
    this.figures.add(timed)
    this.count(timed, second)

    if (event === "stats") {
      view.counters = Object.fromEntries(Object.entries(record).filter((e): e is [string, number] => num(e[1]) !== undefined && e[0] !== "pid"))
    } else if (event === "connecting") {
      const endpoint = text(record.endpoint)
      const to = endpoint ? hostOf(endpoint) : undefined
      if (endpoint && to) {
        const key = `${name}|${endpoint}`
        const known = this.edges.get(key)
        this.edges.set(key, { from: name, to, endpoint, socket: text(record.socket) ?? "", up: known?.up ?? false, since: known?.since ?? t })
      }
    } else if (event === "socket.connect" || event === "socket.disconnect" || event === "socket.connect:retry") {
      const address = text(record.address)
      const edge = address ? this.edgeOf(name, address) : undefined
      const up = event === "socket.connect"
      if (edge && edge.up !== up) Object.assign(edge, { up, since: t })
    }
    const kind = FEED_EVENTS[event]
    if (kind) this.push({ t, service: name, pattern: view.pattern, kind, event, message: text(record.message) ?? event })
  }

  /**
   * The edge a socket event is about. ZeroMQ names the endpoint as connected
   * at first, the resolved address on a reconnect (tcp://192.168.0.3:5556):
   * then the service's edge to the same port is the one.
   */
  private edgeOf(service: string, address: string): Edge | undefined {
    const exact = this.edges.get(`${service}|${address}`)
    if (exact) return exact
    const port = /:(\d+)$/.exec(address)?.[1]
    const candidates = [...this.edges.values()].filter(e => e.from === service && e.endpoint.endsWith(`:${port}`))
    return candidates.length === 1 ? candidates[0] : undefined
  }

  /** Arrivals per second, by what a stream's row counts. */
  private count(e: TimedRecord, second: number): void {
    const producer = text(e.producer)
    const stream = text(e.stream)
    let key: string | undefined
    if (e.event === "received" && e.inReplyTo && typeof e.inReplyTo === "object") key = `answered:${e.service}`
    else if (e.event === "received" && producer && stream) key = `received:${producer}/${stream}:${e.service}`
    else if (e.event === "delivered" && producer && stream) key = `delivered:${producer}/${stream}`
    if (!key) return
    let ring = this.arrivals.get(key)
    if (!ring) this.arrivals.set(key, (ring = new Ring()))
    ring.add(second, 1)
  }

  private arrivalKey(row: LiveRow): string {
    if (row.promise === "fan-out") return `received:${row.producer}/${row.stream}:${row.consumer ?? ""}`
    if (row.promise === "load-balanced") return `delivered:${row.producer}/${row.stream}`
    return `answered:${row.producer}`
  }

  /** Once a second: the figures at `now`; what turned lost or duplicated since the last tick is marked at this second. */
  tick(now: number): void {
    const second = Math.floor(now / 1000)
    this.rows = this.figures.rows(now)
    for (const row of this.rows) {
      let marks = this.marks.get(row.key)
      if (!marks) this.marks.set(row.key, (marks = { lost: new Ring(), duplicated: new Ring(), lastLost: 0, lastDuplicated: 0 }))
      // A late arrival takes a message out of "lost": the mark is for new losses only.
      if (row.lost > marks.lastLost) marks.lost.add(second, row.lost - marks.lastLost)
      if (row.duplicated > marks.lastDuplicated) marks.duplicated.add(second, row.duplicated - marks.lastDuplicated)
      marks.lastLost = row.lost
      marks.lastDuplicated = row.duplicated
    }
    for (const [name, view] of this.services) view.linesPerSec = (this.lineRings.get(name)?.sum(second, 10) ?? 0) / 10
    const horizon = now - SERIES_SECONDS * 1000
    for (let i = this.bands.length - 1; i >= 0; i--) if (this.bands[i]!.to !== null && this.bands[i]!.to! < horizon) this.bands.splice(i, 1)
  }

  streams(now: number): StreamView[] {
    const second = Math.floor(now / 1000)
    return this.rows.map(row => ({
      ...row,
      pattern: this.services.get(row.producer)?.pattern ?? "lab",
      rate: (this.arrivals.get(this.arrivalKey(row))?.sum(second - 1, 10) ?? 0) / 10,
    }))
  }

  series(now: number): Series[] {
    const second = Math.floor(now / 1000)
    return this.rows.map(row => {
      const marks = this.marks.get(row.key)
      const zeros = () => new Array<number>(SERIES_SECONDS).fill(0)
      return {
        key: row.key,
        start: second - SERIES_SECONDS + 1,
        received: this.arrivals.get(this.arrivalKey(row))?.read(second) ?? zeros(),
        lost: marks?.lost.read(second) ?? zeros(),
        duplicated: marks?.duplicated.read(second) ?? zeros(),
      }
    })
  }

  servicesList(): ServiceView[] {
    return [...this.services.values()].filter(s => s.state !== "removed").sort((a, b) => (a.name < b.name ? -1 : 1))
  }

  has(service: string): boolean {
    const view = this.services.get(service)
    return view !== undefined && view.state !== "removed"
  }

  isSelf(service: string): boolean {
    return service === this.self
  }

  edgeList(): Edge[] {
    const present = (name: string) => this.has(name)
    return [...this.edges.values()]
      .filter(e => present(e.from) && present(e.to))
      .map(e => ({ ...e, up: e.up && this.services.get(e.from)?.state === "running" }))
  }

  bandList(): Band[] {
    return this.bands.map(b => ({ ...b }))
  }

  events(since: number): FeedEntry[] {
    return this.feed.filter(e => e.t > since)
  }

  lag(): { p50: number | null; p99: number | null; samples: number } {
    const sorted = [...this.lags].sort((a, b) => a - b)
    const at = (p: number) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]! : null)
    return { p50: at(50), p99: at(99), samples: sorted.length }
  }

  totals(): { lines: number; badLines: number; feed: number } {
    return { lines: this.lineCount, badLines: this.badLines, feed: this.feed.length }
  }
}
