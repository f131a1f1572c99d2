// Socket monitor events, logged as `socket.<type>` (socket.connect:retry,
// socket.disconnect, socket.handshake, socket.accept, ...): the reconnects,
// retries and handshakes that ZeroMQ does silently become visible in the logs.
import type { Event, Socket } from "zeromq"
import type { LogEvents } from "./log-events.js"
import type { EventLog } from "./logger.js"

/** Which end of its connections a socket is: it binds (a server), or it connects (a client). */
export type Side = "bound" | "connecting"

// Failed handshakes on a bound socket mean a peer sent bytes that are not ZMTP
// or that a socket of this type does not accept: that is bad input too.
const HANDSHAKE_FAILURES = new Set(["handshake:error:protocol", "handshake:error:other"])

export type HandshakeCause = "client-denied" | "denied" | "wrong-server-key" | "closed-in-handshake" | "mechanism-mismatch" | "not-zmtp"

/**
 * Pure: what a failed handshake means, in the terms a person debugging CURVE
 * needs. "Server down" never gets here (a client sees connect:retry, never a
 * handshake); a refused key, a wrong server key and a plain peer each leave
 * their own mark on each side.
 */
export function handshakeFailure(type: string, error: string, side: Side): { cause: HandshakeCause; explanation: string } | undefined {
  if (!type.startsWith("handshake:error")) return undefined
  if (type === "handshake:error:auth")
    return side === "bound"
      ? { cause: "client-denied", explanation: "a client's key is not on the allow-list (see auth:denied)" }
      : { cause: "denied", explanation: "the server refused this client's key: it is not on the server's allow-list" }
  if (error.includes("MECHANISM_MISMATCH")) return { cause: "mechanism-mismatch", explanation: "one side speaks CURVE and the other does not" }
  if (side === "bound" && error.includes("CRYPTOGRAPHIC"))
    return { cause: "wrong-server-key", explanation: "a client encrypted for another server key: it trusts the wrong server key" }
  if (side === "connecting")
    return {
      cause: "closed-in-handshake",
      explanation: "the server closed the connection during the handshake: with CURVE, most likely the server key this client trusts is not the server's",
    }
  return { cause: "not-zmtp", explanation: "a peer that does not speak ZMTP for this socket type" }
}

/** Logs every event until the socket closes; `onEvent` sees each one too (a worker waits for its handshake). */
export async function logSocketEvents(socket: Socket, role: string, side: Side, log: EventLog, onEvent?: (event: Event) => void): Promise<void> {
  try {
    for await (const event of socket.events) {
      const fields: LogEvents[`socket.${typeof event.type}`] = { socket: role }
      if ("address" in event) fields.address = event.address
      if ("interval" in event) fields.interval = event.interval
      // The code says what the message does not: "ZMTP protocol error" is every protocol error; ERR_ZMTP_CRYPTOGRAPHIC is one.
      if ("error" in event) {
        const code = "code" in event.error ? event.error.code : undefined
        fields.error = code ? `${event.error.message} (${code})` : event.error.message
      }
      const level = event.type.includes("error") ? "warn" : "info"
      const where = "address" in event ? ` ${event.address}` : ""
      log[level](`socket.${event.type}`, `${role} ${event.type}${where}`, fields)
      const failure = handshakeFailure(event.type, fields.error ?? "", side)
      if (failure) log.warn("handshake-failed", `${role}${where}: ${failure.explanation}`, { ...fields, side, cause: failure.cause })
      // A peer refused by the allow-list is logged as auth:denied; any other failed handshake on a bound socket is bad input.
      if (side === "bound" && failure && failure.cause !== "client-denied" && HANDSHAKE_FAILURES.has(event.type)) {
        const kind = failure.cause === "mechanism-mismatch" || failure.cause === "wrong-server-key" ? failure.cause : "not-zmtp"
        log.warn("bad-message", `${role}: handshake failed: ${failure.explanation}`, { ...fields, kind, reason: fields.error })
      }
      onEvent?.(event)
    }
  } catch {
    // The observer ends with the socket: nothing left to report.
  }
}
