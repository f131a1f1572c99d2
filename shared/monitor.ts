// Socket monitor events, logged as `socket.<type>` (socket.connect:retry,
// socket.disconnect, socket.handshake, socket.accept, ...): the reconnects,
// retries and handshakes that ZeroMQ does silently become visible in the logs.
import type { Event, Socket } from "zeromq"
import type { LogEvents } from "./log-events.js"
import type { EventLog } from "./logger.js"

// Failed handshakes on a bound socket mean a peer sent bytes that are not ZMTP
// or that a socket of this type does not accept: that is bad input too.
const HANDSHAKE_FAILURES = new Set(["handshake:error:protocol", "handshake:error:other"])

/** Logs every event until the socket closes; `onEvent` sees each one too (a worker waits for its handshake). */
export async function logSocketEvents(socket: Socket, role: string, log: EventLog, onEvent?: (event: Event) => void): Promise<void> {
  try {
    for await (const event of socket.events) {
      const fields: LogEvents[`socket.${typeof event.type}`] = { socket: role }
      if ("address" in event) fields.address = event.address
      if ("interval" in event) fields.interval = event.interval
      if ("error" in event) fields.error = event.error.message
      const level = event.type.includes("error") ? "warn" : "info"
      const where = "address" in event ? ` ${event.address}` : ""
      log[level](`socket.${event.type}`, `${role} ${event.type}${where}`, fields)
      if (HANDSHAKE_FAILURES.has(event.type)) {
        log.warn("bad-message", `${role}: handshake failed with a peer that does not speak ZMTP for this socket type`, { ...fields, reason: fields.error })
      }
      onEvent?.(event)
    }
  } catch {
    // The observer ends with the socket: nothing left to report.
  }
}
