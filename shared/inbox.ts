// What every consumer does with an incoming message: check the frames against
// the envelope contract (bad input is logged as `bad-message` and counted, never
// thrown), feed the producer's sequence to a tracker, and log what the tracker
// saw: `joined`, `producer-restart`, `gap`, `duplicate`, `out-of-order`, `late`.
import { decodeEnvelope, type Decoded } from "./envelope.js"
import type { Fields } from "./logger.js"
import { formatRanges, SequenceTracker, type Observation } from "./sequence.js"
import type { Service } from "./service.js"

export interface Shape {
  /** How many frames a well-formed message has (the envelope is the last). */
  frames: number
  /** For log lines: who sent it, where the socket knows (a ROUTER identity). */
  sender?: string
}

export class Inbox {
  readonly tracker: SequenceTracker
  badMessages = 0

  constructor(
    private readonly service: Service<unknown>,
    { reorderGraceMs = 0 } = {},
  ) {
    this.tracker = new SequenceTracker(reorderGraceMs)
  }

  /** Logs and counts one malformed message. */
  reject(reason: string, fields: Fields = {}): void {
    this.badMessages += 1
    this.service.log.warn("bad-message", `rejected a malformed message: ${reason}`, { reason, ...fields })
  }

  /** Validates the frames; a rejection is logged and counted before it is returned. */
  open(frames: Buffer[], shape: Shape): Decoded {
    const sender = shape.sender === undefined ? {} : { sender: shape.sender }
    const size = frames.reduce((sum, frame) => sum + frame.length, 0)
    const max = this.service.config.MAX_MESSAGE_BYTES
    let decoded: Decoded
    if (frames.length !== shape.frames) decoded = { ok: false, reason: `expected ${shape.frames} frame(s), got ${frames.length}` }
    else if (size > max) decoded = { ok: false, reason: `message of ${size} bytes exceeds MAX_MESSAGE_BYTES=${max}` }
    else decoded = decodeEnvelope(frames[frames.length - 1], max)
    if (!decoded.ok) this.reject(decoded.reason, { ...sender, frames: frames.length, bytes: size })
    return decoded
  }

  /** Validates and tracks the producer's sequence. */
  accept(frames: Buffer[], shape: Shape): Decoded {
    const decoded = this.open(frames, shape)
    if (decoded.ok) this.track(this.tracker, decoded.envelope.producer, decoded.envelope.incarnation, decoded.envelope.seq)
    return decoded
  }

  /** Feeds one number to a tracker (this inbox's own, or another stream's) and logs what it saw. */
  track(tracker: SequenceTracker, producer: string, incarnation: string, seq: number, what = "message"): void {
    for (const observation of tracker.observe(producer, incarnation, seq, Date.now())) this.report(observation, what)
  }

  /** Declares lost what waited out its reorder grace; call periodically. */
  expire(tracker: SequenceTracker, what = "message"): void {
    for (const observation of tracker.expire(Date.now())) this.report(observation, what)
  }

  private report(o: Observation, what: string): void {
    const log = this.service.log
    const where = { producer: o.producer, incarnation: o.incarnation, stream: what }
    switch (o.kind) {
      case "in-order":
        return
      case "joined":
        log.info("joined", `first ${what} from ${o.producer} is seq ${o.seq} (${o.missedBeforeJoin} sent before this consumer joined)`, { ...where, seq: o.seq, missedBeforeJoin: o.missedBeforeJoin })
        return
      case "restart":
        log.warn("producer-restart", `${o.producer} restarted: incarnation ${o.previousIncarnation} (last seq ${o.previousLastSeq}) -> ${o.incarnation}, first seq ${o.seq}`, { ...where, previousIncarnation: o.previousIncarnation, previousLastSeq: o.previousLastSeq, seq: o.seq, missedAtStart: o.missedAtStart })
        return
      case "gap":
        log.warn("gap", `${o.count} ${what}(s) from ${o.producer} missing: seq ${formatRanges(o.missing)}`, { ...where, missing: o.missing, count: o.count })
        return
      case "duplicate":
        log.warn("duplicate", `${what} seq ${o.seq} from ${o.producer} received twice`, { ...where, seq: o.seq })
        return
      case "out-of-order":
        log.debug("out-of-order", `${what} seq ${o.seq} from ${o.producer} arrived out of order`, { ...where, seq: o.seq })
        return
      case "late":
        log.warn("late-arrival", `${what} seq ${o.seq} from ${o.producer} arrived after it was declared missing`, { ...where, seq: o.seq })
        return
    }
  }

  stats(): Fields {
    const producers = this.tracker.snapshot()
    const sum = (key: "received" | "missed" | "duplicated" | "outOfOrder") => Object.values(producers).reduce((total, p) => total + p[key], 0)
    return {
      received: sum("received"),
      missed: sum("missed"),
      duplicated: sum("duplicated"),
      outOfOrder: sum("outOfOrder"),
      badMessages: this.badMessages,
      producers,
    }
  }
}
