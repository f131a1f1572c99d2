// Paranoid Pirate, what the queue knows of its workers: who is ready, who is
// busy with which request, and until when each counts as alive. Any message
// from a worker (ready, heartbeat, reply) renews its lease; a worker silent for
// longer than the lease (killed, paused, cut off) is expired, and a request it
// held is reported so the caller can say so (the client will retry it).
// Pure: time comes in as an argument, so it is tested without sockets or clocks.

export interface Held {
  /** The client's routing identity (ROUTER frame), to send the reply back. */
  client: Buffer
  /** The request's key, for the logs. */
  key: string
  since: number
}

interface Worker {
  id: string
  identity: Buffer
  expiresAt: number
  held?: Held
}

export class WorkerRegistry {
  private readonly workers = new Map<string, Worker>()
  /** Ready workers, least recently used first: the next request goes to the head. */
  private readonly ready: string[] = []

  constructor(private readonly leaseMs: number) {}

  get size(): number {
    return this.workers.size
  }

  get readyCount(): number {
    return this.ready.length
  }

  identities(): Buffer[] {
    return [...this.workers.values()].map(w => w.identity)
  }

  /**
   * A sign of life (heartbeat or ready): renews the lease. An idle worker the
   * queue did not know (a new one, or one that outlived a restart of the queue)
   * becomes ready. Returns "new" for a worker not known before.
   */
  alive(identity: Buffer, now: number): "new" | "known" {
    const id = identity.toString("hex")
    const known = this.workers.get(id)
    if (known) {
      known.expiresAt = now + this.leaseMs
      return "known"
    }
    this.workers.set(id, { id, identity, expiresAt: now + this.leaseMs })
    this.ready.push(id)
    return "new"
  }

  /** The worker answered: it is ready again (after its earlier requests). Returns what it held. */
  replied(identity: Buffer, now: number): Held | undefined {
    const id = identity.toString("hex")
    const worker = this.workers.get(id)
    if (!worker) {
      this.alive(identity, now)
      return undefined
    }
    const held = worker.held
    worker.held = undefined
    worker.expiresAt = now + this.leaseMs
    if (!this.ready.includes(id)) this.ready.push(id)
    return held
  }

  /** Takes the least recently used ready worker for a request, or undefined when none is. */
  take(request: Held, now: number): Buffer | undefined {
    for (;;) {
      const id = this.ready.shift()
      if (id === undefined) return undefined
      const worker = this.workers.get(id)
      // Never hand work to a worker whose lease ran out, even before expire() ran.
      if (!worker || worker.expiresAt <= now) continue
      worker.held = { ...request, since: now }
      return worker.identity
    }
  }

  /** Forgets a worker (a send to it failed: it is gone). Returns what it held. */
  remove(identity: Buffer): Held | undefined {
    const id = identity.toString("hex")
    const worker = this.workers.get(id)
    this.workers.delete(id)
    const at = this.ready.indexOf(id)
    if (at >= 0) this.ready.splice(at, 1)
    return worker?.held
  }

  /** Forgets every worker whose lease ran out; returns them with what they held. */
  expire(now: number): { identity: Buffer; silentMs: number; held?: Held }[] {
    const expired: { identity: Buffer; silentMs: number; held?: Held }[] = []
    for (const worker of [...this.workers.values()]) {
      if (worker.expiresAt > now) continue
      this.remove(worker.identity)
      expired.push({ identity: worker.identity, silentMs: now - (worker.expiresAt - this.leaseMs), ...(worker.held ? { held: worker.held } : {}) })
    }
    return expired
  }
}
