import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { perSecond, timelineSvg } from "../../scenarios/chaos/timeline.js"

describe("the chaos timeline", () => {
  it("counts deliveries per second", () => {
    assert.deepEqual(perSecond([0, 500, 999, 1000, 2999, 3000], 0, 3000), [3, 1, 1])
  })

  it("draws a band per fault and a line per variant", () => {
    const svg = timelineSvg({
      title: "t",
      start: 0,
      end: 10_000,
      bands: [
        { from: 1000, to: 3000, kind: "kill", label: "kill worker" },
        { from: 5000, to: 6000, kind: "pause", label: "pause sink" },
      ],
      series: [
        { name: "naive", color: "#f00", times: [100, 200] },
        { name: "reliable", color: "#00f", times: [100, 5100] },
      ],
    })
    assert.match(svg, /^<svg /)
    assert.equal(svg.match(/<rect [^>]*opacity/g)?.length, 2)
    assert.equal(svg.match(/<polyline /g)?.length, 2)
    assert.match(svg, /<title>kill worker<\/title>/)
  })
})
