// Socket set-up shared by all services: the options every socket takes from the
// config (linger, reconnect, heartbeats, high-water marks), and bind/connect
// that log `listening`/`connecting` and watch the socket's monitor events.
import type { Socket } from "zeromq"
import { logSocketEvents } from "./monitor.js"
import type { CommonConfig, Service } from "./service.js"

export function socketOptions(config: CommonConfig) {
  return {
    // A bounded linger: a closing socket drops what it could not send in time,
    // so no process hangs at exit on messages for a peer that is gone.
    linger: config.SHUTDOWN_LINGER_MS,
    reconnectInterval: config.RECONNECT_INTERVAL_MS,
    reconnectMaxInterval: config.RECONNECT_MAX_INTERVAL_MS,
    // ZMTP heartbeats (0 = off): without them a silent peer (paused, cut off)
    // is not noticed until TCP itself gives up, which can take minutes.
    heartbeatInterval: config.HEARTBEAT_INTERVAL_MS,
    heartbeatTimeout: config.HEARTBEAT_TIMEOUT_MS,
    heartbeatTimeToLive: config.HEARTBEAT_TTL_MS,
    sendHighWaterMark: config.SEND_HWM,
    receiveHighWaterMark: config.RECEIVE_HWM,
  }
}

/** Closes the socket when the service stops; closing ends its receive loop. */
function closeOnStop(service: Service<unknown>, socket: Socket): void {
  service.onStop(() => {
    if (!socket.closed) socket.close()
  })
}

export async function bindSocket<S extends Socket>(service: Service<unknown>, socket: S, endpoint: string, role: string): Promise<S> {
  logSocketEvents(socket, role, service.log)
  closeOnStop(service, socket)
  await socket.bind(endpoint)
  service.log.info("listening", `${role} bound to ${endpoint}`, { socket: role, endpoint })
  return socket
}

export function connectSocket<S extends Socket>(service: Service<unknown>, socket: S, endpoint: string, role: string): S {
  logSocketEvents(socket, role, service.log)
  closeOnStop(service, socket)
  // connect() returns at once: ZeroMQ connects (and reconnects) in the background.
  socket.connect(endpoint)
  service.log.info("connecting", `${role} connecting to ${endpoint}`, { socket: role, endpoint })
  return socket
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
