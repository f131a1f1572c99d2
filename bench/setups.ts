// The bench's three setups, each measuring one pattern at one size:
//   raw-loopback  the raw pair (bench/raw/) as two processes of one container, over 127.0.0.1;
//   raw-bridge    the same pair in two containers, over a Docker bridge network;
//   lab           the lab's own services (envelope, accounting, logging with
//                 per-message lines off) in their containers, read from their
//                 stats lines.
// Every setup gives the same Row: medians of its windows, CPU per side.
import { ComposeProject, docker, type Env } from "../harness/compose.js"
import type { LogRecord } from "../harness/logs.js"
import { memoryOf } from "./docs.js"
import { mbPerSec, median, ROUND_TRIP, type Pattern, type Row } from "./figures.js"
import { summarize, type MeterOptions, type Window } from "./meter.js"

export const NETWORK = "zmq-lab-bench"
const LABEL = "zmq-lab.bench"
const PORT = 5700

export interface CellOptions extends MeterOptions {
  image: string
  pattern: Pattern
  sizeBytes: number
}

interface SideReport {
  role: string
  windows: Window[]
}

const rawArgs = (cell: CellOptions) => [
  "--pattern",
  cell.pattern,
  "--size",
  String(cell.sizeBytes),
  "--warmup-ms",
  String(cell.warmupMs),
  "--windows",
  String(cell.windows),
  "--window-ms",
  String(cell.windowMs),
]

/** Every bench container runs as the lab's do: read-only, no capability, no privilege to gain. */
const runFlags = ["--label", LABEL, "--read-only", "--cap-drop", "ALL", "--security-opt", "no-new-privileges:true", "--init"]

function parseReports(stdout: string, what: string): SideReport[] {
  const reports = stdout
    .split("\n")
    .filter(line => line.startsWith("{"))
    .map(line => JSON.parse(line) as SideReport)
  if (reports.length === 0) throw new Error(`${what}: no report in its output:\n${stdout}`)
  return reports
}

/** The row of a raw pair: the measuring side's throughput (and latency), each side's CPU. */
function rawRow(cell: CellOptions, setup: Row["setup"], reports: SideReport[]): Row {
  const measuring = ROUND_TRIP.has(cell.pattern) ? "requester" : "receiver"
  const main = reports.find(r => r.role === measuring)
  if (!main) throw new Error(`${cell.pattern} ${setup}: no report from the ${measuring}`)
  const figures = summarize(main.windows)
  return {
    pattern: cell.pattern,
    sizeBytes: cell.sizeBytes,
    setup,
    msgPerSec: figures.msgPerSec,
    mbPerSec: mbPerSec(figures.msgPerSec, cell.sizeBytes),
    ...(figures.p50Ms !== undefined ? { p50Ms: figures.p50Ms, p99Ms: figures.p99Ms! } : {}),
    cpu: Object.fromEntries(reports.map(r => [r.role, summarize(r.windows).cpu])),
  }
}

export async function rawLoopback(cell: CellOptions): Promise<Row> {
  const { stdout } = await docker(["run", "--rm", ...runFlags, "--network", "none", cell.image, "node", "dist/bench/raw/pair.js", ...rawArgs(cell)])
  return rawRow(cell, "raw-loopback", parseReports(stdout, "the loopback pair"))
}

export async function rawBridge(cell: CellOptions): Promise<Row> {
  // Named per cell: the smoke runs cells side by side.
  const receiver = `${NETWORK}-receiver-${cell.pattern}-${cell.sizeBytes}`
  await docker(["rm", "--force", receiver], { check: false })
  await docker([
    "run",
    "--detach",
    "--name",
    receiver,
    ...runFlags,
    "--network",
    NETWORK,
    cell.image,
    "node",
    "dist/bench/raw/receiver.js",
    "--endpoint",
    `tcp://*:${PORT}`,
    ...rawArgs(cell),
  ])
  try {
    const sender = await docker([
      "run",
      "--rm",
      ...runFlags,
      "--network",
      NETWORK,
      cell.image,
      "node",
      "dist/bench/raw/sender.js",
      "--endpoint",
      `tcp://${receiver}:${PORT}`,
      ...rawArgs(cell),
    ])
    const { stdout: code } = await docker(["wait", receiver])
    const { stdout: received, stderr } = await docker(["logs", receiver])
    if (code.trim() !== "0") throw new Error(`the receiver exited with ${code.trim()}: ${stderr}`)
    return rawRow(cell, "raw-bridge", [...parseReports(sender.stdout, "the sender"), ...parseReports(received, "the receiver")])
  } finally {
    await docker(["rm", "--force", receiver], { check: false })
  }
}

/** The lab's services per pattern: who runs, with what settings, and whose stats line counts what. */
interface LabPattern {
  services: string[]
  env: (sizeBytes: number) => Env
  /** The service where the pattern's messages end, and its counter of them. */
  consumer: string
  counter: string
  /** Each side's role, by service. */
  sides: Record<string, string>
}

/** Rates above what a loop reaches: as fast as the sockets take messages (shared/pace.ts). */
const FLAT_OUT = "1000000"

export const LAB: Record<Pattern, LabPattern> = {
  pubsub: {
    services: ["pubsub-publisher", "pubsub-subscriber"],
    env: size => ({ PUBSUB_RATE: FLAT_OUT, PUBSUB_PAYLOAD_BYTES: String(size) }),
    consumer: "pubsub-subscriber",
    counter: "received",
    sides: { "pubsub-publisher": "publisher", "pubsub-subscriber": "subscriber" },
  },
  pipeline: {
    // Both workers, as `make up` runs it: the sink's throughput is what the pattern delivers.
    services: ["pipeline-sink", "pipeline-worker-1", "pipeline-worker-2", "pipeline-ventilator"],
    env: size => ({ PIPELINE_RATE: FLAT_OUT, PIPELINE_WORK_MS_MIN: "0", PIPELINE_WORK_MS_MAX: "0", PIPELINE_PAYLOAD_BYTES: String(size) }),
    consumer: "pipeline-sink",
    counter: "received",
    sides: { "pipeline-ventilator": "ventilator", "pipeline-worker-1": "worker-1", "pipeline-worker-2": "worker-2", "pipeline-sink": "sink" },
  },
  reqrep: {
    services: ["reqrep-server", "reqrep-client"],
    env: size => ({ REQREP_INTERVAL_MS: "0", REQREP_WORK_MS: "0", REQREP_PAYLOAD_BYTES: String(size) }),
    consumer: "reqrep-client",
    counter: "answered",
    sides: { "reqrep-client": "client", "reqrep-server": "server" },
  },
  "router-dealer": {
    // Both workers, as `make up` runs it: each is a REP, one request at a time.
    services: ["router-dealer-broker", "router-dealer-worker-1", "router-dealer-worker-2", "router-dealer-client"],
    env: size => ({
      ROUTER_DEALER_RATE: "100000",
      // As many outstanding as the raw DEALER keeps (bench/raw/sender.ts).
      ROUTER_DEALER_MAX_PENDING: "16",
      ROUTER_DEALER_WORK_MS_MIN: "0",
      ROUTER_DEALER_WORK_MS_MAX: "0",
      ROUTER_DEALER_PAYLOAD_BYTES: String(size),
    }),
    consumer: "router-dealer-client",
    counter: "answered",
    sides: { "router-dealer-client": "client", "router-dealer-broker": "broker", "router-dealer-worker-1": "worker-1", "router-dealer-worker-2": "worker-2" },
  },
}

/** Stats lines every this long (or every window, when shorter): a window is `windowMs / statsMs` of them. */
const STATS_MS = 1000

const timeOf = (record: LogRecord) => Date.parse(record.timestamp)

/**
 * Pure: the windows of the lab's consumer from its stats lines: after the
 * first line with anything counted, a warm-up, then `windows` windows of
 * `windowMs`, each from one stats line to the one `windowMs / STATS_MS` later.
 * Rates from the lines' own times and counts (a line that comes late says so).
 */
export function labWindows(lines: LogRecord[], counter: string, options: MeterOptions, statsMs: number): Array<{ from: LogRecord; to: LogRecord }> | undefined {
  const flowing = lines.findIndex(r => Number(r[counter] ?? 0) > 0)
  if (flowing < 0) return undefined
  const startAt = timeOf(lines[flowing]!) + options.warmupMs
  const first = lines.findIndex((r, i) => i >= flowing && timeOf(r) >= startAt)
  const step = Math.max(1, Math.round(options.windowMs / statsMs))
  if (first < 0 || first + options.windows * step >= lines.length) return undefined
  return Array.from({ length: options.windows }, (_, i) => ({ from: lines[first + i * step]!, to: lines[first + (i + 1) * step]! }))
}

/** A Compose project per cell: the smoke runs cells side by side. */
const projectName = (cell: CellOptions) => `zmqlab-bench-${cell.pattern}-${cell.sizeBytes}`

export async function lab(cell: CellOptions, echo?: (line: string) => void): Promise<Row> {
  const spec = LAB[cell.pattern]
  const statsMs = Math.min(STATS_MS, cell.windowMs)
  const project = new ComposeProject(projectName(cell), {
    environment: {
      LOG_MESSAGES: "false",
      STATS_INTERVAL_MS: String(statsMs),
      ...spec.env(cell.sizeBytes),
    },
    ...(echo ? { echo } : {}),
  })
  try {
    await project.up(spec.services)
    const statsOf = (service: string) => project.logs.records.filter(r => r.service === service && r.event === "stats")
    let windows: ReturnType<typeof labWindows>
    await project.logs.waitFor(
      `${spec.consumer}: the stats lines of ${cell.windows} windows`,
      () => (windows = labWindows(statsOf(spec.consumer), spec.counter, cell, statsMs)) !== undefined,
      cell.warmupMs + (cell.windows + 4) * cell.windowMs + 20_000,
    )
    const spans = windows!
    const rates = spans.map(({ from, to }) => (Number(to[spec.counter]) - Number(from[spec.counter])) / ((timeOf(to) - timeOf(from)) / 1000))
    const msgPerSec = median(rates)
    // Latency: the client's own percentiles per stats interval, their median over the windows' intervals.
    const begin = timeOf(spans[0]!.from)
    const end = timeOf(spans.at(-1)!.to)
    const inside = statsOf(spec.consumer).filter(r => timeOf(r) > begin && timeOf(r) <= end)
    const latency = ROUND_TRIP.has(cell.pattern)
      ? { p50Ms: median(inside.map(r => Number(r.rttP50Ms))), p99Ms: median(inside.map(r => Number(r.rttP99Ms))) }
      : {}
    // CPU per side: from its own stats lines nearest the measured span (each line carries the process's CPU time).
    const cpu = Object.fromEntries(
      Object.entries(spec.sides).map(([service, role]) => {
        const lines = statsOf(service)
        const from = lines.find(r => timeOf(r) >= begin) ?? lines[0]!
        const to = [...lines].reverse().find(r => timeOf(r) <= end) ?? lines.at(-1)!
        const seconds = (timeOf(to) - timeOf(from)) / 1000
        return [role, seconds > 0 ? (Number(to.cpuMs) - Number(from.cpuMs)) / 1000 / seconds : NaN]
      }),
    )
    const memoryBytes = await memoryOf(project.name)
    return {
      pattern: cell.pattern,
      sizeBytes: cell.sizeBytes,
      setup: "lab",
      msgPerSec,
      mbPerSec: mbPerSec(msgPerSec, cell.sizeBytes),
      ...latency,
      cpu,
      memoryBytes,
    }
  } finally {
    await project.down()
  }
}

export type Hotspots = Array<{ where: string; selfPercent: number }>

/** Where the CPU of each of a lab pattern's services goes, flat out (the services' own profile, CPU_PROFILE_MS). */
export async function labProfile(cell: CellOptions, profileMs: number): Promise<Record<string, Hotspots>> {
  const spec = LAB[cell.pattern]
  const project = new ComposeProject(projectName(cell), {
    environment: { LOG_MESSAGES: "false", CPU_PROFILE_DELAY_MS: String(cell.warmupMs + 1000), CPU_PROFILE_MS: String(profileMs), ...spec.env(cell.sizeBytes) },
  })
  try {
    await project.up(spec.services)
    const profiles = () => project.logs.records.filter(r => r.event === "cpu-profile")
    await project.logs.waitFor("every service's cpu-profile line", () => profiles().length >= spec.services.length, cell.warmupMs + profileMs + 30_000)
    return Object.fromEntries(profiles().map(r => [r.service, r.hotspots as Hotspots]))
  } finally {
    await project.down()
  }
}

export async function createNetwork(): Promise<void> {
  await removeAll()
  await docker(["network", "create", "--label", LABEL, NETWORK])
}

/** Every bench container and the network: nothing is left behind. */
export async function removeAll(): Promise<void> {
  const { stdout } = await docker(["ps", "--all", "--quiet", "--filter", `label=${LABEL}`])
  const ids = stdout.trim().split("\n").filter(Boolean)
  if (ids.length > 0) await docker(["rm", "--force", ...ids], { check: false })
  await docker(["network", "rm", NETWORK], { check: false })
}
