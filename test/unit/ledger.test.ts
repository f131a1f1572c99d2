import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { parseJournal } from "../../shared/journal.js"
import { Ledger } from "../../services/reliable-pipeline/ledger.js"

describe("the reliable ventilator's ledger", () => {
  it("keeps a task until it is acknowledged, and says when it is due again", () => {
    const ledger = new Ledger()
    ledger.sent(1, 10, 0)
    ledger.sent(2, 10, 100)
    assert.deepEqual(
      ledger.due(999, 1000).map(t => t.taskId),
      [],
    )
    assert.deepEqual(
      ledger.due(1000, 1000).map(t => t.taskId),
      [1],
    )
    assert.equal(ledger.ack(1), true)
    assert.equal(ledger.ack(1), false, "a second ack of the same task counts once")
    assert.deepEqual(
      ledger.due(5000, 1000).map(t => t.taskId),
      [2],
    )
    ledger.sent(2, 10, 5000)
    assert.equal(ledger.due(5000, 1000).length, 0, "sent again: not due until its timeout again")
    assert.equal(ledger.due(6000, 1000)[0]?.attempts, 2)
    assert.deepEqual({ pending: ledger.pending, acked: ledger.acked, nextId: ledger.nextId }, { pending: 1, acked: 1, nextId: 3 })
  })

  it("replays a journal after a restart: next id, and every unacknowledged task due at once", () => {
    const ledger = Ledger.replay([{ sent: 1, workMs: 5 }, { sent: 2, workMs: 5 }, { acked: 1 }, { sent: 3, workMs: 5 }], 10_000)
    assert.equal(ledger.nextId, 4)
    assert.deepEqual(
      ledger.due(10_000, 60_000).map(t => t.taskId),
      [2, 3],
    )
    assert.equal(ledger.acked, 1)
  })

  it("never revives an acknowledged task", () => {
    const ledger = Ledger.replay([{ sent: 1, workMs: 5 }, { acked: 1 }, { sent: 1, workMs: 5 }], 0)
    assert.equal(ledger.pending, 0)
  })
})

describe("the journal", () => {
  it("skips a line cut short by a crash", () => {
    assert.deepEqual(parseJournal('{"sent":1}\n{"acked":1}\n{"sent":2,"wo'), [{ sent: 1 }, { acked: 1 }])
  })
})
