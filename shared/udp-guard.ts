// A guard in front of a DISH bound on UDP. A datagram to a DISH is a length
// byte, the group, the body (ZMTP over UDP). libzmq 4.3.5, the one zeromq.js
// 6.x ships, reads that length byte as a signed char and allocates the group
// before it checks it: one datagram whose first byte is 0x80 or more aborts
// the whole process ("Cannot allocate memory", udp_engine.cpp). UDP has no
// handshake to stop it, so anyone who can reach the port can do it.
//
// The guard owns the public port and passes on, to the DISH bound on
// loopback, only datagrams libzmq can take: a group length below 0x80 that
// fits in the datagram, and no more than libzmq reads of one (8 KiB; the
// rest it would cut off). Every other datagram is counted and logged as a
// `bad-message`, where libzmq would have dropped it or died of it. Datagrams
// for a group the DISH did not join go through: the DISH drops them, as a
// SUB drops a topic it did not subscribe to.
import { createSocket, type Socket } from "node:dgram"
import { once } from "node:events"
import type { BadMessageKind } from "./envelope.js"
import type { Inbox } from "./inbox.js"
import type { Service } from "./service.js"

/** libzmq's receive buffer for one datagram (MAX_UDP_MSG). */
export const MAX_UDP_MESSAGE_BYTES = 8192

export type DatagramCheck = { ok: true } | { ok: false; kind: BadMessageKind; reason: string }

/** Pure: can libzmq's DISH take this datagram whole and live? */
export function checkDatagram(bytes: Buffer): DatagramCheck {
  const length = bytes[0]
  if (length === undefined) return { ok: false, kind: "not-zmtp", reason: "an empty datagram" }
  if (length >= 0x80) return { ok: false, kind: "not-zmtp", reason: `a group length of ${length} (libzmq takes it for ${length - 256} and aborts)` }
  if (bytes.length - 1 < length) return { ok: false, kind: "not-zmtp", reason: `a group length of ${length} in a datagram of ${bytes.length} bytes` }
  if (bytes.length > MAX_UDP_MESSAGE_BYTES)
    return { ok: false, kind: "too-large", reason: `a datagram of ${bytes.length} bytes (libzmq reads ${MAX_UDP_MESSAGE_BYTES} of one)` }
  return { ok: true }
}

/** Pure: the port of a `udp://host:port` endpoint. */
export function udpPort(endpoint: string): number {
  const match = /^udp:\/\/.+:(\d+)$/.exec(endpoint)
  if (!match) throw new Error(`not a udp:// endpoint with a port: ${endpoint}`)
  return Number(match[1])
}

/**
 * Binds the guard on `publicPort` and forwards what passes to `inner`
 * (a `udp://127.0.0.1:port` the DISH is bound to), from one socket, in order.
 */
export async function startUdpGuard(service: Service<unknown>, inbox: Inbox, publicPort: number, inner: string): Promise<{ passed: () => number }> {
  const innerPort = udpPort(inner)
  const socket: Socket = createSocket("udp4")
  let passed = 0
  socket.on("message", (bytes, from) => {
    const check = checkDatagram(bytes)
    if (!check.ok) return inbox.reject(check.kind, check.reason, { from: from.address, bytes: bytes.length })
    passed += 1
    socket.send(bytes, innerPort, "127.0.0.1")
  })
  socket.on("error", error => service.log.error("handler-error", `udp guard: ${error.message}`))
  socket.bind(publicPort)
  await once(socket, "listening")
  service.log.info("listening", `guard bound to udp://*:${publicPort}, passing datagrams on to ${inner}`, {
    socket: "guard",
    endpoint: `udp://*:${publicPort}`,
  })
  service.onStop(() => {
    socket.close()
  })
  return { passed: () => passed }
}
