// Round-trip times of a requester between two stats lines: with per-message
// lines off (LOG_MESSAGES=false, as the bench runs) they are the only account
// of latency. Kept as a list for one stats interval, then summed up and cleared.
import { percentile } from "./accounting.js"

export class RoundTrips {
  private times: number[] = []

  record(rttMs: number): void {
    this.times.push(rttMs)
  }

  /** The interval's figures (none when nothing came back), and a fresh interval. */
  take(): { rttCount: number; rttP50Ms?: number; rttP99Ms?: number } {
    const times = this.times
    this.times = []
    if (times.length === 0) return { rttCount: 0 }
    const round = (ms: number | null) => Math.round((ms ?? 0) * 1000) / 1000
    return { rttCount: times.length, rttP50Ms: round(percentile(times, 50)), rttP99Ms: round(percentile(times, 99)) }
  }
}
