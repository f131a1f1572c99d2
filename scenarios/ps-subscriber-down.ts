// PUB/SUB: a subscriber that is down for a while loses what was published
// meanwhile; another subscriber loses nothing.
import { actionTime, delivery, events, firstAfter } from "./runner/checkers.js"
import { between, equals, scenario, sleep, start, stop, waitFor } from "./runner/dsl.js"

const RATE = 20
const DOWN_MS = 3000
const DOWN = "pubsub-late-subscriber"
const UP = "pubsub-subscriber"

export default scenario({
  name: "ps-subscriber-down",
  claim: `One of two subscribers, stopped for ${DOWN_MS / 1000} s, loses what was published meanwhile; the other loses nothing.`,
  services: ["pubsub-publisher", UP, DOWN],
  env: { PUBSUB_RATE: String(RATE) },
  timeline: [waitFor(DOWN, "received", { count: 20 }), stop(DOWN), sleep(DOWN_MS), start(DOWN), waitFor(DOWN, "received", { count: 20 })],
  figures: history => {
    const end = Math.min(...[UP, DOWN].map(s => events(history, s, "received").at(-1)?.t ?? 0))
    const stoppedAt = actionTime(history, "stop", DOWN)
    const backAt = firstAfter(history, actionTime(history, "start", DOWN), e => e.service === DOWN && e.event === "received")?.t
    const whileDown = (t: number) => stoppedAt !== undefined && backAt !== undefined && t >= stoppedAt - 1000 && t <= backAt
    const lostBy = (consumer: string) => delivery(history, { producer: "pubsub-publisher", consumer, sentWhere: e => e.t < end })
    const lostDown = lostBy(DOWN)
    const lostSeqs = new Set(lostDown.lostRanges.flatMap(r => Array.from({ length: r.to - r.from + 1 }, (_, i) => r.from + i)))
    return {
      [UP]: lostBy(UP),
      [DOWN]: lostDown,
      downForMs: stoppedAt !== undefined && backAt !== undefined ? backAt - stoppedAt : null,
      lostSentWhileDown: events(history, "pubsub-publisher", "sent", e => lostSeqs.has(e.seq as number)).every(e => whileDown(e.t)),
    }
  },
  checks: f => [
    [`${UP}: lost`, f[UP].lost, equals(0)],
    [`${DOWN}: lost`, f[DOWN].lost, between((DOWN_MS / 1000) * RATE, Math.round(((f.downForMs ?? 0) / 1000) * RATE) + RATE)],
    [`${DOWN}: lost in one stretch`, f[DOWN].lostRanges.length, equals(1)],
    [`${DOWN}: every lost message was published while it was down`, f.lostSentWhileDown, equals(true)],
    [`${DOWN}: duplicated`, f[DOWN].duplicated, equals(0)],
  ],
})
