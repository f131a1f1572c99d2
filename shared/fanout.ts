// Fan-out with joins: a PUB/SUB publisher that tells each subscriber where its
// subscription began, so that a subscriber can tell "sent before I was
// subscribed" (the slow-joiner effect) from "sent to me and lost".
//
// For each topic it subscribes to, a subscriber also subscribes to a topic of
// its own, `~join/<name>/<instance>/<topic>`. The publisher's XPUB sees that
// subscription arrive (verbose: every one, not just the first per topic) and,
// for each of its streams the topic matches (a prefix, as ZeroMQ matches),
// answers on the same topic with a welcome {kind: "welcome", streams:
// [{stream, incarnation, afterSeq}]}, and logs `subscriber-joined` with the
// same numbers for the run's accounting. A publisher of another topic welcomes
// nobody: that subscriber is not its subscriber.
//
// Why the numbers are exact: XPUB adds a subscription to its table before the
// application can read it, and the publisher numbers each message and queues
// it in one synchronous step, through the same queue as the welcome. So every
// message numbered after `afterSeq` is queued after the welcome and matches
// the new subscription; the ones before may or may not reach it (received
// anyway, they count as received). Welcome and data share one pipe, so the
// welcome arrives before message afterSeq + 1.
import type { Subscriber, XPublisher } from "zeromq"
import { encodeEnvelope, type Envelope, type Producer } from "./envelope.js"
import type { Inbox } from "./inbox.js"
import type { Service } from "./service.js"
import { eachMessage, isTimeoutError, SendQueue } from "./sockets.js"

/** A publisher that must not drop (XPUB_NODROP) tries a full queue again after this long. */
const NODROP_RETRY_MS = 5

const JOIN_PREFIX = "~join/"

export interface Joiner {
  subscriber: string
  instance: string
  /** The data topic (prefix) the subscriber subscribed to. */
  topic: string
}

export const joinTopic = ({ subscriber, instance, topic }: Joiner): string => `${JOIN_PREFIX}${subscriber}/${instance}/${topic}`

/** Pure: the subscriber a join topic names, or undefined for any other topic. */
export function parseJoinTopic(text: string): Joiner | undefined {
  if (!text.startsWith(JOIN_PREFIX)) return undefined
  const match = /^([^/]+)\/([^/]+)\/(.*)$/s.exec(text.slice(JOIN_PREFIX.length))
  return match ? { subscriber: match[1]!, instance: match[2]!, topic: match[3]! } : undefined
}

export interface Joined {
  stream: string
  incarnation: string
  afterSeq: number
}

/** A data stream of the publisher, with the topic its messages go out on. */
export interface Published extends Joined {
  topic: string
}

export interface WelcomeBody {
  kind: "welcome"
  subscriber: string
  instance: string
  streams: Joined[]
}

/** Pure: a welcome's body, checked. */
export function isWelcome(body: unknown): body is WelcomeBody {
  if (typeof body !== "object" || body === null) return false
  const b = body as Record<string, unknown>
  return (
    b.kind === "welcome" &&
    typeof b.subscriber === "string" &&
    typeof b.instance === "string" &&
    Array.isArray(b.streams) &&
    b.streams.every(
      s => typeof s === "object" && s !== null && typeof s.stream === "string" && typeof s.incarnation === "string" && Number.isSafeInteger(s.afterSeq),
    )
  )
}

/** The publishing side: reads subscriptions, welcomes joiners, and publishes through one queue. */
export class Publishing {
  /** Subscriptions in place now (every subscriber's, join topics left out). */
  subscriptions = 0
  private readonly queue: SendQueue
  private readonly welcomes: Producer

  /** `streams` says, when a subscriber joins, what each data stream has numbered so far. */
  constructor(
    private readonly service: Service<unknown>,
    private readonly socket: XPublisher,
    private readonly inbox: Inbox,
    private readonly streams: () => Published[],
  ) {
    // Every subscription and unsubscription reaches us, not just the first and last per topic.
    socket.verbosity = "allSubsUnsubs"
    // With XPUB_NODROP a send at a subscriber's high-water mark fails (EAGAIN)
    // rather than waiting: waiting is what the option asks for, so the queue
    // tries again, in order, until it goes out or the service stops.
    this.queue = new SendQueue({
      send: async frames => {
        for (;;) {
          try {
            return await socket.send(frames)
          } catch (error) {
            if (!isTimeoutError(error) || service.stopping) throw error
            await service.pause(NODROP_RETRY_MS)
          }
        }
      },
    })
    this.welcomes = service.producer("welcomes")
  }

  /**
   * Queues one message. Number it (producer.next) in the same synchronous
   * step, with no await in between: the welcome's afterSeq relies on it.
   */
  publish(frames: Buffer[]): Promise<void> {
    return this.queue.send(frames)
  }

  /** Reads the upstream side until the socket closes. */
  run(): Promise<void> {
    const { log } = this.service
    // Upstream messages are one frame: 0x01 (subscribe) or 0x00 (unsubscribe), then the topic.
    return eachMessage(this.service, this.socket, ([frame, ...extra]) => {
      const kind = frame?.[0]
      if (frame === undefined || extra.length > 0 || (kind !== 0 && kind !== 1)) {
        this.inbox.reject("not-subscription", "upstream message is not a subscription", { frames: extra.length + (frame ? 1 : 0) })
        return
      }
      const topic = frame.subarray(1).toString("utf8")
      const joiner = parseJoinTopic(topic)
      if (joiner && kind === 1) return this.welcome(topic, joiner)
      if (joiner) {
        log.info("subscriber-left", `${joiner.subscriber} unsubscribed from "${joiner.topic}" (or its connection closed)`, {
          subscriber: joiner.subscriber,
          subscriberInstance: joiner.instance,
          topic: joiner.topic,
        })
        return
      }
      this.subscriptions += kind === 1 ? 1 : -1
      log.info(kind === 1 ? "subscribe" : "unsubscribe", `${kind === 1 ? "subscription to" : "unsubscription from"} topic "${topic}"`, {
        topic,
        subscriptions: this.subscriptions,
      })
    })
  }

  private welcome(topic: string, joiner: Joiner): void {
    // Numbers read and welcome queued in one synchronous step (see the top of this file).
    const streams = this.streams()
      .filter(s => s.topic.startsWith(joiner.topic))
      .map(({ stream, incarnation, afterSeq }) => ({ stream, incarnation, afterSeq }))
    if (streams.length === 0) return
    const envelope = this.welcomes.next<WelcomeBody>({ kind: "welcome", subscriber: joiner.subscriber, instance: joiner.instance, streams })
    this.queue.send([Buffer.from(topic), encodeEnvelope(envelope)]).catch(() => undefined)
    for (const s of streams) {
      this.service.log.info("subscriber-joined", `${joiner.subscriber} subscribed to "${joiner.topic}": ${s.stream} is due to it after seq ${s.afterSeq}`, {
        subscriber: joiner.subscriber,
        subscriberInstance: joiner.instance,
        topic: joiner.topic,
        ...s,
      })
    }
  }
}

/** The subscribing side: the data topics first, then the join topics (so a welcome finds the data subscription in place). */
export function subscribe(service: Service<unknown>, socket: Subscriber, topics: string[]): void {
  socket.subscribe(...topics)
  socket.subscribe(...topics.map(topic => joinTopic({ subscriber: service.name, instance: service.instance, topic })))
}

/**
 * If a message on `topic` is a welcome, hands this subscriber's own to the
 * inbox (which starts each stream's promise there) and returns true: the
 * caller does not treat it as data. Other subscribers' welcomes (seen by a
 * subscriber to every topic) are ignored.
 */
export function takeWelcome(service: Service<unknown>, inbox: Inbox, topic: string, envelope: Envelope): boolean {
  const joiner = parseJoinTopic(topic)
  if (!joiner) return false
  if (joiner.subscriber !== service.name || joiner.instance !== service.instance) return true
  if (!isWelcome(envelope.body)) {
    inbox.reject("bad-body", "a message on a join topic must be a welcome {kind, subscriber, instance, streams}", { producer: envelope.producer })
    return true
  }
  for (const s of envelope.body.streams) inbox.join({ producer: envelope.producer, incarnation: s.incarnation, stream: s.stream }, s.afterSeq)
  return true
}
