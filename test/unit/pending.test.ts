import assert from "node:assert/strict"
import { describe, it, mock } from "node:test"
import type { Envelope } from "../../shared/envelope.js"
import { PendingRequests, RequestAbandoned, RequestTimeout } from "../../services/router-dealer/pending.js"

const reply = (seq: number): Envelope => ({
  v: 1,
  producer: "router-dealer-worker-1",
  incarnation: "w",
  seq,
  sentAt: 0,
  body: null,
  inReplyTo: { producer: "router-dealer-client", seq },
})

describe("PendingRequests", () => {
  it("resolves each request with its own reply, in any order, and forgets it", async () => {
    const pending = new PendingRequests()
    const first = pending.add(1, 10_000)
    const second = pending.add(2, 10_000)
    assert.equal(pending.resolve(2, reply(2)), "resolved")
    assert.equal(pending.resolve(1, reply(1)), "resolved")
    assert.equal((await first).seq, 1)
    assert.equal((await second).seq, 2)
    assert.equal(pending.size, 0)
  })

  it("rejects a request at its timeout, removes it, and calls a reply after that late", async () => {
    mock.timers.enable({ apis: ["setTimeout"] })
    try {
      const pending = new PendingRequests()
      const request = pending.add(7, 500)
      const kept = pending.add(8, 5000)
      mock.timers.tick(500)
      await assert.rejects(request, (error: unknown) => error instanceof RequestTimeout && error.id === 7 && error.timeoutMs === 500)
      assert.equal(pending.size, 1)
      assert.equal(pending.resolve(7, reply(7)), "late")
      assert.equal(pending.resolve(7, reply(7)), "unknown")
      assert.equal(pending.resolve(99, reply(99)), "unknown")
      pending.resolve(8, reply(8))
      await kept
    } finally {
      mock.timers.reset()
    }
  })

  it("refuses a second request with the same id", async () => {
    const pending = new PendingRequests()
    void pending.add(1, 10_000).catch(() => undefined)
    await assert.rejects(pending.add(1, 10_000), /already pending/)
    pending.abandonAll()
  })

  it("abandons everything at shutdown and leaves nothing behind", async () => {
    const pending = new PendingRequests()
    const requests = [pending.add(1, 10_000), pending.add(2, 10_000)]
    assert.deepEqual(pending.abandonAll(), [1, 2])
    assert.equal(pending.resolve(2, {} as Parameters<typeof pending.resolve>[1]), "late", "a reply after shutdown began is late, not a stranger's")
    for (const request of requests) await assert.rejects(request, RequestAbandoned)
    assert.equal(pending.size, 0)
  })

  it("lets a sender wait until fewer than a limit are pending (ROUTER_DEALER_MAX_PENDING)", async () => {
    const pending = new PendingRequests()
    await pending.fewerThan(1)
    const requests = [1, 2, 3].map(id => pending.add(id, 10_000))
    let below3 = false
    let below2 = false
    const waits = [pending.fewerThan(3).then(() => (below3 = true)), pending.fewerThan(2).then(() => (below2 = true))]
    await Promise.resolve()
    assert.equal(below3, false, "three pending: not fewer than 3")
    pending.resolve(1, reply(1))
    await waits[0]
    assert.equal(below2, false, "two pending: not fewer than 2")
    pending.abandonAll()
    await waits[1]
    for (const request of requests) await request.catch(() => undefined)
  })
})
