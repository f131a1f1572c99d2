// The chaos schedule: a seeded, repeatable list of faults. The same seed gives
// the same faults at the same times, so a run can be repeated exactly; the
// naive and the reliable variant of a pattern get each fault together.
// Pure: no clock, no randomness but the seed's.

/** kill, pause, disconnect: the container; loss (30 %) and blackhole: its network (shared/faults.ts). */
export type FaultKind = "kill" | "pause" | "disconnect" | "loss" | "blackhole"
export const FAULT_KINDS: readonly FaultKind[] = ["kill", "pause", "disconnect", "loss", "blackhole"]
export const DEFAULT_KINDS: FaultKind[] = ["kill", "pause", "disconnect"]

/** "kill,loss" -> the kinds, or an error naming what is not one. */
export function parseKinds(text: string): FaultKind[] {
  if (text.trim() === "") return DEFAULT_KINDS
  const kinds = text.split(",").map(k => k.trim())
  const unknown = kinds.filter(k => !(FAULT_KINDS as readonly string[]).includes(k))
  if (unknown.length > 0) throw new Error(`FAULTS=${text}: ${unknown.join(", ")} not a fault kind (${FAULT_KINDS.join(", ")})`)
  return kinds as FaultKind[]
}

export interface Fault {
  /** Start, in ms from the beginning of the chaos phase. */
  at: number
  kind: FaultKind
  /** The role hit (a key of the pattern's role map: "worker", "sink", ...). */
  role: string
  /** How long the fault lasts before the role is restarted, unpaused or reconnected. */
  durationMs: number
}

export interface ScheduleOptions {
  seed: number
  durationMs: number
  roles: string[]
  kinds?: FaultKind[]
  /** Outage length bounds. */
  minOutageMs?: number
  maxOutageMs?: number
  /** Calm between two faults. */
  minCalmMs?: number
  maxCalmMs?: number
}

/** mulberry32: a small, well-distributed 32-bit generator; enough for a test schedule. */
export function random(seed: number): () => number {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export function schedule({
  seed,
  durationMs,
  roles,
  kinds = DEFAULT_KINDS,
  minOutageMs = 500,
  maxOutageMs = 2000,
  minCalmMs = 300,
  maxCalmMs = 1000,
}: ScheduleOptions): Fault[] {
  if (roles.length === 0 || kinds.length === 0) throw new Error("a schedule needs at least one role and one kind of fault")
  const next = random(seed)
  const between = (min: number, max: number) => Math.round(min + next() * (max - min))
  const pick = <T>(items: T[]) => items[Math.floor(next() * items.length)]!
  const faults: Fault[] = []
  // One fault at a time: each ends (restart, unpause, reconnect) before the next begins.
  let at = between(minCalmMs, maxCalmMs)
  for (;;) {
    const outage = between(minOutageMs, maxOutageMs)
    if (at + outage > durationMs) break
    faults.push({ at, kind: pick(kinds), role: pick(roles), durationMs: outage })
    at += outage + between(minCalmMs, maxCalmMs)
  }
  return faults
}
