// Paranoid Pirate, the queue-worker protocol. A worker's DEALER and the queue's
// backend ROUTER exchange:
//   worker -> queue: [READY] once per connection, [HEARTBEAT] every interval,
//                    [client identity, empty, reply envelope]
//   queue -> worker: [HEARTBEAT] every interval,
//                    [client identity, empty, request envelope]
// Signals are one short frame, not envelopes: they carry no data, are not
// numbered and are never delivered to the application.
export const READY = Buffer.from("READY")
export const HEARTBEAT = Buffer.from("HEARTBEAT")

export type Signal = "ready" | "heartbeat"

/** Pure: the signal a one-frame message is, or undefined for anything else. */
export function signalOf(frames: Buffer[]): Signal | undefined {
  if (frames.length !== 1) return undefined
  if (frames[0]!.equals(READY)) return "ready"
  if (frames[0]!.equals(HEARTBEAT)) return "heartbeat"
  return undefined
}
