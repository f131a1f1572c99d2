// The observer's model and guard, without Docker or HTTP: lines and container
// events written by hand, requests as headers.
import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { checkAction, checkHost, parseActionPath } from "../../observer/guard.js"
import { hostOf, Observatory, patternOfCommand, roleOf } from "../../observer/model.js"

const T0 = Date.parse("2026-11-27T12:00:00.000Z")
const json = (t: number, service: string, event: string, fields: Record<string, unknown> = {}) =>
  JSON.stringify({
    timestamp: new Date(t).toISOString(),
    level: "info",
    service,
    pattern: "pubsub",
    pid: 7,
    instance: `${service}-i1`,
    event,
    message: event,
    ...fields,
  })

function lab(): Observatory {
  const model = new Observatory("observer", T0)
  model.containers([
    { id: "p1", service: "pubsub-publisher", command: "node dist/services/pubsub/publisher.js", state: "running" },
    { id: "s1", service: "pubsub-subscriber", command: "node dist/services/pubsub/subscriber.js", state: "running" },
    { id: "o1", service: "observer", command: "node dist/observer/main.js", state: "running" },
  ])
  return model
}

describe("the observer's model", () => {
  it("names a service's pattern from its program and its role from its name", () => {
    assert.equal(patternOfCommand("node dist/services/router-dealer/worker.js", "router-dealer-worker-2"), "router-dealer")
    assert.equal(patternOfCommand("node dist/observer/main.js", "observer"), "observer")
    assert.equal(roleOf("router-dealer-worker-2", "router-dealer"), "worker")
    assert.equal(roleOf("pubsub-late-subscriber", "pubsub"), "late-subscriber")
    assert.equal(hostOf("tcp://pubsub-publisher:5556"), "pubsub-publisher")
    assert.equal(hostOf("ipc:///tmp/x.ipc"), undefined)
  })

  it("follows a service's state through Docker's events, with a band while it is down", () => {
    const model = lab()
    model.containerEvent({ t: T0 + 1000, id: "p1", service: "pubsub-publisher", action: "kill" })
    model.containerEvent({ t: T0 + 1001, id: "p1", service: "pubsub-publisher", action: "die", exitCode: 137 })
    const dead = model.servicesList().find(s => s.name === "pubsub-publisher")!
    assert.deepEqual([dead.state, dead.exitCode], ["exited", 137])
    assert.deepEqual(
      model.events(0).map(e => e.event),
      ["container.kill", "container.die"],
    )
    model.containerEvent({ t: T0 + 5000, id: "p1", service: "pubsub-publisher", action: "start" })
    model.containerEvent({ t: T0 + 6000, id: "s1", service: "pubsub-subscriber", action: "pause" })
    assert.equal(model.servicesList().find(s => s.name === "pubsub-publisher")!.state, "running")
    assert.equal(model.servicesList().find(s => s.name === "pubsub-subscriber")!.state, "paused")
    assert.deepEqual(
      model.bandList().map(b => [b.service, b.kind, b.from, b.to]),
      [
        ["pubsub-publisher", "exited", T0 + 1001, T0 + 5000],
        ["pubsub-subscriber", "paused", T0 + 6000, null],
      ],
    )
  })

  it("draws an edge from a connecting service to its peer, up on connect, down on disconnect or when it exits", () => {
    const model = lab()
    const endpoint = "tcp://pubsub-publisher:5556"
    model.line("pubsub-subscriber", json(T0, "pubsub-subscriber", "connecting", { socket: "sub", endpoint }), T0)
    assert.deepEqual(
      model.edgeList().map(e => [e.from, e.to, e.up]),
      [["pubsub-subscriber", "pubsub-publisher", false]],
    )
    model.line("pubsub-subscriber", json(T0 + 10, "pubsub-subscriber", "socket.connect", { socket: "sub", address: endpoint }), T0)
    assert.equal(model.edgeList()[0]!.up, true)
    model.line("pubsub-subscriber", json(T0 + 20, "pubsub-subscriber", "socket.disconnect", { socket: "sub", address: endpoint }), T0)
    assert.equal(model.edgeList()[0]!.up, false)
    // A reconnect names the resolved address.
    model.line("pubsub-subscriber", json(T0 + 30, "pubsub-subscriber", "socket.connect", { socket: "sub", address: "tcp://192.168.0.3:5556" }), T0)
    assert.equal(model.edgeList()[0]!.up, true, "the same edge, by its port")
    model.containerEvent({ t: T0 + 40, id: "s1", service: "pubsub-subscriber", action: "die", exitCode: 0 })
    assert.equal(model.edgeList()[0]!.up, false, "an exited service holds no live connection")
    assert.deepEqual(
      model
        .events(0)
        .filter(e => e.kind === "socket")
        .map(e => e.event),
      ["socket.connect", "socket.disconnect", "socket.connect"],
    )
  })

  it("counts a stream's arrivals per second and marks the second its losses were found", () => {
    const model = lab()
    const ref = { producer: "pubsub-publisher", stream: "ticks", incarnation: "a" }
    model.line("pubsub-publisher", json(T0, "pubsub-publisher", "producing", { stream: "ticks", promise: "fan-out", incarnation: "a" }), T0)
    model.line("pubsub-publisher", json(T0, "pubsub-publisher", "subscriber-joined", { ...ref, afterSeq: 0, subscriber: "pubsub-subscriber" }), T0)
    for (let seq = 1; seq <= 10; seq++) {
      model.line("pubsub-publisher", json(T0 + seq * 100, "pubsub-publisher", "sent", { stream: "ticks", incarnation: "a", seq }), T0)
      if (seq !== 4 && seq !== 5) model.line("pubsub-subscriber", json(T0 + seq * 100 + 5, "pubsub-subscriber", "received", { ...ref, seq }), T0)
    }
    model.tick(T0 + 2000)
    assert.equal(model.streams(T0 + 2000)[0]!.inFlight, 2, "not yet settled")
    model.tick(T0 + 5000)
    const [stream] = model.streams(T0 + 5000)
    assert.deepEqual([stream!.key, stream!.sent, stream!.received, stream!.lost], ["pubsub-publisher/ticks -> pubsub-subscriber", 10, 8, 2])
    const [series] = model.series(T0 + 5000)
    const at = (second: number) => second - series!.start
    const s0 = Math.floor(T0 / 1000)
    assert.equal(series!.received[at(s0)]! + series!.received[at(s0 + 1)]!, 8, "8 arrivals in the first two seconds")
    assert.equal(series!.lost[at(s0 + 5)], 2, "the two losses marked when they were found")
    assert.equal(
      series!.lost.reduce((a, b) => a + b, 0),
      2,
    )
  })

  it("counts a line that is not JSON of the contract and leaves it out; the service's counters are its last stats line", () => {
    const model = lab()
    model.line("pubsub-subscriber", "npm warn something", T0)
    model.line("pubsub-subscriber", "[1,2]", T0)
    model.line("pubsub-subscriber", json(T0, "pubsub-subscriber", "stats", { received: 5, lost: 1, streams: {} }), T0)
    assert.equal(model.totals().badLines, 2)
    assert.deepEqual(model.servicesList().find(s => s.name === "pubsub-subscriber")!.counters, { received: 5, lost: 1 })
  })
})

describe("the observer's guard", () => {
  const TOKEN = "t0k"
  it("answers requests addressed to the loopback only", () => {
    assert.equal(checkHost("127.0.0.1:8080"), undefined)
    assert.equal(checkHost("localhost:8080"), undefined)
    assert.equal(checkHost("[::1]:8080"), undefined)
    assert.equal(checkHost("evil.example:8080")?.status, 421, "a DNS-rebinding page names its own host")
    assert.equal(checkHost(undefined)?.status, 421)
  })

  it("acts for its own page's origin (or a script without one) with the token, for nobody else", () => {
    assert.equal(checkAction({ host: "127.0.0.1:8080", origin: "http://127.0.0.1:8080", token: TOKEN }, TOKEN), undefined)
    assert.equal(checkAction({ host: "127.0.0.1:8080", token: TOKEN }, TOKEN), undefined)
    assert.equal(checkAction({ host: "127.0.0.1:8080", origin: "http://evil.example", token: TOKEN }, TOKEN)?.status, 403)
    assert.equal(
      checkAction({ host: "127.0.0.1:8080", origin: "http://127.0.0.1:9999", token: TOKEN }, TOKEN)?.status,
      403,
      "another local port is another origin",
    )
    assert.equal(checkAction({ host: "127.0.0.1:8080", origin: "http://127.0.0.1:8080" }, TOKEN)?.status, 403)
    assert.equal(checkAction({ host: "127.0.0.1:8080", token: "guess" }, TOKEN)?.status, 403)
  })

  it("routes /api/services/<name>/<action> for the lab's own services and known actions", () => {
    const known = (name: string) => ["pubsub-publisher", "observer"].includes(name)
    const self = (name: string) => name === "observer"
    assert.deepEqual(parseActionPath("/api/services/pubsub-publisher/kill", known, self), { service: "pubsub-publisher", action: "kill" })
    assert.equal((parseActionPath("/api/services/pubsub-publisher/explode", known, self) as { status: number }).status, 400)
    assert.equal((parseActionPath("/api/services/observer/kill", known, self) as { status: number }).status, 400)
    assert.equal((parseActionPath("/api/services/postgres/kill", known, self) as { status: number }).status, 404)
    assert.equal((parseActionPath("/api/services/%E0%A4%A/kill", known, self) as { status: number }).status, 400)
    assert.equal((parseActionPath("/api/services/kill", known, self) as { status: number }).status, 404)
    assert.deepEqual(parseActionPath("/api/services/pubsub-publisher/fault", known, self, new URLSearchParams("kind=loss&pct=30")), {
      service: "pubsub-publisher",
      action: "fault",
      fault: { kind: "loss", pct: 30 },
    })
    const bad = parseActionPath("/api/services/pubsub-publisher/fault", known, self, new URLSearchParams("kind=loss"))
    assert.deepEqual(bad, { status: 400, reason: "KIND=loss needs PCT (percent of packets)" })
  })
})
