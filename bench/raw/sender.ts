// The bench's raw sending end: plain zeromq.js, nothing of the lab's. It
// connects to the receiver and sends as fast as the socket takes messages.
// PUB/SUB, PUSH/PULL: one message after another (a PUB drops what its
// subscriber's queue cannot hold, a PUSH waits); it stops a grace after its
// own windows, so that the receiver's, begun a little later, close too.
// REQ/REP: one request at a time, each reply timed; ROUTER/DEALER: up to
// DEALER_WINDOW requests outstanding, each reply timed. These two are the side
// that measures, and stop when their windows are done.
import { Dealer, Publisher, Push, Request } from "zeromq"
import { Meter } from "../meter.js"
import { readOptions, report, watchdog } from "./options.js"

/** Requests a DEALER keeps outstanding: the asynchrony that sets it apart from REQ. */
export const DEALER_WINDOW = 16

const options = readOptions()
const meter = new Meter(options)
watchdog(options)
const payload = Buffer.alloc(options.sizeBytes, 0x78)

async function stream(socket: Publisher | Push): Promise<void> {
  socket.linger = 0
  socket.connect(options.endpoint)
  let stopAt = Infinity
  void meter.done.then(() => (stopAt = performance.now() + options.graceMs))
  // A PUSH whose receiver has finished (and gone) waits for a peer: the timeout lets it see its time is up.
  socket.sendTimeout = 100
  while (performance.now() < stopAt) {
    try {
      await socket.send(payload)
    } catch (error) {
      if ((error as { code?: string }).code === "EAGAIN") continue
      throw error
    }
    meter.tick()
  }
}

async function lockstep(socket: Request): Promise<void> {
  socket.connect(options.endpoint)
  while (!meter.finished) {
    const sentAt = performance.now()
    await socket.send(payload)
    await socket.receive()
    meter.tick(performance.now() - sentAt)
  }
}

async function outstanding(socket: Dealer): Promise<void> {
  socket.connect(options.endpoint)
  // Request n goes out with n in its first 4 bytes; its send time waits in slot n % DEALER_WINDOW.
  const sentAt = new Float64Array(DEALER_WINDOW)
  let next = 0
  let inFlight = 0
  let wake: (() => void) | undefined
  const replies = (async () => {
    for await (const [reply] of socket) {
      meter.tick(performance.now() - sentAt[reply!.readUInt32LE(0) % DEALER_WINDOW]!)
      inFlight -= 1
      wake?.()
      if (meter.finished) break
    }
  })()
  while (!meter.finished) {
    if (inFlight >= DEALER_WINDOW) {
      await new Promise<void>(resolve => (wake = resolve))
      continue
    }
    const request = Buffer.alloc(options.sizeBytes, 0x78)
    request.writeUInt32LE(next, 0)
    sentAt[next % DEALER_WINDOW] = performance.now()
    next += 1
    inFlight += 1
    await socket.send(request)
  }
  // The windows may have closed on a stall, with replies still awaited: closing ends the loop.
  socket.close()
  await replies.catch(() => undefined)
}

switch (options.pattern) {
  case "pubsub":
    await stream(new Publisher())
    break
  case "pipeline":
    await stream(new Push())
    break
  case "reqrep":
    await lockstep(new Request())
    break
  case "router-dealer":
    await outstanding(new Dealer())
    break
}
report(options.pattern === "reqrep" || options.pattern === "router-dealer" ? "requester" : "sender", options, meter.windows)
process.exit(0)
