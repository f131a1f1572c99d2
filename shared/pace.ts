// A steady rate: tick n is due at start + n * interval, so a slow send does not
// shift every later one (no drift), and a long stall is not made up in a burst.
// Ticks end at PRODUCE_UNTIL, when it is set.
import type { Service } from "./service.js"

/** True once the producer's deadline (PRODUCE_UNTIL) has passed. */
export const pastDeadline = (service: Service<unknown>): boolean => service.config.PRODUCE_UNTIL > 0 && Date.now() >= service.config.PRODUCE_UNTIL

/** Resolves when the service stops: a producer that has made all it will stays up, idle, until then. */
export const idle = (service: Service<unknown>): Promise<void> => new Promise(resolve => service.signal.addEventListener("abort", () => resolve()))

export async function* ticks(service: Service<unknown>, perSecond: number, { untilDeadline = true } = {}): AsyncGenerator<number> {
  const interval = 1000 / perSecond
  let due = Date.now()
  for (let n = 1; !service.stopping && !(untilDeadline && pastDeadline(service)); n++) {
    yield n
    due += interval
    const now = Date.now()
    if (due < now - interval) due = now // fell behind (a blocked send): resume the rate from here
    await service.pause(Math.max(0, due - now))
  }
}

/** A whole number of milliseconds between min and max (inclusive), for a task's "work". */
export function randomBetween(min: number, max: number): number {
  return min + Math.floor(Math.random() * (Math.max(min, max) - min + 1))
}
