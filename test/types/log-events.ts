// Type-level tests of the log contract (shared/log-events.ts), checked by
// `make typecheck`: each `@ts-expect-error` line must fail to compile, so if
// the contract stopped rejecting it, the directive itself would be the error.
// Nothing here runs.
import type { HistoryEventName } from "../../scenarios/runner/history.js"
import { eventSet, type EventName, type LogEvent } from "../../shared/log-events.js"
import type { EventLog } from "../../shared/logger.js"
import type { Service } from "../../shared/service.js"

export function contract(log: EventLog, service: Service<unknown>): void {
  // The events as services log them.
  log.info("listening", "bound", { socket: "pub", endpoint: "tcp://*:5556" })
  log.warn("gap", "lost", { producer: "p", incarnation: "i", stream: "ticks", missing: [{ from: 3, to: 7 }], count: 5 })
  log.info("socket.connect:retry", "retrying", { socket: "sub", address: "tcp://pubsub-publisher:5556", interval: 100 })
  log.info("ready", "connected")
  service.message("sent", "seq 1", { stream: "ticks", incarnation: "i", seq: 1, topic: "ticks" })

  // @ts-expect-error an event the contract does not name
  log.info("recieved", "a typo", { producer: "p", incarnation: "i", stream: "ticks", seq: 1 })
  // @ts-expect-error an unknown event, through the per-message logger too
  service.message("message-sent", "seq 1", { stream: "ticks", incarnation: "i", seq: 1 })
  // @ts-expect-error a field of the wrong type (seq is a number)
  log.warn("duplicate", "twice", { producer: "p", incarnation: "i", stream: "ticks", seq: "1" })
  // @ts-expect-error a required field missing (which stream?)
  log.info("producing", "numbering", { promise: "fan-out", incarnation: "i" })
  // @ts-expect-error a field the event does not have
  log.info("listening", "bound", { socket: "pub", endpoint: "tcp://*:5556", port: 5556 })
  // @ts-expect-error a promise the accounting does not know
  log.info("producing", "numbering", { stream: "ticks", promise: "at-most-once", incarnation: "i" })
  // @ts-expect-error an event with required fields logged without them
  log.warn("give-up")
  // @ts-expect-error a socket event zeromq does not have
  log.info("socket.reconnect", "no such monitor event", { socket: "sub" })
}

export function readers(): void {
  const shown: ReadonlySet<string> = eventSet("gap", "duplicate")
  void shown
  // @ts-expect-error the printer's and checkers' sets are checked too
  eventSet("gap", "dupe")

  const waitedFor: HistoryEventName = "phase"
  void waitedFor
  // @ts-expect-error neither a service's event nor the runner's
  const unknown: HistoryEventName = "stage"
  void unknown

  // The union narrows on `event`: a reader of a gap sees its ranges.
  const record = { event: "gap", producer: "p", incarnation: "i", stream: "ticks", missing: [{ from: 1, to: 2 }], count: 2 } as LogEvent
  if (record.event === "gap") {
    const count: number = record.missing.length
    void count
  }
  const name: EventName = record.event
  void name
}
