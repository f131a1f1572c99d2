// The reliable ventilator's ledger: which tasks were sent and which the sink
// has acknowledged. Pure (the journal feeds it), so replay after a restart is
// tested without sockets.

export type LedgerEntry = { sent: number; workMs: number } | { acked: number }

export interface Outstanding {
  taskId: number
  workMs: number
  lastSentAt: number
  attempts: number
}

export class Ledger {
  private readonly outstanding = new Map<number, Outstanding>()
  private readonly done = new Set<number>()
  private highest = 0

  /** Rebuilds the state from a journal: the next id, and what is still unacknowledged. */
  static replay(entries: LedgerEntry[], now: number): Ledger {
    const ledger = new Ledger()
    for (const entry of entries) {
      if ("sent" in entry) ledger.sent(entry.sent, entry.workMs, now)
      else ledger.ack(entry.acked)
    }
    // After a restart everything outstanding is due at once.
    for (const task of ledger.outstanding.values()) task.lastSentAt = Number.NEGATIVE_INFINITY
    return ledger
  }

  get nextId(): number {
    return this.highest + 1
  }

  get pending(): number {
    return this.outstanding.size
  }

  get acked(): number {
    return this.done.size
  }

  sent(taskId: number, workMs: number, now: number): void {
    this.highest = Math.max(this.highest, taskId)
    if (this.done.has(taskId)) return
    const known = this.outstanding.get(taskId)
    if (known) {
      known.lastSentAt = now
      known.attempts += 1
    } else {
      this.outstanding.set(taskId, { taskId, workMs, lastSentAt: now, attempts: 1 })
    }
  }

  /** True the first time a task is acknowledged. */
  ack(taskId: number): boolean {
    if (this.done.has(taskId)) return false
    this.done.add(taskId)
    this.outstanding.delete(taskId)
    return true
  }

  /** Tasks sent more than `timeoutMs` ago and still unacknowledged, oldest first. */
  due(now: number, timeoutMs: number): Outstanding[] {
    return [...this.outstanding.values()].filter(task => now - task.lastSentAt >= timeoutMs).sort((a, b) => a.taskId - b.taskId)
  }
}
