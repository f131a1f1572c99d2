// The observer's API, as its page and scripts see it: GET /api/state answers a
// State (with the series), the push stream (GET /api/stream) sends "state"
// every second, "points" (each stream's newest second) and "feed" entries as
// they happen; GET /api/events?since=<ms> answers { events: FeedEntry[] }.
// Types only: the page is compiled against them too.
import type { LiveRow } from "../shared/live-figures.js"

export type ServiceState = "created" | "running" | "paused" | "restarting" | "exited" | "dead" | "removed"

export interface ServiceView {
  name: string
  pattern: string
  /** The role in its pattern: the name without the pattern and a replica number. */
  role: string
  state: ServiceState
  exitCode: number | null
  containerId: string
  /** The running process's instance (from its log lines). */
  instance: string | null
  startedAt: number | null
  lines: number
  lastLineAt: number | null
  /** The service's own counters: the fields of its last `stats` line. */
  counters: Record<string, number>
  /** Log lines per second over the last ten seconds. */
  linesPerSec: number
  /** The network faults the observer made on it, until healed. */
  faults: string[]
}

export interface Edge {
  /** The connecting service. */
  from: string
  /** The service whose endpoint it connects to (the endpoint's host). */
  to: string
  endpoint: string
  socket: string
  up: boolean
  since: number
}

export type FeedKind = "life" | "socket" | "loss" | "fault" | "action" | "event"

export interface FeedEntry {
  id: number
  t: number
  service: string
  pattern: string
  kind: FeedKind
  event: string
  message: string
}

export interface StreamView extends LiveRow {
  pattern: string
  /** Messages received (delivered, answered) per second over the last ten seconds. */
  rate: number
}

/** One stream's last ten minutes: per second, what arrived, what was found lost or duplicated. */
export interface Series {
  key: string
  /** The second (epoch s) of the first bucket. */
  start: number
  received: number[]
  lost: number[]
  duplicated: number[]
}

/** A stretch of time a service was not running (killed, stopped, paused) or under a fault. */
export interface Band {
  service: string
  pattern: string
  kind: string
  from: number
  to: number | null
}

export interface Point {
  key: string
  /** The second (epoch s). */
  t: number
  received: number
  lost: number
  duplicated: number
}

export interface State {
  now: number
  services: ServiceView[]
  edges: Edge[]
  streams: StreamView[]
  bands: Band[]
  observer: { lines: number; badLines: number; feed: number; lagMs: { p50: number | null; p99: number | null; samples: number }; rssMiB: number }
  series?: Series[]
}
