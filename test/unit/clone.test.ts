import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { Replica, Store } from "../../services/clone/store.js"
import { differingKeys, digestOf } from "../../shared/keyvalue.js"

const u = (version: number, key = `k${version % 3}`, value = `v${version}`) => ({ key, value, version })

describe("the Clone store", () => {
  it("numbers its changes and snapshots the whole map at its version", () => {
    const store = new Store()
    assert.deepEqual(store.next("a", "1"), { key: "a", value: "1", version: 1 })
    store.next("b", "2")
    store.next("a", "3")
    assert.deepEqual(store.snapshot(), { version: 3, entries: { a: { value: "3", version: 3 }, b: { value: "2", version: 2 } } })
    assert.deepEqual(store.values(), { a: "3", b: "2" })
  })

  it("replays a journal to the same state and version", () => {
    const original = new Store()
    const journal = [original.next("a", "1"), original.next("b", "2"), original.next("a", "3")]
    const restored = new Store()
    for (const update of journal) restored.set(update)
    assert.equal(restored.version, 3)
    assert.equal(restored.digest(), original.digest())
  })

  it("fingerprints a map whatever its key order, and lists the keys that differ", () => {
    assert.equal(digestOf({ a: "1", b: "2" }), digestOf({ b: "2", a: "1" }))
    assert.notEqual(digestOf({ a: "1" }), digestOf({ a: "2" }))
    assert.deepEqual(differingKeys({ a: "1", b: "2", c: "3" }, { a: "1", b: "x", d: "4" }), ["b", "c", "d"])
  })
})

describe("the Clone replica", () => {
  it("buffers updates until the snapshot, then applies only newer ones", () => {
    const replica = new Replica(true)
    assert.equal(replica.update(u(4)), "buffered")
    assert.equal(replica.update(u(5)), "buffered")
    assert.equal(replica.update(u(6)), "buffered")
    const { applied, outcome } = replica.load({ version: 5, entries: { k1: { value: "v4", version: 4 }, k2: { value: "v5", version: 5 } } })
    assert.deepEqual({ applied: applied.map(a => a.version), outcome, version: replica.version }, { applied: [6], outcome: "synced", version: 6 })
    assert.deepEqual(replica.values(), { k0: "v6", k1: "v4", k2: "v5" })
    assert.equal(replica.update(u(6)), "stale", "seen before: not applied twice")
    assert.equal(replica.update(u(7)), "applied")
  })

  it("asks again on a gap, and when the buffer does not continue the snapshot", () => {
    const replica = new Replica(true)
    replica.load({ version: 2, entries: {} })
    assert.equal(replica.update(u(3)), "applied")
    assert.equal(replica.update(u(5)), "gap")
    assert.equal(replica.syncing, true)
    assert.equal(replica.update(u(6)), "buffered")
    // The snapshot is older than the buffered updates' start: still a gap (4 is missing).
    assert.equal(replica.load({ version: 3, entries: {} }).outcome, "gap")
    assert.equal(replica.syncing, true)
    const after = replica.load({ version: 4, entries: {} })
    assert.deepEqual(
      { applied: after.applied.map(a => a.version), outcome: after.outcome, version: replica.version },
      { applied: [5, 6], outcome: "synced", version: 6 },
    )
  })

  it("learns from the publisher's heartbeat that it missed the latest updates", () => {
    const replica = new Replica(true)
    replica.load({ version: 10, entries: {} })
    assert.equal(replica.behind(10), false)
    assert.equal(replica.behind(12), true)
    assert.equal(replica.syncing, true)
    assert.equal(replica.behind(13), false, "already waiting for a snapshot")
  })

  it("naive: applies whatever newer update comes, never asks for a snapshot", () => {
    const replica = new Replica(false)
    assert.equal(replica.syncing, false)
    assert.equal(replica.update(u(3)), "applied")
    assert.equal(replica.update(u(9)), "applied", "the updates in between are simply missed")
    assert.equal(replica.update(u(9)), "stale")
    assert.equal(replica.behind(20), false)
    assert.equal(replica.version, 9)
  })

  it("keeps at most its bound of buffered updates, dropping the oldest", () => {
    const replica = new Replica(true, 2)
    for (const version of [1, 2, 3]) replica.update(u(version))
    assert.equal(replica.load({ version: 0, entries: {} }).outcome, "gap", "update 1 was dropped from the buffer: 2 does not follow 0")
  })
})
