// The log contract: every event a service logs, by name, with its fields. A
// log line is one JSON object, {timestamp, level, service, pattern, pid,
// instance, event, message, ...fields}; the accounting, the scenario checkers,
// the runner and the log printer read these lines, so a name or a field is a
// promise to all of them. The logger takes only names from this map and only
// its fields (test/types/log-events.ts shows a wrong one failing the type
// check); the readers name events through `EventName`.
import type { EventType } from "zeromq"
import type { DeliveryPromise, Range } from "./accounting.js"
import type { BadMessageKind, MessageRef } from "./envelope.js"

/** Which message: the producer's name, its start (incarnation), the stream it numbers, the number. */
interface Ref {
  producer: string
  incarnation: string
  stream: string
  seq: number
}

/** What a producer's own line says of a message it numbered (the producer is the service itself). */
interface Own {
  stream: string
  incarnation: string
  seq: number
}

/** The details of one message that only some patterns have. */
interface MessageDetails {
  /** Which try of a request or task (0: the first). */
  attempt?: number
  /** The pipeline's task id (the reliable pipeline keeps it across resends). */
  taskId?: number
  workMs?: number
  latencyMs?: number
  /** The worker that did a task, as the sink learns it (a container, or a cluster's process). */
  worker?: string | number
  topic?: string
  payloadBytes?: number
  /** Clone: the store's version an update carries, and its key. */
  version?: number
  key?: string
  /** Clone: what the replica did with an update (applied, stale, buffered, gap). */
  outcome?: string
  /** The router-dealer client's request id, and how many of its requests wait for a reply. */
  id?: number
  pending?: number
  /** The book's programs: the job, the file, the path asked for, the order of a reply. */
  job?: number
  file?: string
  path?: string
  order?: number
}

/** A reply, as its client logs it. */
interface Reply {
  producer: string
  incarnation: string
  seq: number
  inReplyTo?: MessageRef
  rttMs?: number
  attempt?: number
  afterMs?: number
  id?: number
  pid?: number
  body?: unknown
}

interface Endpoint {
  socket: string
  endpoint: string
}

/** A socket monitor event (`socket.connect`, `socket.disconnect`, `socket.connect:retry`, ...). */
interface SocketEvent {
  socket: string
  address?: string
  interval?: number
  error?: string
}

/** A worker of the book's clusters (a process number) or of the Paranoid Pirate (a routing id). */
interface WorkerRef {
  worker?: string | number | undefined
}

export type LogEvents = {
  [T in EventType as `socket.${T}`]: SocketEvent
} & {
  // --- every service -----------------------------------------------------------
  /** A numbered stream and the promise its pattern makes, once per start (the accounting's starting point). */
  producing: { stream: string; promise: DeliveryPromise; incarnation: string; acknowledged?: true }
  /** The periodic and final counters; each service chooses its own (`service.reportStats`), and every one has the CPU time its process has used so far (`cpuMs`). */
  stats: Record<string, unknown> & { cpuMs: number }
  shutdown: { reason?: string; exitCode?: number }
  /** With CPU_PROFILE_MS: the functions that took the most CPU over the profile, by share of its samples. */
  "cpu-profile": { ms: number; hotspots: Array<{ where: string; selfPercent: number }> }
  crash: Record<string, never>
  listening: Endpoint
  /** Once per socket at start: the options it runs with (read back from the socket). */
  "socket-options": { socket: string; options: Record<string, number | boolean> }
  connecting: Endpoint
  /** Input that is not what the socket expects: counted, answered where it can be, never fatal. */
  "bad-message": { reason: unknown; kind: BadMessageKind; sender?: string; frames?: number; bytes?: number; socket?: string; address?: string; error?: string }
  "handler-error": { producer?: string; seq?: number }
  /** A receive ended with EAGAIN (not a closed socket): counted, and the loop receives again. */
  "receive-error": { error: string; count: number }
  /** SECURITY=curve: what a socket is (CURVE server or client, which keys). */
  security: { socket: string; mechanism: "curve" | "none"; side: "bound" | "connecting"; key?: string; serverKey?: string }
  /** A key file missing or not a key: the service stops (exit 2). */
  "key-error": { socket: string; file: string }
  /** A handshake that failed, and what that means (a refused key, a wrong server key, a plain peer, not ZMTP). */
  "handshake-failed": { socket: string; side: "bound" | "connecting"; cause: string; address?: string; error?: string }
  /** The ZAP handler's decisions, and the allow-list each time it changes. */
  "auth:allowed": { key: string | null; address: string; mechanism: string; reason: string }
  "auth:denied": { key: string | null; address: string; mechanism: string; reason: string }
  "auth:allow-list": { dir: string; keys: string[]; problems: string[] }

  // --- messages: sent, received, done and delivered -------------------------------
  /** A message (or one try of a request) left its producer. The book's filer-req also logs raw requests it sends. */
  sent: (Own & MessageDetails) | { seq: number; incarnation: string; inReplyTo: MessageRef } | { raw: string }
  /** A message reached a consumer, or a reply its client. */
  received: (Ref & MessageDetails) | (Reply & { stream?: string; body?: unknown })
  /** The work for a message is done and recorded (the sink, a server, a worker after deduplication). */
  delivered: Omit<Ref, "stream"> & { stream: string | undefined } & MessageDetails
  /** A redelivery absorbed by deduplication: answered or acknowledged, not handled again. */
  "duplicate-dropped": Omit<Ref, "stream"> & { stream: string | undefined } & MessageDetails
  /** A worker finished a task, or a producer its run (with its totals). */
  done:
    | (Ref & { taskId: number })
    | { requests: number; answered: number; lost: number }
    | { stream: string; incarnation: string; lastSeq: number }
    | { sent: number; lastSeq: number }
    | { made: number; acked: number }
    | { version: number; digest: string; values: Record<string, string> }
  /** The reliable pipeline's ventilator holds the sink's acknowledgement of a task. */
  acked: Own & { taskId: number }
  /** Requests still waiting for their reply when the client stopped. */
  abandoned: { stream: string; incarnation: string; ids: number[] }
  forwarded: { sender: string; seq: number }
  dispatched: { key: string; worker: string }

  // --- what a consumer finds in a stream (shared/inbox.ts) -------------------------
  joined: Omit<Ref, "seq"> & { afterSeq: number; beforeJoin: number; receivedBeforeJoin: number }
  "join-unknown": Omit<Ref, "seq"> & { waitedMs: number }
  "producer-restart": Omit<Ref, "seq"> & { previousIncarnation: string; previousHighest: number }
  gap: Omit<Ref, "seq"> & { missing: Range[]; count: number }
  duplicate: Ref
  "out-of-order": Ref
  "late-arrival": Ref

  // --- fan-out (shared/fanout.ts) ----------------------------------------------------
  subscribe: { topic: string; subscriptions: number }
  unsubscribe: { topic: string; subscriptions: number }
  "subscriber-joined": { stream: string; incarnation: string; afterSeq: number; subscriber: string; subscriberInstance: string; topic: string }
  "subscriber-left": { subscriber: string; subscriberInstance: string; topic: string }

  // --- producers --------------------------------------------------------------------
  publishing: { rate: number; topic?: string; incarnation?: string; keys?: number }
  ventilating: { rate: number; incarnation: string; tasks: number }
  /** A PUSH send waited for a peer (no worker connected). */
  blocked: { seq: number; waitedMs: number }
  /** Waiting for workers to say ready before the first task. */
  waiting: { workers?: number }
  ready: Record<string, never>
  "worker-ready": WorkerRef & { ready?: number; signal?: string; workers?: number; routingId?: string }
  /** The reliable pipeline's journal (ventilator) and delivered set (sink) at start. */
  ledger: { delivered?: number; acked?: number; pending?: number; nextId?: number; epoch?: string }
  /** A task resent after its acknowledgement did not come in time. */
  resend: { taskId: number; attempt: number }
  /** A worker dropped a task it could not finish (stopped mid-task). */
  dropped: { taskId: number }

  // --- requests and replies -----------------------------------------------------------
  timeout: { seq?: number; timeoutMs?: number; attempt?: number; id?: number; reopened?: boolean }
  "give-up": { seq: number; retries: number }
  lockstep: Record<string, never>
  refused: { code?: string | undefined; key?: string; waiting?: number }
  "unexpected-reply": { seq: number; inReplyTo: MessageRef | undefined; expected?: number; body?: unknown }
  "late-reply": { id: number | undefined; seq: number; producer: string }
  unroutable: { client?: string; seq?: number; inReplyTo?: MessageRef | undefined; to?: string }
  "too-slow": { producer: string; seq: number; lagMs: number; maxLagMs: number }

  // --- Paranoid Pirate ------------------------------------------------------------------
  "worker-expired": { worker: string; silentMs: number; held?: string }
  "worker-gone": WorkerRef & { held?: string }
  "queue-silent": { silentMs: number; backoffMs: number; routingId: string }
  "reply-undelivered": { inReplyTo: MessageRef | undefined }

  // --- Clone ------------------------------------------------------------------------------
  store: { version: number; keys: number; digest: string; epoch: string }
  "snapshot-served": { version: number; keys: number; to: string }
  snapshot: {
    producer: string | undefined
    incarnation: string | undefined
    snapshotVersion: number | undefined
    applied: number
    version: number
    keys: number
  }
  "snapshot-timeout": { timeoutMs: number }
  resync: { reason: string; version: number }
  state: { version: number; publisherVersion: number; digest: string; keys: number; publisherDone: boolean; values: Record<string, string> }

  // --- the book's programs ---------------------------------------------------------------
  "jobs-sent": { jobs: number; waitedForReady: boolean }
  summary: { jobs: number; perWorker: Record<string, number> }
  "worker-online": WorkerRef
  "worker-exit": WorkerRef & { code?: number; signal?: string }
  "worker-respawn": WorkerRef & { replaces: number | undefined }
  watching: { file: string }
  "watch-error": Record<string, never>

  // --- the observer -------------------------------------------------------------------------
  /** The observer acted on a service for its page or a script (kill, stop, start, restart, pause, unpause). */
  "lab-action": { target: string; action: string; ok: boolean; reason?: string }
}

export type EventName = keyof LogEvents

/** The fields argument of a log call: optional when the event has no required field. */
export type FieldsOf<E extends EventName> = Record<string, never> extends LogEvents[E] ? [fields?: LogEvents[E]] : [fields: LogEvents[E]]

/** A log line's event part, as a discriminated union on `event`. */
export type LogEvent<E extends EventName = EventName> = { [K in E]: { event: K } & LogEvents[K] }[E]

/** Names a set of events, checked against the contract (a typo fails the type check). */
export const eventSet = (...names: EventName[]): ReadonlySet<string> => new Set(names)
