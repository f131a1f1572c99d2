// Every scenario's checker on hand-made histories: one in which the claimed
// behaviour happened (its verdict must be PASS), and at least one in which it
// broke (FAIL). A check that cannot fail shows up here as a failing history
// that still passes. Every scenario of the catalogue must have its cases.
import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { catalogue } from "../../scenarios/index.js"
import type { History, HistoryEvent } from "../../scenarios/runner/history.js"
import { judge } from "../../scenarios/runner/runner.js"
import { changed, merge, Story, without } from "../support/story.js"

interface Cases {
  pass: () => History
  /** Each: what broke, and the history it broke in. */
  fail: Record<string, () => History>
}

const is =
  (service: string, event: string, where: (e: HistoryEvent) => boolean = () => true) =>
  (e: HistoryEvent) =>
    e.service === service && e.event === event && where(e)
const replyTo = (e: HistoryEvent) => (e.inReplyTo as { seq: number } | undefined)?.seq

// --- PUB/SUB -------------------------------------------------------------------

const SUBS = ["pubsub-subscriber", "pubsub-late-subscriber"]

function psReconnect({ skip = [] as number[], loggedBeforeJoin = 5, restartLogged = true, slowLast = false } = {}): History {
  const s = new Story()
  const everyone = (extra: Record<string, { skip?: number[] }> = {}) => Object.fromEntries(SUBS.map(sub => [sub, { joinAfter: 0, ...extra[sub] }]))
  s.add("pubsub-publisher", "listening", { instance: "A" }).publish({ incarnation: "A", to: 30, subscribers: everyone() })
  for (const [i, incarnation] of ["B", "C", "D", "E", "F"].entries()) {
    s.action("kill", "pubsub-publisher")
      .wait(1000)
      .action("start", "pubsub-publisher")
      .wait(100)
      .add("pubsub-publisher", "listening", { instance: incarnation })
    s.wait(slowLast && i === 4 ? 2500 : 80)
    for (const sub of SUBS) {
      if (restartLogged) s.add(sub, "producer-restart", { producer: "pubsub-publisher", incarnation })
      s.add(sub, "joined", { producer: "pubsub-publisher", incarnation, stream: "ticks", afterSeq: 2, beforeJoin: i === 0 ? loggedBeforeJoin - 3 : 2 })
    }
    s.publish({ incarnation, to: 20, subscribers: Object.fromEntries(SUBS.map(sub => [sub, { joinAfter: 2, skip: sub === SUBS[0] && i === 2 ? skip : [] }])) })
  }
  return s.history()
}

function psLateJoiner({ lateJoinAfter = 130, lateSkip = [] as number[] } = {}): History {
  const s = new Story()
  s.publish({ to: 250, subscribers: { "pubsub-subscriber": { joinAfter: 0 }, "pubsub-late-subscriber": { joinAfter: lateJoinAfter, skip: lateSkip } } })
  return s.add("pubsub-late-subscriber", "joined", { producer: "pubsub-publisher", incarnation: "i1", stream: "ticks", beforeJoin: lateJoinAfter }).history()
}

function psFirstMessages({ slowJoinAfter = 53, cutGapLogged = true } = {}): History {
  const slow = new Story("slow-joiner")
  slow.add("pubsub-subscriber", "connecting").action("up", "pubsub-publisher")
  slow.publish({ to: 100, everyMs: 5, subscribers: { "pubsub-subscriber": { joinAfter: slowJoinAfter, skip: Array.from({ length: 53 }, (_, i) => i + 1) } } })
  slow.add("pubsub-subscriber", "joined", { producer: "pubsub-publisher", incarnation: "i1", stream: "ticks", beforeJoin: slowJoinAfter })
  const cut = new Story("cut-after-join")
  cut.publish({ incarnation: "i2", to: 120, subscribers: { "pubsub-subscriber": { joinAfter: 0, skip: Array.from({ length: 75 }, (_, i) => i + 1) } } })
  if (cutGapLogged)
    cut.add("pubsub-subscriber", "gap", { producer: "pubsub-publisher", incarnation: "i2", stream: "ticks", missing: [{ from: 1, to: 75 }], count: 75 })
  return merge(slow, cut)
}

function psSubscriberDown({ alsoSkip = [] as number[] } = {}): History {
  const s = new Story()
  const down = "pubsub-late-subscriber"
  s.publish({ to: 40, subscribers: { "pubsub-subscriber": { joinAfter: 0 }, [down]: { joinAfter: 0, skip: alsoSkip } } })
  s.action("stop", down)
  s.publish({ from: 41, to: 110, declare: false, subscribers: { "pubsub-subscriber": {}, [down]: { skip: Array.from({ length: 70 }, (_, i) => i + 41) } } })
  s.action("start", down)
  return s.publish({ from: 111, to: 150, declare: false, subscribers: { "pubsub-subscriber": {}, [down]: {} } }).history()
}

function psNoSubscriber({ keptForLater = false, stall = false } = {}): History {
  const s = new Story()
  s.publish({ to: 500, everyMs: 5 })
  if (stall) s.wait(800)
  s.publish({ from: 501, to: 1000, everyMs: 5, declare: false })
  s.add("pubsub-publisher", "stats", { subscriptions: 0 })
  s.action("up", "pubsub-subscriber", { startedAt: s.now })
  const first = keptForLater ? 990 : 1006
  return s
    .publish({ from: 1001, to: 1100, everyMs: 5, declare: false, subscribers: { "pubsub-subscriber": { joinAfter: 1005 } } })
    .publish({ from: first, to: keptForLater ? 1000 : 0, declare: false, subscribers: { "pubsub-subscriber": { joinAfter: 0 } } })
    .history()
}

function psSlowSubscriber({ drops = true, gapLogged = true } = {}): History {
  const s = new Story()
  const dropped = drops ? Array.from({ length: 60 }, (_, i) => i + 201) : []
  s.publish({ to: 400, everyMs: 5, subscribers: { "pubsub-subscriber": { joinAfter: 0, skip: dropped } } })
  if (drops && gapLogged)
    s.add("pubsub-subscriber", "gap", { producer: "pubsub-publisher", incarnation: "i1", stream: "ticks", missing: [{ from: 201, to: 260 }], count: 60 })
  return s.history()
}

function psSuicidalSnail({ snailSkip = [] as number[], exitCode = 3 } = {}): History {
  const s = new Story()
  s.publish({ to: 200, everyMs: 5, subscribers: { "pubsub-subscriber": { joinAfter: 0 }, "pubsub-snail": { joinAfter: 0, skip: snailSkip } } })
  s.add("pubsub-snail", "too-slow", { seq: 200, lagMs: 1100 }).add("pubsub-snail", "shutdown", { exitCode })
  s.publish({ from: 201, to: 300, everyMs: 5, declare: false, subscribers: { "pubsub-subscriber": { skip: Array.from({ length: 11 }, (_, i) => i + 250) } } })
  return s
    .add("pubsub-subscriber", "gap", { producer: "pubsub-publisher", incarnation: "i1", stream: "ticks", missing: [{ from: 250, to: 260 }], count: 11 })
    .history()
}

function psTwoPublishers({ skip2 = [] as number[] } = {}): History {
  const s = new Story()
  const pubs = ["pubsub-publisher", "pubsub-publisher-2"]
  for (const p of pubs)
    s.declare(p, "ticks", "fan-out", p).add(p, "subscriber-joined", { subscriber: "pubsub-subscriber", stream: "ticks", incarnation: p, afterSeq: 0 })
  for (let seq = 1; seq <= 60; seq++) {
    for (const p of pubs) {
      s.send(p, "ticks", seq, p)
      if (!(p === pubs[1] && skip2.includes(seq))) s.add("pubsub-subscriber", "received", { producer: p, incarnation: p, stream: "ticks", seq })
      s.wait(25)
    }
  }
  return s.history()
}

function psTopicFilter({ other = 0 } = {}): History {
  const s = new Story()
  for (let i = 1; i <= 30; i++)
    s.add("pubsub-subscriber", "received", { topic: "ticks", seq: i })
      .add("pubsub-subscriber", "received", { topic: "ticks-extra", seq: i })
      .add("pubsub-publisher-b", "sent", { seq: i })
      .wait(50)
  for (let i = 1; i <= other; i++) s.add("pubsub-subscriber", "received", { topic: "other", seq: i })
  return s.history()
}

function psPausedPublisher({ plainNoticed = false, noticedAfterMs = 1800 } = {}): History {
  const s = new Story()
  const [plain, beat] = SUBS as [string, string]
  s.publish({ to: 40, subscribers: { [plain]: { joinAfter: 0 }, [beat]: { joinAfter: 0 } } })
  const pausedAt = s.action("pause", "pubsub-publisher").now
  s.wait(noticedAfterMs).add(beat, "socket.disconnect")
  if (plainNoticed) s.add(plain, "socket.disconnect")
  s.wait(pausedAt + 5000 - s.now)
    .action("unpause", "pubsub-publisher")
    .wait(40)
  return s.publish({ from: 41, to: 80, declare: false, subscribers: { [plain]: {}, [beat]: {} } }).history()
}

function netPartition({ alsoLost = [] as number[] } = {}): History {
  const s = new Story()
  const sub = "pubsub-subscriber"
  s.publish({ to: 40, subscribers: { [sub]: { joinAfter: 0, skip: alsoLost } } })
  s.action("disconnect", sub)
  s.publish({ from: 41, to: 76, declare: false, subscribers: { [sub]: { skip: Array.from({ length: 36 }, (_, i) => i + 41) } } })
  s.add(sub, "socket.disconnect")
  s.publish({ from: 77, to: 140, declare: false, subscribers: { [sub]: { skip: Array.from({ length: 64 }, (_, i) => i + 77) } } })
  s.action("connect", sub).wait(300)
  s.publish({ from: 141, to: 180, declare: false, subscribers: { [sub]: {} } })
  const missing = [...alsoLost.map(seq => ({ from: seq, to: seq })), { from: 41, to: 140 }]
  return s.add(sub, "gap", { producer: "pubsub-publisher", incarnation: "i1", stream: "ticks", missing, count: 100 + alsoLost.length }).history()
}

function netNewIp({ sameAddress = false } = {}): History {
  const s = new Story()
  s.add("runner", "address", { target: "pubsub-publisher", ip: "172.20.0.2" }).add("runner", "address", {
    target: "pubsub-publisher",
    ip: sameAddress ? "172.20.0.2" : "172.20.0.5",
  })
  s.add("pubsub-subscriber", "producer-restart", { producer: "pubsub-publisher", incarnation: "B" })
  for (let seq = 1; seq <= 25; seq++) s.add("pubsub-subscriber", "received", { producer: "pubsub-publisher", incarnation: "B", stream: "ticks", seq }).wait(50)
  return s.history()
}

// --- network faults ------------------------------------------------------------

function netLossTcp({ lost = [] as number[], slowDuringLoss = true } = {}): History {
  const s = new Story()
  const sub = "pubsub-subscriber"
  const latency = (ms: number) => () => ({ latencyMs: ms })
  s.publish({ to: 40, subscribers: { [sub]: { joinAfter: 0, fields: latency(3) } } })
  s.action("fault", sub, { fault: "loss 30%" })
  s.publish({
    from: 41,
    to: 240,
    declare: false,
    subscribers: { [sub]: { skip: lost, fields: seq => ({ latencyMs: slowDuringLoss && seq % 10 === 0 ? 420 : 4 }) } },
  })
  s.action("heal", sub)
  s.publish({ from: 241, to: 280, declare: false, subscribers: { [sub]: { fields: latency(3) } } })
  if (lost.length > 0)
    s.add(sub, "gap", {
      producer: "pubsub-publisher",
      incarnation: "i1",
      stream: "ticks",
      missing: lost.map(seq => ({ from: seq, to: seq })),
      count: lost.length,
    })
  return s.history()
}

function halfOpenVariant(variant: string, { disconnectAfterMs, lostWhileCut }: { disconnectAfterMs?: number; lostWhileCut: boolean }): Story {
  const s = new Story(variant)
  const sub = "pubsub-subscriber"
  s.publish({ to: 40, subscribers: { [sub]: { joinAfter: 0 } } })
  s.action("fault", sub, { fault: "blackhole" })
  const cutAt = s.now
  s.publish({ from: 41, to: 200, declare: false, subscribers: { [sub]: { skip: lostWhileCut ? Array.from({ length: 160 }, (_, i) => i + 41) : [] } } })
  if (disconnectAfterMs !== undefined) s.events.push({ t: cutAt + disconnectAfterMs, service: sub, event: "socket.disconnect", variant })
  s.action("heal", sub).wait(300).add(sub, "socket.connect")
  s.publish({ from: 201, to: 240, declare: false, subscribers: { [sub]: {} } })
  return s
}

function netHalfOpen({ silentNoticed = false, noticedAfterMs = 2100 } = {}): History {
  return merge(
    halfOpenVariant("no-heartbeats", { lostWhileCut: false, ...(silentNoticed ? { disconnectAfterMs: 5000 } : {}) }),
    halfOpenVariant("heartbeats", { lostWhileCut: true, disconnectAfterMs: noticedAfterMs }),
  )
}

function netTcpMaxrt({ droppedAfterMs = 2600, subscriberNoticed = false } = {}): History {
  const s = new Story()
  const sub = "pubsub-subscriber"
  s.publish({ to: 40, subscribers: { [sub]: { joinAfter: 0 } } })
  s.action("fault", sub, { fault: "blackhole" }).wait(droppedAfterMs).add("pubsub-publisher", "socket.disconnect")
  if (subscriberNoticed) s.add(sub, "socket.disconnect")
  return s.wait(2000).action("heal", sub).wait(5000).history()
}

function netReset({ disconnectAfterMs = 120, reconnectAfterMs = 150 } = {}): History {
  const s = new Story()
  const client = "router-dealer-client"
  s.requests({ client, servers: ["router-dealer-worker-1"], to: 20 })
  s.action("fault", client, { fault: "reset :5560" }).wait(disconnectAfterMs).add(client, "socket.disconnect")
  s.wait(3000).action("heal", client).wait(reconnectAfterMs).add(client, "socket.connect")
  return s.requests({ client, servers: ["router-dealer-worker-1"], from: 21, to: 40, declare: false }).history()
}

function netDelay({ rttMs = 210, lost = [] as number[] } = {}): History {
  const s = new Story()
  s.requests({ client: "reqrep-client", servers: ["reqrep-server"], to: 10 })
  s.action("fault", "reqrep-server", { fault: "delay 100 ms ± 20 ms" })
  return s.requests({ client: "reqrep-client", servers: ["reqrep-server"], from: 11, to: 40, declare: false, lost, reply: () => ({ rttMs }) }).history()
}

function netDuplicate({ duplicateAt = [] as number[] } = {}): History {
  const s = new Story()
  const sub = "pubsub-subscriber"
  s.publish({ to: 20, subscribers: { [sub]: { joinAfter: 0 } } }).action("fault", sub, { fault: "duplicate 20%" })
  s.publish({ from: 21, to: 180, declare: false, subscribers: { [sub]: {} } })
  for (const seq of duplicateAt) s.add(sub, "received", { producer: "pubsub-publisher", incarnation: "i1", stream: "ticks", seq })
  return s.action("heal", sub).history()
}

function reqrepRelaxed({ relaxedReopens = false, relaxedRecovers = true, strictAnswered = false } = {}): History {
  const s = new Story()
  const strict = "reqrep-client"
  const relaxed = "reqrep-client-relaxed"
  s.requests({ client: strict, servers: ["reqrep-server"], to: 3 })
  s.requests({ client: relaxed, servers: ["reqrep-server"], incarnation: "r1", to: 3 })
  s.action("kill", "reqrep-server").wait(3000).add(relaxed, "timeout", { seq: 4, timeoutMs: 3000, attempt: 0, reopened: relaxedReopens })
  s.action("start", "reqrep-server").wait(200)
  if (relaxedRecovers) s.requests({ client: relaxed, servers: ["reqrep-server"], incarnation: "r1", from: 5, to: 8, declare: false })
  if (strictAnswered) s.requests({ client: strict, servers: ["reqrep-server"], from: 4, to: 4, declare: false })
  return s.history()
}

function connectTimeoutVariant(variant: string, recoveryMs: number): Story {
  const s = new Story(variant)
  for (const [i, incarnation] of ["A", "B", "C", "D", "E", "F"].entries()) {
    s.add("pubsub-publisher", "listening", { instance: incarnation })
    s.wait(i === 0 ? 10 : recoveryMs)
    s.add("pubsub-subscriber", "received", { producer: "pubsub-publisher", incarnation, stream: "ticks", seq: 1 })
    s.wait(1000)
  }
  return s
}

function pubsubConnectTimeout({ withoutMs = 520, withMs = 90 } = {}): History {
  return merge(connectTimeoutVariant("timeout-0", withoutMs), connectTimeoutVariant("timeout-150", withMs))
}

function rdMandatoryVariant(variant: string, { unroutable }: { unroutable: number }): Story {
  const s = new Story(variant)
  s.requests({ client: "router-dealer-client", servers: ["router-dealer-worker-1", "router-dealer-worker-2"], to: 4 })
  s.action("kill", "router-dealer-client").wait(500)
  for (const seq of [5, 6]) s.add("router-dealer-worker-1", "sent", { seq, inReplyTo: { producer: "router-dealer-client", seq } }).wait(10)
  for (let i = 0; i < unroutable; i++)
    s.add("router-dealer-broker", "unroutable", { client: "00aa", inReplyTo: { producer: "router-dealer-client", seq: 5 + i } })
  return s
}

function rdMandatory({ mandatoryCounted = 2, silentCounted = 0 } = {}): History {
  return merge(rdMandatoryVariant("mandatory", { unroutable: mandatoryCounted }), rdMandatoryVariant("silent", { unroutable: silentCounted }))
}

function netLossUdp({ lostShare = 0.3, lostBefore = [] as number[], logged = true } = {}): History {
  const s = new Story()
  const dish = "pubsub-dish"
  const radio = { publisher: "pubsub-radio", everyMs: 20 }
  s.publish({ ...radio, to: 100, subscribers: { [dish]: { skip: lostBefore } } })
  s.action("fault", dish, { fault: "loss 30% in" })
  const lost = Array.from({ length: 450 }, (_, i) => i + 101).filter(seq => seq % 100 < lostShare * 100)
  s.publish({ ...radio, from: 101, to: 550, declare: false, subscribers: { [dish]: { skip: lost } } })
  s.action("heal", dish)
  s.publish({ ...radio, from: 551, to: 600, declare: false, subscribers: { [dish]: {} } })
  const all = [...lostBefore, ...lost]
  if (logged)
    s.add(dish, "gap", { producer: "pubsub-radio", incarnation: "i1", stream: "ticks", missing: all.map(seq => ({ from: seq, to: seq })), count: all.length })
  return s.history()
}

function rdHandoverVariant(variant: string, { secondAnswered }: { secondAnswered: boolean }): Story {
  const s = new Story(variant)
  const servers = ["router-dealer-worker-1", "router-dealer-worker-2"]
  s.requests({ client: "router-dealer-client", servers, to: 10 })
  s.action("up", "router-dealer-client-2")
  if (secondAnswered) s.requests({ client: "router-dealer-client-2", servers, incarnation: "c2", to: 5 })
  else
    s.declare("router-dealer-client-2", "requests", "request-reply", "c2")
      .send("router-dealer-client-2", "requests", 1, "c2")
      .wait(1500)
      .add("router-dealer-client-2", "timeout", { id: 1 })
  return s.requests({ client: "router-dealer-client", servers, from: 11, to: 15, declare: false })
}

function rdHandover({ ignoredAnswered = false, takenOver = true } = {}): History {
  return merge(rdHandoverVariant("no-handover", { secondAnswered: ignoredAnswered }), rdHandoverVariant("handover", { secondAnswered: takenOver }))
}

function bandwidthVariant(variant: string, { everyMs, lost, logged = true }: { everyMs: number; lost: number[]; logged?: boolean }): Story {
  const s = new Story(variant)
  const sub = "pubsub-subscriber"
  s.publish({ to: 100, everyMs: 5, subscribers: { [sub]: { joinAfter: 0 } } })
  s.action("fault", "pubsub-publisher", { fault: "bandwidth 256kbit" })
  const last = 100 + Math.round(12_000 / everyMs)
  s.publish({ from: 101, to: last, everyMs, declare: false, subscribers: { [sub]: { skip: lost } } })
  s.action("heal", "pubsub-publisher")
  s.publish({ from: last + 1, to: last + 100, everyMs: 5, declare: false, subscribers: { [sub]: {} } })
  if (logged && lost.length > 0)
    s.add(sub, "gap", { producer: "pubsub-publisher", incarnation: "i1", stream: "ticks", missing: [{ from: lost[0]!, to: lost.at(-1)! }], count: lost.length })
  return s
}

function bandwidthHwm({ dropLost = true, noDropLost = false, noDropWaits = true } = {}): History {
  const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)
  return merge(
    bandwidthVariant("drop", { everyMs: 5, lost: dropLost ? range(600, 1800) : [] }),
    bandwidthVariant("no-drop", { everyMs: noDropWaits ? 125 : 5, lost: noDropLost ? [120] : [] }),
  )
}

const SIZES = [1, 1024, 65_536, 1_048_576, 10_485_760]
function wholeMessages({ skip = [] as number[], partial = false } = {}): History {
  const s = new Story()
  const bytes = (seq: number) => ({ payloadBytes: SIZES[(seq - 1) % SIZES.length] })
  s.publish({ to: 15, everyMs: 200, fields: bytes, subscribers: { "pubsub-subscriber": { joinAfter: 0, skip } } })
  if (partial) s.add("pubsub-subscriber", "bad-message", { reason: "partial message" })
  return s.history()
}

// --- PUSH/PULL -----------------------------------------------------------------

const WORKERS3 = ["pipeline-worker-1", "pipeline-worker-2", "pipeline-worker-3"]
function ppLoadBalance({ readyAllToOne = false, lostInFirst = [] as number[] } = {}): History {
  const first = new Story("connected-first").pipeline({ workers: WORKERS3, to: 60, lost: lostInFirst })
  const staggered = new Story("staggered").pipeline({ workers: [WORKERS3[0]!], to: 60 })
  const ready = new Story("wait-for-ready").pipeline({ workers: readyAllToOne ? [WORKERS3[0]!] : WORKERS3, to: 60 })
  return merge(first, staggered, ready)
}

function ppNoWorkerYet({ lost = [] as number[] } = {}): History {
  const s = new Story()
  s.declare("pipeline-ventilator", "tasks", "load-balanced", "v1").add("pipeline-ventilator", "ventilating").wait(3000)
  s.add("pipeline-ventilator", "socket.accept").add("pipeline-ventilator", "blocked", { waitedMs: 3000 })
  return s.pipeline({ workers: ["pipeline-worker-1"], to: 50, lost, declare: false }).history()
}

function ppWorkerKilled({ named = [9, 11], sinkLost = 2 } = {}): History {
  const s = new Story()
  const workers = ["pipeline-worker-1", "pipeline-worker-2"]
  s.pipeline({ workers, to: 8 }).action("kill", workers[0]!)
  s.pipeline({ workers, from: 9, to: 12, lost: [9, 11], declare: false })
  s.pipeline({ workers: [workers[1]!], from: 13, to: 40, declare: false })
  s.add("pipeline-sink", "gap", {
    producer: "pipeline-ventilator",
    incarnation: "v1",
    stream: "tasks",
    missing: named.map(seq => ({ from: seq, to: seq })),
    count: named.length,
  })
  return s.add("pipeline-sink", "stats", { received: 38, lost: sinkLost, pending: 0 }).history()
}

function ppKillMidTask({ plainDoneBeforeKill = false, deliveredBeforeDone = false } = {}): History {
  const plain = new Story("plain")
  const task = (v: string, seq: number, incarnation = "v1") => ({ producer: v, incarnation, stream: "tasks", seq, taskId: seq })
  plain
    .declare("pipeline-ventilator", "tasks", "load-balanced", "v1")
    .send("pipeline-ventilator", "tasks", 1, "v1")
    .add("pipeline-worker-1", "received", task("pipeline-ventilator", 1))
  if (plainDoneBeforeKill) plain.add("pipeline-worker-1", "done", task("pipeline-ventilator", 1))
  plain.wait(300).action("kill", "pipeline-worker-1")
  plain.pipeline({ workers: ["pipeline-worker-2"], from: 2, to: 12, declare: false })
  plain.add("pipeline-sink", "gap", { producer: "pipeline-ventilator", incarnation: "v1", stream: "tasks", missing: [{ from: 1, to: 1 }], count: 1 })

  const reliable = new Story("reliable")
  const v = "reliable-pipeline-ventilator"
  reliable
    .declare(v, "tasks", "load-balanced", "e", { acknowledged: true })
    .send(v, "tasks", 1, "e", { attempt: 0 })
    .add("reliable-pipeline-worker-1", "received", task(v, 1, "e"))
    .wait(300)
    .action("kill", "reliable-pipeline-worker-1")
    .wait(3000)
  reliable
    .add(v, "resend", { taskId: 1 })
    .send(v, "tasks", 1, "e", { attempt: 1 })
    .add("reliable-pipeline-worker-2", "received", task(v, 1, "e"))
  if (deliveredBeforeDone)
    reliable
      .add("reliable-pipeline-sink", "delivered", { ...task(v, 1, "e"), worker: "reliable-pipeline-worker-2" })
      .wait(1500)
      .add("reliable-pipeline-worker-2", "done", task(v, 1, "e"))
  else
    reliable
      .wait(1500)
      .add("reliable-pipeline-worker-2", "done", task(v, 1, "e"))
      .add("reliable-pipeline-sink", "delivered", { ...task(v, 1, "e"), worker: "reliable-pipeline-worker-2" })
  reliable.add(v, "acked", { stream: "tasks", incarnation: "e", seq: 1 })
  reliable.pipeline({
    ventilator: v,
    workers: ["reliable-pipeline-worker-2"],
    sink: "reliable-pipeline-sink",
    incarnation: "e",
    from: 2,
    to: 12,
    declare: false,
  })
  for (let seq = 2; seq <= 12; seq++) reliable.add(v, "acked", { stream: "tasks", incarnation: "e", seq })
  return merge(plain, reliable)
}

function ppWorkerRestart({ restarted = true } = {}): History {
  const s = new Story()
  const [w1, w2] = ["pipeline-worker-1", "pipeline-worker-2"] as const
  s.add(w1, "connecting", { instance: "a" })
    .pipeline({ workers: [w1, w2], to: 10 })
    .action("kill", w1)
    .wait(2000)
    .action("start", w1)
  if (restarted) s.add(w1, "connecting", { instance: "b" })
  return s.pipeline({ workers: restarted ? [w1, w2] : [w2], from: 11, to: 40, declare: false }).history()
}

function ppFairQueue({ inTurns = true } = {}): History {
  const s = new Story()
  const [v1, v2] = ["pipeline-ventilator", "pipeline-ventilator-2"] as const
  for (const v of [v1, v2]) s.declare(v, "tasks", "load-balanced", v)
  const deliver = (v: string, seq: number) =>
    s.send(v, "tasks", seq, v).add("pipeline-sink", "delivered", { producer: v, incarnation: v, stream: "tasks", seq, worker: "pipeline-worker-1" }).wait(5)
  // The first ventilator is up first: its first 30 tasks go before the second has any.
  for (let seq = 1; seq <= 30; seq++) deliver(v1, seq)
  if (inTurns) {
    for (let seq = 31; seq <= 100; seq++) {
      deliver(v1, seq)
      deliver(v2, seq - 30)
    }
    for (let seq = 71; seq <= 100; seq++) deliver(v2, seq)
  } else {
    for (let seq = 31; seq <= 100; seq++) deliver(v1, seq)
    for (let seq = 1; seq <= 100; seq++) deliver(v2, seq)
  }
  return s.history()
}

// --- REQ/REP, ROUTER/DEALER ------------------------------------------------------

function rrLockstep({ refused = "EFSM" } = {}): History {
  const s = new Story()
  s.requests({ client: "reqrep-client", servers: ["reqrep-server"], to: 45 })
  return s.add("reqrep-client", "refused", { code: refused }).history()
}

function rrServerKilled({ naiveRepliesAfterKill = false, retriesBeforeGivingUp = 3 } = {}): History {
  const s = new Story()
  const [naive, retrying] = ["reqrep-client", "reqrep-client-retrying"] as const
  s.requests({ client: naive, servers: ["reqrep-server"], to: 2, incarnation: "n1" })
  s.requests({ client: retrying, servers: ["reqrep-server"], to: 3, incarnation: "r1" })
  s.action("kill", "reqrep-server")
  if (naiveRepliesAfterKill) s.requests({ client: naive, servers: ["reqrep-server"], from: 3, to: 3, incarnation: "n1", declare: false })
  s.send(retrying, "requests", 4, "r1", { attempt: 0 }).wait(3000).add(retrying, "timeout", { seq: 4 }).action("start", "reqrep-server")
  s.send(retrying, "requests", 4, "r1", { attempt: 1 }).add(retrying, "received", {
    instance: "r1",
    producer: "reqrep-server",
    inReplyTo: { producer: retrying, seq: 4 },
  })
  s.requests({ client: retrying, servers: ["reqrep-server"], from: 5, to: 7, incarnation: "r1", declare: false })
    .wait(5000)
    .action("kill", "reqrep-server")
  s.send(retrying, "requests", 8, "r1", { attempt: 0 })
  for (let attempt = 1; attempt <= retriesBeforeGivingUp; attempt++)
    s.wait(3000).add(retrying, "timeout", { seq: 8 }).send(retrying, "requests", 8, "r1", { attempt })
  return s.wait(3000).add(retrying, "give-up", { seq: 8, retries: 3 }).add(retrying, "shutdown", { reason: "gave up" }).history()
}

const CLIENTS3 = ["reqrep-client", "reqrep-client-2", "reqrep-client-3"]
function rrThreeClients({ wrongEcho = false } = {}): History {
  const s = new Story()
  for (const client of CLIENTS3) {
    s.requests({
      client,
      servers: ["reqrep-server"],
      to: 32,
      incarnation: client,
      reply: seq => ({ body: { echo: { question: `request ${wrongEcho && client === CLIENTS3[1] && seq === 5 ? 99 : seq}` } } }),
    })
  }
  return s.history()
}

function rdAsync({ mismatched = false, unanswered = false } = {}): History {
  const s = new Story()
  const client = "router-dealer-client"
  s.declare(client, "requests", "request-reply", "c1")
  for (let burst = 0; burst < 4; burst++) {
    const ids = Array.from({ length: 10 }, (_, i) => burst * 10 + i + 1)
    for (const [i, id] of ids.entries()) s.send(client, "requests", id, "c1", { id, pending: i + 1 })
    for (const id of [...ids].reverse()) {
      if (unanswered && id === 17) continue
      const worker = id % 2 === 0 ? "router-dealer-worker-1" : "router-dealer-worker-2"
      s.add(worker, "delivered", { producer: client, incarnation: "c1", stream: "requests", seq: id })
      s.add(client, "received", {
        instance: "c1",
        producer: worker,
        id,
        inReplyTo: { producer: client, seq: id },
        body: { answer: { question: `request ${mismatched && id === 5 ? 6 : id}` } },
      }).wait(20)
    }
    s.wait(1500)
  }
  return s.history()
}

const ROUTER_DEALER_CLIENTS = ["router-dealer-client", "router-dealer-client-2", "router-dealer-client-3"]
function rdRouting({ timeout = false, foreign = false } = {}): History {
  const s = new Story()
  for (const client of ROUTER_DEALER_CLIENTS) s.requests({ client, servers: ["router-dealer-worker-1", "router-dealer-worker-2"], to: 32, incarnation: client })
  if (timeout) s.add(ROUTER_DEALER_CLIENTS[2]!, "timeout", { id: 33 })
  if (foreign)
    s.add(ROUTER_DEALER_CLIENTS[0]!, "received", {
      instance: "router-dealer-client",
      producer: "router-dealer-worker-1",
      inReplyTo: { producer: "router-dealer-client-2", seq: 3 },
    })
  return s.history()
}

function rdWorkerKilled({ survivorTimedOut = false } = {}): History {
  const s = new Story()
  const [client, w1, w2] = ["router-dealer-client", "router-dealer-worker-1", "router-dealer-worker-2"] as const
  s.requests({ client, servers: [w1, w2], to: 4 })
  s.send(client, "requests", 5, "c1", { id: 5 })
    .add(w1, "received", { producer: client, incarnation: "c1", stream: "requests", seq: 5 })
    .wait(200)
    .action("kill", w1)
    .wait(2800)
    .add(client, "timeout", { id: 5, seq: 5 })
  s.action("start", w1)
  if (survivorTimedOut)
    s.send(client, "requests", 6, "c1", { id: 6 })
      .add(w2, "received", { producer: client, incarnation: "c1", stream: "requests", seq: 6 })
      .wait(3000)
      .add(client, "timeout", { id: 6, seq: 6 })
  return s.requests({ client, servers: [w1, w2], from: 7, to: 12, declare: false }).history()
}

// --- the book's programs ---------------------------------------------------------

function bookWatcherReconnect({ printedWhileDown = false } = {}): History {
  const s = new Story()
  const sub = "book-watcher-sub"
  s.add(sub, "connecting").action("run", "book-touch").add(sub, "received", { producer: "book-watcher-pub", incarnation: "A", stream: "changed", seq: 1 })
  s.action("kill", "book-watcher-pub").action("run", "book-touch")
  if (printedWhileDown) s.add(sub, "received", { producer: "book-watcher-pub", incarnation: "A", stream: "changed", seq: 2 })
  s.action("start", "book-watcher-pub").add(sub, "producer-restart", { incarnation: "B" }).action("run", "book-touch")
  return s.add(sub, "received", { producer: "book-watcher-pub", incarnation: "B", stream: "changed", seq: 1 }).history()
}

function bookFilerErrors({ crash = false } = {}): History {
  const s = new Story()
  for (const code of ["not-found", "unreadable", "outside-root", "bad-request", "bad-message"])
    s.add("book-filer-req", "received", { body: { error: { code, message: code } } }).wait(100)
  if (crash) s.add("book-filer-rep", "crash")
  return s.add("book-filer-req", "received", { body: { content: "hello" } }).history()
}

function bookFilerLockstep({ twoAtOnce = false } = {}): History {
  const s = new Story()
  const steps = twoAtOnce
    ? ["received", "received", "sent", "sent", "received", "sent", "received", "sent", "received", "sent"]
    : Array.from({ length: 5 }, () => ["received", "sent"]).flat()
  for (const step of steps) s.add("book-filer-rep", step).wait(10)
  for (let seq = 1; seq <= 5; seq++) s.add("book-filer-req-loop", "received", { inReplyTo: { producer: "book-filer-req-loop", seq } })
  return s.history()
}

function bookClusterRespawn({ replacedAfterMs = 30, gaveUp = false } = {}): History {
  const s = new Story()
  const [client, cluster] = ["book-cluster-client", "book-filer-cluster"] as const
  s.requests({ client, servers: [cluster], to: 3 })
  s.send(client, "requests", 4, "c1", { attempt: 0 }).add(cluster, "received", { producer: client, incarnation: "c1", stream: "requests", seq: 4, pid: 101 })
  s.wait(200).add(cluster, "worker-exit", { worker: 101, signal: "SIGKILL" }).wait(replacedAfterMs).add(cluster, "worker-online", { worker: 102 })
  s.wait(2800).add(client, "timeout", { seq: 4 }).send(client, "requests", 4, "c1", { attempt: 1 })
  s.add(cluster, "delivered", { producer: client, incarnation: "c1", stream: "requests", seq: 4, pid: 102 }).add(client, "received", {
    instance: "c1",
    producer: cluster,
    inReplyTo: { producer: client, seq: 4 },
  })
  s.requests({ client, servers: [cluster], from: 5, to: 7, declare: false })
  if (gaveUp) s.add(client, "give-up", { seq: 8 })
  return s.history()
}

function bookPushFirstJoiner({ noWaitingEven = false } = {}): History {
  const ready = new Story("wait-for-ready").add("book-push-cluster", "summary", { perWorker: { 11: 10, 12: 10, 13: 10 } })
  const none = new Story("no-waiting").add("book-push-cluster", "summary", { perWorker: noWaitingEven ? { 21: 10, 22: 10, 23: 10 } : { 21: 30 } })
  return merge(ready, none)
}

// --- the cases -------------------------------------------------------------------

// --- CURVE ------------------------------------------------------------------------

const CLIENT_KEY = "cLiEnT00"
const STRANGER_KEY = "sTrAnGe1"

/** A CURVE run: the allowed client served throughout, an intruder refused `refusals` times. */
function curveRun({ intruder = "curve-stranger", intruderKey = STRANGER_KEY, refusals = 4, leak = false, allowedLost = false } = {}): Story {
  const s = new Story()
  s.add("reqrep-server", "listening", { instance: "srv" })
  s.add("reqrep-client", "security", { side: "connecting", key: CLIENT_KEY, instance: "cli" })
  s.add(intruder, "security", { side: "connecting", key: intruderKey, instance: "str" })
  for (let i = 0; i < refusals; i++) {
    s.add("reqrep-server", "auth:denied", { key: intruderKey, address: "172.18.0.9", reason: "key not on the allow-list" })
    s.add(intruder, "handshake-failed", { side: "connecting", cause: "denied" }).wait(1000)
  }
  s.requests({ client: "reqrep-client", servers: ["reqrep-server"], to: 40 })
  if (allowedLost) s.send("reqrep-client", "requests", 41, "i1", { attempt: 0 })
  if (leak) {
    s.add("reqrep-server", "received", { producer: intruder, seq: 1 })
    s.add(intruder, "received", { producer: "reqrep-server", inReplyTo: { producer: intruder, seq: 1 } })
  }
  return s
}

function curveUnknownClient(options: Parameters<typeof curveRun>[0] = {}): History {
  return curveRun(options).history()
}

function curvePlainClient({ clientCause = "mechanism-mismatch", leak = false } = {}): History {
  const s = curveRun({ intruder: "curve-plain", refusals: 0, leak })
  for (let i = 0; i < 3; i++) {
    s.add("curve-plain", "handshake-failed", { side: "connecting", cause: clientCause })
    s.add("reqrep-server", "handshake-failed", { side: "bound", cause: "not-zmtp" }).wait(1000)
  }
  return s.history()
}

function curveWrongServerKey({ serverDownHandshakes = false, serverNames = true } = {}): History {
  const wrong = new Story("wrong-key")
  for (let i = 0; i < 6; i++) {
    wrong.add("curve-impostor", "socket.connect").add("curve-impostor", "handshake-failed", { side: "connecting", cause: "closed-in-handshake" })
    wrong.add("reqrep-server", "handshake-failed", { side: "bound", cause: serverNames ? "wrong-server-key" : "not-zmtp" }).wait(150)
  }
  const down = new Story("server-down")
  for (let i = 0; i < 6; i++) down.add("reqrep-client", "socket.connect:retry").wait(150)
  if (serverDownHandshakes) down.add("reqrep-client", "handshake-failed", { side: "connecting", cause: "closed-in-handshake" })
  return merge(wrong, down)
}

function curveAllowLive({ restartServer = false, stillDenied = false, repliesAfter = 15 } = {}): History {
  const s = curveRun({ refusals: 2 })
  s.wait(200).action("allow", "stranger")
  s.add("reqrep-server", "auth:allow-list", { keys: [CLIENT_KEY, STRANGER_KEY], problems: [] })
  if (restartServer) s.add("reqrep-server", "listening", { instance: "srv2" })
  s.add("reqrep-server", "auth:allowed", { key: STRANGER_KEY, address: "172.18.0.9", reason: "OK" }).wait(500)
  s.requests({ client: "curve-stranger", servers: ["reqrep-server"], to: repliesAfter, incarnation: "str" })
  if (stillDenied) s.add("reqrep-server", "auth:denied", { key: STRANGER_KEY, address: "172.18.0.9", reason: "key not on the allow-list" })
  return s.history()
}

const cases: Record<string, Cases> = {
  "pubsub-reconnect": {
    pass: () => psReconnect(),
    fail: {
      "a message of a new incarnation lost after the join": () => psReconnect({ skip: [10] }),
      "the subscriber's own before-join count is off": () => psReconnect({ loggedBeforeJoin: 4 }),
      "no producer-restart logged": () => psReconnect({ restartLogged: false }),
      "a subscriber back only after 2.5 s": () => psReconnect({ slowLast: true }),
    },
  },
  "pubsub-late-joiner": {
    pass: () => psLateJoiner(),
    fail: {
      "joined far too early to be a late joiner": () => psLateJoiner({ lateJoinAfter: 50 }),
      "lost a message after joining": () => psLateJoiner({ lateSkip: [200] }),
    },
  },
  "pubsub-first-messages": {
    pass: () => psFirstMessages(),
    fail: {
      "the first messages were due (joined after 0) and counted only from the first one seen": () => psFirstMessages({ slowJoinAfter: 0 }),
      "the subscriber did not log the first messages it lost": () => psFirstMessages({ cutGapLogged: false }),
    },
  },
  "pubsub-subscriber-down": {
    pass: () => psSubscriberDown(),
    fail: { "a message lost before it went down": () => psSubscriberDown({ alsoSkip: [10] }) },
  },
  "pubsub-no-subscriber": {
    pass: () => psNoSubscriber(),
    fail: {
      "messages sent with no subscriber kept for a later one": () => psNoSubscriber({ keptForLater: true }),
      "the publisher stalled": () => psNoSubscriber({ stall: true }),
    },
  },
  "pubsub-slow-subscriber": {
    pass: () => psSlowSubscriber(),
    fail: {
      "nothing dropped": () => psSlowSubscriber({ drops: false }),
      "drops the subscriber did not log": () => psSlowSubscriber({ gapLogged: false }),
    },
  },
  "pubsub-suicidal-snail": {
    pass: () => psSuicidalSnail(),
    fail: {
      "the snail lost a message before it stopped": () => psSuicidalSnail({ snailSkip: [150] }),
      "the snail exited 0": () => psSuicidalSnail({ exitCode: 0 }),
    },
  },
  "pubsub-two-publishers": { pass: () => psTwoPublishers(), fail: { "a message of the second stream lost": () => psTwoPublishers({ skip2: [30] }) } },
  "pubsub-topic-filter": { pass: () => psTopicFilter(), fail: { "a message of the other topic received": () => psTopicFilter({ other: 1 }) } },
  "pubsub-paused-publisher": {
    pass: () => psPausedPublisher(),
    fail: {
      "the subscriber without heartbeats noticed": () => psPausedPublisher({ plainNoticed: true }),
      "noticed too late": () => psPausedPublisher({ noticedAfterMs: 4000 }),
    },
  },
  "pipeline-load-balance": {
    pass: () => ppLoadBalance(),
    fail: {
      "waiting for ready did not spread the tasks": () => ppLoadBalance({ readyAllToOne: true }),
      "a task lost": () => ppLoadBalance({ lostInFirst: [7] }),
    },
  },
  "pipeline-no-worker-yet": { pass: () => ppNoWorkerYet(), fail: { "a task lost": () => ppNoWorkerYet({ lost: [50] }) } },
  "pipeline-worker-killed": {
    pass: () => ppWorkerKilled(),
    fail: {
      "the sink named fewer ids than were lost": () => ppWorkerKilled({ named: [9] }),
      "the sink's own lost count is off": () => ppWorkerKilled({ sinkLost: 1 }),
    },
  },
  "pipeline-kill-mid-task": {
    pass: () => ppKillMidTask(),
    fail: {
      "the kill came after the work was done": () => ppKillMidTask({ plainDoneBeforeKill: true }),
      "delivered before its work was done": () => ppKillMidTask({ deliveredBeforeDone: true }),
    },
  },
  "pipeline-worker-restart": { pass: () => ppWorkerRestart(), fail: { "the worker never came back": () => ppWorkerRestart({ restarted: false }) } },
  "pipeline-fair-queue": { pass: () => ppFairQueue(), fail: { "one ventilator after the other": () => ppFairQueue({ inTurns: false }) } },
  "reqrep-lockstep": {
    pass: () => rrLockstep(),
    fail: {
      "a request sent before the previous reply": () =>
        changed(
          rrLockstep(),
          is("reqrep-client", "received", e => replyTo(e) === 2),
          e => ({ t: e.t + 100 }),
        ),
      "the second send was not refused": () => rrLockstep({ refused: "none" }),
      "a request never answered": () =>
        without(
          rrLockstep(),
          is("reqrep-client", "received", e => replyTo(e) === 45),
        ),
    },
  },
  "reqrep-server-killed": {
    pass: () => rrServerKilled(),
    fail: {
      "the naive client got a reply after the kill": () => rrServerKilled({ naiveRepliesAfterKill: true }),
      "gave up after two retries": () => rrServerKilled({ retriesBeforeGivingUp: 2 }),
    },
  },
  "reqrep-three-clients": {
    pass: () => rrThreeClients(),
    fail: {
      "a reply answering another request": () => rrThreeClients({ wrongEcho: true }),
      "a request never answered": () =>
        without(
          rrThreeClients(),
          is("reqrep-client-3", "received", e => replyTo(e) === 10),
        ),
    },
  },
  "router-dealer-async": {
    pass: () => rdAsync(),
    fail: {
      "a reply matched to the wrong request": () => rdAsync({ mismatched: true }),
      "a request never answered": () => rdAsync({ unanswered: true }),
    },
  },
  "router-dealer-routing": {
    pass: () => rdRouting(),
    fail: {
      "a timeout": () => rdRouting({ timeout: true }),
      "a reply meant for another client": () => rdRouting({ foreign: true }),
    },
  },
  "router-dealer-worker-killed": {
    pass: () => rdWorkerKilled(),
    fail: { "a request a surviving worker took timed out": () => rdWorkerKilled({ survivorTimedOut: true }) },
  },
  "network-partition": { pass: () => netPartition(), fail: { "a message lost long before the cut": () => netPartition({ alsoLost: [10] }) } },
  "network-new-ip": { pass: () => netNewIp(), fail: { "the same address again": () => netNewIp({ sameAddress: true }) } },
  "network-whole-messages": {
    pass: () => wholeMessages(),
    fail: {
      "a 1 MiB message missing": () => wholeMessages({ skip: [4] }),
      "a partial message": () => wholeMessages({ partial: true }),
    },
  },
  "reqrep-relaxed": {
    pass: () => reqrepRelaxed(),
    fail: {
      "the relaxed client replaced its socket": () => reqrepRelaxed({ relaxedReopens: true }),
      "the relaxed client stayed stuck": () => reqrepRelaxed({ relaxedRecovers: false }),
      "the strict client was answered": () => reqrepRelaxed({ strictAnswered: true }),
    },
  },
  "pubsub-connect-timeout": {
    pass: () => pubsubConnectTimeout(),
    fail: {
      "no difference": () => pubsubConnectTimeout({ withoutMs: 100 }),
      "slow with the timeout": () => pubsubConnectTimeout({ withMs: 600, withoutMs: 1300 }),
    },
  },
  "router-dealer-mandatory": {
    pass: () => rdMandatory(),
    fail: { "a reply not counted": () => rdMandatory({ mandatoryCounted: 1 }), "counted though not mandatory": () => rdMandatory({ silentCounted: 2 }) },
  },
  "router-dealer-handover": {
    pass: () => rdHandover(),
    fail: {
      "the newcomer answered without handover": () => rdHandover({ ignoredAnswered: true }),
      "no takeover with handover": () => rdHandover({ takenOver: false }),
    },
  },
  "network-loss-tcp": {
    pass: () => netLossTcp(),
    fail: {
      "a message lost during the loss": () => netLossTcp({ lost: [100] }),
      "no latency change (no loss made)": () => netLossTcp({ slowDuringLoss: false }),
    },
  },
  "network-loss-udp": {
    pass: () => netLossUdp(),
    fail: {
      "nothing lost (TCP-like)": () => netLossUdp({ lostShare: 0 }),
      "lost before the fault": () => netLossUdp({ lostBefore: [5] }),
      "losses not logged": () => netLossUdp({ logged: false }),
    },
  },
  "network-bandwidth-hwm": {
    pass: () => bandwidthHwm(),
    fail: {
      "nothing dropped": () => bandwidthHwm({ dropLost: false }),
      "lost with XPUB_NODROP": () => bandwidthHwm({ noDropLost: true }),
      "XPUB_NODROP did not wait": () => bandwidthHwm({ noDropWaits: false }),
    },
  },
  "network-half-open": {
    pass: () => netHalfOpen(),
    fail: {
      "noticed without heartbeats": () => netHalfOpen({ silentNoticed: true }),
      "heartbeats noticed too late": () => netHalfOpen({ noticedAfterMs: 6000 }),
    },
  },
  "network-tcp-maxrt": {
    pass: () => netTcpMaxrt(),
    fail: { "dropped too late": () => netTcpMaxrt({ droppedAfterMs: 7000 }), "the subscriber noticed": () => netTcpMaxrt({ subscriberNoticed: true }) },
  },
  "network-reset": {
    pass: () => netReset(),
    fail: { "noticed late": () => netReset({ disconnectAfterMs: 2500 }), "reconnected late": () => netReset({ reconnectAfterMs: 2500 }) },
  },
  "network-delay": { pass: () => netDelay(), fail: { "no delay seen": () => netDelay({ rttMs: 2 }), "a request lost": () => netDelay({ lost: [30] }) } },
  "network-duplicate": { pass: () => netDuplicate(), fail: { "a duplicate reached the application": () => netDuplicate({ duplicateAt: [50] }) } },
  "book-watcher-reconnect": {
    pass: () => bookWatcherReconnect(),
    fail: { "the change made while the publisher was down printed": () => bookWatcherReconnect({ printedWhileDown: true }) },
  },
  "book-filer-errors": { pass: () => bookFilerErrors(), fail: { "the filer crashed": () => bookFilerErrors({ crash: true }) } },
  "book-filer-lockstep": {
    pass: () => bookFilerLockstep(),
    fail: {
      "two requests taken before a reply": () => bookFilerLockstep({ twoAtOnce: true }),
      "an empty run": () => [],
    },
  },
  "book-cluster-respawn": {
    pass: () => bookClusterRespawn(),
    fail: {
      "replaced too slowly": () => bookClusterRespawn({ replacedAfterMs: 1500 }),
      "the client gave up": () => bookClusterRespawn({ gaveUp: true }),
    },
  },
  "book-push-first-joiner": {
    pass: () => bookPushFirstJoiner(),
    fail: { "without waiting, the jobs spread evenly anyway": () => bookPushFirstJoiner({ noWaitingEven: true }) },
  },
  "curve-unknown-client": {
    pass: () => curveUnknownClient(),
    fail: {
      "the stranger got through": () => curveUnknownClient({ leak: true }),
      "refused without a word": () => without(curveUnknownClient(), is("reqrep-server", "auth:denied")),
      "the allowed client lost a request": () => curveUnknownClient({ allowedLost: true }),
    },
  },
  "curve-plain-client": {
    pass: () => curvePlainClient(),
    fail: {
      "the plain client got a reply": () => curvePlainClient({ leak: true }),
      "the mismatch not named": () => curvePlainClient({ clientCause: "closed-in-handshake" }),
    },
  },
  "curve-wrong-server-key": {
    pass: () => curveWrongServerKey(),
    fail: {
      "a down server looked like a failed handshake": () => curveWrongServerKey({ serverDownHandshakes: true }),
      "the server did not name the key": () => curveWrongServerKey({ serverNames: false }),
    },
  },
  "curve-allow-live": {
    pass: () => curveAllowLive(),
    fail: {
      "the server restarted": () => curveAllowLive({ restartServer: true }),
      "denied again after it got in": () => curveAllowLive({ stillDenied: true }),
      "too few replies": () => curveAllowLive({ repliesAfter: 3 }),
    },
  },
}

// --- Docker Swarm --------------------------------------------------------------

/**
 * The publisher's node taken away (paused, or cut off: then the old task
 * publishes on through the cut), the task started on another node, the old
 * one stopped once its node is back.
 */
function swarmMove({
  fault = "node-down",
  back = "node-up",
  inFlight = 2,
  movedTo = "zmq-lab-node3",
  restarted = true,
  zombie = 5,
  extraLoss = false,
  oldStops = true,
} = {}): History {
  const [PUB, SUB] = ["pubsub-publisher.1", "pubsub-subscriber.1"]
  const s = new Story()
  s.add("runner", "address", { target: "pubsub-publisher", node: "zmq-lab-node2" })
  const skip = Array.from({ length: inFlight }, (_, i) => 40 - i)
  s.publish({ publisher: PUB, incarnation: "A", to: 40, subscribers: { [SUB]: { joinAfter: 0, skip } } })
  s.action(fault, "pubsub-publisher").wait(100)
  // Cut off, the old task publishes on, to nobody; paused, it does so once back.
  const toNobody = () => {
    for (let seq = 41; seq <= 40 + zombie; seq++) s.send(PUB, "ticks", seq, "A").wait(50)
  }
  if (fault === "node-cut") toNobody()
  s.wait(20_000)
  if (restarted) {
    s.add(PUB, "listening", { instance: "B" }).add(SUB, "producer-restart", { producer: PUB, incarnation: "B" })
    s.add(SUB, "joined", { producer: PUB, incarnation: "B", stream: "ticks", afterSeq: 5, beforeJoin: 5 })
    s.publish({ publisher: PUB, incarnation: "B", to: 60, subscribers: { [SUB]: { joinAfter: 5, skip: extraLoss ? [30] : [] } } })
  }
  s.add("runner", "address", { target: "pubsub-publisher", node: movedTo })
  s.action(back, "pubsub-publisher")
  if (fault === "node-down") toNobody()
  if (oldStops) s.add(PUB, "shutdown", { instance: "A" }).wait(1000)
  return s.add(PUB, "shutdown", { instance: "B" }).history()
}

const moveCases = (fault: string, back: string): Cases => ({
  pass: () => swarmMove({ fault, back }),
  fail: {
    "the publisher stayed on its node": () => swarmMove({ fault, back, movedTo: "zmq-lab-node2" }),
    "the subscriber never found the new publisher": () => swarmMove({ fault, back, restarted: false }),
    "more lost at the fault than was in flight": () => swarmMove({ fault, back, inFlight: 30 }),
    "a message of the new publisher lost": () => swarmMove({ fault, back, extraLoss: true }),
    "the old publisher was not stopped when its node came back": () => swarmMove({ fault, back, oldStops: false }),
  },
})

/** Two workers, then five: pipeline-worker-2 scaled to four tasks. */
function swarmScale({ idleNew = false, lost = [] as number[] } = {}): History {
  const s = new Story()
  const common = { ventilator: "pipeline-ventilator.1", sink: "pipeline-sink.1", everyMs: 50 }
  s.pipeline({ ...common, workers: ["pipeline-worker-1.1", "pipeline-worker-2.1"], to: 40 })
  s.action("scale", "pipeline-worker-2").wait(3000)
  const five = ["pipeline-worker-1.1", "pipeline-worker-2.1", "pipeline-worker-2.2", "pipeline-worker-2.3", ...(idleNew ? [] : ["pipeline-worker-2.4"])]
  return s.pipeline({ ...common, workers: five, from: 41, to: 140, declare: false, lost }).history()
}

const swarmCases: Record<string, Cases> = {
  "swarm-node-down": moveCases("node-down", "node-up"),
  "swarm-node-partition": moveCases("node-cut", "node-heal"),
  "swarm-scale-workers": {
    pass: () => swarmScale(),
    fail: {
      "a new worker never took a task": () => swarmScale({ idleNew: true }),
      "a task lost": () => swarmScale({ lost: [77] }),
    },
  },
}
Object.assign(cases, swarmCases)

describe("every scenario's checks, on a run where the claim held and on runs where it broke", () => {
  it("has cases for every scenario of the catalogue", () => {
    assert.deepEqual(
      catalogue.map(s => s.name).filter(name => !(name in cases)),
      [],
    )
  })

  for (const scenario of catalogue) {
    const own = cases[scenario.name]
    if (!own) continue
    describe(scenario.name, () => {
      it("PASS when the claim held", () => {
        const { verdict, checks, error } = judge(scenario, own.pass())
        assert.equal(error, undefined)
        assert.equal(
          verdict,
          "PASS",
          checks
            .filter(c => !c.pass)
            .map(c => `${c.name}: expected ${c.expected}, observed ${JSON.stringify(c.observed)}`)
            .join("; "),
        )
      })
      for (const [what, history] of Object.entries(own.fail)) {
        it(`FAIL when ${what}`, () => assert.equal(judge(scenario, history()).verdict, "FAIL"))
      }
    })
  }
})
