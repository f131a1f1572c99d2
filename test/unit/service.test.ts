import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { patternOf } from "../../shared/service.js"

describe("the pattern on every log line", () => {
  it("is the folder of the program the process runs, compiled or not", () => {
    assert.equal(patternOf("/app/dist/services/paranoid-pirate/client.js", "lazy-pirate"), "paranoid-pirate")
    assert.equal(patternOf("/work/lab/services/reliable-pipeline/worker.ts", "pipeline"), "reliable-pipeline")
    assert.equal(patternOf("/app/dist/services/pubsub/subscriber.js", "pubsub"), "pubsub")
  })

  it("falls back to the module's own pattern for a program outside services/", () => {
    assert.equal(patternOf("/app/dist/tools/config.js", "lazy-pirate"), "lazy-pirate")
    assert.equal(patternOf(undefined, "pipeline"), "pipeline")
  })
})
