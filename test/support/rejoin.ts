// The subscriber's side of a publisher restart, as both the process test and
// the end-to-end test read it from the logs: the producer restart (a new
// incarnation), the reconnect handshake, the join to the new incarnation, and
// messages of it again. Each step waits on its log line; the timeout only
// bounds a failure.
import { is, type LogCollector } from "../../harness/logs.js"

export async function rejoinAfterRestart(
  logs: LogCollector,
  subscriber: string,
  after: number,
  { messages, timeoutMs }: { messages: number; timeoutMs: number },
) {
  const restart = await logs.waitFor("the producer restart", is(subscriber, "producer-restart"), timeoutMs, { after })
  const handshake = await logs.waitFor("the reconnect handshake", is(subscriber, "socket.handshake"), timeoutMs, { after })
  const joined = await logs.waitFor(
    "the join to the new incarnation",
    is(subscriber, "joined", r => r.incarnation === restart.incarnation),
    timeoutMs,
    { after },
  )
  const received = await logs.waitFor(
    `message ${messages} of the new incarnation after the join`,
    is(subscriber, "received", r => r.incarnation === restart.incarnation && r.seq === (joined.afterSeq as number) + messages),
    timeoutMs,
    { after },
  )
  return { restart, handshake, joined, received }
}
