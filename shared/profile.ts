// Where a service's CPU goes: with CPU_PROFILE_MS set, the service profiles
// itself (V8's sampling profiler, through node:inspector) for that long once it
// runs, and logs the functions that took the most time as one `cpu-profile`
// line. The bench reads it for its slowest pattern; anyone can set it.
import { Session } from "node:inspector/promises"
import { setTimeout as sleep } from "node:timers/promises"
import type { EventLog } from "./logger.js"

/** The parts of a V8 CPU profile this reads. */
export interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string; lineNumber: number }; hitCount?: number }>
  startTime: number
  endTime: number
}

export interface Hotspot {
  /** function (file:line), the file relative to the app. */
  where: string
  /** Share of the samples in which this function itself was running. */
  selfPercent: number
}

/** Pure: the functions with the most self time, `top` of them, merged by name and place. */
export function hotspots(profile: CpuProfile, top = 10): Hotspot[] {
  const samples = new Map<string, number>()
  let total = 0
  for (const node of profile.nodes) {
    const hits = node.hitCount ?? 0
    if (hits === 0) continue
    total += hits
    const { functionName, url, lineNumber } = node.callFrame
    const file = url.replace(/^file:\/\//, "").replace(/^\/app\//, "")
    const where = file ? `${functionName || "(anonymous)"} (${file}:${lineNumber + 1})` : functionName || "(anonymous)"
    samples.set(where, (samples.get(where) ?? 0) + hits)
  }
  return [...samples]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([where, hits]) => ({ where, selfPercent: Math.round((hits / total) * 1000) / 10 }))
}

/** Profiles the process for `ms` once, after `delayMs`, and logs its hotspots. */
export function profileOnce(log: EventLog, delayMs: number, ms: number): void {
  const timer = setTimeout(() => {
    void (async () => {
      const session = new Session()
      session.connect()
      try {
        await session.post("Profiler.enable")
        await session.post("Profiler.start")
        await sleep(ms, undefined, { ref: false })
        const { profile } = (await session.post("Profiler.stop")) as unknown as { profile: CpuProfile }
        log.info("cpu-profile", `where the CPU went over ${ms} ms`, { ms, hotspots: hotspots(profile) })
      } catch (error) {
        log.warn("cpu-profile", `the profile failed: ${String(error)}`, { ms, hotspots: [] })
      } finally {
        session.disconnect()
      }
    })()
  }, delayMs)
  timer.unref()
}
