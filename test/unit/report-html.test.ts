// A run's report page: the lost ids read back as the accounting writes them,
// the faults as bands, and one self-contained page (nothing fetched).
import assert from "node:assert/strict"
import { describe, it } from "node:test"
import type { LoadBalancedFigures } from "../../shared/accounting.js"
import { faultBands, parseLostIds, plotsOf } from "../../scenarios/runner/report-html.js"
import { Story } from "../support/story.js"

describe("report.html", () => {
  it("reads lost ids as the accounting writes them, with and without incarnations", () => {
    assert.deepEqual(parseLostIds("3-5, 9"), [
      ["", 3],
      ["", 4],
      ["", 5],
      ["", 9],
    ])
    assert.deepEqual(parseLostIds("a:1; b:2-3"), [
      ["a", 1],
      ["b", 2],
      ["b", 3],
    ])
    assert.deepEqual(parseLostIds(""), [])
  })

  it("draws a fault from the action that breaks a service to the one that heals it, or to the end", () => {
    const story = new Story().action("kill", "w1").wait(2000).action("start", "w1").wait(1000).action("pause", "w2").wait(500)
    const start = story.events[0]!.t
    assert.deepEqual(
      faultBands(story.events, story.now).map(b => [b.label, b.from - start, b.to - start]),
      [
        ["kill w1", 0, 2000],
        ["pause w2", 3000, 3500],
      ],
    )
  })

  it("plots per second what arrived at the end of a pipeline, and when the lost messages were sent", () => {
    const story = new Story()
    story.add("vent", "producing", { stream: "tasks", promise: "load-balanced", incarnation: "v" })
    for (let seq = 1; seq <= 6; seq++) {
      story.add("vent", "sent", { stream: "tasks", incarnation: "v", seq })
      if (seq !== 3) story.add("sink", "delivered", { producer: "vent", stream: "tasks", incarnation: "v", seq })
      story.wait(500)
    }
    const figures = {
      promise: "load-balanced",
      producer: "vent",
      stream: "tasks",
      sent: 6,
      received: 5,
      lost: 1,
      lostIds: "3",
      duplicated: 0,
    } as LoadBalancedFigures
    const [plot] = plotsOf({ "vent/tasks": figures }, story.events)
    const total = (values: (number | null)[]) => values.reduce<number>((a, b) => a + (b ?? 0), 0)
    assert.equal(total(plot!.arrived), 5)
    assert.equal(total(plot!.lost), 1)
    assert.equal(
      plot!.lost.findIndex(v => v !== null),
      Math.floor((story.events[0]!.t + 1000) / 1000) - plot!.seconds[0]!,
      "seq 3 was sent 1 s in",
    )
  })
})
