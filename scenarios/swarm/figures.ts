// What the Swarm scenarios that take the publisher's node away measure, from
// the history: where the publisher ran before and after, how long the
// subscriber was without messages, what was lost at the fault, and what the
// old publisher sent after the fault, to nobody, until Swarm stopped it.
import { RUNNER, type History, type HistoryEvent } from "../runner/history.js"
import { actionSpan, actionTime, asRanges, count, events, fanOut } from "../runner/checkers.js"
import { atMost, below, equals, isTrue, recordAddress, reported, scenario, waitFor, type Action, type Check, type Scenario } from "../runner/dsl.js"

export const PUBLISHER = "pubsub-publisher"
export const SUBSCRIBER = "pubsub-subscriber"
/** The names in the lines on the Swarm: the service and its task's slot. */
export const PUB = `${PUBLISHER}.1`
export const SUB = `${SUBSCRIBER}.1`
export const RATE = 20
/** The subscriber notices a dead connection by ZMTP heartbeats, or it never looks for the new task. */
export const ENV = { PUBSUB_RATE: String(RATE), HEARTBEAT_INTERVAL_MS: "500", HEARTBEAT_TIMEOUT_MS: "2000" }

const seqs = (list: HistoryEvent[]) => list.map(e => Number(e.seq))

/** `fault` and `back`: the runner's actions that take the node away and give it back. */
export function moveFigures(history: History, fault: string, back: string) {
  const faultAt = actionTime(history, fault, PUBLISHER)
  const sends = events(history, PUB, "sent")
  const old = sends[0]?.incarnation
  const renewed = sends.find(e => e.incarnation !== old)?.incarnation
  const newListening = events(history, PUB, "listening", e => faultAt !== undefined && e.t > faultAt)[0]
  const back_ = events(history, SUB, "received", e => renewed !== undefined && e.incarnation === renewed)[0]
  const stream = fanOut(history, { producer: PUB, consumer: SUB })
  const joinedAfter = stream?.joinedAfter[String(old)] ?? 0
  const received = new Set(seqs(events(history, SUB, "received", e => e.incarnation === old)))
  const lostOld = (where: (e: HistoryEvent) => boolean) =>
    seqs(sends.filter(e => e.incarnation === old && where(e))).filter(seq => seq > joinedAfter && !received.has(seq))
  // What the old task sent is from before the fault or from after it (frozen
  // or cut off in between, it reached nobody then either).
  const atFault = lostOld(e => faultAt !== undefined && e.t < faultAt)
  const after = lostOld(e => faultAt !== undefined && e.t >= faultAt)
  const returned = actionSpan(history, back, PUBLISHER)
  const oldStopped = events(history, PUB, "shutdown", e => e.instance === old)[0]
  const newStopped = events(history, PUB, "shutdown", e => e.instance === renewed)[0]
  const [nodeBefore, nodeAfter] = history.filter(e => e.service === RUNNER && e.event === "address" && e.target === PUBLISHER).map(e => String(e.node))
  return {
    nodeBefore: nodeBefore ?? null,
    nodeAfter: nodeAfter ?? null,
    restartedAfterMs: newListening && faultAt !== undefined ? newListening.t - faultAt : null,
    recoveryMs: back_ && faultAt !== undefined ? back_.t - faultAt : null,
    restartsLogged: count(history, SUB, "producer-restart"),
    lostAtFault: asRanges(atFault),
    lostAtFaultCount: atFault.length,
    sentToNobody: after.length,
    oldRanAfterReturnMs: oldStopped && returned ? oldStopped.t - returned.from : null,
    // Stopped by Swarm, before the end of the run stopped the new one.
    oldStoppedBySwarm: oldStopped !== undefined && (newStopped === undefined || oldStopped.t < newStopped.t),
    // What the model counts lost is exactly the two: nothing of the new publisher's.
    lostExplained: stream !== undefined && stream.lost === atFault.length + after.length,
    beforeJoin: stream?.beforeJoin ?? null,
  }
}

export type MoveFigures = ReturnType<typeof moveFigures>

export function moveChecks(f: MoveFigures, sentToNobody: string): Check[] {
  return [
    ["the publisher's node", f.nodeBefore, reported],
    ["the publisher started again on another node", f.nodeAfter !== null && f.nodeAfter !== f.nodeBefore, isTrue],
    ["the subscriber logged the new incarnation", f.restartsLogged, equals(1)],
    ["publisher running again after (ms)", f.restartedAfterMs, reported],
    ["messages again after (ms): recovered at all, in time", f.recoveryMs, below(120_000)],
    ["lost at the fault: at most what was in flight (1 s at the rate)", f.lostAtFaultCount, atMost(RATE)],
    ["lost at the fault (seqs)", f.lostAtFault, reported],
    ["the old publisher stopped by Swarm once its node was back", f.oldStoppedBySwarm, isTrue],
    ["the old publisher ran on after its node was back (ms)", f.oldRanAfterReturnMs, reported],
    [sentToNobody, f.sentToNobody, reported],
    ["every loss the model counts is one of those two", f.lostExplained, isTrue],
    ["sent by the new publisher before the subscriber was back (not lost)", f.beforeJoin, reported],
  ]
}

/**
 * A scenario that takes the publisher's node away (`take`) and gives it back
 * (`giveBack`, which returns once Swarm has stopped the old task there): the
 * publisher and a subscriber with ZMTP heartbeats, on a stack of their own.
 */
export function moveScenario(input: {
  name: string
  claim: string
  note: string
  take: Action & { kind: string }
  giveBack: Action & { kind: string }
  sentToNobody: string
}): Scenario<MoveFigures> {
  return scenario({
    name: input.name,
    claim: input.claim,
    note: input.note,
    platform: "swarm",
    requires: ["swarm"],
    services: [PUBLISHER, SUBSCRIBER],
    env: ENV,
    timeline: [
      waitFor(SUB, "received", { count: 20, timeoutMs: 60_000 }),
      recordAddress(PUBLISHER),
      input.take,
      // Bounded by Swarm: the node declared down, the task started elsewhere.
      waitFor(SUB, "producer-restart", { timeoutMs: 120_000 }),
      waitFor(SUB, "received", { count: 20, timeoutMs: 30_000, from: "now" }),
      recordAddress(PUBLISHER),
      input.giveBack,
    ],
    figures: history => moveFigures(history, input.take.kind, input.giveBack.kind),
    checks: f => moveChecks(f, input.sentToNobody),
  })
}
