import assert from "node:assert/strict"
import { it } from "node:test"
import { checkDatagram, MAX_UDP_MESSAGE_BYTES, udpPort } from "../../shared/udp-guard.js"

const datagram = (group: string, body: Buffer | string) => Buffer.concat([Buffer.from([Buffer.byteLength(group)]), Buffer.from(group), Buffer.from(body)])

it("passes a datagram as a RADIO sends it, whatever its group and body", () => {
  assert.deepEqual(checkDatagram(datagram("ticks", '{"v":1}')), { ok: true })
  assert.deepEqual(checkDatagram(datagram("other", "not json")), { ok: true }, "another group: the DISH drops it, not the guard")
  assert.deepEqual(checkDatagram(datagram("", "")), { ok: true })
  assert.deepEqual(checkDatagram(datagram("g".repeat(127), "")), { ok: true }, "the longest group libzmq reads right")
})

it("turns away what would abort libzmq's DISH: a first byte of 0x80 or more", () => {
  for (const first of [0x80, 0xc0, 0xff]) {
    const check = checkDatagram(Buffer.concat([Buffer.from([first]), Buffer.alloc(300, 0x61)]))
    assert.equal(check.ok, false)
    assert.equal(!check.ok && check.kind, "not-zmtp")
    assert.match(!check.ok ? check.reason : "", new RegExp(`takes it for ${first - 256}`))
  }
})

it("turns away an empty datagram and a group that overruns it", () => {
  assert.equal(checkDatagram(Buffer.alloc(0)).ok, false)
  const http = checkDatagram(Buffer.from("GET / HTTP/1.1\r\n\r\n"))
  assert.deepEqual(http, { ok: false, kind: "not-zmtp", reason: "a group length of 71 in a datagram of 18 bytes" })
})

it("turns away a datagram above what libzmq reads of one, and takes one of exactly that", () => {
  const body = (n: number) => Buffer.alloc(n - 6, 0x78)
  assert.deepEqual(checkDatagram(datagram("ticks", body(MAX_UDP_MESSAGE_BYTES))), { ok: true })
  const over = checkDatagram(datagram("ticks", body(MAX_UDP_MESSAGE_BYTES + 1)))
  assert.equal(!over.ok && over.kind, "too-large")
})

it("reads the port of a udp endpoint, and refuses anything else", () => {
  assert.equal(udpPort("udp://*:5600"), 5600)
  assert.equal(udpPort("udp://127.0.0.1:5601"), 5601)
  assert.throws(() => udpPort("tcp://*:5600"), /not a udp/)
})
