import assert from "node:assert/strict"
import { mkdtempSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { describe, it } from "node:test"
import { fileNameOf, handleOnce, HandledRequests } from "../../shared/handled.js"
import { WorkerRegistry } from "../../services/paranoid-pirate/registry.js"
import { HEARTBEAT, READY, signalOf } from "../../services/paranoid-pirate/signals.js"
import { describeIdentity } from "../../shared/sockets.js"

const id = (name: string) => Buffer.from(name)
const request = (key: string) => ({ client: id(`client-${key}`), key, since: 0 })
const LEASE = 1500

describe("the Paranoid Pirate queue's worker registry", () => {
  it("hands requests to the least recently used ready worker, one at a time", () => {
    const workers = new WorkerRegistry(LEASE)
    assert.equal(workers.alive(id("w1"), 0), "new")
    assert.equal(workers.alive(id("w2"), 10), "new")
    assert.equal(workers.take(request("a"), 20)?.toString(), "w1")
    assert.equal(workers.take(request("b"), 20)?.toString(), "w2")
    assert.equal(workers.take(request("c"), 20), undefined, "both busy: the request must wait")
    assert.equal(workers.replied(id("w2"), 30)?.key, "b")
    assert.equal(workers.take(request("c"), 40)?.toString(), "w2")
  })

  it("keeps a busy worker busy while it heartbeats", () => {
    const workers = new WorkerRegistry(LEASE)
    workers.alive(id("w1"), 0)
    workers.take(request("a"), 0)
    assert.equal(workers.alive(id("w1"), 500), "known")
    assert.equal(workers.readyCount, 0)
    assert.equal(workers.take(request("b"), 600), undefined)
  })

  it("expires a silent worker with the request it held, and never routes to it again", () => {
    const workers = new WorkerRegistry(LEASE)
    workers.alive(id("w1"), 0)
    workers.alive(id("w2"), 0)
    workers.take(request("a"), 100)
    workers.alive(id("w2"), 1000)
    assert.deepEqual(workers.expire(1499), [])
    const expired = workers.expire(1500)
    assert.equal(expired.length, 1)
    assert.equal(expired[0]!.identity.toString(), "w1")
    assert.equal(expired[0]!.held?.key, "a")
    assert.equal(expired[0]!.silentMs, 1500)
    assert.equal(workers.size, 1)
    assert.equal(workers.take(request("b"), 1600)?.toString(), "w2")
  })

  it("skips a ready worker whose lease ran out even before it is expired", () => {
    const workers = new WorkerRegistry(LEASE)
    workers.alive(id("w1"), 0)
    workers.alive(id("w2"), 1000)
    assert.equal(workers.take(request("a"), 1600)?.toString(), "w2")
  })

  it("takes a worker it did not know (after a restart of the queue) as ready, by its heartbeat or its reply", () => {
    const workers = new WorkerRegistry(LEASE)
    assert.equal(workers.replied(id("w1"), 0), undefined)
    assert.equal(workers.alive(id("w2"), 0), "new")
    assert.equal(workers.readyCount, 2)
  })

  it("forgets a worker whose send failed, returning what it held", () => {
    const workers = new WorkerRegistry(LEASE)
    workers.alive(id("w1"), 0)
    workers.take(request("a"), 0)
    assert.equal(workers.remove(id("w1"))?.key, "a")
    assert.equal(workers.size, 0)
    assert.equal(workers.remove(id("w1")), undefined)
  })
})

describe("the Paranoid Pirate signals", () => {
  it("recognizes READY and HEARTBEAT, and nothing else", () => {
    assert.equal(signalOf([READY]), "ready")
    assert.equal(signalOf([HEARTBEAT]), "heartbeat")
    assert.equal(signalOf([Buffer.from("READY!")]), undefined)
    assert.equal(signalOf([READY, HEARTBEAT]), undefined)
    assert.equal(signalOf([]), undefined)
  })

  it("shows an identity as text when printable, else as hex", () => {
    assert.equal(describeIdentity(Buffer.from("paranoid-pirate-worker-1.abc.1")), "paranoid-pirate-worker-1.abc.1")
    assert.equal(describeIdentity(Buffer.from([0, 0x80, 0x01])), "008001")
  })
})

describe("the record of handled requests", () => {
  const request = (seq: number) => ({ v: 1 as const, producer: "client", incarnation: "abc", seq, sentAt: 0, body: null })
  const inDirectory = async (use: (directory: string) => Promise<void>) => {
    const directory = mkdtempSync(join(tmpdir(), "handled-"))
    try {
      await use(directory)
    } finally {
      rmSync(directory, { recursive: true, force: true })
    }
  }

  it("records a request only once its work is done: work that fails or is cut off leaves no record, and the retry does the work", () =>
    inDirectory(async directory => {
      const handled = new HandledRequests(directory, "one")
      let worked = 0
      const dying = handleOnce(handled, () => Promise.reject(new Error("killed mid-work")))
      await assert.rejects(dying(request(1)))
      assert.equal(handled.find("client/abc/1"), undefined, "no record of work that never finished")
      const retry = await handleOnce(handled, async () => ({ done: ++worked }))(request(1))
      assert.deepEqual(retry, { outcome: "delivered", body: { done: 1 } })
    }))

  it("answers a request recorded before with its recorded result, across processes sharing the directory and across restarts", () =>
    inDirectory(async directory => {
      let worked = 0
      const work = async () => ({ done: ++worked })
      assert.deepEqual(await handleOnce(new HandledRequests(directory, "one"), work)(request(1)), { outcome: "delivered", body: { done: 1 } })
      assert.deepEqual(await handleOnce(new HandledRequests(directory, "two"), work)(request(1)), { outcome: "absorbed", body: { done: 1 } })
      assert.equal(worked, 1, "the sibling did not do the work again")
    }))

  it("lets the first to finish win when two do the same work (a paused worker resuming after its sibling handled the retry)", () =>
    inDirectory(async directory => {
      const one = new HandledRequests(directory, "one")
      const two = new HandledRequests(directory, "two")
      assert.equal(two.record("client/abc/7", { by: "two" }), true)
      assert.equal(one.record("client/abc/7", { by: "one" }), false)
      assert.deepEqual(one.find("client/abc/7"), { body: { by: "two" } })
      assert.deepEqual([one.recorded, two.recorded], [0, 1])
      assert.deepEqual(readdirSync(directory), [fileNameOf("client/abc/7")], "no draft left behind")
    }))

  it("turns any key into one safe file name", () => {
    assert.equal(fileNameOf("paranoid-pirate-client/0a1b/17"), "paranoid-pirate-client%2f0a1b%2f17")
    assert.equal(fileNameOf("../x y"), "..%2fx%20y")
    assert.notEqual(fileNameOf("a/b"), fileNameOf("a%2fb"), "two keys never share a name: % is escaped too")
  })
})
