// Human-readable log lines: `LOG_FORMAT=pretty` in a service, and `make logs`,
// which reads the JSON lines of all containers and prints them this way.
// One color per service (a stable hash of its name), warnings and errors in
// their own colors. Pure: a record in, a line out.

const SERVICE_COLORS = [36, 32, 35, 33, 34, 96, 92, 95, 93, 94] // cyan, green, magenta, yellow, blue, bright variants
const LEVEL_COLORS: Record<string, number> = { error: 31, warn: 33, debug: 90 }
const SHOWN = new Set(["timestamp", "level", "service", "pattern", "event", "message", "pid", "instance"])

const paint = (color: number | undefined, text: string, enabled: boolean) => (enabled && color !== undefined ? `\u001b[${color}m${text}\u001b[0m` : text)

export function serviceColor(service: string): number {
  let hash = 0
  for (const char of service) hash = (hash * 31 + char.charCodeAt(0)) >>> 0
  return SERVICE_COLORS[hash % SERVICE_COLORS.length]!
}

export function formatRecord(record: Record<string, unknown>, { color = true, width = 24 } = {}): string {
  const service = String(record.service ?? "?")
  const level = String(record.level ?? "info")
  const time = typeof record.timestamp === "string" ? record.timestamp.slice(11, 23) : ""
  const extra = Object.fromEntries(Object.entries(record).filter(([key]) => !SHOWN.has(key)))
  const fields = Object.keys(extra).length > 0 ? ` ${paint(90, JSON.stringify(extra), color)}` : ""
  const event = paint(LEVEL_COLORS[level], String(record.event ?? level).padEnd(18), color)
  return `${time} ${paint(serviceColor(service), service.padEnd(width), color)} ${event} ${String(record.message ?? "")}${fields}`
}

/** One line of `docker compose logs` ("<container> | <text>"), formatted when its text is a JSON record. */
export function formatComposeLine(line: string, options: { color?: boolean } = {}): string {
  // Compose may start a line with the terminal code "clear line" (ESC [2K).
  // eslint-disable-next-line no-control-regex -- that code's ESC
  const match = /^(?:\u001b\[2K)?(\S+)\s+\|\s?(.*)$/.exec(line)
  const container = match?.[1] ?? ""
  const text = match ? match[2]! : line
  try {
    const record: unknown = JSON.parse(text)
    if (typeof record === "object" && record !== null && "event" in record) return formatRecord(record as Record<string, unknown>, options)
  } catch {
    // not JSON: a config error or a crash on stderr, shown as it is
  }
  const name = container.replace(/-\d+$/, "")
  return `${" ".repeat(12)} ${paint(serviceColor(name), name.padEnd(24), options.color ?? true)} ${text}`
}
