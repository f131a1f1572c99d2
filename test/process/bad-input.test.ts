// Garbage on every bound socket, services as processes: one `bad-message` per
// malformed message, error replies from REP and ROUTER, and every service still
// serving well-formed traffic afterwards.
import assert from "node:assert/strict"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { after, before, describe, it } from "node:test"
import { decodeEnvelope } from "../../shared/envelope.js"
import { garbageToDealer, garbageToPull, garbageToRep, garbageToRouter, garbageToXpub, malformedMessages, rawGarbage } from "../support/garbage.js"
import { is } from "../../harness/logs.js"
import { freePort, Lab } from "../support/processes.js"

const MAX_MESSAGE_BYTES = 4096
const stateDir = mkdtempSync(join(tmpdir(), "zmq-lab-bad-input-"))
const lab = new Lab()
const ports: Record<string, number> = {}
const at = (name: string) => `tcp://127.0.0.1:${ports[name]}`
/** A message reaching `consumer`: `received`, or `delivered` at the end of a pipeline. */
const arriving = (consumer: string) => (r: { service: string; event: string }) => r.service === consumer && (r.event === "received" || r.event === "delivered")
const badMessages = (service: string, mark: number) => lab.logs.records.slice(mark).filter(r => r.service === service && r.event === "bad-message")

before(async () => {
  for (const name of ["pub", "vent", "sink", "rep", "front", "back", "ppfront", "ppback", "kv", "snap"]) ports[name] = await freePort()
  const common = { MAX_MESSAGE_BYTES: String(MAX_MESSAGE_BYTES) }
  lab.start("services/pubsub/publisher.ts", "publisher", { ...common, PUBSUB_BIND: at("pub"), PUBSUB_RATE: "20" })
  lab.start("services/pubsub/subscriber.ts", "subscriber", { ...common, PUBSUB_CONNECT: at("pub") })
  lab.start("services/pipeline/ventilator.ts", "ventilator", {
    ...common,
    PIPELINE_VENTILATOR_BIND: at("vent"),
    PIPELINE_RATE: "20",
    PIPELINE_WORK_MS_MIN: "0",
    PIPELINE_WORK_MS_MAX: "5",
  })
  lab.start("services/pipeline/worker.ts", "worker", { ...common, PIPELINE_VENTILATOR_CONNECT: at("vent"), PIPELINE_SINK_CONNECT: at("sink") })
  lab.start("services/pipeline/sink.ts", "sink", { ...common, PIPELINE_SINK_BIND: at("sink") })
  lab.start("services/reqrep/server.ts", "server", { ...common, REQREP_BIND: at("rep"), REQREP_WORK_MS: "0" })
  lab.start("services/reqrep/client.ts", "client", { ...common, REQREP_CONNECT: at("rep"), REQREP_INTERVAL_MS: "50" })
  lab.start("services/router-dealer/broker.ts", "broker", { ...common, ROUTER_DEALER_FRONTEND_BIND: at("front"), ROUTER_DEALER_BACKEND_BIND: at("back") })
  lab.start("services/router-dealer/worker.ts", "router-dealer-worker", {
    ...common,
    ROUTER_DEALER_BACKEND_CONNECT: at("back"),
    ROUTER_DEALER_WORK_MS_MIN: "0",
    ROUTER_DEALER_WORK_MS_MAX: "5",
  })
  lab.start("services/router-dealer/client.ts", "router-dealer-client", { ...common, ROUTER_DEALER_FRONTEND_CONNECT: at("front"), ROUTER_DEALER_RATE: "20" })
  lab.start("services/paranoid-pirate/queue.ts", "paranoid-pirate-queue", {
    ...common,
    PARANOID_PIRATE_FRONTEND_BIND: at("ppfront"),
    PARANOID_PIRATE_BACKEND_BIND: at("ppback"),
  })
  lab.start("services/paranoid-pirate/worker.ts", "paranoid-pirate-worker", {
    ...common,
    PARANOID_PIRATE_BACKEND_CONNECT: at("ppback"),
    PARANOID_PIRATE_WORK_MS: "0",
  })
  lab.start("services/paranoid-pirate/client.ts", "paranoid-pirate-client", { ...common, LAZY_PIRATE_CONNECT: at("ppfront"), LAZY_PIRATE_INTERVAL_MS: "50" })
  lab.start("services/clone/publisher.ts", "clone-publisher", {
    ...common,
    CLONE_BIND: at("kv"),
    CLONE_SNAPSHOT_BIND: at("snap"),
    CLONE_RATE: "20",
    CLONE_JOURNAL: join(stateDir, "clone.journal"),
  })
  lab.start("services/clone/subscriber.ts", "clone-subscriber", { ...common, CLONE_CONNECT: at("kv"), CLONE_SNAPSHOT_CONNECT: at("snap") })
  for (const consumer of ["subscriber", "sink", "client", "router-dealer-client", "paranoid-pirate-client", "clone-subscriber"]) {
    await lab.logs.waitFor(`${consumer} receiving`, arriving(consumer), 15_000)
  }
})
after(async () => {
  await lab.stopAll()
  rmSync(stateDir, { recursive: true, force: true })
})

/** Waits for `count` bad messages of `service` since `mark`, then checks there are exactly that many. */
async function expectBadMessages(service: string, mark: number, count: number) {
  await lab.logs.waitFor("all bad messages", () => badMessages(service, mark).length >= count, 5000, { after: mark })
  const logged = badMessages(service, mark)
  assert.equal(logged.length, count)
  return logged
}

/** A reply frame must be an envelope whose body is a `bad-message` error. */
function assertBadMessageReply(frame: Buffer | undefined): void {
  const decoded = decodeEnvelope(frame, MAX_MESSAGE_BYTES)
  assert.ok(decoded.ok)
  assert.equal((decoded.envelope.body as { error: { code: string } }).error.code, "bad-message")
}

/** Waits until `service` has a message again after `mark` (received, or delivered at a sink): it still serves. */
const stillServing = (service: string, mark: number) => lab.logs.waitFor(`${service} still receiving`, arriving(service), 10_000, { after: mark })

describe("garbage on every bound socket", () => {
  it("publisher (XPUB): a non-subscription upstream is a bad message; publishing goes on", async () => {
    const mark = lab.logs.mark
    await garbageToXpub(at("pub"), () => lab.logs.waitFor("bad-message", is("publisher", "bad-message"), 5000, { after: mark }))
    await stillServing("subscriber", lab.logs.mark)
    assert.equal(badMessages("publisher", mark).length, 1)
  })

  it("ventilator (PUSH): bytes that are not ZMTP fail the handshake and are reported", async () => {
    const mark = lab.logs.mark
    await rawGarbage("127.0.0.1", ports.vent!)
    const record = await lab.logs.waitFor("bad-message", is("ventilator", "bad-message"), 5000, { after: mark })
    assert.match(String(record.reason), /protocol/i)
    await stillServing("sink", lab.logs.mark)
  })

  it("sink (PULL): each malformed result is one bad message; results keep flowing", async () => {
    const mark = lab.logs.mark
    const garbage = malformedMessages(MAX_MESSAGE_BYTES)
    await garbageToPull(at("sink"), garbage, () => expectBadMessages("sink", mark, garbage.length))
    const reasons = badMessages("sink", mark).map(r => String(r.reason))
    await stillServing("sink", lab.logs.mark)
    for (const expected of [/not JSON/, /expected 1 frame/, /seq must be/, /incarnation is missing/, /exceeds MAX_MESSAGE_BYTES/]) {
      assert.ok(
        reasons.some(reason => expected.test(reason)),
        `a rejection matching ${expected} in ${reasons.join(" | ")}`,
      )
    }
  })

  it("server (REP): garbage gets an error reply, not silence; the client keeps getting answers", async () => {
    const mark = lab.logs.mark
    const garbage = malformedMessages(MAX_MESSAGE_BYTES)
    const replies = await garbageToRep(at("rep"), garbage)
    assert.equal(replies.length, garbage.length)
    for (const [frame] of replies) assertBadMessageReply(frame)
    await expectBadMessages("server", mark, garbage.length)
    await stillServing("client", lab.logs.mark)
  })

  /** A client-facing ROUTER: each malformed request gets an error reply and a `bad-message` naming its sender. */
  async function routerFrontend(service: string, endpoint: string, consumer: string): Promise<void> {
    const mark = lab.logs.mark
    const garbage = malformedMessages(MAX_MESSAGE_BYTES)
    const replies = await garbageToRouter(endpoint, garbage)
    assert.equal(replies.length, garbage.length + 1)
    for (const [delimiter, frame] of replies) {
      assert.equal(delimiter?.length, 0)
      assertBadMessageReply(frame)
    }
    const logged = await expectBadMessages(service, mark, garbage.length + 1)
    assert.ok(
      logged.every(r => typeof r.sender === "string" && r.sender.length > 0),
      "the sender identity is logged",
    )
    await stillServing(consumer, lab.logs.mark)
  }

  it("broker (ROUTER frontend): garbage gets error replies naming the sender; requests still routed", () =>
    routerFrontend("broker", at("front"), "router-dealer-client"))

  it("Paranoid Pirate queue (ROUTER frontend): garbage gets error replies naming the sender; requests still served", () =>
    routerFrontend("paranoid-pirate-queue", at("ppfront"), "paranoid-pirate-client"))

  it("Paranoid Pirate queue (ROUTER backend): what is neither a signal nor a reply is reported; the sender is not taken for a worker", async () => {
    const mark = lab.logs.mark
    const garbage = malformedMessages(MAX_MESSAGE_BYTES)
    await garbageToDealer(at("ppback"), garbage, () => expectBadMessages("paranoid-pirate-queue", mark, garbage.length))
    assert.equal(lab.logs.records.slice(mark).filter(r => r.service === "paranoid-pirate-queue" && r.event === "worker-ready").length, 0)
    await stillServing("paranoid-pirate-client", lab.logs.mark)
  })

  it("Clone publisher (ROUTER snapshot socket): garbage gets an error reply, not a snapshot; updates go on", async () => {
    const mark = lab.logs.mark
    const garbage = malformedMessages(MAX_MESSAGE_BYTES)
    const replies = await garbageToRouter(at("snap"), garbage)
    assert.equal(replies.length, garbage.length + 1)
    for (const [frame, ...extra] of replies) {
      assert.equal(extra.length, 0)
      assertBadMessageReply(frame)
    }
    await expectBadMessages("clone-publisher", mark, garbage.length + 1)
    await stillServing("clone-subscriber", lab.logs.mark)
  })

  it("broker (DEALER backend): messages without routing frames are reported, not forwarded", async () => {
    const mark = lab.logs.mark
    const garbage = malformedMessages(MAX_MESSAGE_BYTES)
    await garbageToDealer(at("back"), garbage, () => expectBadMessages("broker", mark, garbage.length))
    await stillServing("router-dealer-client", lab.logs.mark)
  })

  it("leaves every service running", () => {
    for (const service of lab.processes) assert.ok(service.running, `${service.env.SERVICE_NAME} is running`)
  })
})
