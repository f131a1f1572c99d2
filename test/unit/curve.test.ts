// CURVE's pure parts: which sockets it applies to, the ZAP handler's answers,
// the allow-list, the key files' errors, and what a failed handshake means.
import assert from "node:assert/strict"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { after, it } from "node:test"
import { curveKeyPair } from "zeromq"
import { decide, isSecured, parseZapRequest, readAllowList, readKey, zapReply, type ZapRequest } from "../../shared/curve.js"
import { handshakeFailure } from "../../shared/monitor.js"
import { z85Decode } from "../../shared/z85.js"

const dir = mkdtempSync(join(tmpdir(), "zmq-lab-curve-"))
after(() => rmSync(dir, { recursive: true, force: true }))

const curve = { SECURITY: "curve", CURVE_KEYS_DIR: dir, CURVE_SERVER_KEY: "server", CURVE_CLIENT_KEY: "client", CURVE_ALLOWED_DIR: dir } as const

it("applies to TCP sockets under SECURITY=curve only", () => {
  assert.equal(isSecured(curve, ["tcp://*:5556"]), true)
  assert.equal(isSecured(curve, ["tcp://a:1", "tcp://b:1"]), true)
  assert.equal(isSecured({ ...curve, SECURITY: "none" }, ["tcp://*:5556"]), false)
  assert.equal(isSecured(curve, ["ipc:///tmp/x"]), false)
  assert.equal(isSecured(curve, ["udp://*:5600"]), false)
  assert.equal(isSecured(curve, []), false)
})

const allowed = curveKeyPair()
const stranger = curveKeyPair()
const request = (key: string, fields: Partial<ZapRequest> = {}): ZapRequest => ({
  version: "1.0",
  requestId: Buffer.from("7"),
  domain: "zmq-lab",
  address: "172.18.0.9",
  mechanism: "CURVE",
  credentials: [z85Decode(key)!],
  ...fields,
})

it("lets in a key on the allow-list and refuses any other", () => {
  const list = new Set([allowed.publicKey])
  assert.deepEqual(decide(request(allowed.publicKey), list), { allowed: true, status: "200", text: "OK", key: allowed.publicKey })
  assert.deepEqual(decide(request(stranger.publicKey), list), { allowed: false, status: "400", text: "key not on the allow-list", key: stranger.publicKey })
  assert.equal(decide(request(allowed.publicKey, { mechanism: "NULL", credentials: [] }), list).status, "400")
  assert.equal(decide(request(allowed.publicKey, { credentials: [Buffer.alloc(5)] }), list).status, "400")
  assert.equal(decide(request(allowed.publicKey, { version: "2.0" }), list).status, "500")
})

it("reads a ZAP request's frames and answers in RFC 27's frames", () => {
  const frames = ["1.0", "7", "zmq-lab", "172.18.0.9", "", "CURVE"].map(f => Buffer.from(f))
  const parsed = parseZapRequest([...frames, z85Decode(allowed.publicKey)!])
  assert.equal(parsed?.mechanism, "CURVE")
  assert.equal(parsed?.address, "172.18.0.9")
  assert.equal(parseZapRequest(frames.slice(0, 3)), undefined)
  const reply = zapReply(parsed!, decide(parsed!, new Set([allowed.publicKey])))
  assert.deepEqual(
    reply.map(f => f.toString()),
    ["1.0", "7", "200", "OK", allowed.publicKey.slice(0, 8), ""],
  )
})

it("reads the allow-list's *.pub files and names the ones that are not keys", () => {
  writeFileSync(join(dir, "a.pub"), `${allowed.publicKey}\n`)
  writeFileSync(join(dir, "broken.pub"), "not a key\n")
  writeFileSync(join(dir, "notes.txt"), "ignored\n")
  const { keys, problems } = readAllowList(dir)
  assert.deepEqual([...keys], [allowed.publicKey])
  assert.equal(problems.length, 1)
  assert.match(problems[0]!, /broken\.pub does not hold a CURVE key/)
  assert.match(readAllowList(join(dir, "missing")).problems[0]!, /ENOENT/)
})

it("names the key file that is missing", () => {
  assert.throws(() => readKey(join(dir, "server.secret")), /key file .*server\.secret cannot be read \(ENOENT\): create the keys with make keys/)
})

it("tells a refused key, a wrong server key, a plain peer and garbage apart", () => {
  assert.equal(handshakeFailure("handshake:error:auth", "Authentication failure", "bound")?.cause, "client-denied")
  assert.equal(handshakeFailure("handshake:error:auth", "Authentication failure", "connecting")?.cause, "denied")
  assert.equal(handshakeFailure("handshake:error:protocol", "ZMTP protocol error (ERR_ZMTP_CRYPTOGRAPHIC)", "bound")?.cause, "wrong-server-key")
  assert.equal(handshakeFailure("handshake:error:other", "Broken pipe (EPIPE)", "connecting")?.cause, "closed-in-handshake")
  assert.equal(handshakeFailure("handshake:error:protocol", "ZMTP protocol error (ERR_ZMTP_MECHANISM_MISMATCH)", "connecting")?.cause, "mechanism-mismatch")
  assert.equal(handshakeFailure("handshake:error:protocol", "ZMTP protocol error (ERR_ZMTP_UNEXPECTED_COMMAND)", "bound")?.cause, "not-zmtp")
  assert.equal(handshakeFailure("connect:retry", "", "connecting"), undefined)
})
