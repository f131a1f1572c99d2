// The bench's meter: counts messages (and round-trip times) in fixed windows of
// time after a warm-up, each window with the CPU this process used in it.
// The clock starts at the first message, not at the program's start: a peer
// still connecting is no part of a throughput. Every end of the bench (the raw
// pairs' both sides) runs one, so each side reports its own CPU over about the
// same span of time.
//
// Time is read per message (performance.now(), tens of nanoseconds): a loop
// that sends or receives without pause may not give timers a turn, so windows
// are closed by the messages themselves; the stall timer closes them when
// messages stop coming at all.
import { median, percentile } from "./figures.js"

export interface MeterOptions {
  warmupMs: number
  windows: number
  windowMs: number
}

/** One window: what a side did in it. Latencies only where round trips were timed. */
export interface Window {
  messages: number
  seconds: number
  cpuSeconds: number
  p50Ms?: number
  p99Ms?: number
}

export class Meter {
  readonly windows: Window[] = []
  /** Resolves when the last window is closed. */
  readonly done: Promise<Window[]>
  private resolve!: (windows: Window[]) => void
  private startedAt = -1
  private windowStart = 0
  private cpuStart = 0
  private count = 0
  private rtts: number[] = []
  private stall: NodeJS.Timeout | undefined

  constructor(private readonly options: MeterOptions) {
    this.done = new Promise(resolve => (this.resolve = resolve))
  }

  get finished(): boolean {
    return this.windows.length >= this.options.windows
  }

  /** Counts one message (with its round-trip time, when timed). */
  tick(rttMs?: number): void {
    const now = performance.now()
    if (this.startedAt < 0) {
      this.startedAt = now
      this.windowStart = now + this.options.warmupMs
      this.armStall()
    }
    this.roll(now)
    if (now < this.windowStart || this.finished) return
    this.count += 1
    if (rttMs !== undefined) this.rtts.push(rttMs)
  }

  /** Closes every window whose time is up (the first one opens after the warm-up). */
  private roll(now: number): void {
    if (now < this.windowStart) return
    if (this.cpuStart === 0) this.cpuStart = cpuSeconds()
    while (!this.finished && now >= this.windowStart + this.options.windowMs) {
      const cpu = cpuSeconds()
      this.windows.push({
        messages: this.count,
        seconds: this.options.windowMs / 1000,
        cpuSeconds: cpu - this.cpuStart,
        ...(this.rtts.length > 0 ? { p50Ms: percentile(this.rtts, 50), p99Ms: percentile(this.rtts, 99) } : {}),
      })
      this.cpuStart = cpu
      this.windowStart += this.options.windowMs
      this.count = 0
      this.rtts = []
    }
    if (this.finished) {
      clearTimeout(this.stall)
      this.resolve(this.windows)
    }
  }

  /** Messages stopped (a peer gone): the windows still close, on time, with what they had. */
  private armStall(): void {
    this.stall = setTimeout(() => {
      this.roll(performance.now())
      if (!this.finished) this.armStall()
    }, this.options.windowMs / 4)
    this.stall.unref()
  }
}

const cpuSeconds = (): number => {
  const { user, system } = process.cpuUsage()
  return (user + system) / 1e6
}

/** The medians of a side's windows: the figure a run reports. */
export function summarize(windows: Window[]) {
  const rate = (w: Window) => w.messages / w.seconds
  const timed = windows.filter(w => w.p50Ms !== undefined)
  return {
    msgPerSec: median(windows.map(rate)),
    cpu: median(windows.map(w => w.cpuSeconds / w.seconds)),
    ...(timed.length > 0 ? { p50Ms: median(timed.map(w => w.p50Ms!)), p99Ms: median(timed.map(w => w.p99Ms!)) } : {}),
  }
}
