// Requests in flight on the asynchronous client: each one a promise keyed by
// its request id (the envelope seq), settled by the matching reply or by its own
// timeout, whichever comes first. An entry is removed the moment it settles, so
// nothing leaks however many replies are lost. Timed-out ids are remembered (a
// bounded window) so a reply that comes after all is reported as late, not as
// a stranger.
import type { Envelope } from "../../shared/envelope.js"

export class RequestTimeout extends Error {
  constructor(readonly id: number, readonly timeoutMs: number) {
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

  get size(): number {
    return this.entries.size
  }

  /** Registers request `id`; the promise settles with its reply or a RequestTimeout. */
  add(id: number, timeoutMs: number): Promise<Envelope> {
    if (this.entries.has(id)) return Promise.reject(new Error(`request ${id} is already pending`))
    return new Promise<Envelope>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.entries.delete(id)
        this.timedOut.add(id)
        if (this.timedOut.size > TIMED_OUT_MEMORY) this.timedOut.delete(this.timedOut.values().next().value!)
        reject(new RequestTimeout(id, timeoutMs))
      }, timeoutMs)
      this.entries.set(id, { resolve, reject, timer })
    })
  }

  /** Settles request `id` with its reply; says whether it was pending, late or unknown. */
  resolve(id: number, reply: Envelope): Settled {
    const entry = this.entries.get(id)
    if (!entry) return this.timedOut.delete(id) ? "late" : "unknown"
    clearTimeout(entry.timer)
    this.entries.delete(id)
    entry.resolve(reply)
    return "resolved"
  }

  /** Rejects every pending request (at shutdown); returns their ids. */
  abandonAll(): number[] {
    const ids = [...this.entries.keys()]
    for (const [id, entry] of this.entries) {
      clearTimeout(entry.timer)
      entry.reject(new RequestAbandoned(id))
    }
    this.entries.clear()
    return ids
  }
}
