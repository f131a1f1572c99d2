// The message envelope: the wire contract every service speaks (see
// docs/envelope.md). The last frame of every application message is UTF-8
// JSON: {"v":1,"producer","incarnation","seq","sentAt","body"}, plus "stream"
// when the producer numbers more than one kind of message (a publisher's data
// and its welcomes); a reply also carries "inReplyTo": {"producer","seq"} of
// the request it answers.
// Encoding and decoding are pure functions so they are tested without sockets.
import { randomBytes } from "node:crypto"

export const ENVELOPE_VERSION = 1

/** The empty delimiter frame between routing frames and the envelope (REQ, REP, ROUTER, DEALER). */
export const EMPTY = Buffer.alloc(0)

export interface MessageRef {
  producer: string
  seq: number
}

export interface Envelope<B = unknown> {
  v: typeof ENVELOPE_VERSION
  producer: string
  incarnation: string
  seq: number
  sentAt: number
  body: B
  /** Which of the producer's numberings `seq` belongs to (absent: its only one). */
  stream?: string
  inReplyTo?: MessageRef
}

export type Decoded = { ok: true; envelope: Envelope } | { ok: false; reason: string }

/** A new random id for this process start: a restarted producer is told apart by it. */
export function newIncarnation(): string {
  return randomBytes(6).toString("hex")
}

export function encodeEnvelope(envelope: Envelope): Buffer {
  return Buffer.from(JSON.stringify(envelope), "utf8")
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value)

const isPositiveInteger = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 1

const isName = (value: unknown): value is string => typeof value === "string" && value.length > 0 && value.length <= 256

/** Pure: validates one frame against the envelope contract; never throws. */
export function decodeEnvelope(frame: Buffer | undefined, maxBytes: number): Decoded {
  if (frame === undefined) return { ok: false, reason: "missing envelope frame" }
  if (frame.length > maxBytes) return { ok: false, reason: `envelope of ${frame.length} bytes exceeds the maximum of ${maxBytes}` }
  let parsed: unknown
  try {
    parsed = JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(frame))
  } catch {
    return { ok: false, reason: "envelope is not UTF-8 JSON" }
  }
  if (!isObject(parsed)) return { ok: false, reason: "envelope is not a JSON object" }
  if (parsed.v !== ENVELOPE_VERSION) return { ok: false, reason: `unsupported envelope version ${JSON.stringify(parsed.v)} (expected 1)` }
  if (!isName(parsed.producer)) return { ok: false, reason: "producer must be a non-empty string" }
  if (!isName(parsed.incarnation)) return { ok: false, reason: "incarnation must be a non-empty string" }
  if (!isPositiveInteger(parsed.seq)) return { ok: false, reason: "seq must be an integer >= 1" }
  if (typeof parsed.sentAt !== "number" || !Number.isFinite(parsed.sentAt)) return { ok: false, reason: "sentAt must be a number (epoch ms)" }
  if (!("body" in parsed)) return { ok: false, reason: "body is missing" }
  if ("stream" in parsed && !isName(parsed.stream)) return { ok: false, reason: "stream, when present, must be a non-empty string" }
  if ("inReplyTo" in parsed) {
    const ref = parsed.inReplyTo
    if (!isObject(ref) || !isName(ref.producer) || !isPositiveInteger(ref.seq)) {
      return { ok: false, reason: "inReplyTo must be {producer: string, seq: integer >= 1}" }
    }
  }
  return { ok: true, envelope: parsed as unknown as Envelope }
}

/**
 * Numbers the messages of one stream of a producer: seq 1, 2, 3, ... within
 * one incarnation. A producer with several streams (data, welcomes) has one
 * Producer per stream, sharing its incarnation.
 */
export class Producer {
  private seq = 0
  readonly incarnation: string
  readonly stream: string | undefined

  constructor(
    readonly name: string,
    { stream, incarnation = newIncarnation() }: { stream?: string; incarnation?: string } = {},
  ) {
    this.stream = stream
    this.incarnation = incarnation
  }

  get lastSeq(): number {
    return this.seq
  }

  next<B>(body: B, inReplyTo?: MessageRef, now = Date.now()): Envelope<B> {
    this.seq += 1
    const envelope: Envelope<B> = { v: ENVELOPE_VERSION, producer: this.name, incarnation: this.incarnation, seq: this.seq, sentAt: now, body }
    if (this.stream !== undefined) envelope.stream = this.stream
    if (inReplyTo) envelope.inReplyTo = { producer: inReplyTo.producer, seq: inReplyTo.seq }
    return envelope
  }
}

/** The body of an error reply, sent by REP and ROUTER services in answer to garbage. */
export interface ErrorBody {
  error: { code: string; message: string }
}
