// End to end: one router-dealer-worker is killed. The router-dealer-client requests that were on it
// time out and are logged by id; every other request completes; nothing leaks.
import assert from "node:assert/strict"
import { after, it } from "node:test"
import { ComposeProject } from "../../harness/compose.js"
import { is } from "../../harness/logs.js"

// Requests every 1.25 s, each taking 1 s: DEALER round-robin gives each worker
// one every 2.5 s, so a worker is busy 40% of the time, the survivor 80% after
// the kill (no queue builds up), and a request in hand lasts long enough for
// the kill to land on it.
const lab = new ComposeProject("zmqlab-e2e-rd", {
  environment: { ROUTER_DEALER_RATE: "0.8", ROUTER_DEALER_WORK_MS_MIN: "1000", ROUTER_DEALER_WORK_MS_MAX: "1000", ROUTER_DEALER_TIMEOUT_MS: "3000" },
})
after(() => lab.down())

const idOf = (reply: Record<string, unknown>) => (reply.inReplyTo as { seq: number }).seq

it("requests on a killed worker time out by id; the others complete", async () => {
  await lab.up(["router-dealer-broker", "router-dealer-worker-1", "router-dealer-worker-2", "router-dealer-client"])
  await lab.logs.waitFor(
    "replies via both workers",
    () => ["router-dealer-worker-1", "router-dealer-worker-2"].every(w => lab.logs.find(is("router-dealer-client", "received", r => r.producer === w))),
    20_000,
  )
  const inHand = await lab.logs.waitFor(
    "worker 1 holding a request",
    is("router-dealer-worker-1", "received", r => r.producer === "router-dealer-client"),
    5000,
    { after: lab.logs.mark },
  )

  const mark = lab.logs.mark
  await lab.kill("router-dealer-worker-1")
  await lab.logs.waitFor(
    `request ${String(inHand.seq)} timing out`,
    is("router-dealer-client", "timeout", r => r.id === inHand.seq),
    10_000,
  )
  // Requests sent after the kill go to the surviving worker only.
  const lastBefore = lab.logs.filter(is("router-dealer-client", "sent")).at(-1)!.id as number
  await lab.logs.waitFor(
    "8 more replies",
    () => lab.logs.records.slice(mark).filter(is("router-dealer-client", "received", r => idOf(r) > lastBefore)).length >= 8,
    20_000,
  )

  await lab.stop("router-dealer-client")
  await lab.logs.waitFor("client shutdown", is("router-dealer-client", "shutdown"), 10_000)
  const sent = lab.logs.filter(is("router-dealer-client", "sent")).map(r => r.id as number)
  const replied = new Set(lab.logs.filter(is("router-dealer-client", "received")).map(idOf))
  const timedOut = new Set(lab.logs.filter(is("router-dealer-client", "timeout")).map(r => r.id as number))
  const abandoned = new Set(lab.logs.filter(is("router-dealer-client", "abandoned")).flatMap(r => r.ids as number[]))
  const worker1Answered = new Set(lab.logs.filter(is("router-dealer-worker-1", "sent")).map(idOf))

  assert.ok(timedOut.size >= 1)
  for (const id of timedOut) {
    assert.ok(!replied.has(id), `request ${id} timed out and was not also answered`)
    assert.ok(!worker1Answered.has(id), `request ${id} timed out although router-dealer-worker-1 answered it`)
  }
  for (const id of sent) assert.ok(replied.has(id) || timedOut.has(id) || abandoned.has(id), `request ${id} is accounted for`)
  const final = lab.logs.filter(is("router-dealer-client", "stats")).at(-1)!
  assert.equal(final.lost, timedOut.size, "a request timed out is lost: this client does not retry")
  assert.equal(final.answered, replied.size)
  assert.equal(final.pending, 0, "no pending entry leaks")
  assert.ok(lab.logs.filter(is("router-dealer-client", "received", r => idOf(r) > lastBefore && r.producer === "router-dealer-worker-1")).length === 0)
})
