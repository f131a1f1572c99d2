// Clone, a subscriber: keeps a copy of the publisher's key-value store.
//
// With CLONE_SNAPSHOTS=true (the Clone pattern) it subscribes first, then asks
// the publisher's snapshot socket for the whole store and its version; updates
// that arrive meanwhile are buffered, and after the snapshot only those newer
// than it are applied. On a gap in the versions, or a heartbeat saying the
// publisher is ahead, it asks again. A snapshot request unanswered within
// CLONE_SNAPSHOT_TIMEOUT_MS is sent again on a new socket (the publisher may be
// down, or the request lost): the subscriber does not give up, it must converge.
//
// With CLONE_SNAPSHOTS=false it is the naive subscriber: it applies whatever
// newer update arrives, and what it missed stays missed.
//
// Two views, both logged: the stream of updates as PUB/SUB delivered it
// (`received` for every update that arrived, judged from the join on), and
// the copy's state (`delivered` for every update applied to it, `snapshot`
// for every snapshot loaded, `state` on each heartbeat that finds it changed).
import { Dealer, Subscriber } from "zeromq"
import { pick } from "../../shared/config.js"
import { encodeEnvelope } from "../../shared/envelope.js"
import { subscribe, takeWelcome } from "../../shared/fanout.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { connectSocket, eachMessage, isClosedError, isTimeoutError, socketOptions } from "../../shared/sockets.js"
import { Replica, UPDATES, type Snapshot, type Update } from "./store.js"

const service = startService("clone", pick("CLONE_CONNECT", "CLONE_SNAPSHOT_CONNECT", "CLONE_TOPIC", "CLONE_SNAPSHOTS", "CLONE_SNAPSHOT_TIMEOUT_MS"))
const { config, log } = service

const JOIN_WAIT_MS = 3000
const producer = service.producer("snapshot-requests")
const inbox = new Inbox(service, { promise: "fan-out", joinWaitMs: JOIN_WAIT_MS })
const replica = new Replica(config.CLONE_SNAPSHOTS)
let publisher: { name: string; epoch: string } | undefined
const counts = { applied: 0, stale: 0, versionGaps: 0, behind: 0, snapshots: 0, snapshotTimeouts: 0 }
service.reportStats(() => ({ ...inbox.stats(), version: replica.version, keys: replica.size, syncing: replica.syncing, ...counts }))
const expiry = setInterval(() => inbox.expire(), 1000)
service.onStop(() => clearInterval(expiry))

/** An update now in the copy: the state view's delivery. */
function applied(update: Update): void {
  counts.applied += 1
  if (!publisher) return
  service.message("delivered", `${update.key} = ${update.value} (version ${update.version}) applied`, {
    producer: publisher.name,
    incarnation: publisher.epoch,
    stream: UPDATES,
    seq: update.version,
    key: update.key,
  })
}

/** Logs the copy's state (on each heartbeat that finds it changed): the checkers compare the last one with the publisher's. */
let lastLogged = ""
function logState(publisherVersion: number, publisherDone: boolean): void {
  const digest = replica.digest()
  const line = `${replica.version}/${digest}/${publisherDone}`
  if (line === lastLogged) return
  lastLogged = line
  log.info("state", `copy at version ${replica.version} (publisher at ${publisherVersion}), digest ${digest}`, {
    version: replica.version,
    publisherVersion,
    digest,
    keys: replica.size,
    publisherDone,
    values: replica.values(),
  })
}

// --- snapshots (the reliable subscriber only) --------------------------------
let wanted = false
let wake: (() => void) | undefined
/** Asks for a snapshot (again); the snapshot loop does the asking. */
function requestSnapshot(reason: string): void {
  log.info("resync", `asking for a snapshot: ${reason}`, { reason, version: replica.version })
  wanted = true
  wake?.()
}

service.signal.addEventListener("abort", () => wake?.())

async function snapshotLoop(): Promise<void> {
  while (!service.stopping) {
    if (!wanted) {
      await new Promise<void>(resolve => (wake = resolve))
      wake = undefined
      continue
    }
    wanted = false
    const socket = connectSocket(
      service,
      new Dealer({ ...socketOptions(config, "both"), receiveTimeout: config.CLONE_SNAPSHOT_TIMEOUT_MS }),
      config.CLONE_SNAPSHOT_CONNECT,
      "snapshot",
    )
    try {
      await socket.send(encodeEnvelope(producer.next({ snapshot: config.CLONE_TOPIC })))
      const decoded = inbox.open(await socket.receive(), { frames: 1 })
      const body = decoded.ok ? (decoded.envelope.body as Partial<Snapshot> & { kind?: string; epoch?: string }) : undefined
      if (!body || body.kind !== "snapshot" || !Number.isSafeInteger(body.version) || typeof body.entries !== "object" || body.entries === null) {
        if (decoded.ok) inbox.reject("bad-body", 'a snapshot reply must be {kind: "snapshot", version, entries}')
        wanted = true
      } else {
        counts.snapshots += 1
        const loaded = replica.load(body as Snapshot)
        log.info(
          "snapshot",
          `snapshot at version ${body.version} (${replica.size} keys), then ${loaded.applied.length} buffered update(s): at version ${replica.version}`,
          {
            producer: decoded.ok ? decoded.envelope.producer : undefined,
            incarnation: body.epoch,
            snapshotVersion: body.version,
            applied: loaded.applied.length,
            version: replica.version,
            keys: replica.size,
          },
        )
        loaded.applied.forEach(applied)
        const outcome = loaded.outcome
        if (outcome === "gap") requestSnapshot("the buffered updates do not continue the snapshot")
      }
    } catch (error) {
      if (service.stopping || isClosedError(socket, error)) break
      if (!isTimeoutError(error)) throw error
      counts.snapshotTimeouts += 1
      log.warn("snapshot-timeout", `no snapshot within ${config.CLONE_SNAPSHOT_TIMEOUT_MS} ms: asking again on a new socket`, {
        timeoutMs: config.CLONE_SNAPSHOT_TIMEOUT_MS,
      })
      wanted = true
    } finally {
      socket.close()
    }
  }
}

// --- updates and heartbeats --------------------------------------------------
const subscriber = connectSocket(service, new Subscriber(socketOptions(config, "receive")), config.CLONE_CONNECT, "sub")
subscribe(service, subscriber, [config.CLONE_TOPIC])
// Subscribed first, then the snapshot: an update made after the snapshot was
// taken is already on its way to us.
if (config.CLONE_SNAPSHOTS) {
  requestSnapshot("starting")
  void snapshotLoop()
}

await eachMessage(service, subscriber, ([topic, ...rest]) => {
  const decoded = inbox.open(rest, { frames: 1 })
  if (!decoded.ok || topic === undefined) return
  if (takeWelcome(service, inbox, topic.toString("utf8"), decoded.envelope)) return
  const body = decoded.envelope.body as { kind?: string; key?: unknown; value?: unknown; version?: unknown; done?: unknown; epoch?: unknown }
  if (body.kind === "heartbeat" && Number.isSafeInteger(body.version)) {
    const version = body.version as number
    if (replica.behind(version)) {
      counts.behind += 1
      requestSnapshot(`the publisher is at version ${version}, the copy at ${replica.version}`)
    }
    logState(version, body.done === true)
    return
  }
  if (
    body.kind !== "update" ||
    typeof body.key !== "string" ||
    typeof body.value !== "string" ||
    !Number.isSafeInteger(body.version) ||
    typeof body.epoch !== "string"
  ) {
    return inbox.reject("bad-body", 'an update must be {kind: "update", key, value, version, epoch} or {kind: "heartbeat", version}', {
      producer: decoded.envelope.producer,
    })
  }
  const update = { key: body.key, value: body.value, version: body.version as number }
  publisher = { name: decoded.envelope.producer, epoch: body.epoch }
  const ref = { producer: publisher.name, incarnation: publisher.epoch, stream: UPDATES }
  inbox.track(ref, update.version)
  const from = replica.version
  const outcome = replica.update(update)
  service.message("received", `${update.key} = ${update.value} (version ${update.version}): ${outcome}`, {
    ...ref,
    seq: update.version,
    version: update.version,
    key: update.key,
    outcome,
  })
  if (outcome === "applied") {
    applied(update)
  } else if (outcome === "stale") {
    counts.stale += 1
  } else if (outcome === "gap") {
    counts.versionGaps += 1
    requestSnapshot(`version ${update.version} came after ${from}: ${update.version - from - 1} update(s) missed`)
  }
})
