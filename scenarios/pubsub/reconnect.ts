// PUB/SUB: subscribers reconnect on their own to a publisher that was killed
// and started again, five times in a row, and receive each new incarnation.
// The recovery time (from the new publisher's `listening` to a subscriber's
// first message from it) is reported as a median and a maximum.
import { account, percentile, type FanOutFigures } from "../../shared/accounting.js"
import { count, each, events } from "../runner/checkers.js"
import { agree, atLeast, below, equals, kill, reported, scenario, sleep, start, waitFor, type Action, type Check } from "../runner/dsl.js"
import type { History } from "../runner/history.js"

const SUBSCRIBERS = ["pubsub-subscriber", "pubsub-late-subscriber"]
const RESTARTS = 5
const OUTAGE_MS = 1000

const restartOnce = (): Action[] => [
  ...SUBSCRIBERS.map(s => waitFor(s, "received", { count: 5, from: "now" })),
  kill("pubsub-publisher"),
  sleep(OUTAGE_MS),
  start("pubsub-publisher"),
  ...SUBSCRIBERS.map(s => waitFor(s, "joined")),
]

/** Each recovery of `subscriber`: from a new publisher's `listening` to its first message of that incarnation. */
export function recoveries(history: History, subscriber: string): number[] {
  const starts = events(history, "pubsub-publisher", "listening").slice(1)
  return starts.flatMap(listening => {
    const first = history.find(e => e.t >= listening.t && e.service === subscriber && e.event === "received" && e.incarnation === listening.instance)
    return first ? [first.t - listening.t] : []
  })
}

export default scenario({
  name: "pubsub-reconnect",
  note: `Recovery is fast because the subscribers' connect attempts give up after CONNECT_TIMEOUT_MS (150 ms) and retry: without it (CONNECT_TIMEOUT_MS=0), an attempt begun just before the new container was reachable waits for TCP's SYN retransmission, and recovery took 510 ms median, 556 ms at most, over 10 recoveries here (56 to 104 ms median, 157 ms at most, with it). What each new publisher sent before a subscriber was back is before that subscriber's join to the new incarnation: the slow-joiner effect again, counted apart from loss.`,
  claim: `Subscribers reconnect on their own when a killed publisher is started again (${RESTARTS} times in a row), and receive each new incarnation.`,
  services: ["pubsub-publisher", ...SUBSCRIBERS],
  env: { PUBSUB_RATE: "20" },
  timeline: Array.from({ length: RESTARTS }, restartOnce)
    .flat()
    .concat(SUBSCRIBERS.map(s => waitFor(s, "received", { count: 5, from: "now" }))),
  figures: history => {
    const all = SUBSCRIBERS.flatMap(s => recoveries(history, s))
    const streams = account(history).filter((f): f is FanOutFigures => f.promise === "fan-out" && f.producer === "pubsub-publisher")
    return {
      recoveryMs: { median: percentile(all, 50), max: all.length > 0 ? Math.max(...all) : null, each: all },
      subscribers: each(SUBSCRIBERS, subscriber => {
        const stream = streams.find(f => f.consumer === subscriber)
        return {
          recoveries: recoveries(history, subscriber).length,
          restartsLogged: count(history, subscriber, "producer-restart"),
          gapsLogged: count(history, subscriber, "gap"),
          // What each new incarnation sent before the subscriber was back: its own `joined` lines, and the recount.
          beforeJoinLogged: events(history, subscriber, "joined").reduce((sum, e) => sum + (e.beforeJoin as number), 0),
          beforeJoinCounted: stream?.beforeJoin ?? null,
          lostOnceJoined: stream?.lost ?? null,
        }
      }),
    }
  },
  checks: f => [
    ...SUBSCRIBERS.flatMap((s): Check[] => {
      const sub = f.subscribers[s]!
      return [
        [`${s}: producer-restart logged`, sub.restartsLogged, equals(RESTARTS)],
        [`${s}: back on every new incarnation`, sub.recoveries, equals(RESTARTS)],
        [`${s}: gaps logged`, sub.gapsLogged, equals(0)],
        [`${s}: sent before it was back (logged, counted)`, [sub.beforeJoinLogged, sub.beforeJoinCounted], agree],
        [`${s}: lost once joined`, sub.lostOnceJoined, equals(0)],
      ]
    }),
    ["recoveries measured", f.recoveryMs.each.length, atLeast(RESTARTS * SUBSCRIBERS.length)],
    ["longest recovery (ms): reconnected at all, in time", f.recoveryMs.max, below(2000)],
    ["recovery (ms), median / max", `${f.recoveryMs.median} / ${f.recoveryMs.max}`, reported],
  ],
})
