// Malformed input for every kind of bound socket in the lab, sent the way a
// confused or hostile peer would: wrong frame counts, bytes that are not JSON,
// envelopes with missing or mistyped fields, oversized messages, and raw bytes
// that are not ZMTP at all. Used by the process-level and end-to-end tests.
// Where nothing comes back to wait on (PUSH, DEALER, XSUB), the caller says
// what shows that the garbage arrived (`arrived`: the service's bad-message
// lines), and the socket stays open until then: closing it earlier, with a
// bounded linger, could drop what is still queued.
import { once } from "node:events"
import { connect } from "node:net"
import { Dealer, Push, Request, XSubscriber } from "zeromq"

const envelope = (fields: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ v: 1, producer: "intruder", incarnation: "x", seq: 1, sentAt: Date.now(), body: null, ...fields }))

/** Application-level garbage: each one must give exactly one `bad-message`. */
export function malformedMessages(maxMessageBytes: number): Buffer[][] {
  return [
    [Buffer.from("this is not json")],
    [envelope({}), envelope({})], // one frame too many
    [envelope({ seq: "one" })],
    [Buffer.from(JSON.stringify({ v: 1, producer: "intruder" }))],
    [envelope({ body: "x".repeat(maxMessageBytes) })],
  ]
}

const LINGER = { linger: 0 }

async function withSocket<S extends { close(): void; connect(address: string): void }>(
  socket: S,
  address: string,
  use: (socket: S) => Promise<void>,
): Promise<void> {
  socket.connect(address)
  try {
    await use(socket)
  } finally {
    socket.close()
  }
}

/** PULL (the sink): a PUSH peer sends garbage; nothing comes back. */
export async function garbageToPull(address: string, messages: Buffer[][], arrived: () => Promise<unknown>): Promise<void> {
  await withSocket(new Push(LINGER), address, async push => {
    for (const message of messages) await push.send(message)
    await arrived()
  })
}

/** REP (the server): every garbage request must get an error reply. */
export async function garbageToRep(address: string, messages: Buffer[][], timeoutMs = 5000): Promise<Buffer[][]> {
  const replies: Buffer[][] = []
  await withSocket(new Request({ ...LINGER, receiveTimeout: timeoutMs }), address, async req => {
    for (const message of messages) {
      await req.send(message)
      replies.push(await req.receive())
    }
  })
  return replies
}

/** ROUTER (a broker frontend): garbage with and without the delimiter gets error replies. */
export async function garbageToRouter(address: string, messages: Buffer[][], timeoutMs = 5000): Promise<Buffer[][]> {
  const replies: Buffer[][] = []
  await withSocket(new Dealer({ ...LINGER, receiveTimeout: timeoutMs }), address, async dealer => {
    for (const message of messages) {
      await dealer.send([Buffer.alloc(0), ...message])
      replies.push(await dealer.receive())
    }
    await dealer.send([Buffer.from("no delimiter")])
    replies.push(await dealer.receive())
  })
  return replies
}

/** DEALER (a broker backend): a peer sends messages without routing frames. */
export async function garbageToDealer(address: string, messages: Buffer[][], arrived: () => Promise<unknown>): Promise<void> {
  await withSocket(new Dealer(LINGER), address, async dealer => {
    for (const message of messages) await dealer.send(message)
    await arrived()
  })
}

/** XPUB (the publisher): anything upstream that is not a (un)subscription. */
export async function garbageToXpub(address: string, arrived: () => Promise<unknown>): Promise<void> {
  await withSocket(new XSubscriber(LINGER), address, async xsub => {
    await xsub.send([Buffer.from([0x7f, 0x67, 0x61, 0x72, 0x62, 0x61, 0x67, 0x65])])
    await arrived()
  })
}

/**
 * Raw bytes that start like ZMTP 3 (signature, version) and then break the
 * protocol: the bound socket's handshake fails, for any socket type.
 */
export async function rawGarbage(host: string, port: number): Promise<void> {
  const socket = connect(port, host)
  await once(socket, "connect")
  const bytes = Buffer.alloc(64, 0x41)
  bytes[0] = 0xff
  bytes.fill(0, 1, 9)
  bytes[9] = 0x7f
  bytes[10] = 3
  socket.write(bytes)
  socket.resume()
  // The peer closes the connection when it rejects the handshake: that is the
  // event. The timer only bounds a failure (a peer that swallows garbage).
  let timer: NodeJS.Timeout | undefined
  const refused = new Promise<never>(
    (_, reject) => (timer = setTimeout(() => reject(new Error(`${host}:${port} did not close the connection after the garbage`)), 5000)),
  )
  try {
    await Promise.race([once(socket, "close"), refused])
  } finally {
    clearTimeout(timer)
    socket.destroy()
  }
}
