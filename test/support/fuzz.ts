// Hostile input for every bound socket of the lab: the malformed messages a
// confused or hostile peer sends (one of each kind), a frame above the socket's
// MAXMSGSIZE, bytes that are not ZMTP, a burst of greetings with random bodies,
// a burst of bare connections. The kinds and what each socket should make of
// them are pure data; the senders speak to a socket as its usual peer would.
import { createSocket } from "node:dgram"
import { once } from "node:events"
import { connect } from "node:net"
import { Dealer, Push, Request, XSubscriber } from "zeromq"
import type { BadMessageKind } from "../../shared/envelope.js"

/** How a socket takes messages from its peers: which peer the fuzz uses, and how it frames. */
export type Reading =
  | "pull" // a PUSH peer: the frames as they are
  | "rep" // a REQ peer (it adds the delimiter); an error reply comes back
  | "router" // a DEALER peer: [empty delimiter, ...frames]; an error reply comes back
  | "snapshot" // a DEALER peer: the frames as they are (Clone's snapshot ROUTER); an error reply comes back
  | "backend" // a DEALER peer posing as a worker: [client identity, empty delimiter, ...frames]
  | "xpub" // an XSUB peer: anything upstream that is not a subscription
  | "push" // nothing: a PUSH never reads what its peers send

export interface Target {
  service: string
  port: number
  /** The socket's role, as its `listening` line names it. */
  socket: string
  type: "PULL" | "REP" | "ROUTER" | "DEALER" | "XPUB" | "PUSH"
  reading: Reading
}

/**
 * Every bound TCP socket of the lab as it runs (`make up`, `make reliable`,
 * `make book`). Not here: the pipeline ventilator's ready socket (bound only
 * while it waits for workers, with PIPELINE_WAIT_FOR_WORKERS), the naive
 * Clone publisher (the same program as clone-publisher), RADIO/DISH's DISH
 * (UDP: no connection, no handshake; see DISH below).
 */
export const TARGETS: Target[] = [
  { service: "pubsub-publisher", port: 5556, socket: "pub", type: "XPUB", reading: "xpub" },
  { service: "pipeline-ventilator", port: 5557, socket: "push", type: "PUSH", reading: "push" },
  { service: "pipeline-sink", port: 5558, socket: "pull", type: "PULL", reading: "pull" },
  { service: "reqrep-server", port: 5559, socket: "rep", type: "REP", reading: "rep" },
  { service: "router-dealer-broker", port: 5560, socket: "router", type: "ROUTER", reading: "router" },
  { service: "router-dealer-broker", port: 5561, socket: "dealer", type: "DEALER", reading: "backend" },
  { service: "lazy-pirate-server", port: 5569, socket: "rep", type: "REP", reading: "rep" },
  { service: "paranoid-pirate-queue", port: 5580, socket: "router", type: "ROUTER", reading: "router" },
  { service: "paranoid-pirate-queue", port: 5581, socket: "backend", type: "ROUTER", reading: "backend" },
  { service: "reliable-pipeline-ventilator", port: 5570, socket: "push", type: "PUSH", reading: "push" },
  { service: "reliable-pipeline-ventilator", port: 5571, socket: "acks", type: "PULL", reading: "pull" },
  { service: "reliable-pipeline-sink", port: 5572, socket: "pull", type: "PULL", reading: "pull" },
  { service: "clone-publisher", port: 5590, socket: "pub", type: "XPUB", reading: "xpub" },
  { service: "clone-publisher", port: 5591, socket: "snapshot", type: "ROUTER", reading: "snapshot" },
  { service: "book-watcher-pub", port: 5563, socket: "pub", type: "XPUB", reading: "xpub" },
  { service: "book-filer-rep", port: 5564, socket: "rep", type: "REP", reading: "rep" },
  { service: "book-filer-cluster", port: 5565, socket: "router", type: "ROUTER", reading: "router" },
]

const envelope = (fields: Record<string, unknown>) =>
  Buffer.from(JSON.stringify({ v: 1, producer: "intruder", incarnation: "x", seq: 1, sentAt: Date.now(), body: null, ...fields }))

/** The malformed messages, one per kind, and the `bad-message` kind a socket that reads envelopes must log for each. */
export function malformedKinds(maxMessageBytes: number): Array<{ kind: string; frames: Buffer[]; expect: BadMessageKind }> {
  return [
    { kind: "not JSON", frames: [Buffer.from("this is not json")], expect: "not-json" },
    { kind: "invalid UTF-8", frames: [Buffer.from([0x7b, 0xff, 0xfe, 0x7d])], expect: "invalid-utf8" },
    { kind: "wrong version", frames: [envelope({ v: 2 })], expect: "wrong-version" },
    { kind: "missing field", frames: [envelope({ producer: undefined })], expect: "missing-field" },
    { kind: "wrong type", frames: [envelope({ seq: "one" })], expect: "wrong-type" },
    { kind: "negative seq", frames: [envelope({ seq: -5 })], expect: "bad-seq" },
    { kind: "huge seq", frames: [envelope({ seq: 2 ** 64 })], expect: "bad-seq" },
    { kind: "empty frame", frames: [Buffer.alloc(0)], expect: "empty-frame" },
    { kind: "too many frames", frames: [envelope({}), envelope({}), envelope({})], expect: "frame-count" },
    { kind: "above MAX_MESSAGE_BYTES", frames: [envelope({ body: "x".repeat(maxMessageBytes) })], expect: "too-large" },
  ]
}

/** The kinds a socket logs for the malformed messages: its own reading of them. */
export function expectedKind(target: Target, expect: BadMessageKind): BadMessageKind | undefined {
  if (target.reading === "push") return undefined
  if (target.reading === "xpub") return "not-subscription"
  return expect
}

const LINGER = { linger: 0 }
/** Bounds a wait for an error reply that should come at once. */
const REPLY_TIMEOUT_MS = 5000

/** How the frames go on the wire for this socket. */
function framed(target: Target, frames: Buffer[]): Buffer[] {
  if (target.reading === "router") return [Buffer.alloc(0), ...frames]
  if (target.reading === "backend") return [Buffer.from("fuzz-client"), Buffer.alloc(0), ...frames]
  return frames
}

/**
 * A peer of the target's usual kind. `received` collects what the target sends
 * it unasked (a DEALER backend deals requests to any peer, this one included).
 */
export class FuzzPeer {
  readonly received: Buffer[][] = []
  private readonly socket: Push | Request | Dealer | XSubscriber | undefined
  private reading: Promise<void> | undefined

  constructor(
    readonly target: Target,
    address: string,
  ) {
    const options = { ...LINGER, receiveTimeout: REPLY_TIMEOUT_MS }
    switch (target.reading) {
      case "pull":
        this.socket = new Push(LINGER)
        break
      case "rep":
        this.socket = new Request(options)
        break
      case "router":
      case "snapshot":
      case "backend":
        this.socket = new Dealer(target.reading === "backend" ? LINGER : options)
        break
      case "xpub":
        this.socket = new XSubscriber(LINGER)
        break
      case "push":
        this.socket = undefined
    }
    this.socket?.connect(address)
    if (this.socket instanceof Dealer && target.reading === "backend") {
      const dealer = this.socket
      this.reading = (async () => {
        try {
          for await (const message of dealer) this.received.push(message)
        } catch {
          // closed
        }
      })()
    }
  }

  /** Sends one malformed message; for a socket that answers, returns its reply. */
  async send(frames: Buffer[]): Promise<Buffer[] | undefined> {
    const socket = this.socket
    if (!socket) return undefined
    await this.sendOnly(frames)
    if (socket instanceof Request) return socket.receive()
    if (socket instanceof Dealer && this.target.reading !== "backend") return socket.receive()
    return undefined
  }

  /** Sends without waiting for an answer (none comes to a frame ZeroMQ refuses). */
  async sendOnly(frames: Buffer[]): Promise<void> {
    await this.socket?.send(framed(this.target, frames))
  }

  close(): void {
    this.socket?.close()
  }
}

/** A message the lab sent to a hostile peer: who numbered it, and its number. */
export interface Dealt {
  producer: string
  seq: number
}

/**
 * Pure: the lab's messages in bytes a raw peer read (ZMTP framing around JSON
 * envelopes): what a PUSH or DEALER dealt to a peer it took for ZMTP 1.0.
 */
export function dealtIn(bytes: Buffer): Dealt[] {
  return [...bytes.toString("latin1").matchAll(/\{"v":1,"producer":"([^"]+)","incarnation":"[^"]*","seq":(\d+)/g)].map(m => ({
    producer: m[1]!,
    seq: Number(m[2]),
  }))
}

/**
 * A raw TCP peer: connects, writes `bytes`, reads whatever comes, and closes
 * after `ms` unless the socket hangs up first. Whether it hung up, and what the
 * lab sent it meanwhile.
 */
async function rawPeer(host: string, port: number, bytes: Buffer | string, ms: number): Promise<{ hungUp: boolean; dealt: Dealt[]; from: string }> {
  const socket = connect(port, host)
  const received: Buffer[] = []
  socket.on("error", () => undefined)
  socket.on("data", (chunk: Buffer) => received.push(chunk))
  // Not events.once for the close: it rejects on "error", and a reset is one way to hang up.
  const closed = new Promise<true>(resolve => socket.once("close", () => resolve(true)))
  await once(socket, "connect")
  const from = socket.localAddress ?? ""
  socket.write(bytes)
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<false>(resolve => (timer = setTimeout(() => resolve(false), ms)))
  try {
    const hungUp = await Promise.race([closed, timeout])
    return { hungUp, dealt: dealtIn(Buffer.concat(received)), from }
  } finally {
    clearTimeout(timer)
    socket.destroy()
  }
}

/** Bytes that are not ZMTP at all (an HTTP request). */
export function notZmtp(host: string, port: number, ms: number): Promise<{ hungUp: boolean; dealt: Dealt[]; from: string }> {
  return rawPeer(host, port, "GET / HTTP/1.1\r\nHost: zmq-lab\r\n\r\n", ms)
}

/** Pure: a seeded generator of bytes (mulberry32): the same "random" greetings at every run, so their outcome can be compared. */
export function seededBytes(seed: number): (length: number) => Buffer {
  let state = seed >>> 0
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return length => Buffer.from(Array.from({ length }, () => Math.floor(next() * 256)))
}

/**
 * `count` connections at once, each sending a ZMTP signature and then seeded
 * random bytes (what once crashed a REP), each closed after `ms` if the
 * socket has not hung up by then: how many it hung up on, and what the lab
 * sent to the others.
 */
export async function greetingBurst(
  host: string,
  port: number,
  count: number,
  ms: number,
  seed = 1,
): Promise<{ hungUp: number; dealt: Dealt[]; from: string }> {
  const bytes = seededBytes(seed)
  const greetings = Array.from({ length: count }, () => {
    const [length] = bytes(1)
    return Buffer.concat([Buffer.from([0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0x7f]), bytes(54 + length!)])
  })
  const peers = await Promise.all(greetings.map(greeting => rawPeer(host, port, greeting, ms)))
  return { hungUp: peers.filter(p => p.hungUp).length, dealt: peers.flatMap(p => p.dealt), from: peers[0]?.from ?? "" }
}

/**
 * Pure: how many TCP connections from `remoteIp` to local `port` a socket
 * still holds, in a /proc/net/tcp table (ESTABLISHED, or CLOSE_WAIT: the peer
 * has closed, the socket not yet). The kernel's view, not the socket
 * monitor's: libzmq's monitor queue drops events when it is full (a burst of
 * hundreds of connections can fill it), the kernel's table drops nothing.
 */
export function heldConnections(procNetTcp: string, port: number, remoteIp: string): number {
  const ip = (hex: string) =>
    hex
      .match(/../g)!
      .reverse()
      .map(byte => parseInt(byte, 16))
      .join(".")
  return procNetTcp
    .split("\n")
    .slice(1)
    .map(line => line.trim().split(/\s+/))
    .filter(([, local, remote, state]) => {
      if (!local || !remote || !state) return false
      const [localIp, localPort] = local.split(":")
      const [peerIp] = remote.split(":")
      return localIp !== undefined && parseInt(localPort!, 16) === port && ip(peerIp!) === remoteIp && (state === "01" || state === "08")
    }).length
}

/** `count` bare connections held open together, then closed: how many the socket accepted, and this host's address they came from. */
export async function connectionBurst(host: string, port: number, count: number): Promise<{ accepted: number; from: string }> {
  const sockets = await Promise.all(
    Array.from({ length: count }, async () => {
      const socket = connect(port, host)
      socket.on("error", () => undefined)
      try {
        await once(socket, "connect")
        return socket
      } catch {
        return undefined
      }
    }),
  )
  const accepted = sockets.filter(s => s !== undefined).length
  const from = sockets.find(s => s !== undefined)?.localAddress ?? ""
  for (const socket of sockets) socket?.destroy()
  return { accepted, from }
}

/**
 * The DISH of RADIO/DISH, bound on UDP (behind its guard). A datagram is one
 * message: a length byte, the group, the body (ZMTP over UDP); the DISH passes
 * on only the groups it joined.
 */
export const DISH = { service: "pubsub-dish", port: 5600, socket: "dish", group: "ticks" } as const
/** The most a UDP datagram carries over IPv4. */
export const MAX_DATAGRAM_BYTES = 65_507

/** Pure: a datagram as a RADIO sends it, for `group`. */
export function datagram(group: string, body: Buffer): Buffer {
  const name = Buffer.from(group)
  return Buffer.concat([Buffer.from([name.length]), name, body])
}

/** Pure: would libzmq pass this datagram on to a DISH that joined `group`? */
export function reachesDish(bytes: Buffer, group: string): boolean {
  const length = bytes[0]
  return length !== undefined && bytes.length - 1 >= length && bytes.subarray(1, 1 + length).equals(Buffer.from(group))
}

/** Sends each datagram from one UDP socket, in order. */
export async function sendDatagrams(host: string, port: number, datagrams: Buffer[]): Promise<void> {
  const socket = createSocket("udp4")
  try {
    for (const bytes of datagrams) await new Promise<void>((resolve, reject) => socket.send(bytes, port, host, error => (error ? reject(error) : resolve())))
  } finally {
    socket.close()
  }
}
