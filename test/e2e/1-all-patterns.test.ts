// End to end, against the real Compose stack: everything `make up` starts is
// running, and messages flow in every pattern within 10 s of start.
import assert from "node:assert/strict"
import { after, it } from "node:test"
import { ComposeProject } from "../../scenarios/runner/compose.js"
import { is } from "../../scenarios/runner/logs.js"

const lab = new ComposeProject("zmqlab-e2e-all")
after(() => lab.down())

it("all services run and every pattern carries messages within 10 s", async () => {
  const started = Date.now()
  await lab.up()
  const states = await lab.states()
  const expected = ["pubsub-publisher", "pubsub-subscriber", "pipeline-ventilator", "pipeline-worker-1", "pipeline-worker-2", "pipeline-sink", "reqrep-server", "reqrep-client", "rd-broker", "rd-worker-1", "rd-worker-2", "rd-client"]
  assert.deepEqual(Object.keys(states).sort(), [...expected].sort())
  for (const service of expected) assert.equal(states[service], "running", service)

  const left = () => Math.max(1, 10_000 - (Date.now() - started))
  await Promise.all([
    lab.logs.waitFor("PUB/SUB: subscriber receives", is("pubsub-subscriber", "received"), left()),
    lab.logs.waitFor("pipeline: sink receives results from worker 1", is("pipeline-sink", "received", r => r.producer === "pipeline-worker-1"), left()),
    lab.logs.waitFor("pipeline: sink receives results from worker 2", is("pipeline-sink", "received", r => r.producer === "pipeline-worker-2"), left()),
    lab.logs.waitFor("REQ/REP: client gets a reply", is("reqrep-client", "received"), left()),
    lab.logs.waitFor("ROUTER/DEALER: client gets a reply via rd-worker-1", is("rd-client", "received", r => r.producer === "rd-worker-1"), left()),
    lab.logs.waitFor("ROUTER/DEALER: client gets a reply via rd-worker-2", is("rd-client", "received", r => r.producer === "rd-worker-2"), left()),
  ])
  assert.ok(Date.now() - started < 10_000 + 1000)
})
