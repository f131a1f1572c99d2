// The history of a run: every JSON log event of every container, with the
// runner's own actions merged in, ordered by time. A checker reads nothing else.
import type { EventName } from "../../shared/log-events.js"

export interface HistoryEvent {
  /** Epoch milliseconds (from the log line's ISO timestamp). */
  t: number
  service: string
  event: string
  /** The scenario variant the event belongs to. */
  variant: string
  [field: string]: unknown
}

export type History = HistoryEvent[]

/** The runner's own events: `service` is "runner", `event` one of these. */
export const RUNNER = "runner"
/** action: a fault or a command on the system; phase: started, producers-stopped, drained, stopped; address: a container's IP. */
export type RunnerEventName = "action" | "phase" | "address"
/** What a history's `event` may be named: a service's log event or the runner's own. */
export type HistoryEventName = EventName | RunnerEventName

export function toHistoryEvent(record: Record<string, unknown>, variant: string): HistoryEvent | undefined {
  const t = typeof record.timestamp === "string" ? Date.parse(record.timestamp) : Number.NaN
  if (!Number.isFinite(t) || typeof record.service !== "string" || typeof record.event !== "string") return undefined
  return { ...record, t, service: record.service, event: record.event, variant }
}

export const byTime = (a: HistoryEvent, b: HistoryEvent) => a.t - b.t

export function toNdjson(history: History): string {
  return history.map(event => JSON.stringify(event)).join("\n") + "\n"
}

export function fromNdjson(text: string): History {
  return text
    .split("\n")
    .filter(line => line.trim() !== "")
    .map(line => JSON.parse(line) as HistoryEvent)
}
