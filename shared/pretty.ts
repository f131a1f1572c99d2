// Human-readable log lines: `LOG_FORMAT=pretty` in a service, and `make logs`,
// which reads the JSON lines of all containers and shows them this way. One
// color per service (a stable hash of its name); losses in red, faults and
// life-cycle changes in yellow. `make logs` shows what the lab exists to show
// (connects, disconnects, retries, restarts, faults, losses) and, instead of
// the firehose of per-message lines, one summary line per service with each
// of its `stats` lines: rates in and out, totals, lost, duplicated. Pure:
// lines in, lines out.
import { FAULT_EVENTS, LOSS_EVENTS, PER_MESSAGE_EVENTS, REPEATING_EVENTS } from "./events.js"

const SERVICE_COLORS = [36, 32, 35, 33, 34, 96, 92, 95, 93, 94] // cyan, green, magenta, yellow, blue, bright variants
const RED = 31
const YELLOW = 33
const GREY = 90
const LEVEL_COLORS: Record<string, number> = { error: RED, warn: YELLOW, debug: GREY }
const SHOWN = new Set(["timestamp", "level", "service", "pattern", "event", "message", "pid", "instance"])

export type LogRecord = Record<string, unknown>

const paint = (color: number | undefined, text: string, enabled: boolean) => (enabled && color !== undefined ? `\u001b[${color}m${text}\u001b[0m` : text)

export function serviceColor(service: string): number {
  let hash = 0
  for (const char of service) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return SERVICE_COLORS[hash % SERVICE_COLORS.length]!
}

/** The color of an event: red for a loss, yellow for a fault, else the level's. */
function eventColor(event: string, level: string): number | undefined {
  if (LOSS_EVENTS.has(event)) return RED
  if (FAULT_EVENTS.has(event)) return YELLOW
  return LEVEL_COLORS[level]
}

export function formatRecord(record: LogRecord, { color = true, width = 24, fields = true } = {}): string {
  const service = String(record.service ?? "?")
  const level = String(record.level ?? "info")
  const time = typeof record.timestamp === "string" ? record.timestamp.slice(11, 23) : ""
  const extra = Object.fromEntries(Object.entries(record).filter(([key]) => !SHOWN.has(key)))
  const tail = fields && Object.keys(extra).length > 0 ? ` ${paint(GREY, JSON.stringify(extra), color)}` : ""
  const name = String(record.event ?? level)
  const event = paint(eventColor(name, level), name.padEnd(18), color)
  return `${time} ${paint(serviceColor(service), service.padEnd(width), color)} ${event} ${String(record.message ?? "")}${tail}`
}

/** One line of `docker compose logs` ("<container> | <text>"): the container's service and the record, when the text is one. */
export function parseComposeLine(line: string): { service: string; record?: LogRecord; text: string } {
  // Compose may start a line with the terminal code "clear line" (ESC [2K).
  // eslint-disable-next-line no-control-regex -- that code's ESC
  const match = /^(?:\u001b\[2K)?(\S+)\s+\|\s?(.*)$/.exec(line)
  const service = (match?.[1] ?? "").replace(/-\d+$/, "")
  const text = match ? match[2]! : line
  try {
    const record: unknown = JSON.parse(text)
    if (typeof record === "object" && record !== null && "event" in record) return { service, record: record as LogRecord, text }
  } catch {
    // not JSON: a config error or a crash on stderr
  }
  return { service, text }
}

/** One line of `docker compose logs`, formatted when its text is a JSON record, else shown as it is. */
export function formatComposeLine(line: string, options: { color?: boolean } = {}): string {
  const { service, record, text } = parseComposeLine(line)
  if (record) return formatRecord(record, options)
  return `${" ".repeat(12)} ${paint(serviceColor(service), service.padEnd(24), options.color ?? true)} ${text}`
}

const num = (value: unknown): number | undefined => (typeof value === "number" && Number.isFinite(value) ? value : undefined)
const first = (record: LogRecord, keys: string[]): { key: string; value: number } | undefined => {
  for (const key of keys) {
    const value = num(record[key])
    if (value !== undefined) return { key, value }
  }
  return undefined
}

/** What a service's stats line counts coming in and going out, whatever its role. */
const IN_KEYS = ["received", "answered", "taken", "requests"]
const OUT_KEYS = ["sent", "replies", "done"]

export interface ViewOptions {
  /** Show the per-message lines too. */
  verbose?: boolean
  /** Only services of this pattern (the `pattern` field: pubsub, pipeline, reqrep, router-dealer, ...). */
  pattern?: string
  /** Only this service. */
  service?: string
  color?: boolean
}

/**
 * The view `make logs` prints: compose log lines in, the lines to show out
 * (none, one or two per input line). It keeps a little state: each service's
 * previous stats line (for its rates), and how many times a repeating event
 * (a connect retry) came since it was last shown.
 */
export class LogView {
  private readonly previousStats = new Map<string, { t: number; record: LogRecord }>()
  private readonly repeats = new Map<string, { event: string; count: number; since: string }>()

  constructor(private readonly options: ViewOptions = {}) {}

  feed(line: string): string[] {
    const { service, record, text } = parseComposeLine(line)
    const color = this.options.color ?? true
    if (!record) {
      // Not a log record (a config error, a crash trace): always shown, unless another service's.
      if (this.options.service && service !== this.options.service) return []
      return text.trim() === "" ? [] : [formatComposeLine(line, { color })]
    }
    if (this.options.service && record.service !== this.options.service) return []
    if (this.options.pattern && record.pattern !== this.options.pattern) return []
    const event = String(record.event)
    const name = String(record.service)
    if (event === "stats") return [this.summary(record)]
    if (!this.options.verbose && PER_MESSAGE_EVENTS.has(event)) return []
    const out: string[] = []
    const repeat = this.repeats.get(name)
    if (REPEATING_EVENTS.has(event)) {
      if (repeat?.event === event) {
        repeat.count += 1
        return []
      }
      this.repeats.set(name, { event, count: 0, since: String(record.timestamp ?? "") })
    } else if (repeat) {
      this.repeats.delete(name)
      if (repeat.count > 0) out.push(this.line(record, `… and ${repeat.count} more ${repeat.event} since ${repeat.since.slice(11, 23)}`, YELLOW))
    }
    out.push(formatRecord(record, { color, fields: this.options.verbose === true || LOSS_EVENTS.has(event) }))
    return out
  }

  /** A stats line as one summary: rates in and out since the previous one, totals, lost, duplicated. */
  private summary(record: LogRecord): string {
    const name = String(record.service)
    const t = typeof record.timestamp === "string" ? Date.parse(record.timestamp) : Number.NaN
    const before = this.previousStats.get(`${name}/${String(record.instance)}`)
    this.previousStats.set(`${name}/${String(record.instance)}`, { t, record })
    const seconds = before ? (t - before.t) / 1000 : 0
    const rate = (keys: string[]) => {
      const now = first(record, keys)
      const then = before ? first(before.record, keys) : undefined
      if (!now) return undefined
      const perSecond = then && seconds > 0 ? (now.value - then.value) / seconds : undefined
      return `${now.key} ${now.value}${perSecond === undefined ? "" : ` (${perSecond.toFixed(1)}/s)`}`
    }
    const lost = num(record.lost) ?? 0
    const duplicated = num(record.duplicated) ?? 0
    const parts = [rate(IN_KEYS), rate(OUT_KEYS)].filter((p): p is string => p !== undefined)
    if ("lost" in record) parts.push(paint(lost > 0 ? RED : undefined, `lost ${lost}`, this.options.color ?? true))
    if ("duplicated" in record) parts.push(paint(duplicated > 0 ? RED : undefined, `duplicated ${duplicated}`, this.options.color ?? true))
    const bad = num(record.badMessages) ?? 0
    if (bad > 0) parts.push(paint(RED, `bad messages ${bad}`, this.options.color ?? true))
    return this.line(record, parts.join(" · ") || "no traffic yet", undefined, "summary")
  }

  private line(record: LogRecord, message: string, color?: number, event = ""): string {
    const enabled = this.options.color ?? true
    const service = String(record.service ?? "?")
    const time = typeof record.timestamp === "string" ? record.timestamp.slice(11, 23) : ""
    return `${time} ${paint(serviceColor(service), service.padEnd(24), enabled)} ${paint(color ?? GREY, event.padEnd(18), enabled)} ${paint(color, message, enabled)}`
  }
}

/** Pure: the last `count` events a person would want of the whole lab (life cycle, faults, losses), as a table. */
export function eventsTable(records: LogRecord[], count: number): string {
  const notable = records.filter(r => !PER_MESSAGE_EVENTS.has(String(r.event)) && r.event !== "stats" && r.event !== "summary").slice(-count)
  const rows = notable.map(r => [
    String(r.timestamp ?? "")
      .replace("T", " ")
      .slice(0, 23),
    String(r.service ?? "?"),
    String(r.event),
    String(r.message ?? ""),
  ])
  const header = ["time", "service", "event", "detail"]
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map(row => row[i]!.length)))
  const format = (row: string[]) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join("  ")
  return [format(header), ...rows.map(format)].join("\n")
}
