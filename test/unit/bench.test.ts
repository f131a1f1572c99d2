// The bench's pure parts: its figures (medians, ratios, missing cells), the
// meter's windows, the lab's windows from stats lines, Docker's memory
// figures, and the charts of the report.
import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { parseMemory } from "../../bench/docs.js"
import { median, missingCells, ratios, rowsTable, type Row } from "../../bench/figures.js"
import { Meter, summarize } from "../../bench/meter.js"
import { chartsOf } from "../../bench/report.js"
import { labWindows } from "../../bench/setups.js"
import { hotspots } from "../../shared/profile.js"
import { RoundTrips } from "../../shared/round-trips.js"
import type { LogRecord } from "../../harness/logs.js"

const row = (over: Partial<Row>): Row => ({ pattern: "pubsub", sizeBytes: 64, setup: "raw-loopback", msgPerSec: 100, mbPerSec: 0.0064, cpu: {}, ...over })

describe("bench figures", () => {
  it("takes the median of odd and even counts", () => {
    assert.equal(median([3, 1, 2]), 2)
    assert.equal(median([4, 1, 3, 2]), 2.5)
    assert.ok(Number.isNaN(median([])))
  })

  it("divides bridge by loopback and lab by bridge, per pattern and size", () => {
    const rows = [row({ msgPerSec: 200 }), row({ setup: "raw-bridge", msgPerSec: 100 }), row({ setup: "lab", msgPerSec: 70 })]
    const [first] = ratios(rows)
    assert.deepEqual(first, { pattern: "pubsub", sizeBytes: 64, bridge: 0.5, lab: 0.7 })
    assert.equal(ratios(rows).find(r => r.pattern === "reqrep")?.lab, null, "no figure, no ratio")
  })

  it("names every cell a bench lacks", () => {
    const rows = [row({}), row({ setup: "raw-bridge" })]
    assert.deepEqual(missingCells(rows, ["pubsub"], [64]), ["pubsub 64 B lab"])
    assert.equal(missingCells([], ["pubsub", "reqrep"], [64, 1024]).length, 12)
  })

  it("tables every cell with its CPU per side", () => {
    const table = rowsTable([row({ setup: "lab", cpu: { publisher: 0.91, subscriber: 1 }, p50Ms: 0.1234, p99Ms: 2 })])
    assert.match(table, /\| PUB\/SUB \| 64 B \| lab \| 100 \| 0\.0 \| 0\.123 \| 2\.000 \| publisher 0\.91, subscriber 1\.00 \|/)
  })
})

describe("the bench's meter", () => {
  it("counts in windows after the warm-up, with round trips, and ends on its own when messages stop", async () => {
    const meter = new Meter({ warmupMs: 50, windows: 3, windowMs: 40 })
    // The meter's own timer does not hold the process up (a program's sockets do): this does, for the test.
    const alive = setInterval(() => undefined, 1000)
    // Messages until the first window closes, then none: the stall timer closes the rest.
    let sent = 0
    while (meter.windows.length === 0) {
      meter.tick(1.5)
      sent += 1
      await new Promise(resolve => setImmediate(resolve))
    }
    const windows = await meter.done
    clearInterval(alive)
    assert.equal(windows.length, 3)
    const counted = windows.reduce((sum, w) => sum + w.messages, 0)
    assert.ok(counted > 0 && counted < sent, `${counted} of ${sent} counted: none of the warm-up's`)
    assert.equal(windows[0]!.p50Ms, 1.5)
    assert.ok(windows[0]!.messages > 0)
    assert.equal(windows.at(-1)!.messages, 0, "the last window closed by the stall timer, empty")
    const summary = summarize(windows)
    assert.equal(summary.p99Ms, 1.5)
    assert.ok(summary.cpu >= 0)
  })
})

describe("the lab's windows, from its stats lines", () => {
  const line = (second: number, received: number): LogRecord => ({
    event: "stats",
    service: "pubsub-subscriber",
    timestamp: new Date(Date.UTC(2026, 0, 1, 0, 0, second)).toISOString(),
    received,
  })
  const options = { warmupMs: 1000, windows: 3, windowMs: 3000 }

  it("starts at the first line with something counted, after the warm-up, and spans windowMs per window", () => {
    const lines = [0, 0, 100, 300, 500, 700, 900, 1100, 1300, 1500, 1700, 1900, 2100].map((n, i) => line(i, n))
    const windows = labWindows(lines, "received", options, 1000)!
    assert.equal(windows.length, 3)
    assert.equal(windows[0]!.from.received, 300, "the first line one warm-up after the first flowing one")
    assert.equal(windows[0]!.to.received, 900)
    assert.equal(windows[2]!.to.received, 2100)
  })

  it("waits while there are not lines enough", () => {
    assert.equal(labWindows([line(0, 0), line(1, 5), line(2, 9)], "received", options, 1000), undefined)
    assert.equal(labWindows([line(0, 0), line(1, 0)], "received", options, 1000), undefined)
  })
})

describe("Docker's memory figures", () => {
  it("reads the used part of MemUsage", () => {
    assert.equal(parseMemory("12.5MiB / 128MiB"), 12.5 * 2 ** 20)
    assert.equal(parseMemory("900KiB / 1GiB"), 900 * 1024)
    assert.ok(Number.isNaN(parseMemory("--")))
  })
})

describe("the report's charts", () => {
  it("puts each setup's bar at its own place in each size's group", () => {
    const charts = chartsOf([row({ msgPerSec: 5 }), row({ setup: "lab", sizeBytes: 1024, msgPerSec: 7 })])
    const pubsub = charts.find(c => c.title === "PUB/SUB: messages per second")!
    assert.deepEqual(pubsub.positions, [0, 1, 2, 4, 5, 6, 8, 9, 10])
    assert.deepEqual(pubsub.series[0]!.values, [5, null, null, null, null, null, null, null, null])
    assert.deepEqual(pubsub.series[2]!.values, [null, null, null, null, null, 7, null, null, null])
    assert.ok(charts.some(c => c.title === "REQ/REP: round trip, p99"))
    assert.ok(!charts.some(c => c.title === "PUB/SUB: round trip, p99"))
  })
})

describe("a service's CPU profile", () => {
  it("ranks functions by their own samples, merged by name and place, files relative to the app", () => {
    const frame = (functionName: string, url: string, lineNumber: number) => ({ functionName, url, lineNumber })
    const profile = {
      startTime: 0,
      endTime: 1,
      nodes: [
        { id: 1, callFrame: frame("(root)", "", -1), hitCount: 0 },
        { id: 2, callFrame: frame("decodeEnvelope", "file:///app/dist/shared/envelope.js", 60), hitCount: 30 },
        { id: 3, callFrame: frame("decodeEnvelope", "file:///app/dist/shared/envelope.js", 60), hitCount: 20 },
        { id: 4, callFrame: frame("", "file:///app/dist/shared/inbox.js", 9), hitCount: 25 },
        { id: 5, callFrame: frame("(garbage collector)", "", -1), hitCount: 25 },
      ],
    }
    assert.deepEqual(hotspots(profile, 2), [
      { where: "decodeEnvelope (dist/shared/envelope.js:61)", selfPercent: 50 },
      { where: "(anonymous) (dist/shared/inbox.js:10)", selfPercent: 25 },
    ])
    assert.equal(hotspots(profile).at(-1)!.where, "(garbage collector)")
  })
})

describe("a requester's round trips per stats line", () => {
  it("sums up the interval's times, then starts a new interval", () => {
    const trips = new RoundTrips()
    assert.deepEqual(trips.take(), { rttCount: 0 })
    for (let ms = 1; ms <= 100; ms++) trips.record(ms / 10)
    assert.deepEqual(trips.take(), { rttCount: 100, rttP50Ms: 5, rttP99Ms: 9.9 })
    assert.deepEqual(trips.take(), { rttCount: 0 })
  })
})
