// What docs/bench.md says besides the cells: the machine, the image, how long
// `make up` takes, the memory of each service idle and under the bench, the
// scenario catalogue's time; and the page itself, written by every full run.
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import { cpus, release, totalmem } from "node:os"
import { join } from "node:path"
import { docker, root, runsDir } from "../harness/compose.js"
import { catalogue } from "../scenarios/index.js"
import { PATTERN_NAMES, ratios, ratiosTable, rowsTable, type Pattern, type Row } from "./figures.js"
import type { Hotspots } from "./setups.js"

export interface Extras {
  imageBytes: number
  /** `make up` with the image built and nothing running. */
  warmUpSeconds: number
  /** `make up` with the lab's image and build cache removed (make bench COLD=1); null when not measured. */
  coldUpSeconds: number | null
  /** Each service of `make up`, idle (its default rates): memory in bytes, as Docker counts it. */
  idleMemory: Record<string, number>
  /** The latest run of every scenario of the catalogue, summed: null when a scenario has no run here. */
  catalogue: { seconds: number; scenarios: number; missing: string[] }
}

export async function machine(image: string): Promise<string> {
  const model = /model name\s*:\s*(.*)/.exec(readFileSync("/proc/cpuinfo", "utf8"))?.[1] ?? "unknown CPU"
  const { stdout: server } = await docker(["version", "--format", "{{.Server.Version}}"])
  const { stdout: versions } = await docker([
    "run",
    "--rm",
    image,
    "node",
    "--input-type=module",
    "-e",
    'const z = await import("zeromq"); console.log(`Node.js ${process.version}, libzmq ${z.version}`)',
  ])
  const zeromq = (JSON.parse(readFileSync(join(root, "node_modules/zeromq/package.json"), "utf8")) as { version: string }).version
  return `${cpus().length} × ${model}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Docker ${server.trim()}; in the containers ${versions.trim()}, zeromq.js ${zeromq}`
}

/** Docker's memory figure ("12.3MiB / 128MiB") in bytes. */
export function parseMemory(usage: string): number {
  const match = /^([\d.]+)\s*([KMG]i?B|B)/.exec(usage.trim())
  if (!match) return NaN
  const unit = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, KB: 1e3, MB: 1e6, GB: 1e9 }[match[2]!] ?? NaN
  return Number(match[1]) * unit
}

/** Memory of each running container of a Compose project, by service. */
export async function memoryOf(project: string): Promise<Record<string, number>> {
  const { stdout: ids } = await docker(["ps", "--quiet", "--filter", `label=com.docker.compose.project=${project}`])
  if (ids.trim() === "") return {}
  const { stdout } = await docker(["stats", "--no-stream", "--format", "{{.ID}} {{.MemUsage}}", ...ids.trim().split("\n")])
  const { stdout: names } = await docker(["inspect", "--format", '{{.Id}} {{index .Config.Labels "com.docker.compose.service"}}', ...ids.trim().split("\n")])
  const serviceOf = new Map(
    names
      .trim()
      .split("\n")
      .map(line => line.split(" ") as [string, string]),
  )
  return Object.fromEntries(
    stdout
      .trim()
      .split("\n")
      .map(line => {
        const [id, ...usage] = line.split(" ")
        const service = [...serviceOf].find(([full]) => full.startsWith(id!))?.[1] ?? id!
        return [service, parseMemory(usage.join(" "))]
      }),
  )
}

function make(target: string, env: Record<string, string> = {}): number {
  const started = Date.now()
  const result = spawnSync("make", ["-s", target], { cwd: root, stdio: ["ignore", "ignore", "inherit"], env: { ...process.env, ...env } })
  if (result.status !== 0) throw new Error(`make ${target} failed (${result.status})`)
  return (Date.now() - started) / 1000
}

/** The latest run of each catalogue scenario under runs/, summed (the catalogue runs them one after the other). */
export function catalogueTime(dir = runsDir): Extras["catalogue"] {
  const latest = new Map<string, { startedAt: string; durationMs: number }>()
  const walk = (path: string, depth: number): void => {
    if (depth > 3 || !existsSync(path)) return
    for (const entry of readdirSync(path)) {
      const full = join(path, entry)
      if (entry === "result.json") {
        try {
          const result = JSON.parse(readFileSync(full, "utf8")) as { scenario?: string; startedAt?: string; durationMs?: number }
          if (!result.scenario || !result.startedAt || result.durationMs === undefined) continue
          const known = latest.get(result.scenario)
          if (!known || known.startedAt < result.startedAt) latest.set(result.scenario, { startedAt: result.startedAt, durationMs: result.durationMs })
        } catch {
          continue
        }
      } else if (statSync(full).isDirectory()) walk(full, depth + 1)
    }
  }
  walk(dir, 0)
  const names = catalogue.filter(s => !s.name.startsWith("swarm-")).map(s => s.name)
  const missing = names.filter(name => !latest.has(name))
  const seconds = names.reduce((sum, name) => sum + (latest.get(name)?.durationMs ?? 0), 0) / 1000
  return { seconds, scenarios: names.length - missing.length, missing }
}

export async function measureExtras(image: string, print: (line: string) => void): Promise<Extras> {
  const { stdout: size } = await docker(["image", "inspect", "--format", "{{.Size}}", image])
  let coldUpSeconds: number | null = null
  make("down")
  if (process.env.COLD === "1") {
    print("cold make up: the lab's image and the build cache removed first")
    await docker(["image", "rm", "--force", image], { check: false })
    await docker(["builder", "prune", "--all", "--force"], { check: false })
    coldUpSeconds = make("up")
    make("down")
  }
  const warmUpSeconds = make("up")
  print(`make up (warm): ${warmUpSeconds.toFixed(1)} s`)
  try {
    const idleMemory = await memoryOf("zmq-lab")
    return { imageBytes: Number(size.trim()), warmUpSeconds, coldUpSeconds, idleMemory, catalogue: catalogueTime() }
  } finally {
    make("down")
  }
}

const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(1)} MiB`

export interface Profile {
  pattern: Pattern
  ratio: number
  services: Record<string, Hotspots>
}

export function benchMarkdown(
  rows: readonly Row[],
  extras: Extras,
  profile: Profile,
  { machine, benchSeconds }: { machine: string; benchSeconds: number },
): string {
  const underLoad = new Map<string, number>()
  for (const row of rows)
    for (const [service, bytes] of Object.entries(row.memoryBytes ?? {})) underLoad.set(service, Math.max(underLoad.get(service) ?? 0, bytes))
  const memoryRows = [...new Set([...Object.keys(extras.idleMemory), ...underLoad.keys()])]
    .sort()
    .map(
      service =>
        `| ${service} | ${extras.idleMemory[service] !== undefined ? mib(extras.idleMemory[service]) : ""} | ${underLoad.has(service) ? mib(underLoad.get(service)!) : ""} |`,
    )
  const catalogue =
    extras.catalogue.missing.length === 0
      ? `${(extras.catalogue.seconds / 60).toFixed(1)} min for its ${extras.catalogue.scenarios} scenarios (their latest runs here, one after the other; the Swarm ones aside)`
      : `not known: ${extras.catalogue.missing.length} scenario(s) have no run here (\`make scenarios\` runs them all)`
  return `# What each pattern costs: the bench

Written by \`make bench\` (bench/); do not edit by hand. Every figure below was measured by the run that wrote this page (${(benchSeconds / 60).toFixed(1)} min).

**Machine**: ${machine}.

## How it measures

Each pattern (PUB/SUB, PUSH/PULL, REQ/REP, ROUTER/DEALER) at 64 B, 1 KiB and 64 KiB, in three setups, one cell after the other:

- **raw-loopback**: a minimal sender and receiver of plain zeromq.js (\`bench/raw/\`), two processes of one container, over 127.0.0.1;
- **raw-bridge**: the same pair in two containers, over a Docker bridge network;
- **lab**: the lab's own services as they ship (envelope, accounting, logging with per-message lines off: \`LOG_MESSAGES=false\`), as fast as they go. PUB/SUB and REQ/REP are two containers, as the raw pair; the lab's PUSH/PULL is ventilator → two workers → sink and its ROUTER/DEALER client → broker → two REP workers, as \`make up\` runs them: four containers, one hop more than the raw pair, on the same two cores.

A cell is three windows of 3 s after a warm-up of 1 s, counted from the first message; its figure is the median of the three. Throughput is where messages end (the receiver, the sink, the requester's replies); MB/s counts the payload only (the lab's envelope adds ~150 B of JSON). REQ/REP is one request at a time; ROUTER/DEALER keeps 16 outstanding (the raw DEALER and the lab's client, \`ROUTER_DEALER_MAX_PENDING=16\`), so its round trip includes waiting behind the others. CPU is per side, in cores (1.00 = one core busy), over the windows. A PUB that outruns its subscriber drops what the subscriber's queue cannot hold: PUB/SUB's figure is what the subscriber received.

## Ratios

Throughput of the bridge over loopback (what the bridge network costs) and of the lab over the bridge (what the lab's own code costs, and for PUSH/PULL and ROUTER/DEALER its extra hop):

${ratiosTable(ratios(rows))}

## Every cell

${rowsTable(rows)}

## What was changed to reach it

- **Producers faster than a thousand a second.** A producer's pace (\`shared/pace.ts\`) slept on a timer between messages, and a timer sleeps at least about 1 ms: no producer of the lab could go above ~1,000 messages per second, whatever its rate. It now sleeps only when it is a timer's resolution ahead of its rate, and otherwise goes on, letting timers, I/O and signals in every 64 messages. \`service.pause(0)\` (a worker or server with no work time) no longer sleeps at all.
- **No formatting for lines nobody sees.** Winston formats a line (timestamp, JSON) before its transport drops it for its level: the broker's per-request \`debug\` line cost its formatting at level \`info\`. A line below the level is now dropped before anything is made of it.
- **A cheaper UTF-8 check** on every envelope (\`isUtf8\`, then one decode) instead of a new fatal \`TextDecoder\` per message.
- **Settings for the bench that a user has too:** \`REQREP_INTERVAL_MS=0\` (the next request as soon as the reply is in), \`ROUTER_DEALER_MAX_PENDING\` (flow control: at most that many requests outstanding), \`<PATTERN>_PAYLOAD_BYTES\` for every pattern, round-trip percentiles and \`cpuMs\` in the stats lines, \`CPU_PROFILE_MS\`.

What is left is the envelope's own cost: a JSON envelope of ~150 B per message, encoded and decoded on every hop (the profiles below: \`decodeEnvelope\`, \`encodeEnvelope\`, the garbage collector), two frames instead of one for PUB/SUB (topic and envelope), and the accounting of every message. The REQ/REP and ROUTER/DEALER workers are REP sockets, one request at a time each: the broker pattern's throughput is that of its workers' round trips, not of the client's window.

## Where the lab's time goes

The pattern the lab's own code slows most at 64 B is ${PATTERN_NAMES[profile.pattern]} (lab / bridge ${profile.ratio.toFixed(2)}). Each of its services profiled itself for 3 s flat out (\`CPU_PROFILE_MS\`, V8's sampling profiler); the functions with the most time of their own, by share of the samples:

${Object.entries(profile.services)
  .map(([service, hotspots]) => `**${service}**\n\n| function | self |\n|---|---:|\n${hotspots.map(h => `| \`${h.where}\` | ${h.selfPercent} % |`).join("\n")}`)
  .join("\n\n")}

## The lab around it

- Image: ${mib(extras.imageBytes)} (\`zmq-lab:local\`).
- \`make up\`, warm (image built, nothing running, until every service runs): ${extras.warmUpSeconds.toFixed(1)} s; cold (image and build cache removed first): ${extras.coldUpSeconds === null ? "not measured by this run (`make bench COLD=1` measures it)" : `${extras.coldUpSeconds.toFixed(1)} s`}.
- The scenario catalogue: ${catalogue}.

Memory per service, as Docker counts it: idle is \`make up\` at its default rates; under load is the most seen at the end of the bench's lab cells.

| service | idle | under the bench |
|---|---:|---:|
${memoryRows.join("\n")}
`
}
