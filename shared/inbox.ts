// What every consumer does with an incoming message: check the frames against
// the envelope contract (bad input is logged as `bad-message` and counted, never
// thrown), and, for a consumer that judges a stream (a subscriber, the end of a
// pipeline), hand each message to its live view of the stream (accounting.ts)
// and log what that shows: `joined`, `producer-restart`, `gap`, `duplicate`,
// `late-arrival`. A worker or a server takes a share of a stream, or answers
// requests: it judges nothing (its Inbox has no views).
import { formatRanges, StreamViews, type Observation, type StreamRef, type ViewOptions } from "./accounting.js"
import { decodeEnvelope, type BadMessageKind, type Decoded } from "./envelope.js"
import type { Fields } from "./logger.js"
import type { Service } from "./service.js"

export interface Shape {
  /** How many frames a well-formed message has (the envelope is the last). */
  frames: number
  /** For log lines: who sent it, where the socket knows (a ROUTER identity). */
  sender?: string
}

const streamName = (ref: StreamRef) => `${ref.producer}/${ref.stream}`

export class Inbox {
  badMessages = 0
  readonly views: StreamViews | undefined

  /** `views`: the promise this consumer judges its streams by; none for a worker or server. */
  constructor(
    private readonly service: Service<unknown>,
    private readonly viewOptions?: ViewOptions,
  ) {
    this.views = viewOptions ? new StreamViews(viewOptions) : undefined
  }

  /** Logs and counts one malformed message, by kind. */
  reject(kind: BadMessageKind, reason: string, fields: Fields = {}): void {
    this.badMessages += 1
    this.service.log.warn("bad-message", `rejected a malformed message (${kind}): ${reason}`, { kind, reason, ...fields })
  }

  /** Validates the frames; a rejection is logged and counted before it is returned. */
  open(frames: Buffer[], shape: Shape): Decoded {
    const sender = shape.sender === undefined ? {} : { sender: shape.sender }
    const size = frames.reduce((sum, frame) => sum + frame.length, 0)
    const max = this.service.config.MAX_MESSAGE_BYTES
    let decoded: Decoded
    if (frames.length !== shape.frames) decoded = { ok: false, kind: "frame-count", reason: `expected ${shape.frames} frame(s), got ${frames.length}` }
    else if (size > max) decoded = { ok: false, kind: "too-large", reason: `message of ${size} bytes exceeds MAX_MESSAGE_BYTES=${max}` }
    else decoded = decodeEnvelope(frames[frames.length - 1], max)
    if (!decoded.ok) this.reject(decoded.kind, decoded.reason, { ...sender, frames: frames.length, bytes: size })
    return decoded
  }

  /** Fan-out: the publisher says the subscription to `ref` is in place after `afterSeq`. */
  join(ref: StreamRef, afterSeq: number): void {
    for (const o of this.requireViews().join(ref, afterSeq, Date.now())) this.report(o)
  }

  /** A message of a stream this consumer judges arrived. */
  track(ref: StreamRef, seq: number, sentAt?: number): void {
    for (const o of this.requireViews().observe(ref, seq, Date.now(), sentAt)) this.report(o)
  }

  /** Declares lost what waited out its grace; call periodically. */
  expire(): void {
    for (const o of this.requireViews().expire(Date.now())) this.report(o)
  }

  private requireViews(): StreamViews {
    if (!this.views) throw new Error("this consumer judges no stream (its Inbox was made without views)")
    return this.views
  }

  /** What the notDue figure is called for this consumer's promise. */
  private get notDueName(): "beforeJoin" | "beforeStart" {
    return this.viewOptions?.promise === "fan-out" ? "beforeJoin" : "beforeStart"
  }

  private report(o: Observation): void {
    const log = this.service.log
    const name = streamName(o.ref)
    const where = { producer: o.ref.producer, incarnation: o.ref.incarnation, stream: o.ref.stream }
    switch (o.kind) {
      case "in-order":
        return
      case "joined":
        log.info(
          "joined",
          `subscribed to ${name} after seq ${o.afterSeq}: ${o.beforeJoin} sent before the subscription was in place${o.receivedBeforeJoin > 0 ? ` (${o.receivedBeforeJoin} more received anyway)` : ""}`,
          { ...where, afterSeq: o.afterSeq, beforeJoin: o.beforeJoin, receivedBeforeJoin: o.receivedBeforeJoin },
        )
        return
      case "join-unknown":
        log.warn("join-unknown", `no welcome from ${o.ref.producer} within ${o.waitedMs} ms: every message of ${name} from seq 1 counts as due`, {
          ...where,
          waitedMs: o.waitedMs,
        })
        return
      case "restart":
        log.warn(
          "producer-restart",
          `${o.ref.producer} restarted: ${name} incarnation ${o.previousIncarnation} (up to seq ${o.previousHighest}) -> ${o.ref.incarnation}`,
          { ...where, previousIncarnation: o.previousIncarnation, previousHighest: o.previousHighest },
        )
        return
      case "gap":
        log.warn("gap", `${o.count} message(s) of ${name} lost: seq ${formatRanges(o.missing)}`, { ...where, missing: o.missing, count: o.count })
        return
      case "duplicate":
        log.warn("duplicate", `seq ${o.seq} of ${name} received twice`, { ...where, seq: o.seq })
        return
      case "out-of-order":
        log.debug("out-of-order", `seq ${o.seq} of ${name} arrived out of order`, { ...where, seq: o.seq })
        return
      case "late":
        log.warn("late-arrival", `seq ${o.seq} of ${name} arrived after it was declared lost: no longer lost`, { ...where, seq: o.seq })
        return
    }
  }

  /** The stats line's figures: totals over every stream judged, then per stream. */
  stats(): Fields {
    if (!this.views) return { badMessages: this.badMessages }
    const { notDue, ...totals } = this.views.totals()
    const name = this.notDueName
    const streams = Object.fromEntries(Object.entries(this.views.stats()).map(([key, { notDue: n, ...rest }]) => [key, { ...rest, [name]: n }]))
    return { ...totals, [name]: notDue, badMessages: this.badMessages, streams }
  }
}
