import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { chaosSection, withCatalogue, withChaosRow } from "../../scenarios/runner/verdicts.js"

describe("docs/verdicts.md", () => {
  it("adds, then replaces, a pattern's chaos row and keeps the others", () => {
    let text = withChaosRow("# Verdicts\n\ncatalogue\n", "pipeline", "| `pipeline` | 1 | PASS |")
    text = withChaosRow(text, "reqrep", "| `reqrep` | 1 | PASS |")
    text = withChaosRow(text, "pipeline", "| `pipeline` | 2 | PASS |")
    assert.match(text, /^# Verdicts\n\ncatalogue\n/)
    const rows = chaosSection(text)
      .split("\n")
      .filter(line => line.startsWith("| `"))
    assert.deepEqual(rows, ["| `pipeline` | 2 | PASS |", "| `reqrep` | 1 | PASS |"])
  })

  it("rewrites the catalogue part but keeps the chaos section", () => {
    const previous = withChaosRow("# Verdicts\n\nold catalogue\n", "pipeline", "| `pipeline` | 1 | PASS |")
    const next = withCatalogue("# Verdicts\n\nnew catalogue\n", previous)
    assert.match(next, /new catalogue/)
    assert.doesNotMatch(next, /old catalogue/)
    assert.match(next, /\| `pipeline` \| 1 \| PASS \|/)
    assert.equal(withCatalogue("# Verdicts\n", "no section"), "# Verdicts\n")
  })
})
