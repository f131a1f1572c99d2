// End to end: a subscriber started after the publisher misses the beginning
// (its first seq is greater than 1) and nothing afterwards (no gap).
import assert from "node:assert/strict"
import { after, it } from "node:test"
import { ComposeProject } from "../../scenarios/runner/compose.js"
import { is } from "../../scenarios/runner/logs.js"

const lab = new ComposeProject("zmqlab-e2e-late", { environment: { PUBSUB_RATE: "20" } })
after(() => lab.down())

it("the late subscriber's first seq is greater than 1 and it sees no gap afterwards", async () => {
  await lab.up(["pubsub-publisher", "pubsub-subscriber"])
  await lab.logs.waitFor("the publisher past seq 20", is("pubsub-publisher", "sent", r => (r.seq as number) >= 20), 15_000)

  await lab.up(["pubsub-late-subscriber"])
  const joined = await lab.logs.waitFor("the late subscriber's first message", is("pubsub-late-subscriber", "joined"), 15_000)
  const first = joined.seq as number
  await lab.logs.waitFor("40 more messages", is("pubsub-late-subscriber", "received", r => r.seq === first + 40), 15_000)

  assert.ok(first > 1, `first seq ${first}`)
  assert.equal(joined.missedBeforeJoin, first - 1)
  assert.equal(lab.logs.filter(is("pubsub-late-subscriber", "gap")).length, 0)
  const seqs = lab.logs.filter(is("pubsub-late-subscriber", "received")).map(r => r.seq as number).slice(0, 41)
  assert.deepEqual(seqs, Array.from({ length: 41 }, (_, i) => first + i))
})
