// Collects JSON log records from a stream (a child process's stdout, or
// `docker compose logs -f`) and lets a test wait for the record it expects.
// Waiting is on events: `waitFor` resolves the moment a matching line arrives;
// its timeout only bounds a failure, and says what was being waited for.
import { createInterface } from "node:readline"
import type { Readable } from "node:stream"
import type { EventName } from "../shared/log-events.js"

export type LogRecord = Record<string, unknown> & { event: string; service: string; timestamp: string }
type Predicate = (record: LogRecord) => boolean

interface Waiter {
  predicate: Predicate
  resolve(record: LogRecord): void
}

export class LogCollector {
  readonly records: LogRecord[] = []
  readonly otherLines: string[] = []
  private waiters = new Set<Waiter>()

  /** Reads lines from `input`; `prefixed` strips a `docker compose logs` prefix ("name | "). */
  follow(input: Readable, { prefixed = false } = {}): void {
    const lines = createInterface({ input, crlfDelay: Infinity })
    // compose prefixes each line with "<container> | " (and may clear the line first)
    // eslint-disable-next-line no-control-regex -- the ESC of that clear-line code
    lines.on("line", line => this.add(prefixed ? line.replace(/^(\u001b\[2K)?\S+\s+\|\s?/, "") : line))
  }

  add(line: string): void {
    let record: unknown
    try {
      record = JSON.parse(line)
    } catch {
      this.otherLines.push(line)
      return
    }
    if (typeof record !== "object" || record === null || !("event" in record)) {
      this.otherLines.push(line)
      return
    }
    const entry = record as LogRecord
    this.records.push(entry)
    for (const waiter of [...this.waiters]) {
      if (waiter.predicate(entry)) {
        this.waiters.delete(waiter)
        waiter.resolve(entry)
      }
    }
  }

  find(predicate: Predicate): LogRecord | undefined {
    return this.records.find(predicate)
  }

  filter(predicate: Predicate): LogRecord[] {
    return this.records.filter(predicate)
  }

  /** Resolves with the first record (already seen or yet to come) that matches. */
  waitFor(description: string, predicate: Predicate, timeoutMs: number, { after = 0 } = {}): Promise<LogRecord> {
    const seen = this.records.slice(after).find(predicate)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const waiter: Waiter = {
        predicate,
        resolve: record => {
          clearTimeout(timer)
          resolve(record)
        },
      }
      const timer = setTimeout(() => {
        this.waiters.delete(waiter)
        const recent = this.records.slice(-15).map(r => `${r.service} ${r.event}: ${String(r.message)}`)
        reject(
          new Error(
            `timed out after ${timeoutMs} ms waiting for ${description}; last records:\n  ${recent.join("\n  ")}\n  other lines: ${this.otherLines.slice(-5).join(" | ")}`,
          ),
        )
      }, timeoutMs)
      this.waiters.add(waiter)
    })
  }

  /** A position to pass as `after`, so a wait only looks at what comes next. */
  get mark(): number {
    return this.records.length
  }
}

/** Matches records of one service and event, with optional field checks. */
export const is =
  (service: string, event: EventName, check: (record: LogRecord) => boolean = () => true): Predicate =>
  record =>
    record.service === service && record.event === event && check(record)
