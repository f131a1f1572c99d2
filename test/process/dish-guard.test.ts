// One datagram against a DISH, services as processes. Bound on UDP by itself
// (PUBSUB_UDP_GUARD=false), the dish dies of a datagram whose first byte is
// 0x80 or more: libzmq 4.3.5 takes that byte for a negative group length and
// aborts. Behind the guard (the default), the same datagrams are counted as
// `bad-message` and the dish goes on receiving the radio. The first test
// fails the day zeromq.js ships a libzmq without that bug (then the guard can go).
import assert from "node:assert/strict"
import { createSocket } from "node:dgram"
import { once } from "node:events"
import { after, it } from "node:test"
import { is } from "../../harness/logs.js"
import { Lab } from "../support/processes.js"

const lab = new Lab()
after(() => lab.stopAll())

/** A UDP port free on 127.0.0.1 right now. */
async function freeUdpPort(): Promise<number> {
  const socket = createSocket("udp4")
  socket.bind(0, "127.0.0.1")
  await once(socket, "listening")
  const { port } = socket.address()
  socket.close()
  return port
}

async function sendDatagram(port: number, bytes: Buffer): Promise<void> {
  const socket = createSocket("udp4")
  await new Promise<void>((resolve, reject) => socket.send(bytes, port, "127.0.0.1", error => (error ? reject(error) : resolve())))
  socket.close()
}

/** A group length of 0x80: -128 to libzmq. */
const DEADLY = Buffer.from([0x80, 0x74, 0x69, 0x63, 0x6b, 0x73])

it("a DISH bound on UDP by itself dies of one datagram", async () => {
  const port = await freeUdpPort()
  const dish = lab.start("services/pubsub/dish.ts", "bare-dish", { PUBSUB_UDP_GUARD: "false", PUBSUB_UDP_BIND: `udp://127.0.0.1:${port}` })
  await lab.logs.waitFor("the bare dish listening", is("bare-dish", "listening"), 20_000)
  await sendDatagram(port, DEADLY)
  const exit = await dish.exited
  assert.equal(exit.signal, "SIGABRT", `the dish aborted (${JSON.stringify(exit)})`)
  assert.match(dish.stderr, /Cannot allocate memory .*udp_engine\.cpp/)
})

it("behind the guard, the same datagrams are counted and the dish goes on", async () => {
  const [port, inner] = [await freeUdpPort(), await freeUdpPort()]
  const dish = lab.start("services/pubsub/dish.ts", "dish", { PUBSUB_UDP_BIND: `udp://*:${port}`, PUBSUB_UDP_INNER_BIND: `udp://127.0.0.1:${inner}` })
  await lab.logs.waitFor(
    "the guard listening",
    is("dish", "listening", r => r.socket === "guard"),
    20_000,
  )
  lab.start("services/pubsub/radio.ts", "radio", { PUBSUB_UDP_CONNECT: `udp://127.0.0.1:${port}`, PUBSUB_RATE: "50" })
  await lab.logs.waitFor("the radio's messages through the guard", is("dish", "received"), 20_000)

  const mark = lab.logs.mark
  const hostile = [
    DEADLY,
    Buffer.from([0xff]),
    Buffer.alloc(0),
    Buffer.from("GET / HTTP/1.1\r\n\r\n"),
    Buffer.concat([Buffer.from([5]), Buffer.from("ticks"), Buffer.alloc(9000)]),
  ]
  for (const bytes of hostile) await sendDatagram(port, bytes)
  await lab.logs.waitFor(
    "a bad-message per hostile datagram",
    () => lab.logs.records.slice(mark).filter(is("dish", "bad-message")).length >= hostile.length,
    10_000,
  )
  assert.deepEqual(
    lab.logs.records
      .slice(mark)
      .filter(is("dish", "bad-message"))
      .map(r => r.kind),
    ["not-zmtp", "not-zmtp", "not-zmtp", "not-zmtp", "too-large"],
  )
  const seen = lab.logs.records.slice(mark).filter(is("dish", "received")).length
  await lab.logs.waitFor("the dish receiving after them", () => lab.logs.records.slice(mark).filter(is("dish", "received")).length >= seen + 10, 10_000)
  assert.ok(dish.running, "the dish runs")
  assert.deepEqual(lab.logs.records.filter(is("dish", "gap")), [], "and lost nothing of the radio's")
})
