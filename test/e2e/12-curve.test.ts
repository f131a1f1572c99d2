// End to end: the lab as `SECURITY=curve make up` starts it. Every pattern
// flows over CURVE (every TCP socket says so, every client is let in by its
// server's ZAP handler); a plain client gets nothing from it, and the bytes a
// plain TCP peer reads from a CURVE socket hold no payload. Compose's view of
// the two files: every service that opens a ZeroMQ socket is secured.
import assert from "node:assert/strict"
import { once } from "node:events"
import { connect } from "node:net"
import { after, it } from "node:test"
import { Subscriber } from "zeromq"
import { ComposeProject } from "../../harness/compose.js"
import { is, type LogRecord } from "../../harness/logs.js"

const lab = new ComposeProject("zmqlab-e2e-curve", { security: "curve", environment: { PUBSUB_RATE: "20" } })
after(() => lab.down())

/** No key missing, no client refused, no handshake failed, no crash. */
function assertNoTrouble(records: LogRecord[]): void {
  for (const event of ["key-error", "auth:denied", "handshake-failed", "crash"])
    assert.deepEqual(
      records.filter(r => r.event === event).map(r => `${String(r.service)}: ${String(r.message)}`),
      [],
      event,
    )
}

/** Services without a ZeroMQ socket, or whose sockets CURVE cannot cover (UDP; ipc inside one container): left plain, said so in the curve file. */
const NO_SOCKETS = new Set(["observer", "book-touch", "pubsub-radio", "pubsub-dish", "book-push-cluster"])

it("every service with a ZeroMQ socket runs with SECURITY=curve under the curve file", async () => {
  const { stdout } = await lab.compose(["config", "--format", "json"], { quiet: true })
  const services = (JSON.parse(stdout) as { services: Record<string, { environment?: Record<string, string>; secrets?: Array<{ source: string }> }> }).services
  const plain = Object.entries(services)
    .filter(([name, service]) => !NO_SOCKETS.has(name) && service.environment?.SECURITY !== "curve")
    .map(([name]) => name)
  assert.deepEqual(plain, ["curve-plain"], "only the plain client of curve-plain-client stays plain")
  for (const [name, service] of Object.entries(services)) {
    if (NO_SOCKETS.has(name) || name === "curve-plain") continue
    assert.ok((service.secrets ?? []).length >= 2, `${name}: its keys as secrets`)
    assert.ok(!Object.keys(service.environment ?? {}).some(key => /SECRET/.test(key)), `${name}: no secret in its environment`)
  }
})

it("all patterns flow over CURVE, every client let in by its server", async () => {
  await lab.up()
  await Promise.all([
    lab.logs.waitFor(
      "PUB/SUB: 20 received",
      is("pubsub-subscriber", "received", r => Number(r.seq) >= 20),
      20_000,
    ),
    lab.logs.waitFor(
      "pipeline: tasks delivered",
      is("pipeline-sink", "delivered", r => Number(r.seq) >= 10),
      20_000,
    ),
    lab.logs.waitFor(
      "REQ/REP: replies",
      is("reqrep-client", "received", r => Number(r.seq) >= 10),
      20_000,
    ),
    lab.logs.waitFor(
      "ROUTER/DEALER: replies",
      is("router-dealer-client", "received", r => Number(r.seq) >= 10),
      20_000,
    ),
  ])
  const records = lab.logs.records
  const tcp = records.filter(r => (r.event === "listening" || r.event === "connecting") && String(r.endpoint).startsWith("tcp://"))
  assert.ok(tcp.length >= 15, `${tcp.length} TCP sockets`)
  for (const socket of tcp) {
    const side = socket.event === "listening" ? "bound" : "connecting"
    assert.ok(
      records.some(r => r.service === socket.service && r.event === "security" && r.socket === socket.socket && r.mechanism === "curve" && r.side === side),
      `${socket.service} ${socket.socket}: a CURVE ${side} socket`,
    )
  }
  assert.ok(records.filter(r => r.event === "auth:allowed").length >= 9, "the clients were let in by ZAP")
  assertNoTrouble(records)
})

it("the reliable variants flow over CURVE too", async () => {
  const reliable = [
    ...["lazy-pirate-server", "lazy-pirate-client"],
    ...["paranoid-pirate-queue", "paranoid-pirate-worker-1", "paranoid-pirate-worker-2", "paranoid-pirate-client"],
    ...["reliable-pipeline-ventilator", "reliable-pipeline-worker-1", "reliable-pipeline-worker-2", "reliable-pipeline-sink"],
    ...["clone-publisher", "clone-subscriber"],
  ]
  const mark = lab.logs.mark
  await lab.up(reliable)
  await Promise.all([
    lab.logs.waitFor("a Lazy Pirate reply", is("lazy-pirate-client", "received"), 20_000, { after: mark }),
    lab.logs.waitFor("a Paranoid Pirate reply", is("paranoid-pirate-client", "received"), 20_000, { after: mark }),
    lab.logs.waitFor("a task delivered by the reliable sink", is("reliable-pipeline-sink", "delivered"), 20_000, { after: mark }),
    lab.logs.waitFor("the Clone subscriber's snapshot", is("clone-subscriber", "snapshot"), 20_000, { after: mark }),
  ])
  const records = lab.logs.records.slice(mark)
  for (const service of reliable)
    assert.ok(
      records.some(r => r.service === service && r.event === "security" && r.mechanism === "curve"),
      `${service}: CURVE`,
    )
  assertNoTrouble(records)
})

it("a plain subscriber gets nothing, and a plain TCP peer reads no payload", async () => {
  const ip = await lab.ip("pubsub-publisher")
  const plain = new Subscriber({ linger: 0 })
  const failed: string[] = []
  void (async () => {
    for await (const event of plain.events) if (event.type.startsWith("handshake:error")) failed.push(event.type)
  })()
  let received = 0
  plain.subscribe()
  plain.connect(`tcp://${ip}:5556`)
  void (async () => {
    for await (const _ of plain) received += 1
  })()
  // While the lab's own subscriber gets 20 more messages, the plain one gets none.
  const mark = lab.logs.mark
  await lab.logs.waitFor(
    "20 more for the CURVE subscriber",
    () => lab.logs.records.slice(mark).filter(is("pubsub-subscriber", "received")).length >= 20,
    10_000,
  )
  plain.close()
  assert.equal(received, 0)
  assert.ok(failed.length >= 1, "the plain subscriber's handshake failed")

  // A ZMTP 3.0 greeting offering CURVE, then silence: the server's own greeting, and nothing after it.
  const greeting = Buffer.alloc(64)
  greeting[0] = 0xff
  greeting[9] = 0x7f
  greeting[10] = 3
  greeting.write("CURVE", 12)
  const tcp = connect(5556, ip)
  await once(tcp, "connect")
  tcp.write(greeting)
  const chunks: Buffer[] = []
  tcp.on("data", (chunk: Buffer) => chunks.push(chunk))
  // Bounded: a server waiting for our HELLO never closes; 2 s is far longer than its greeting takes.
  await Promise.race([once(tcp, "close"), new Promise(resolve => setTimeout(resolve, 2000).unref())])
  tcp.destroy()
  const bytes = Buffer.concat(chunks).toString("latin1")
  assert.ok(bytes.includes("CURVE"), "the server's greeting names CURVE")
  assert.equal(bytes.length, 64, "nothing but the greeting")
  for (const readable of ["ticks", '"producer"', '"seq"']) assert.ok(!bytes.includes(readable), `no ${readable} in what a plain peer reads`)
})
