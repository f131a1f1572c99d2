// Hand-made histories for the checkers' tests: a Story is a run told event by
// event, with a clock that moves only when told to, and helpers for the usual
// flows (a publisher and its subscribers, a pipeline, a client and its
// servers). Each helper writes the same events, with the same fields, as the
// services do (see shared/accounting.ts, EVENTS).
import type { History, HistoryEvent } from "../../scenarios/runner/history.js"

export class Story {
  readonly events: HistoryEvent[] = []
  private clock = 1_000_000

  constructor(readonly variant = "main") {}

  get now(): number {
    return this.clock
  }

  /** Moves the clock on. */
  wait(ms: number): this {
    this.clock += ms
    return this
  }

  add(service: string, event: string, fields: Record<string, unknown> = {}): this {
    this.events.push({ t: this.clock, service, event, variant: this.variant, ...fields })
    return this
  }

  /** A runner action (kill, start, pause, up, disconnect, ...) on a service. */
  action(action: string, target: string, fields: Record<string, unknown> = {}): this {
    return this.add("runner", "action", { action, target, ...fields })
  }

  declare(producer: string, stream: string, promise: string, incarnation = "i1", fields: Record<string, unknown> = {}): this {
    return this.add(producer, "producing", { stream, promise, incarnation, instance: incarnation, ...fields })
  }

  send(producer: string, stream: string, seq: number, incarnation = "i1", fields: Record<string, unknown> = {}): this {
    return this.add(producer, "sent", { stream, incarnation, seq, instance: incarnation, ...fields })
  }

  /**
   * A publisher's messages `from`..`to`, one every `everyMs`, each received by
   * the subscribers that are due it (after their join, not skipped). Declares
   * the stream and the joins first.
   */
  publish({
    publisher = "pubsub-publisher",
    stream = "ticks",
    incarnation = "i1",
    from = 1,
    to,
    everyMs = 50,
    subscribers = {},
    fields = () => ({}),
    declare = true,
  }: {
    publisher?: string
    stream?: string
    incarnation?: string
    from?: number
    to: number
    everyMs?: number
    subscribers?: Record<string, { joinAfter?: number; skip?: number[]; fields?: (seq: number) => Record<string, unknown> }>
    fields?: (seq: number) => Record<string, unknown>
    declare?: boolean
  }): this {
    if (declare) this.declare(publisher, stream, "fan-out", incarnation)
    for (const [subscriber, { joinAfter }] of Object.entries(subscribers)) {
      if (joinAfter !== undefined) this.add(publisher, "subscriber-joined", { subscriber, stream, incarnation, afterSeq: joinAfter })
    }
    for (let seq = from; seq <= to; seq++) {
      this.send(publisher, stream, seq, incarnation, fields(seq))
      for (const [subscriber, { joinAfter = 0, skip = [], fields: own = () => ({}) }] of Object.entries(subscribers)) {
        if (seq > joinAfter && !skip.includes(seq))
          this.add(subscriber, "received", { producer: publisher, incarnation, stream, seq, ...fields(seq), ...own(seq) })
      }
      this.wait(everyMs)
    }
    return this
  }

  /** A pipeline's tasks `from`..`to`, dealt round-robin to the workers, each done and delivered at the sink unless lost. */
  pipeline({
    ventilator = "pipeline-ventilator",
    workers = ["pipeline-worker-1", "pipeline-worker-2"],
    sink = "pipeline-sink",
    incarnation = "v1",
    from = 1,
    to,
    everyMs = 100,
    lost = [],
    declare = true,
  }: {
    ventilator?: string
    workers?: string[]
    sink?: string
    incarnation?: string
    from?: number
    to: number
    everyMs?: number
    lost?: number[]
    declare?: boolean
  }): this {
    if (declare) this.declare(ventilator, "tasks", "load-balanced", incarnation)
    for (let seq = from; seq <= to; seq++) {
      const worker = workers[(seq - from) % workers.length]!
      const task = { producer: ventilator, incarnation, stream: "tasks", seq, taskId: seq }
      this.send(ventilator, "tasks", seq, incarnation, { taskId: seq })
      this.add(worker, "received", task)
      this.wait(everyMs / 2)
      if (!lost.includes(seq)) this.add(worker, "done", task).add(sink, "delivered", { ...task, worker })
      this.wait(everyMs / 2)
    }
    return this
  }

  /** A client's requests `from`..`to`, each handled by a server (round-robin) and answered, unless lost. */
  requests({
    client,
    servers,
    incarnation = "c1",
    from = 1,
    to,
    everyMs = 100,
    lost = [],
    declare = true,
    reply = () => ({}),
  }: {
    client: string
    servers: string[]
    incarnation?: string
    from?: number
    to: number
    everyMs?: number
    lost?: number[]
    declare?: boolean
    reply?: (seq: number) => Record<string, unknown>
  }): this {
    if (declare) this.declare(client, "requests", "request-reply", incarnation)
    for (let seq = from; seq <= to; seq++) {
      const server = servers[(seq - from) % servers.length]!
      const request = { producer: client, incarnation, stream: "requests", seq }
      this.send(client, "requests", seq, incarnation, { id: seq, attempt: 0 })
      if (!lost.includes(seq)) {
        this.add(server, "received", request)
          .add(server, "delivered", request)
          .add(server, "sent", { seq, inReplyTo: { producer: client, seq } })
        this.wait(everyMs / 2)
        this.add(client, "received", {
          instance: incarnation,
          producer: server,
          incarnation: "s1",
          seq,
          id: seq,
          inReplyTo: { producer: client, seq },
          rttMs: everyMs / 2,
          ...reply(seq),
        })
        this.wait(everyMs / 2)
      } else {
        this.wait(everyMs)
      }
    }
    return this
  }

  /** The history, ordered by time as the runner orders it. */
  history(): History {
    return [...this.events].sort((a, b) => a.t - b.t)
  }
}

/** Several variants' stories as one history. */
export const merge = (...stories: Story[]): History => stories.flatMap(story => story.history()).sort((a, b) => a.t - b.t)

/** A copy of the history without the events `drop` matches (to make a failing run of a passing one). */
export const without = (history: History, drop: (e: HistoryEvent) => boolean): History => history.filter(e => !drop(e))

/** A copy of the history with the events `match` matches changed (and put in time order again). */
export const changed = (history: History, match: (e: HistoryEvent) => boolean, change: (e: HistoryEvent) => Partial<HistoryEvent>): History =>
  history.map(e => (match(e) ? { ...e, ...change(e) } : e)).sort((a, b) => a.t - b.t)
