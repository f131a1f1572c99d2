// The bench's raw receiving end: plain zeromq.js, as its own examples use it,
// and nothing of the lab's (no envelope, no accounting, no log line). It binds.
// PUB/SUB, PUSH/PULL: it counts what arrives, and is the side that measures.
// REQ/REP, ROUTER/DEALER: it sends every request straight back, as it came.
// Either way it prints its windows (messages, CPU) when done.
import { setTimeout as sleep } from "node:timers/promises"
import { Pull, Reply, Router, Subscriber } from "zeromq"
import { Meter } from "../meter.js"
import { readOptions, report, watchdog } from "./options.js"

const options = readOptions()
const meter = new Meter(options)
watchdog(options)

async function count(socket: Subscriber | Pull): Promise<void> {
  await socket.bind(options.endpoint)
  for await (const _ of socket) {
    meter.tick()
    if (meter.finished) break
  }
}

/** Answers until its own windows are done and the grace is over (the requester has finished by then). */
async function answer(socket: Reply | Router): Promise<void> {
  await socket.bind(options.endpoint)
  void meter.done.then(() => sleep(options.graceMs)).then(() => socket.close())
  try {
    for await (const message of socket) {
      meter.tick()
      await socket.send(message)
    }
  } catch (error) {
    if (!socket.closed) throw error
  }
}

switch (options.pattern) {
  case "pubsub": {
    const subscriber = new Subscriber()
    subscriber.subscribe()
    await count(subscriber)
    break
  }
  case "pipeline":
    await count(new Pull())
    break
  case "reqrep":
    await answer(new Reply())
    break
  case "router-dealer":
    await answer(new Router())
    break
}
report(options.pattern === "reqrep" || options.pattern === "router-dealer" ? "replier" : "receiver", options, meter.windows)
process.exit(0)
