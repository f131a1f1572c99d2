// Chapter 4's bidirectional-messaging exercise: jobs per worker when the
// master waits for every worker's `ready`, and when it does not.
import { events, ofVariant } from "../runner/checkers.js"
import { atLeast, atMost, scenario, waitFor } from "../runner/dsl.js"
import type { History } from "../runner/history.js"

const JOBS = 30
const summary = waitFor("book-push-cluster", "summary", { from: "start", timeoutMs: 30_000 })

function perWorker(history: History): number[] {
  const counts = events(history, "book-push-cluster", "summary")[0]?.perWorker as Record<string, number> | undefined
  return Object.values(counts ?? {}).sort((a, b) => b - a)
}

export default scenario({
  name: "book-push-first-joiner",
  claim: "A master that waits for all workers' ready signal spreads 30 jobs evenly; without waiting, the first worker to connect takes most of them.",
  variants: [
    { name: "wait-for-ready", services: ["book-push-cluster"], env: { BOOK_PUSH_WAIT_FOR_READY: "true", BOOK_PUSH_JOBS: String(JOBS) }, timeline: [summary] },
    { name: "no-waiting", services: ["book-push-cluster"], env: { BOOK_PUSH_WAIT_FOR_READY: "false", BOOK_PUSH_JOBS: String(JOBS) }, timeline: [summary] },
  ],
  figures: history => ({ waitForReady: perWorker(ofVariant(history, "wait-for-ready")), noWaiting: perWorker(ofVariant(history, "no-waiting")) }),
  checks: f => [
    ["waiting for ready: most minus fewest jobs per worker", (f.waitForReady[0] ?? 0) - (f.waitForReady.at(-1) ?? 0), atMost(1)],
    ["waiting for ready: workers that got jobs", f.waitForReady.length, atLeast(3)],
    ["not waiting: jobs taken by the busiest worker", f.noWaiting[0] ?? 0, atLeast(JOBS / 2)],
  ],
})
