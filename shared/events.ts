// The log events, by what a person watching the lab wants of them. The events
// themselves are log-events.ts (and docs/logs.md); here, which of them are one
// line per message (shown only on request), which tell of a loss or an error,
// and which of a fault or a change in the lab's life (a disconnect, a retry, a
// restart). Pure data, read by the human-readable view (pretty.ts); every
// name is checked against the log contract (log-events.ts).
import { eventSet } from "./log-events.js"

/** One line per message, per try or per change: the firehose, shown with VERBOSE only. */
export const PER_MESSAGE_EVENTS: ReadonlySet<string> = eventSet(
  "sent",
  "received",
  "delivered",
  "done",
  "acked",
  "out-of-order",
  "forwarded",
  "dispatched",
  "state",
)

/** Something was lost, refused, broken or given up: shown in red. */
export const LOSS_EVENTS: ReadonlySet<string> = eventSet(
  "gap",
  "duplicate",
  "timeout",
  "give-up",
  "dropped",
  "abandoned",
  "unroutable",
  "reply-undelivered",
  "bad-message",
  "too-slow",
  "crash",
  "handler-error",
  "join-unknown",
  "late-reply",
  "unexpected-reply",
  "watch-error",
  "auth:denied",
  "handshake-failed",
  "key-error",
)

/** A fault or a change in the lab's life: shown in yellow. */
export const FAULT_EVENTS: ReadonlySet<string> = eventSet(
  "socket.disconnect",
  "socket.connect:retry",
  "socket.connect:delay",
  "socket.close",
  "producer-restart",
  "late-arrival",
  "worker-expired",
  "worker-gone",
  "worker-exit",
  "queue-silent",
  "blocked",
  "resend",
  "snapshot-timeout",
  "resync",
  "subscriber-left",
  "shutdown",
)

/** Repeats of these from one service are counted, not printed one by one (a peer down: a retry every 100 ms). */
export const REPEATING_EVENTS: ReadonlySet<string> = eventSet("socket.connect:retry", "socket.connect:delay")
