// The message envelope: the wire contract every service speaks (see
// docs/envelope.md). The last frame of every application message is UTF-8
// JSON: {"v":1,"producer","incarnation","seq","sentAt","body"}, plus "stream"
// when the producer numbers more than one kind of message (a publisher's data
// and its welcomes); a reply also carries "inReplyTo": {"producer","seq"} of
// the request it answers.
// Encoding and decoding are pure functions so they are tested without sockets.
import { isUtf8 } from "node:buffer"
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

/**
 * What was wrong with a malformed message, as `bad-message` lines name it (the
 * `kind`): counted per kind, so the fuzz test can tell each kind arrived.
 */
export type BadMessageKind =
  | "frame-count" // too many or too few frames for this socket
  | "empty-frame" // the envelope frame is empty
  | "too-large" // above MAX_MESSAGE_BYTES
  | "invalid-utf8"
  | "not-json"
  | "not-an-object" // JSON, but not an object
  | "wrong-version"
  | "missing-field"
  | "wrong-type"
  | "bad-seq" // a number, but not an integer from 1 to 2^53 - 1
  | "bad-body" // a well-formed envelope whose body is not what this role takes
  | "not-subscription" // upstream to a publisher, not a (un)subscription
  | "not-zmtp" // a handshake that failed for want of ZMTP for this socket type
  | "mechanism-mismatch" // a handshake offering a security mechanism this socket does not use
  | "wrong-server-key" // a CURVE hello this server cannot open: the client trusts another server key

export type Decoded = { ok: true; envelope: Envelope } | { ok: false; reason: string; kind: BadMessageKind }

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

const fail = (kind: BadMessageKind, reason: string): Decoded => ({ ok: false, kind, reason })

/** Pure: a required field: missing, of the wrong type, or (for seq) a number out of range. */
function fieldProblem(parsed: Record<string, unknown>, field: string, valid: (value: unknown) => boolean, what: string): Decoded | undefined {
  if (!(field in parsed)) return fail("missing-field", `${field} is missing`)
  const value = parsed[field]
  if (valid(value)) return undefined
  if (field === "seq" && typeof value === "number") return fail("bad-seq", `seq must be an integer from 1 to 2^53 - 1, not ${value}`)
  return fail("wrong-type", `${field} must be ${what}`)
}

/** Pure: validates one frame against the envelope contract; never throws. */
export function decodeEnvelope(frame: Buffer | undefined, maxBytes: number): Decoded {
  if (frame === undefined) return fail("frame-count", "missing envelope frame")
  if (frame.length === 0) return fail("empty-frame", "the envelope frame is empty")
  if (frame.length > maxBytes) return fail("too-large", `envelope of ${frame.length} bytes exceeds the maximum of ${maxBytes}`)
  // Checked first, then decoded: cheaper per message than a fatal TextDecoder.
  if (!isUtf8(frame)) return fail("invalid-utf8", "envelope is not UTF-8")
  const text = frame.toString("utf8")
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch {
    return fail("not-json", "envelope is not JSON")
  }
  if (!isObject(parsed)) return fail("not-an-object", "envelope is not a JSON object")
  if (!("v" in parsed)) return fail("missing-field", "v (the envelope version) is missing")
  if (parsed.v !== ENVELOPE_VERSION) return fail("wrong-version", `unsupported envelope version ${JSON.stringify(parsed.v)} (expected 1)`)
  const problem =
    fieldProblem(parsed, "producer", isName, "a non-empty string") ??
    fieldProblem(parsed, "incarnation", isName, "a non-empty string") ??
    fieldProblem(parsed, "seq", isPositiveInteger, "an integer >= 1") ??
    fieldProblem(parsed, "sentAt", value => typeof value === "number" && Number.isFinite(value), "a number (epoch ms)")
  if (problem) return problem
  if (!("body" in parsed)) return fail("missing-field", "body is missing")
  if ("stream" in parsed && !isName(parsed.stream)) return fail("wrong-type", "stream, when present, must be a non-empty string")
  if ("inReplyTo" in parsed) {
    const ref = parsed.inReplyTo
    if (!isObject(ref) || !isName(ref.producer) || !isPositiveInteger(ref.seq)) {
      return fail("wrong-type", "inReplyTo must be {producer: string, seq: integer >= 1}")
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
