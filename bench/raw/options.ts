// What both ends of a raw pair are told, on their command line.
import { parseArgs } from "node:util"
import { PATTERNS, type Pattern } from "../figures.js"
import type { MeterOptions } from "../meter.js"

export interface RawOptions extends MeterOptions {
  pattern: Pattern
  sizeBytes: number
  /** The receiver binds it, the sender connects to it. */
  endpoint: string
  /** How long a side goes on after its own last window, so that its peer's windows (begun a little later) close too. */
  graceMs: number
}

export function readOptions(argv = process.argv.slice(2)): RawOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      pattern: { type: "string" },
      size: { type: "string", default: "64" },
      endpoint: { type: "string" },
      "warmup-ms": { type: "string", default: "1000" },
      windows: { type: "string", default: "3" },
      "window-ms": { type: "string", default: "3000" },
      "grace-ms": { type: "string", default: "1500" },
    },
  })
  const pattern = values.pattern as Pattern
  if (!PATTERNS.includes(pattern)) throw new Error(`--pattern must be one of ${PATTERNS.join(", ")}, not ${String(values.pattern)}`)
  if (!values.endpoint) throw new Error("--endpoint is required (tcp://host:port)")
  const whole = (name: keyof typeof values, min: number) => {
    const value = Number(values[name])
    if (!Number.isInteger(value) || value < min) throw new Error(`--${name} must be a whole number ≥ ${min}, not ${String(values[name])}`)
    return value
  }
  return {
    pattern,
    sizeBytes: whole("size", 8),
    endpoint: values.endpoint,
    warmupMs: whole("warmup-ms", 0),
    windows: whole("windows", 1),
    windowMs: whole("window-ms", 100),
    graceMs: whole("grace-ms", 0),
  }
}

/** The line a side prints when it is done: what the bench driver reads. */
export const report = (role: string, options: RawOptions, windows: unknown): void =>
  void process.stdout.write(`${JSON.stringify({ role, pattern: options.pattern, sizeBytes: options.sizeBytes, windows })}\n`)

/** A side whose peer never came (or went for good) would wait forever: it gives up, saying so, well after a run's time. */
export function watchdog(options: RawOptions): void {
  const limitMs = options.warmupMs + options.windows * options.windowMs + options.graceMs + 30_000
  setTimeout(() => {
    process.stderr.write(`no end after ${limitMs} ms: the peer at ${options.endpoint} never answered, or went away\n`)
    process.exit(1)
  }, limitMs).unref()
}
