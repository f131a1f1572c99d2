// Socket set-up shared by all services: the options every socket takes from the
// config (linger, reconnect, heartbeats, high-water marks), and bind/connect
// that log `listening`/`connecting` and watch the socket's monitor events.
import type { Event, Socket } from "zeromq"
import { clientSecurity, isSecured, KeyFileError, serverSecurity, startAuthenticator } from "./curve.js"
import { logSocketEvents, type Side } from "./monitor.js"
import type { CommonConfig, Service } from "./service.js"

type Direction = "send" | "receive" | "both"

/**
 * ZMQ_MAXMSGSIZE on every socket: a peer that sends a frame far above what the
 * lab takes is cut off by ZeroMQ before the frame is buffered whole (a 2 GB
 * frame would otherwise be read into memory first). The room above
 * MAX_MESSAGE_BYTES leaves the lab's own check (counted, answered) the frames
 * just above it.
 */
export function socketMaxMessageBytes(config: Pick<CommonConfig, "SOCKET_MAX_MESSAGE_BYTES" | "MAX_MESSAGE_BYTES">): number {
  return config.SOCKET_MAX_MESSAGE_BYTES === 0 ? config.MAX_MESSAGE_BYTES + 65_536 : config.SOCKET_MAX_MESSAGE_BYTES
}

export function socketOptions(config: CommonConfig, direction: Direction) {
  // zeromq.js sockets are sealed: a send-only socket has no receive options.
  const send = direction !== "receive" ? { sendHighWaterMark: config.SEND_HWM } : {}
  const receive = direction !== "send" ? { receiveHighWaterMark: config.RECEIVE_HWM } : {}
  return {
    ...send,
    ...receive,
    // A bounded linger: a closing socket drops what it could not send in time,
    // so no process hangs at exit on messages for a peer that is gone.
    linger: config.SHUTDOWN_LINGER_MS,
    // A connect attempt made just before its peer is reachable (a container
    // starting) would wait for TCP's SYN retransmission, about 1 s; giving up
    // after CONNECT_TIMEOUT_MS and retrying at once reconnects in ~100 ms.
    connectTimeout: config.CONNECT_TIMEOUT_MS,
    reconnectInterval: config.RECONNECT_IVL_MS,
    reconnectMaxInterval: config.RECONNECT_IVL_MAX_MS,
    // ZMTP heartbeats (0 = off): without them a silent peer (paused, cut off)
    // is not noticed until TCP itself gives up, which can take minutes.
    heartbeatInterval: config.HEARTBEAT_INTERVAL_MS,
    heartbeatTimeout: config.HEARTBEAT_TIMEOUT_MS,
    heartbeatTimeToLive: config.HEARTBEAT_TTL_MS,
    // A half-open link (no RST) is found by TCP only when data waits to be acknowledged.
    tcpMaxRetransmitTimeout: config.TCP_MAXRT_MS,
    immediate: config.IMMEDIATE,
    // A peer that opens a connection and never finishes its greeting (bytes
    // that are not ZMTP, a stalled client) holds it for this long, not 30 s.
    handshakeInterval: config.HANDSHAKE_IVL_MS,
    maxMessageSize: socketMaxMessageBytes(config),
  }
}

/** A publisher's: drop at a subscriber's high-water mark (PUB's way), or wait (XPUB_NODROP). */
export const xpubOptions = (config: CommonConfig) => ({ ...socketOptions(config, "both"), noDrop: config.XPUB_NODROP })
/** A ROUTER's: what it does with a reply to a peer that is gone, and with an identity already in use. */
// A mandatory ROUTER's send to a peer that has just gone can wait for good
// (its pipe is neither writable nor gone: libzmq #2348), holding every reply
// behind it; the send timeout turns that wait into a failure, counted.
export const routerOptions = (config: CommonConfig) => ({
  ...socketOptions(config, "both"),
  mandatory: config.ROUTER_MANDATORY,
  handover: config.ROUTER_HANDOVER,
  ...(config.ROUTER_MANDATORY ? { sendTimeout: config.ROUTER_SEND_TIMEOUT_MS } : {}),
})
/** A REQ's: strict lockstep, or relaxed with correlation. */
export const requestOptions = (config: CommonConfig) => ({ ...socketOptions(config, "both"), relaxed: config.REQ_RELAXED, correlate: config.REQ_CORRELATE })

/** The options a socket may have, as a start-up line shows them (those its type does not have are left out). */
const LOGGED_OPTIONS = [
  "sendHighWaterMark",
  "receiveHighWaterMark",
  "linger",
  "connectTimeout",
  "reconnectInterval",
  "reconnectMaxInterval",
  "heartbeatInterval",
  "heartbeatTimeout",
  "tcpMaxRetransmitTimeout",
  "immediate",
  "handshakeInterval",
  "maxMessageSize",
  "noDrop",
  "mandatory",
  "handover",
  "relaxed",
  "correlate",
  "receiveTimeout",
  "sendTimeout",
] as const

/** Pure: the socket's option values, read back from it (write-only options are not there to read). */
export function optionsOf(socket: object): Record<string, number | boolean> {
  const values: Record<string, number | boolean> = {}
  for (const name of LOGGED_OPTIONS) {
    try {
      const value = (socket as Record<string, unknown>)[name]
      if (typeof value === "number" || typeof value === "boolean") values[name] = value
    } catch {
      // Not readable on this socket type.
    }
  }
  return values
}

/**
 * Logs the socket's events and closes it when the service stops (closing ends
 * its receive loop). A socket closed earlier (a REQ client replacing its socket)
 * drops out of the stop list when its event stream ends.
 */
function watch(service: Service<unknown>, socket: Socket, role: string, side: Side, onEvent?: (event: Event) => void): void {
  const options = optionsOf(socket)
  service.log.info(
    "socket-options",
    `${role}: ${Object.entries(options)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(" ")}`,
    { socket: role, options },
  )
  const remove = service.onStop(() => {
    if (!socket.closed) socket.close()
  })
  void logSocketEvents(socket, role, side, service.log, onEvent).finally(remove)
}

/**
 * Under SECURITY=curve, makes the socket a CURVE server (bound) or client
 * (connecting) before its first bind or connect, and says so (`security`). A
 * key file that is missing or wrong stops the service with a line naming it:
 * a server without its key must not run in the clear.
 */
function secure(service: Service<unknown>, socket: Socket, side: Side, endpoints: string[], role: string): boolean {
  if (service.config.SECURITY !== "curve") return true
  if (!isSecured(service.config, endpoints)) {
    service.log.info("security", `${role}: plain: CURVE applies to TCP sockets only (${endpoints.join(", ")})`, { socket: role, mechanism: "none", side })
    return true
  }
  try {
    const { options, keys, describe } = side === "bound" ? serverSecurity(service.config) : clientSecurity(service.config)
    Object.assign(socket, options)
    service.log.info("security", `${role}: ${describe}`, { socket: role, mechanism: "curve", side, ...keys })
    return true
  } catch (error) {
    if (!(error instanceof KeyFileError)) throw error
    service.log.error("key-error", `${role}: ${error.message}`, { socket: role, file: error.file })
    void service.stop("a key file is missing or wrong", 2)
    return false
  }
}

export async function bindSocket<S extends Socket>(service: Service<unknown>, socket: S, endpoint: string, role: string): Promise<S> {
  if (!secure(service, socket, "bound", [endpoint], role)) return socket
  if (isSecured(service.config, [endpoint])) await startAuthenticator(service)
  watch(service, socket, role, "bound")
  await socket.bind(endpoint)
  service.log.info("listening", `${role} bound to ${endpoint}`, { socket: role, endpoint })
  return socket
}

/** Connects to one endpoint or to each of several (a SUB to two publishers). */
export function connectSocket<S extends Socket>(
  service: Service<unknown>,
  socket: S,
  endpoints: string | string[],
  role: string,
  onEvent?: (event: Event) => void,
): S {
  const list = typeof endpoints === "string" ? [endpoints] : endpoints
  if (!secure(service, socket, "connecting", list, role)) return socket
  watch(service, socket, role, "connecting", onEvent)
  for (const endpoint of list) {
    // connect() returns at once: ZeroMQ connects (and reconnects) in the background.
    socket.connect(endpoint)
    service.log.info("connecting", `${role} connecting to ${endpoint}`, { socket: role, endpoint })
  }
  return socket
}

/**
 * Pure: a ROUTER's routing identity as the logs show it: text when printable
 * (a name the peer chose, like a Paranoid Pirate worker's), else hex (the
 * random id a ROUTER assigns).
 */
export function describeIdentity(identity: Buffer): string {
  const text = identity.toString("utf8")
  return /^[\x21-\x7e]+$/.test(text) ? text : identity.toString("hex")
}

/** True for the error a receive or send gets when its socket was closed under it. */
export function isClosedError(socket: Socket, error: unknown): boolean {
  if (socket.closed) return true
  const code = (error as { code?: string } | undefined)?.code
  return code === "EBADF" || code === "ETERM"
}

/** True for the error of a receive or send that gave up after its timeout. */
export function isTimeoutError(error: unknown): boolean {
  return (error as { code?: string } | undefined)?.code === "EAGAIN"
}

/** After a receive that failed for now (EAGAIN), the loop waits this long before it receives again. */
const RECEIVE_RETRY_MS = 10

/**
 * Runs `handle` for every message until the socket closes. A handler that throws
 * is logged and the loop goes on: one bad message never takes a service down.
 * Nor does a receive that fails for now: zeromq.js can end a receive with EAGAIN
 * (a publisher with XPUB_NODROP at its high-water mark; a burst of connections
 * sending garbage), which would otherwise end the loop and the process. It is
 * counted, logged (the first, then every 100th) and the loop receives again.
 */
export async function eachMessage<M = Buffer[]>(service: Service<unknown>, socket: Socket & AsyncIterable<M>, handle: (message: M) => unknown): Promise<void> {
  let failed = 0
  for (;;) {
    try {
      for await (const message of socket) {
        try {
          await handle(message)
        } catch (error) {
          if (service.stopping || socket.closed) return
          service.log.error("handler-error", `failed to handle a message: ${error instanceof Error ? error.message : String(error)}`)
        }
      }
      return
    } catch (error) {
      if (isClosedError(socket, error) || service.stopping) return
      if (!isTimeoutError(error)) throw error
      failed += 1
      if (failed === 1 || failed % 100 === 0)
        service.log.warn("receive-error", `a receive failed for now (${String(error)}): receiving again (${failed} so far)`, {
          error: String(error),
          count: failed,
        })
      await service.pause(RECEIVE_RETRY_MS)
    }
  }
}

/**
 * zeromq.js allows one send in progress per socket. Where two loops send on the
 * same socket (a broker's frontend carries both replies and error replies),
 * their sends go through this queue, one after the other, in call order.
 */
export class SendQueue {
  private tail: Promise<unknown> = Promise.resolve()

  constructor(private readonly socket: { send(message: Buffer[]): Promise<void> }) {}

  send(message: Buffer[]): Promise<void> {
    const sent = this.tail.then(() => this.socket.send(message))
    this.tail = sent.catch(() => undefined)
    return sent
  }
}
