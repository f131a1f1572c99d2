// Requests in flight on the asynchronous client: each one a promise keyed by
// its request id (the envelope seq), settled by the matching reply or by its own
// timeout, whichever comes first. An entry is removed the moment it settles, so
// nothing leaks however many replies are lost. Timed-out ids are remembered (a
// bounded window) so a reply that comes after all is reported as late, not as
// a stranger.
import type { Envelope } from "../../shared/envelope.js"

export class RequestTimeout extends Error {
  constructor(
    readonly id: number,
    readonly timeoutMs: number,
  ) {
    super(`request ${id} timed out after ${timeoutMs} ms`)
    this.name = "RequestTimeout"
  }
}

export class RequestAbandoned extends Error {
  constructor(readonly id: number) {
    super(`request ${id} abandoned at shutdown`)
    this.name = "RequestAbandoned"
  }
}

interface Entry {
  resolve(reply: Envelope): void
  reject(error: Error): void
  timer: NodeJS.Timeout
}

export type Settled = "resolved" | "late" | "unknown"

const TIMED_OUT_MEMORY = 10_000

export class PendingRequests {
  private readonly entries = new Map<number, Entry>()
  private readonly timedOut = new Set<number>()
  private emptied: Array<() => void> = []
  private below: Array<{ limit: number; resolve: () => void }> = []

  get size(): number {
    return this.entries.size
  }

  /** Resolves when no request is pending (at once when none is). */
  settled(): Promise<void> {
    if (this.entries.size === 0) return Promise.resolve()
    return new Promise(resolve => this.emptied.push(resolve))
  }

  /** Resolves when fewer than `limit` requests are pending (at once when fewer are). */
  fewerThan(limit: number): Promise<void> {
    if (this.entries.size < limit) return Promise.resolve()
    return new Promise(resolve => this.below.push({ limit, resolve }))
  }

  private remove(id: number): void {
    this.entries.delete(id)
    this.below = this.below.filter(waiter => (this.entries.size < waiter.limit ? (waiter.resolve(), false) : true))
    if (this.entries.size > 0) return
    for (const resolve of this.emptied.splice(0)) resolve()
  }

  /** Registers request `id`; the promise settles with its reply or a RequestTimeout. */
  add(id: number, timeoutMs: number): Promise<Envelope> {
    if (this.entries.has(id)) return Promise.reject(new Error(`request ${id} is already pending`))
    return new Promise<Envelope>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.timedOut.add(id)
        if (this.timedOut.size > TIMED_OUT_MEMORY) this.timedOut.delete(this.timedOut.values().next().value!)
        // Settled first, then removed: whoever awaits settled() sees it counted.
        reject(new RequestTimeout(id, timeoutMs))
        this.remove(id)
      }, timeoutMs)
      this.entries.set(id, { resolve, reject, timer })
    })
  }

  /** Settles request `id` with its reply; says whether it was pending, late or unknown. */
  resolve(id: number, reply: Envelope): Settled {
    const entry = this.entries.get(id)
    if (!entry) return this.timedOut.delete(id) ? "late" : "unknown"
    clearTimeout(entry.timer)
    entry.resolve(reply)
    this.remove(id)
    return "resolved"
  }

  /** Rejects every pending request (at shutdown); returns their ids. A reply that still comes for one is late, not a stranger's. */
  abandonAll(): number[] {
    const ids = [...this.entries.keys()]
    for (const [id, entry] of this.entries) {
      clearTimeout(entry.timer)
      this.timedOut.add(id)
      entry.reject(new RequestAbandoned(id))
    }
    this.entries.clear()
    for (const resolve of this.emptied.splice(0)) resolve()
    for (const waiter of this.below.splice(0)) waiter.resolve()
    return ids
  }
}
