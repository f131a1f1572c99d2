// End to end: garbage sent from this host to every bound socket of the lab's
// containers. Each one logs `bad-message`; REP and ROUTER answer with error
// replies; every service is still running and still serving afterwards.
import assert from "node:assert/strict"
import { after, it } from "node:test"
import { decodeEnvelope } from "../../shared/envelope.js"
import { ComposeProject } from "../../harness/compose.js"
import { garbageToDealer, garbageToPull, garbageToRep, garbageToRouter, garbageToXpub, malformedMessages, rawGarbage } from "../support/garbage.js"
import { is } from "../../harness/logs.js"

const MAX_MESSAGE_BYTES = 4096
const lab = new ComposeProject("zmqlab-e2e-garbage", {
  environment: { MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES), PUBSUB_RATE: "20", PIPELINE_RATE: "20", ROUTER_DEALER_RATE: "10", REQREP_INTERVAL_MS: "100" },
})
after(() => lab.down())

const errorCode = (frame: Buffer | undefined) => {
  const decoded = decodeEnvelope(frame, MAX_MESSAGE_BYTES)
  return decoded.ok ? (decoded.envelope.body as { error?: { code: string } }).error?.code : undefined
}

it("every bound socket reports garbage and every service goes on serving", async () => {
  await lab.up()
  const garbage = malformedMessages(MAX_MESSAGE_BYTES)
  const ip = Object.fromEntries(
    await Promise.all(
      ["pubsub-publisher", "pipeline-ventilator", "pipeline-sink", "reqrep-server", "router-dealer-broker"].map(async s => [s, await lab.ip(s)] as const),
    ),
  )
  const mark = lab.logs.mark
  const bad = (service: string) => lab.logs.records.slice(mark).filter(is(service, "bad-message"))

  const reported = (service: string, count: number) => () =>
    lab.logs.waitFor(`${count} bad-message line(s) from ${service}`, () => bad(service).length >= count, 10_000)

  await garbageToXpub(`tcp://${ip["pubsub-publisher"]}:5556`, reported("pubsub-publisher", 1))
  await rawGarbage(ip["pipeline-ventilator"]!, 5557)
  await garbageToPull(`tcp://${ip["pipeline-sink"]}:5558`, garbage, reported("pipeline-sink", garbage.length))
  const repReplies = await garbageToRep(`tcp://${ip["reqrep-server"]}:5559`, garbage)
  const routerReplies = await garbageToRouter(`tcp://${ip["router-dealer-broker"]}:5560`, garbage)
  // The broker's frontend took garbage.length + 1 malformed requests; its backend takes garbage.length more.
  await garbageToDealer(`tcp://${ip["router-dealer-broker"]}:5561`, garbage, reported("router-dealer-broker", 2 * garbage.length + 1))

  assert.deepEqual(
    repReplies.map(([frame]) => errorCode(frame)),
    garbage.map(() => "bad-message"),
  )
  assert.deepEqual(
    routerReplies.map(([, frame]) => errorCode(frame)),
    [...garbage, null].map(() => "bad-message"),
  )

  const expected: Record<string, number> = {
    "pubsub-publisher": 1,
    "pipeline-ventilator": 1,
    "pipeline-sink": garbage.length,
    "reqrep-server": garbage.length,
    "router-dealer-broker": 2 * garbage.length + 1,
  }
  for (const [service, count] of Object.entries(expected)) await reported(service, count)()

  const afterGarbage = lab.logs.mark
  await Promise.all(
    [is("pubsub-subscriber", "received"), is("pipeline-sink", "delivered"), is("reqrep-client", "received"), is("router-dealer-client", "received")].map(
      (arrival, i) => lab.logs.waitFor(`consumer ${i + 1} of 4 still receiving`, arrival, 10_000, { after: afterGarbage }),
    ),
  )
  const states = await lab.states()
  for (const [service, state] of Object.entries(states)) assert.equal(state, "running", `${service} is still running`)
  for (const [service, count] of Object.entries(expected)) assert.equal(bad(service).length, count, `${service}: one bad-message per malformed message`)
})
