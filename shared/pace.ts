// A steady rate: tick n is due at start + n * interval, so a slow send does not
// shift every later one (no drift), and a long stall is not made up in a burst.
// Ticks end at PRODUCE_UNTIL, when it is set. A rate no loop reaches (the
// bench's) makes them come as fast as the producer takes them.
import type { Service } from "./service.js"

/** True once the producer's deadline (PRODUCE_UNTIL) has passed. */
export const pastDeadline = (service: Service<unknown>): boolean => service.config.PRODUCE_UNTIL > 0 && Date.now() >= service.config.PRODUCE_UNTIL

/** Resolves when the service stops: a producer that has made all it will stays up, idle, until then. */
export const idle = (service: Service<unknown>): Promise<void> => new Promise(resolve => service.signal.addEventListener("abort", () => resolve()))

/** A timer sleeps no shorter than this: a producer less than this ahead of its rate goes on without sleeping. */
const TIMER_RESOLUTION_MS = 1
/** A producer that never sleeps (a rate above what it can do) lets timers, I/O and signals in every this many ticks. */
const YIELD_EVERY = 64

export async function* ticks(service: Service<unknown>, perSecond: number, { untilDeadline = true } = {}): AsyncGenerator<number> {
  const interval = 1000 / perSecond
  let due = performance.now()
  for (let n = 1; !service.stopping && !(untilDeadline && pastDeadline(service)); n++) {
    yield n
    due += interval
    const now = performance.now()
    if (due < now - interval) due = now // fell behind (a blocked send): resume the rate from here
    // Above a thousand a second the interval is shorter than any sleep: ticks
    // come back to back until they are a timer's resolution ahead, then sleep.
    if (due - now >= TIMER_RESOLUTION_MS) await service.pause(due - now)
    else if (n % YIELD_EVERY === 0) await new Promise(resolve => setImmediate(resolve))
  }
}

/** A whole number of milliseconds between min and max (inclusive), for a task's "work". */
export function randomBetween(min: number, max: number): number {
  return min + Math.floor(Math.random() * (Math.max(min, max) - min + 1))
}
