// Clone, the publisher: owns a key-value store and publishes every change as
// [topic, envelope {kind: "update", key, value, version}] on a PUB socket, at
// CLONE_RATE changes per second. A ROUTER snapshot socket answers a
// subscriber's snapshot request with the whole store and its version, so a
// late or restarted subscriber starts from the current state instead of from
// nothing. Every CLONE_HEARTBEAT_MS it publishes {kind: "heartbeat", version}:
// a subscriber that missed the last updates (nothing newer came to show the
// gap) learns it is behind.
//
// The store is journaled (a volume) before each change is published, so a
// restarted publisher goes on from the same state and version.
import { Publisher, Router } from "zeromq"
import { decimal, endpoint, integer, text } from "../../shared/config.js"
import { encodeEnvelope, Producer } from "../../shared/envelope.js"
import { Inbox } from "../../shared/inbox.js"
import { Journal } from "../../shared/journal.js"
import { ticks } from "../../shared/pace.js"
import { errorBody } from "../../shared/replier.js"
import { startService } from "../../shared/service.js"
import { bindSocket, eachMessage, SendQueue, socketOptions } from "../../shared/sockets.js"
import { Store, type Update } from "./store.js"

const service = startService("clone", {
  CLONE_BIND: endpoint("tcp://*:5590"),
  CLONE_SNAPSHOT_BIND: endpoint("tcp://*:5591"),
  CLONE_TOPIC: text("kv"),
  CLONE_RATE: decimal(10, { min: 0.01, max: 100_000 }),
  /** How many different keys the changes touch. */
  CLONE_KEYS: integer(100, { min: 1, max: 100_000 }),
  /** Stop changing the store after this many changes (0: never); heartbeats go on. */
  CLONE_UPDATES: integer(0, { min: 0 }),
  CLONE_HEARTBEAT_MS: integer(1000, { min: 10, max: 600_000 }),
  CLONE_JOURNAL: text("/state/clone-publisher.journal", { pattern: /^\/\S+$/, describe: "an absolute file path" }),
})
const { config, log } = service

const producer = new Producer(service.name)
const inbox = new Inbox(service)
const journal = new Journal<Update>(config.CLONE_JOURNAL)
const store = new Store()
for (const update of journal.entries()) store.set(update)
log.info("store", `${store.size} key(s) at version ${store.version} restored from the journal`, { version: store.version, keys: store.size, digest: store.digest() })

const topic = Buffer.from(config.CLONE_TOPIC)
const publisher = await bindSocket(service, new Publisher(socketOptions(config, "send")), config.CLONE_BIND, "pub")
const snapshots = await bindSocket(service, new Router({ ...socketOptions(config, "both"), mandatory: true }), config.CLONE_SNAPSHOT_BIND, "snapshot")
// The update loop and the heartbeat timer both publish.
const publish = new SendQueue(publisher)
const counts = { snapshotsServed: 0 }
service.reportStats(() => ({ version: store.version, keys: store.size, sent: producer.lastSeq, ...counts, badMessages: inbox.badMessages }))

const finished = () => config.CLONE_UPDATES > 0 && store.version >= config.CLONE_UPDATES
let announcedDone = false

const heartbeat = setInterval(() => {
  const envelope = producer.next({ kind: "heartbeat", version: store.version, done: finished() })
  publish.send([topic, encodeEnvelope(envelope)]).catch(() => undefined)
  if (finished() && !announcedDone) {
    announcedDone = true
    // The publisher's final state, which every subscriber's must equal.
    log.info("done", `all ${store.version} changes made: store at version ${store.version}, digest ${store.digest()}`, { version: store.version, digest: store.digest(), values: store.values() })
  }
}, config.CLONE_HEARTBEAT_MS)
service.onStop(() => clearInterval(heartbeat))

// Snapshot requests: [identity, envelope {snapshot: topic}] from a DEALER. The
// answer is one message with the whole store: small here (CLONE_KEYS entries).
// The Guide's clone server streams one message per key for large stores.
void eachMessage(service, snapshots, async ([identity, ...rest]) => {
  if (identity === undefined) return
  const decoded = inbox.open(rest, { frames: 1, sender: identity.toString("hex") })
  const reply = (body: unknown) => snapshots.send([identity, encodeEnvelope(producer.next(body, decoded.ok ? decoded.envelope : undefined))])
  if (!decoded.ok) return reply(errorBody("bad-message", decoded.reason)).catch(() => undefined)
  const snapshot = store.snapshot()
  try {
    await reply({ kind: "snapshot", ...snapshot })
    counts.snapshotsServed += 1
    log.info("snapshot-served", `snapshot at version ${snapshot.version} (${store.size} keys) to ${decoded.envelope.producer}`, { version: snapshot.version, keys: store.size, to: decoded.envelope.producer })
  } catch (error) {
    log.warn("unroutable", `snapshot for ${decoded.envelope.producer} dropped: ${String(error)}`, { to: decoded.envelope.producer })
  }
})

log.info("publishing", `changing ${config.CLONE_KEYS} keys at ${config.CLONE_RATE}/s on topic "${config.CLONE_TOPIC}"`, { rate: config.CLONE_RATE, keys: config.CLONE_KEYS })
for await (const _ of ticks(service, config.CLONE_RATE)) {
  if (finished()) break
  const key = `key-${String(Math.floor(Math.random() * config.CLONE_KEYS)).padStart(3, "0")}`
  const update = store.next(key, `${producer.incarnation}-${store.version + 1}`)
  // Journaled, then logged, then published: a change a subscriber may have seen
  // is never forgotten by a restart, nor missing from the log (a kill between
  // the two steps leaves a change made but not sent, which snapshots carry).
  journal.append(update)
  const envelope = producer.next({ kind: "update", ...update })
  service.message("sent", `${update.key} = ${update.value} (version ${update.version})`, { seq: envelope.seq, incarnation: producer.incarnation, version: update.version, key: update.key })
  await publish.send([topic, encodeEnvelope(envelope)])
}
