// The network faults' scripts, checked as text: what runs inside the target's
// namespace for each kind, what a person's input turns into, and the reason a
// kernel without netem gives.
import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { describeFault, explainFailure, faultScript, FaultError, HEAL_SCRIPT, parseFault } from "../../harness/faults.js"

describe("network faults", () => {
  it("turns make fault's input into a fault, and names what is wrong or missing", () => {
    assert.deepEqual(parseFault({ kind: "loss", pct: "30" }), { kind: "loss", pct: 30 })
    assert.deepEqual(parseFault({ kind: "blackhole", port: "5556", dir: "in" }), { kind: "blackhole", port: 5556, direction: "in" })
    assert.deepEqual(parseFault({ kind: "bandwidth", rate: "200kbit" }), { kind: "bandwidth", rate: "200kbit" })
    for (const [input, message] of [
      [{ kind: "explode" }, /KIND=explode: one of loss, blackhole/],
      [{ kind: "loss" }, /needs PCT/],
      [{ kind: "loss", pct: "130" }, /PCT=130: a number from 0.1 to 100/],
      [{ kind: "reset" }, /needs PORT/],
      [{ kind: "bandwidth", rate: "fast" }, /RATE=fast/],
      [{ kind: "delay" }, /needs MS/],
      [{ kind: "blackhole", dir: "sideways" }, /DIR=sideways/],
    ] as const)
      assert.throws(
        () => parseFault(input),
        (error: unknown) => error instanceof FaultError && message.test(error.message),
      )
  })

  it("drops at random with iptables' statistic match, both ways by default, never on the loopback, every rule tagged", () => {
    const script = faultScript({ kind: "loss", pct: 30 })
    assert.equal(
      script,
      "iptables -A INPUT ! -i lo -m comment --comment zmq-lab-fault -m statistic --mode random --probability 0.3000 -j DROP && " +
        "iptables -A OUTPUT ! -o lo -m comment --comment zmq-lab-fault -m statistic --mode random --probability 0.3000 -j DROP",
    )
  })

  it("blackholes without a reset (half-open), resets with one, caps with tbf, and asks netem for the rest", () => {
    assert.match(faultScript({ kind: "blackhole", port: 5556 }), /-p tcp -m multiport --ports 5556 .*-j DROP/)
    assert.doesNotMatch(faultScript({ kind: "blackhole" }), /REJECT/)
    assert.match(faultScript({ kind: "reset", port: 5556, direction: "in" }), /OUTPUT .*--reject-with tcp-reset/, "a reset is both ways")
    assert.equal(faultScript({ kind: "bandwidth", rate: "1mbit" }), "tc qdisc replace dev eth0 root tbf rate 1mbit burst 32kbit latency 400ms")
    assert.equal(faultScript({ kind: "jitter", ms: 100, jitterMs: 20 }), "tc qdisc replace dev eth0 root netem delay 100ms 20ms")
    assert.equal(faultScript({ kind: "duplicate", pct: 5 }), "tc qdisc replace dev eth0 root netem duplicate 5%")
  })

  it("heals only the lab's own rules, and is fine where there are none", () => {
    assert.match(HEAL_SCRIPT, /grep -- '--comment zmq-lab-fault'/)
    assert.match(HEAL_SCRIPT, /\|\| true/)
  })

  it("says which kernel module is missing when netem is not there", () => {
    assert.match(explainFailure({ kind: "delay", ms: 50 }, "Error: Specified qdisc kind is unknown.\n"), /delay 50 ms: this kernel has no sch_netem module/)
    assert.match(explainFailure({ kind: "loss", pct: 10 }, "iptables: Permission denied\n"), /loss 10% could not be made: iptables: Permission denied/)
    assert.equal(describeFault({ kind: "loss", pct: 30, direction: "in", port: 5556 }), "loss 30% in :5556")
  })
})
