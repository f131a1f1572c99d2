// Paranoid Pirate, the queue: a ROUTER frontend for the clients and a ROUTER
// backend for the workers (unlike router-dealer-broker's DEALER, a ROUTER lets the queue
// choose the worker). It knows its workers by their READY and HEARTBEAT
// signals, gives each request to the least recently used worker that is ready
// and alive, heartbeats every worker, and expires a worker silent for
// PARANOID_PIRATE_LIVENESS heartbeat intervals (killed, paused, cut off): no request is
// routed to it again. A request the expired worker held is logged; its client
// resends it (the client is the Lazy Pirate's).
import { Router } from "zeromq"
import { pick } from "../../shared/config.js"
import { openClientRequest, refuser, returnReply } from "../../shared/broker.js"
import { EMPTY } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { bindSocket, describeIdentity, eachMessage, routerOptions, SendQueue } from "../../shared/sockets.js"
import { WorkerRegistry, type Held } from "./registry.js"
import { HEARTBEAT, signalOf } from "./signals.js"

const service = startService(
  "paranoid-pirate",
  pick(
    "PARANOID_PIRATE_FRONTEND_BIND",
    "PARANOID_PIRATE_BACKEND_BIND",
    "PARANOID_PIRATE_HEARTBEAT_MS",
    "PARANOID_PIRATE_LIVENESS",
    "PARANOID_PIRATE_QUEUE_MAX",
  ),
)
const { config, log } = service

// Its only messages of its own: error replies (garbage, overload).
const producer = service.producer("errors")
const inbox = new Inbox(service)
// mandatory: a send to a client or worker that is gone fails (and is logged)
// instead of vanishing.
const frontend = await bindSocket(service, new Router(routerOptions(config)), config.PARANOID_PIRATE_FRONTEND_BIND, "router")
const backend = await bindSocket(service, new Router(routerOptions(config)), config.PARANOID_PIRATE_BACKEND_BIND, "backend")
const toClients = new SendQueue(frontend)
const toWorkers = new SendQueue(backend)
const refuse = refuser(toClients, producer)
const workers = new WorkerRegistry(config.PARANOID_PIRATE_HEARTBEAT_MS * config.PARANOID_PIRATE_LIVENESS)
const waiting: (Held & { envelope: Buffer })[] = []
const counts = { requests: 0, replies: 0, refused: 0, unroutable: 0, workersExpired: 0, heldByExpired: 0 }
service.reportStats(() => ({ ...counts, badMessages: inbox.badMessages, workers: workers.size, ready: workers.readyCount, waiting: waiting.length }))

/** Gives waiting requests to ready workers, oldest request first. */
async function dispatch(): Promise<void> {
  while (waiting.length > 0) {
    const request = waiting[0]!
    const worker = workers.take(request, Date.now())
    if (!worker) return
    waiting.shift()
    try {
      await toWorkers.send([worker, request.client, EMPTY, request.envelope])
      log.debug("dispatched", `request ${request.key} to ${describeIdentity(worker)}`, { key: request.key, worker: describeIdentity(worker) })
    } catch (error) {
      // Its connection is gone: forget it, and the request waits for another.
      workers.remove(worker)
      waiting.unshift(request)
      log.warn("worker-gone", `worker ${describeIdentity(worker)} is unreachable (${String(error)}): forgotten`, { worker: describeIdentity(worker) })
    }
  }
}

function expireSilentWorkers(): void {
  for (const { identity, silentMs, held } of workers.expire(Date.now())) {
    counts.workersExpired += 1
    if (held) counts.heldByExpired += 1
    log.warn(
      "worker-expired",
      `worker ${describeIdentity(identity)} silent for ${silentMs} ms: expired${held ? `, with request ${held.key} in hand (its client will resend it)` : ""}`,
      {
        worker: describeIdentity(identity),
        silentMs,
        ...(held ? { held: held.key } : {}),
      },
    )
  }
}

const heartbeats = setInterval(() => {
  expireSilentWorkers()
  for (const identity of workers.identities()) {
    toWorkers.send([identity, HEARTBEAT]).catch(() => {
      if (service.stopping) return
      // Its connection is gone (mandatory ROUTER): no request must go to it.
      const held = workers.remove(identity)
      log.warn(
        "worker-gone",
        `worker ${describeIdentity(identity)} is unreachable: forgotten${held ? `, with request ${held.key} in hand (its client will resend it)` : ""}`,
        {
          worker: describeIdentity(identity),
          ...(held ? { held: held.key } : {}),
        },
      )
    })
  }
}, config.PARANOID_PIRATE_HEARTBEAT_MS)
service.onStop(() => clearInterval(heartbeats))

const fromClients = eachMessage(service, frontend, async frames => {
  const request = await openClientRequest(frames, inbox, refuse)
  if (request === undefined) return
  const { producer: from, incarnation, seq } = request.envelope
  const key = `${from}/${incarnation}/${seq}`
  if (waiting.length >= config.PARANOID_PIRATE_QUEUE_MAX) {
    counts.refused += 1
    log.warn("refused", `request ${key} refused: ${waiting.length} requests already wait for a worker`, { key, waiting: waiting.length })
    return refuse(request.client, "overloaded", `${waiting.length} requests already wait for a worker`)
  }
  counts.requests += 1
  waiting.push({ client: request.client, key, since: Date.now(), envelope: request.frame })
  await dispatch()
})

const fromWorkers = eachMessage(service, backend, async frames => {
  const [worker, ...rest] = frames
  if (worker === undefined) return
  const name = describeIdentity(worker)
  const signal = signalOf(rest)
  if (signal !== undefined) {
    if (workers.alive(worker, Date.now()) === "new")
      log.info("worker-ready", `worker ${name} is ready (${signal})`, { worker: name, signal, workers: workers.size })
    return dispatch()
  }
  if (!(await returnReply(service, rest, inbox, toClients, counts, name))) return
  workers.replied(worker, Date.now())
  await dispatch()
})

await Promise.all([fromClients, fromWorkers])
