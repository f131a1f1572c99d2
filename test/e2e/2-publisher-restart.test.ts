// End to end: the publisher container is killed and started again. The
// subscriber (never restarted) logs the disconnect, the retries, the reconnect
// and a producer restart, and receives the new incarnation's messages; and
// `make logs`'s printer, fed these containers' real log lines, shows each of
// those steps as a line, and none of the per-message lines.
import assert from "node:assert/strict"
import { after, it } from "node:test"
import { spawnSync } from "node:child_process"
import { ComposeProject, root } from "../../harness/compose.js"
import { is } from "../../harness/logs.js"
import { rejoinAfterRestart } from "../support/rejoin.js"

const lab = new ComposeProject("zmqlab-e2e-pubrestart", { environment: { PUBSUB_RATE: "20", RECONNECT_IVL_MS: "200" } })
after(() => lab.down())

it("the subscriber reconnects by itself to a killed and restarted publisher", async () => {
  await lab.up(["pubsub-publisher", "pubsub-subscriber"])
  await lab.logs.waitFor("the subscriber receiving", is("pubsub-subscriber", "received"), 15_000)
  const subscriberStartedAt = await lab.inspect("pubsub-subscriber", "{{.State.StartedAt}}")

  const mark = lab.logs.mark
  await lab.kill("pubsub-publisher")
  await lab.logs.waitFor("socket.disconnect", is("pubsub-subscriber", "socket.disconnect"), 10_000, { after: mark })
  await lab.logs.waitFor("socket.connect:retry", is("pubsub-subscriber", "socket.connect:retry"), 10_000, { after: mark })

  await lab.start("pubsub-publisher")
  const { restart, handshake, received } = await rejoinAfterRestart(lab.logs, "pubsub-subscriber", mark, { messages: 5, timeoutMs: 15_000 })

  assert.ok(Date.parse(handshake.timestamp) <= Date.parse(received.timestamp))
  assert.notEqual(restart.incarnation, restart.previousIncarnation)
  const retries = lab.logs.records.slice(mark).filter(r => r.service === "pubsub-subscriber" && r.event === "socket.connect:retry")
  assert.ok(retries.length >= 1)
  assert.equal(await lab.inspect("pubsub-subscriber", "{{.State.StartedAt}}"), subscriberStartedAt, "the subscriber container was not restarted")
  assert.equal(lab.logs.filter(is("pubsub-subscriber", "gap")).length, 0, "a restart is not a gap")

  const { stdout: composeLines } = await lab.compose(["logs", "--no-color", "pubsub-publisher", "pubsub-subscriber"], { quiet: true })
  const printer = spawnSync(process.execPath, ["--import", "tsx", "tools/pretty-logs.ts"], {
    cwd: root,
    input: composeLines,
    env: { ...process.env, NO_COLOR: "1" },
    encoding: "utf8",
  })
  assert.equal(printer.status, 0, printer.stderr)
  const shown = printer.stdout.split("\n").filter(line => line.includes("pubsub-subscriber"))
  const eventsShown = shown.map(line => line.split(/\s+/)[2])
  for (const step of ["socket.disconnect", "socket.connect:retry", "socket.handshake", "producer-restart", "joined", "summary"]) {
    assert.ok(eventsShown.includes(step), `make logs shows ${step}`)
  }
  assert.deepEqual(
    eventsShown.filter(event => event === "received" || event === "sent"),
    [],
    "no per-message lines by default",
  )
})
