// The bench's figures: its rows, their medians and ratios, and the tables made
// of them. Pure functions, tested without sockets or containers.
export const PATTERNS = ["pubsub", "pipeline", "reqrep", "router-dealer"] as const
export type Pattern = (typeof PATTERNS)[number]
export const SIZES = [64, 1024, 65_536] as const
export const SETUPS = ["raw-loopback", "raw-bridge", "lab"] as const
export type Setup = (typeof SETUPS)[number]

/** The patterns whose figure is a round trip: their requester times every reply. */
export const ROUND_TRIP: ReadonlySet<Pattern> = new Set(["reqrep", "router-dealer"])

export const PATTERN_NAMES: Record<Pattern, string> = {
  pubsub: "PUB/SUB",
  pipeline: "PUSH/PULL",
  reqrep: "REQ/REP",
  "router-dealer": "ROUTER/DEALER",
}

/** One measured cell: a pattern at a size in a setup. */
export interface Row {
  pattern: Pattern
  sizeBytes: number
  setup: Setup
  msgPerSec: number
  mbPerSec: number
  /** Round-trip latency (REQ/REP, ROUTER/DEALER only). */
  p50Ms?: number
  p99Ms?: number
  /** CPU per side, in cores (1 = one core busy all the time), by the side's role. */
  cpu: Record<string, number>
  /** The lab's services only: each one's memory at the end of its windows, by service (bytes, as Docker counts it). */
  memoryBytes?: Record<string, number>
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

/**
 * Nearest rank: the smallest value with at least p % of the values at or below
 * it. The same rule as shared/accounting.ts's, in a copy of its own: the raw
 * pair's meter uses it, and the raw pair imports nothing of the lab's.
 */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return NaN
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!
}

/** Megabytes (10^6 bytes) of payload per second. */
export const mbPerSec = (msgPerSec: number, sizeBytes: number): number => (msgPerSec * sizeBytes) / 1e6

const find = (rows: readonly Row[], pattern: Pattern, sizeBytes: number, setup: Setup) =>
  rows.find(r => r.pattern === pattern && r.sizeBytes === sizeBytes && r.setup === setup)

export interface Ratio {
  pattern: Pattern
  sizeBytes: number
  /** raw-bridge / raw-loopback: what the bridge network costs. */
  bridge: number | null
  /** lab / raw-bridge: what the lab's own code costs. */
  lab: number | null
}

/** Throughput ratios per pattern and size (null where a side is missing or measured nothing). */
export function ratios(rows: readonly Row[]): Ratio[] {
  const ratio = (over: Row | undefined, under: Row | undefined) => (over && under && under.msgPerSec > 0 ? over.msgPerSec / under.msgPerSec : null)
  return PATTERNS.flatMap(pattern =>
    SIZES.map(sizeBytes => ({
      pattern,
      sizeBytes,
      bridge: ratio(find(rows, pattern, sizeBytes, "raw-bridge"), find(rows, pattern, sizeBytes, "raw-loopback")),
      lab: ratio(find(rows, pattern, sizeBytes, "lab"), find(rows, pattern, sizeBytes, "raw-bridge")),
    })),
  )
}

/** The cells a complete bench has and these rows lack. */
export function missingCells(rows: readonly Row[], patterns: readonly Pattern[] = PATTERNS, sizes: readonly number[] = SIZES): string[] {
  return patterns.flatMap(pattern =>
    sizes.flatMap(size => SETUPS.filter(setup => find(rows, pattern, size, setup) === undefined).map(setup => `${pattern} ${size} B ${setup}`)),
  )
}

export const formatSize = (bytes: number): string => (bytes >= 1024 ? `${bytes / 1024} KiB` : `${bytes} B`)

const thousands = (value: number): string => Math.round(value).toLocaleString("en-US")
const fixed = (value: number | undefined, digits: number): string => (value === undefined || Number.isNaN(value) ? "" : value.toFixed(digits))

/** The rows as a Markdown table: one line per pattern and size, the three setups side by side. */
export function rowsTable(rows: readonly Row[]): string {
  const lines = ["| pattern | size | setup | msg/s | MB/s | p50 ms | p99 ms | CPU (cores) |", "|---|---:|---|---:|---:|---:|---:|---|"]
  for (const pattern of PATTERNS)
    for (const size of SIZES)
      for (const setup of SETUPS) {
        const row = find(rows, pattern, size, setup)
        if (!row) continue
        const cpu = Object.entries(row.cpu)
          .map(([side, cores]) => `${side} ${cores.toFixed(2)}`)
          .join(", ")
        lines.push(
          `| ${PATTERN_NAMES[pattern]} | ${formatSize(size)} | ${setup} | ${thousands(row.msgPerSec)} | ${fixed(row.mbPerSec, 1)} | ${fixed(row.p50Ms, 3)} | ${fixed(row.p99Ms, 3)} | ${cpu} |`,
        )
      }
  return lines.join("\n")
}

/** The ratios as a Markdown table. */
export function ratiosTable(list: readonly Ratio[]): string {
  const show = (value: number | null) => (value === null ? "n/a" : value.toFixed(2))
  return [
    "| pattern | size | bridge / loopback | lab / bridge |",
    "|---|---:|---:|---:|",
    ...list.map(r => `| ${PATTERN_NAMES[r.pattern]} | ${formatSize(r.sizeBytes)} | ${show(r.bridge)} | ${show(r.lab)} |`),
  ].join("\n")
}
