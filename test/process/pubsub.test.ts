// PUB/SUB as processes: the subscriber survives a publisher that is SIGKILLed
// and started again, logging each step of the reconnect.
import assert from "node:assert/strict"
import { after, it } from "node:test"
import { is } from "../../harness/logs.js"
import { freePort, Lab } from "../support/processes.js"
import { rejoinAfterRestart } from "../support/rejoin.js"

const lab = new Lab()
after(() => lab.stopAll())

it("a subscriber reconnects to a restarted publisher and logs the restart, not a gap", async () => {
  const port = await freePort()
  const publisherEnv = { PUBSUB_BIND: `tcp://127.0.0.1:${port}`, PUBSUB_RATE: "50" }
  const first = lab.start("services/pubsub/publisher.ts", "publisher", publisherEnv)
  const subscriber = lab.start("services/pubsub/subscriber.ts", "subscriber", { PUBSUB_CONNECT: `tcp://127.0.0.1:${port}`, RECONNECT_IVL_MS: "100" })
  const joined = await lab.logs.waitFor("subscriber joined", is("subscriber", "joined"), 10_000)
  await lab.logs.waitFor(
    "a few messages",
    is("subscriber", "received", r => (r.seq as number) >= (joined.afterSeq as number) + 5),
    10_000,
  )

  const mark = lab.logs.mark
  first.signal("SIGKILL")
  await first.exited
  await lab.logs.waitFor("the disconnect", is("subscriber", "socket.disconnect"), 5000, { after: mark })
  await lab.logs.waitFor("a reconnect retry", is("subscriber", "socket.connect:retry"), 5000, { after: mark })

  lab.start("services/pubsub/publisher.ts", "publisher", publisherEnv)
  const { restart, received: next } = await rejoinAfterRestart(lab.logs, "subscriber", mark, { messages: 3, timeoutMs: 10_000 })

  assert.notEqual(restart.incarnation, restart.previousIncarnation)
  assert.equal(next.producer, "publisher")
  assert.ok(subscriber.running, "the subscriber was never restarted")
  assert.deepEqual(
    lab.logs.filter(r => r.service === "subscriber" && r.event === "gap"),
    [],
    "a restart is not a gap",
  )
})
