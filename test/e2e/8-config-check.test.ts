// End to end: the check `make up` makes before any container starts. In the
// lab image, as `make up` runs it: a .env with an invalid value stops it with
// a line naming the setting and the value; a misspelled key is named with the
// setting it most likely meant. And `make up` makes that check before Compose
// starts anything.
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { after, it } from "node:test"
import { root } from "../../harness/compose.js"

const dir = mkdtempSync(join(tmpdir(), "zmq-lab-env-"))
after(() => rmSync(dir, { recursive: true, force: true }))

const check = (content: string) => {
  const file = join(dir, "env")
  writeFileSync(file, content)
  return spawnSync(
    "docker",
    ["run", "--rm", "-v", `${file}:/app/.env:ro`, process.env.LAB_IMAGE ?? "zmq-lab:local", "node", "dist/tools/config.js", "--check"],
    { encoding: "utf8" },
  )
}

it("an invalid value stops the check, naming the setting, the value and what is allowed", () => {
  const result = check("PUBSUB_RATE=abc\n")
  assert.equal(result.status, 2)
  assert.match(result.stderr, /config error in \.env: invalid PUBSUB_RATE="abc": expected a number from 0\.01 to 1000000/)
})

it("a misspelled key is named, with the setting it most likely meant; the check still passes", () => {
  const result = check("PUBSUB_RAT=20\nLOG_LEVEL=debug\n")
  assert.equal(result.status, 0)
  assert.match(result.stderr, /warning: \.env sets PUBSUB_RAT, which no service reads \(did you mean PUBSUB_RATE\?\)/)
})

it("make up checks the settings before Compose starts anything", () => {
  const plan = spawnSync("make", ["-n", "up"], { cwd: root, encoding: "utf8" }).stdout.split("\n")
  const checkAt = plan.findIndex(line => line.includes("dist/tools/config.js --check"))
  const upAt = plan.findIndex(line => /docker compose up -d/.test(line))
  assert.ok(checkAt >= 0 && upAt > checkAt, `the check (line ${checkAt}) before docker compose up (line ${upAt})`)
})
