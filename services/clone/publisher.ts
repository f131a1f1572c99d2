// Clone, the publisher: owns a key-value store and publishes every change as
// [topic, envelope {kind: "update", key, value, version, epoch}] on a PUB
// socket, at CLONE_RATE changes per second. A ROUTER snapshot socket answers a
// subscriber's snapshot request with the whole store and its version, so a
// late or restarted subscriber starts from the current state instead of from
// nothing. Every CLONE_HEARTBEAT_MS it publishes {kind: "heartbeat", version}:
// a subscriber that missed the last updates (nothing newer came to show the
// gap) learns it is behind.
//
// The store is journaled (a volume) before each change is published, so a
// restarted publisher goes on from the same state and version. The versions
// are the "updates" stream's numbers; their incarnation is the journal's epoch.
// Heartbeats and snapshots are numbered apart: they are not updates.
import { Router, XPublisher } from "zeromq"
import { pick } from "../../shared/config.js"
import { encodeEnvelope, newIncarnation } from "../../shared/envelope.js"
import { Publishing } from "../../shared/fanout.js"
import { Inbox } from "../../shared/inbox.js"
import { Journal } from "../../shared/journal.js"
import { pastDeadline, ticks } from "../../shared/pace.js"
import { errorBody } from "../../shared/replier.js"
import { startService } from "../../shared/service.js"
import { bindSocket, eachMessage, routerOptions, xpubOptions } from "../../shared/sockets.js"
import { Store, UPDATES, type Update } from "./store.js"

const service = startService(
  "clone",
  pick("CLONE_BIND", "CLONE_SNAPSHOT_BIND", "CLONE_TOPIC", "CLONE_RATE", "CLONE_KEYS", "CLONE_UPDATES", "CLONE_HEARTBEAT_MS", "CLONE_JOURNAL"),
)
const { config, log } = service

const journal = new Journal<Update | { epoch: string }>(config.CLONE_JOURNAL)
const entries = journal.entries()
let epoch = entries.find((e): e is { epoch: string } => "epoch" in e)?.epoch
if (epoch === undefined) {
  epoch = newIncarnation()
  journal.append({ epoch })
}
const store = new Store()
for (const update of entries) if (!("epoch" in update)) store.set(update)
log.info("store", `${store.size} key(s) at version ${store.version} restored from the journal`, {
  version: store.version,
  keys: store.size,
  digest: store.digest(),
  epoch,
})

service.declare(UPDATES, "fan-out", { incarnation: epoch })
const updates = service.producer("update-sends")
const heartbeats = service.producer("heartbeats")
const replies = service.producer("snapshots")
const inbox = new Inbox(service)
const topic = Buffer.from(config.CLONE_TOPIC)
const socket = await bindSocket(service, new XPublisher(xpubOptions(config)), config.CLONE_BIND, "pub")
const publishing = new Publishing(service, socket, inbox, () => [{ stream: UPDATES, topic: config.CLONE_TOPIC, incarnation: epoch, afterSeq: store.version }])
void publishing.run()
const snapshots = await bindSocket(service, new Router(routerOptions(config)), config.CLONE_SNAPSHOT_BIND, "snapshot")
const counts = { snapshotsServed: 0 }
service.reportStats(() => ({
  version: store.version,
  keys: store.size,
  sent: updates.lastSeq,
  ...counts,
  subscriptions: publishing.subscriptions,
  badMessages: inbox.badMessages,
}))

const finished = () => (config.CLONE_UPDATES > 0 && store.version >= config.CLONE_UPDATES) || pastDeadline(service)
let announcedDone = false

const beat = setInterval(() => {
  const envelope = heartbeats.next({ kind: "heartbeat", version: store.version, epoch, done: finished() })
  publishing.publish([topic, encodeEnvelope(envelope)]).catch(() => undefined)
  if (finished() && !announcedDone) {
    announcedDone = true
    // The publisher's final state, which every subscriber's must equal.
    log.info("done", `all ${store.version} changes made: store at version ${store.version}, digest ${store.digest()}`, {
      version: store.version,
      digest: store.digest(),
      values: store.values(),
    })
  }
}, config.CLONE_HEARTBEAT_MS)
service.onStop(() => clearInterval(beat))

// Snapshot requests: [identity, envelope {snapshot: topic}] from a DEALER. The
// answer is one message with the whole store: small here (CLONE_KEYS entries).
// The Guide's clone server streams one message per key for large stores.
void eachMessage(service, snapshots, async ([identity, ...rest]) => {
  if (identity === undefined) return
  const decoded = inbox.open(rest, { frames: 1, sender: identity.toString("hex") })
  const reply = (body: unknown) => snapshots.send([identity, encodeEnvelope(replies.next(body, decoded.ok ? decoded.envelope : undefined))])
  if (!decoded.ok) return reply(errorBody("bad-message", decoded.reason)).catch(() => undefined)
  const snapshot = store.snapshot()
  try {
    await reply({ kind: "snapshot", epoch, ...snapshot })
    counts.snapshotsServed += 1
    log.info("snapshot-served", `snapshot at version ${snapshot.version} (${store.size} keys) to ${decoded.envelope.producer}`, {
      version: snapshot.version,
      keys: store.size,
      to: decoded.envelope.producer,
    })
  } catch (error) {
    log.warn("unroutable", `snapshot for ${decoded.envelope.producer} dropped: ${String(error)}`, { to: decoded.envelope.producer })
  }
})

log.info("publishing", `changing ${config.CLONE_KEYS} keys at ${config.CLONE_RATE}/s on topic "${config.CLONE_TOPIC}"`, {
  rate: config.CLONE_RATE,
  keys: config.CLONE_KEYS,
})
for await (const _ of ticks(service, config.CLONE_RATE)) {
  if (finished()) break
  const key = `key-${String(Math.floor(Math.random() * config.CLONE_KEYS)).padStart(3, "0")}`
  const update = store.next(key, `${service.instance}-${store.version + 1}`)
  // Journaled, then logged, then published: a change a subscriber may have seen
  // is never forgotten by a restart, nor missing from the log (a kill between
  // the two steps leaves a change made but not sent, which snapshots carry).
  journal.append(update)
  service.message("sent", `${update.key} = ${update.value} (version ${update.version})`, {
    stream: UPDATES,
    incarnation: epoch,
    seq: update.version,
    version: update.version,
    key: update.key,
  })
  // Versioned and queued in one step (no await between): see shared/fanout.ts.
  await publishing.publish([topic, encodeEnvelope(updates.next({ kind: "update", epoch, ...update }))])
}
