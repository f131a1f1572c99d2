// End to end: a subscriber started after the publisher misses the beginning
// (the publisher says after which seq its subscription was in place: all
// before it is "before join") and nothing afterwards (no gap).
import assert from "node:assert/strict"
import { after, it } from "node:test"
import { ComposeProject } from "../../harness/compose.js"
import { is } from "../../harness/logs.js"

const lab = new ComposeProject("zmqlab-e2e-late", { environment: { PUBSUB_RATE: "20" } })
after(() => lab.down())

it("the late subscriber joins after seq 20 or later and sees no gap afterwards", async () => {
  await lab.up(["pubsub-publisher", "pubsub-subscriber"])
  await lab.logs.waitFor(
    "the publisher past seq 20",
    is("pubsub-publisher", "sent", r => (r.seq as number) >= 20),
    15_000,
  )

  await lab.up(["pubsub-late-subscriber"])
  const joined = await lab.logs.waitFor("the late subscriber's join", is("pubsub-late-subscriber", "joined"), 15_000)
  const after = joined.afterSeq as number
  await lab.logs.waitFor(
    "40 more messages",
    is("pubsub-late-subscriber", "received", r => r.seq === after + 40),
    15_000,
  )

  assert.ok(after >= 20, `joined after seq ${after}`)
  const publisherSaid = lab.logs.find(is("pubsub-publisher", "subscriber-joined", r => r.subscriber === "pubsub-late-subscriber"))
  assert.equal(publisherSaid?.afterSeq, after, "the publisher logged the same join")
  assert.equal(joined.beforeJoin, after - (joined.receivedBeforeJoin as number))
  assert.equal(lab.logs.filter(is("pubsub-late-subscriber", "gap")).length, 0)
  const seqs = lab.logs
    .filter(is("pubsub-late-subscriber", "received", r => (r.seq as number) > after))
    .map(r => r.seq as number)
    .slice(0, 40)
  assert.deepEqual(
    seqs,
    Array.from({ length: 40 }, (_, i) => after + 1 + i),
  )
})
