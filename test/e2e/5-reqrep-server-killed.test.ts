// End to end: the REQ/REP server is killed with a request in hand. The client
// logs `timeout` for exactly that request, reopens its socket, and succeeds
// again once the server is back.
import assert from "node:assert/strict"
import { after, it } from "node:test"
import { ComposeProject } from "../../harness/compose.js"
import { is } from "../../harness/logs.js"

// Each request takes the server 1.5 s, so it is always holding one.
const lab = new ComposeProject("zmqlab-e2e-reqrep", { environment: { REQREP_WORK_MS: "1500", REQREP_TIMEOUT_MS: "3000", REQREP_INTERVAL_MS: "200" } })
after(() => lab.down())

it("the client times out on the lost request and recovers when the server is back", async () => {
  await lab.up(["reqrep-server", "reqrep-client"])
  const firstReply = await lab.logs.waitFor("a first reply", is("reqrep-client", "received"), 15_000)
  const inHand = await lab.logs.waitFor("the server holding a request", is("reqrep-server", "received"), 10_000, { after: lab.logs.mark })

  const mark = lab.logs.mark
  await lab.kill("reqrep-server")
  const timeout = await lab.logs.waitFor("the client's timeout", is("reqrep-client", "timeout"), 10_000, { after: mark })
  assert.equal(timeout.seq, inHand.seq, "the request that timed out is the one the server held")
  assert.equal(lab.logs.records.slice(mark).filter(is("reqrep-client", "received", r => (r.inReplyTo as { seq: number }).seq === inHand.seq)).length, 0)

  await lab.start("reqrep-server")
  const reply = await lab.logs.waitFor("a reply again", is("reqrep-client", "received"), 20_000, { after: mark })
  assert.equal(reply.producer, "reqrep-server")
  assert.notEqual(reply.incarnation, firstReply.incarnation, "answered by the new server process")
  // The client process was never restarted: its seq numbers just go on.
  assert.ok((reply.inReplyTo as { seq: number }).seq > (inHand.seq as number))
})
