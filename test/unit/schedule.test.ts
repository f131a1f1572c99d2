import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { parseKinds, random, schedule } from "../../scenarios/chaos/schedule.js"

describe("the chaos schedule", () => {
  const options = { seed: 42, durationMs: 60_000, roles: ["worker", "sink", "ventilator"] }

  it("is the same for the same seed, and differs for another", () => {
    assert.deepEqual(schedule(options), schedule(options))
    assert.notDeepEqual(schedule(options), schedule({ ...options, seed: 43 }))
  })

  it("fits in the duration, one fault at a time, with calm in between", () => {
    const faults = schedule(options)
    for (const [i, fault] of faults.entries()) {
      assert.ok(fault.at + fault.durationMs <= options.durationMs)
      assert.ok(fault.durationMs >= 500 && fault.durationMs <= 2000)
      const previous = faults[i - 1]
      if (previous) assert.ok(fault.at >= previous.at + previous.durationMs + 300)
    }
  })

  it("has at least 20 faults in 60 s, of every kind and role", () => {
    const faults = schedule(options)
    assert.ok(faults.length >= 20, `${faults.length} faults`)
    assert.deepEqual(new Set(faults.map(f => f.kind)), new Set(["kill", "pause", "disconnect"]))
    assert.deepEqual(new Set(faults.map(f => f.role)), new Set(options.roles))
  })

  it("draws numbers in [0, 1)", () => {
    const next = random(7)
    for (let i = 0; i < 1000; i++) {
      const value = next()
      assert.ok(value >= 0 && value < 1)
    }
  })

  it("takes FAULTS as a list of kinds, network ones included, and names one it does not know", () => {
    assert.deepEqual(parseKinds(""), ["kill", "pause", "disconnect"])
    assert.deepEqual(parseKinds("kill, loss,blackhole"), ["kill", "loss", "blackhole"])
    assert.throws(() => parseKinds("kill,flood"), /flood not a fault kind/)
    const kinds = new Set(schedule({ seed: 3, durationMs: 60_000, roles: ["worker"], kinds: ["loss", "blackhole"] }).map(f => f.kind))
    assert.deepEqual([...kinds].sort(), ["blackhole", "loss"])
  })

  it("needs a role and a kind", () => {
    assert.throws(() => schedule({ ...options, roles: [] }), /at least one role/)
  })
})
