// PUB/SUB: a subscriber that is down for a while loses what was published
// meanwhile; another subscriber loses nothing.
import { actionTime, events, fanOut, firstAfter, parseIds } from "../runner/checkers.js"
import { between, equals, scenario, sleep, start, stop, waitFor } from "../runner/dsl.js"

const RATE = 20
const DOWN_MS = 3000
const DOWN = "pubsub-late-subscriber"
const UP = "pubsub-subscriber"

export default scenario({
  name: "pubsub-subscriber-down",
  claim: `One of two subscribers, stopped for ${DOWN_MS / 1000} s, loses what was published meanwhile; the other loses nothing.`,
  note: "A subscriber started again is the same subscriber come back: what it missed while down counts as lost to it (its promise runs from its first join). Its new process, which knows nothing of the old one, logs those messages as sent before its own join.",
  services: ["pubsub-publisher", UP, DOWN],
  env: { PUBSUB_RATE: String(RATE) },
  timeline: [waitFor(DOWN, "received", { count: 20 }), stop(DOWN), sleep(DOWN_MS), start(DOWN), waitFor(DOWN, "received", { count: 20 })],
  figures: history => {
    const stoppedAt = actionTime(history, "stop", DOWN)
    const backAt = firstAfter(history, actionTime(history, "start", DOWN), e => e.service === DOWN && e.event === "received")?.t
    // In flight when it stopped, or sent before its first message after the start.
    const whileDown = (t: number) => stoppedAt !== undefined && backAt !== undefined && t >= stoppedAt - 1000 && t <= backAt
    const down = fanOut(history, { producer: "pubsub-publisher", consumer: DOWN })
    const lostSeqs = new Set(parseIds(down?.lostIds ?? ""))
    return {
      [UP]: fanOut(history, { producer: "pubsub-publisher", consumer: UP }) ?? null,
      [DOWN]: down ?? null,
      lostStretches: down && down.lostIds !== "" ? down.lostIds.split(",").length : 0,
      downForMs: stoppedAt !== undefined && backAt !== undefined ? backAt - stoppedAt : null,
      lostSentWhileDown: lostSeqs.size > 0 && events(history, "pubsub-publisher", "sent", e => lostSeqs.has(e.seq as number)).every(e => whileDown(e.t)),
    }
  },
  checks: f => [
    [`${UP}: lost`, f[UP]?.lost ?? null, equals(0)],
    [`${DOWN}: lost`, f[DOWN]?.lost ?? null, between((DOWN_MS / 1000) * RATE, Math.round(((f.downForMs ?? 0) / 1000) * RATE) + RATE)],
    [`${DOWN}: lost in one stretch`, f.lostStretches, equals(1)],
    [`${DOWN}: every lost message was published while it was down`, f.lostSentWhileDown, equals(true)],
    [`${DOWN}: duplicated`, f[DOWN]?.duplicated ?? null, equals(0)],
  ],
})
