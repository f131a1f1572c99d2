// On a Docker Swarm: the node that runs the publisher goes down (paused: its
// engine and every task on it frozen, silent to the others). Swarm notices
// the node is gone and starts the publisher again on another node, with a new
// address; the subscriber, on a third node, drops its dead connection (ZMTP
// heartbeats), resolves the name again and finds the new task. Then the node
// comes back, with the old publisher still in it, until Swarm stops it.
// Measured: how long the subscriber was without messages, and what was lost.
import { RUNNER, type History, type HistoryEvent } from "../runner/history.js"
import { actionSpan, actionTime, asRanges, count, events, fanOut } from "../runner/checkers.js"
import { atMost, below, equals, isTrue, nodeDown, nodeUp, recordAddress, reported, scenario, waitFor } from "../runner/dsl.js"

const PUBLISHER = "pubsub-publisher"
const SUBSCRIBER = "pubsub-subscriber"
/** The names in the lines on the Swarm: the service and its task's slot. */
const PUB = `${PUBLISHER}.1`
const SUB = `${SUBSCRIBER}.1`
const RATE = 20

/** Where the runner found the publisher's task, in order (before the fault, after it). */
const nodes = (history: History) => history.filter(e => e.service === RUNNER && e.event === "address" && e.target === PUBLISHER).map(e => String(e.node))

const seqs = (list: HistoryEvent[]) => list.map(e => Number(e.seq))

export default scenario({
  name: "swarm-node-down",
  claim:
    "When the node that runs the publisher goes down, Swarm starts the publisher on another node and the subscriber, on a third, reconnects to it by itself: messages stop for as long as that takes, and only those in flight at the fault are lost.",
  note: "The subscriber finds the new task only because it drops the dead connection: with ZMTP heartbeats (500 ms, timeout 2 s) it does so within seconds, and its next connect resolves the service name again (endpoint_mode dnsrr) to the new task's address. Most of the recovery time is Swarm's own: a node is declared down only after its heartbeats have stopped for several seconds. The rescheduled publisher is a new incarnation of the same producer (the task's slot keeps its name): what it sent before the subscriber was back counts as before the subscriber's join, not as lost. And when the node comes back, so does the old publisher, frozen mid-stream: it publishes on, to nobody, until Swarm stops it (about 3 s later here). Those messages are lost too, and counted apart. On the simulated Swarm a node's containers live under its cgroup, so pausing the node freezes its tasks too; with its engine alone frozen, the old task would run on unseen beside its replacement.",
  platform: "swarm",
  requires: ["swarm"],
  services: [PUBLISHER, SUBSCRIBER],
  env: { PUBSUB_RATE: String(RATE), HEARTBEAT_INTERVAL_MS: "500", HEARTBEAT_TIMEOUT_MS: "2000" },
  timeline: [
    waitFor(SUB, "received", { count: 20, timeoutMs: 60_000 }),
    recordAddress(PUBLISHER),
    nodeDown(PUBLISHER),
    // Bounded by Swarm: the node declared down, the task started elsewhere.
    waitFor(SUB, "producer-restart", { timeoutMs: 120_000 }),
    waitFor(SUB, "received", { count: 20, timeoutMs: 30_000, from: "now" }),
    recordAddress(PUBLISHER),
    // The old task runs on with its node, until Swarm stops it (the action
    // returns then); its last lines come from the node's own log files.
    nodeUp(PUBLISHER),
  ],
  figures: history => {
    const downAt = actionTime(history, "node-down", PUBLISHER)
    const sends = events(history, PUB, "sent")
    const old = sends.find(() => true)?.incarnation
    const renewed = sends.find(e => e.incarnation !== old)?.incarnation
    const newListening = events(history, PUB, "listening", e => downAt !== undefined && e.t > downAt)[0]
    const back = events(history, SUB, "received", e => renewed !== undefined && e.incarnation === renewed)[0]
    const stream = fanOut(history, { producer: PUB, consumer: SUB })
    const joinedAfter = stream?.joinedAfter[String(old)] ?? 0
    const received = new Set(seqs(events(history, SUB, "received", e => e.incarnation === old)))
    const lostOld = (where: (e: HistoryEvent) => boolean) =>
      seqs(sends.filter(e => e.incarnation === old && where(e))).filter(seq => seq > joinedAfter && !received.has(seq))
    // Frozen in between: what the old task sent is from before the fault or from after its node came back.
    const atFault = lostOld(e => downAt !== undefined && e.t < downAt)
    const zombie = lostOld(e => downAt !== undefined && e.t >= downAt)
    const up = actionSpan(history, "node-up", PUBLISHER)
    const oldStopped = events(history, PUB, "shutdown", e => e.instance === old)[0]
    const newStopped = events(history, PUB, "shutdown", e => e.instance === renewed)[0]
    const [nodeBefore, nodeAfter] = nodes(history)
    return {
      nodeBefore: nodeBefore ?? null,
      nodeAfter: nodeAfter ?? null,
      restartedAfterMs: newListening && downAt !== undefined ? newListening.t - downAt : null,
      recoveryMs: back && downAt !== undefined ? back.t - downAt : null,
      restartsLogged: count(history, SUB, "producer-restart"),
      lost: stream?.lost ?? null,
      lostAtFault: asRanges(atFault),
      lostAtFaultCount: atFault.length,
      zombieSent: zombie.length,
      zombieRanMs: oldStopped && up ? oldStopped.t - up.from : null,
      // Stopped by Swarm, before the end of the run stopped the new one.
      zombieStoppedBySwarm: oldStopped !== undefined && (newStopped === undefined || oldStopped.t < newStopped.t),
      // What the model counts lost is exactly the two: nothing of the new publisher's.
      lostExplained: stream !== undefined && stream.lost === atFault.length + zombie.length,
      beforeJoin: stream?.beforeJoin ?? null,
    }
  },
  checks: f => [
    ["the publisher's node, paused", f.nodeBefore, reported],
    ["the publisher started again on another node", f.nodeAfter !== null && f.nodeAfter !== f.nodeBefore, isTrue],
    ["the subscriber logged the new incarnation", f.restartsLogged, equals(1)],
    ["publisher running again after (ms)", f.restartedAfterMs, reported],
    ["messages again after (ms): recovered at all, in time", f.recoveryMs, below(120_000)],
    ["lost at the fault: at most what was in flight (1 s at the rate)", f.lostAtFaultCount, atMost(RATE)],
    ["lost at the fault (seqs)", f.lostAtFault, reported],
    ["the old publisher, back with its node, stopped by Swarm", f.zombieStoppedBySwarm, isTrue],
    ["the old publisher ran on after its node came back (ms)", f.zombieRanMs, reported],
    ["sent by it meanwhile, to nobody (lost)", f.zombieSent, reported],
    ["every loss the model counts is one of those two", f.lostExplained, isTrue],
    ["sent by the new publisher before the subscriber was back (not lost)", f.beforeJoin, reported],
  ],
})
