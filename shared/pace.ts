// A steady rate: tick n is due at start + n * interval, so a slow send does not
// shift every later one (no drift), and a long stall is not made up in a burst.
import type { Service } from "./service.js"

export async function* ticks(service: Service<unknown>, perSecond: number): AsyncGenerator<number> {
  const interval = 1000 / perSecond
  let due = Date.now()
  for (let n = 1; !service.stopping; n++) {
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
