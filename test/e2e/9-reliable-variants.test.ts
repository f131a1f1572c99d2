// End to end: `make reliable` starts the reliable variants beside the basic
// patterns (as the patterns' READMEs tell a newcomer to), and each one works:
// the Lazy Pirate's and the Paranoid Pirate's clients get replies, the
// reliable pipeline's sink delivers tasks, the Clone subscriber loads a
// snapshot and applies changes. Then the Paranoid Pirate's "try this": a
// worker paused with `make pause` is expired by the queue, and taken back
// after `make unpause`. The project gets a name of its own, so the test never
// touches a lab a person has running.
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { after, it } from "node:test"
import { ComposeProject, root } from "../../harness/compose.js"
import { is } from "../../harness/logs.js"
import { lockdownProblems } from "../../harness/lockdown.js"

const PROJECT = "zmqlab-e2e-reliable"
const lab = new ComposeProject(PROJECT)
after(() => lab.down())

it("make reliable starts the reliable variants, and each one serves", async () => {
  const make = (...args: string[]) => {
    const result = spawnSync("make", args, { cwd: root, encoding: "utf8", env: { ...process.env, COMPOSE_PROJECT_NAME: PROJECT } })
    assert.equal(result.status, 0, result.stdout + result.stderr)
  }
  make("reliable")

  const { stdout } = await lab.compose(["ps", "--format", "{{.Service}} {{.State}}"], { quiet: true })
  const states = Object.fromEntries(
    stdout
      .trim()
      .split("\n")
      .map(line => line.split(" ") as [string, string]),
  )
  const reliable = [
    ...["lazy-pirate-server", "lazy-pirate-client"],
    ...["paranoid-pirate-queue", "paranoid-pirate-worker-1", "paranoid-pirate-worker-2", "paranoid-pirate-client"],
    ...["reliable-pipeline-ventilator", "reliable-pipeline-worker-1", "reliable-pipeline-worker-2", "reliable-pipeline-sink"],
    ...["clone-publisher", "clone-subscriber", "clone-naive-publisher", "clone-naive-subscriber"],
  ]
  for (const service of reliable) assert.equal(states[service], "running", service)
  assert.equal(states["pubsub-publisher"], "running", "the basic patterns run too")
  for (const container of await lab.inspectAll()) assert.deepEqual(lockdownProblems(container), [], container.Name)

  lab.follow(reliable)
  await Promise.all([
    lab.logs.waitFor("a Lazy Pirate reply", is("lazy-pirate-client", "received"), 20_000),
    lab.logs.waitFor("a Paranoid Pirate reply", is("paranoid-pirate-client", "received"), 20_000),
    lab.logs.waitFor("a task delivered by the reliable sink", is("reliable-pipeline-sink", "delivered"), 20_000),
    lab.logs.waitFor("the Clone subscriber's snapshot", is("clone-subscriber", "snapshot"), 20_000),
    lab.logs.waitFor("a change applied to the Clone copy", is("clone-subscriber", "delivered"), 20_000),
  ])

  // A role reused from another pattern logs the pattern it serves in (make logs PATTERN=... finds it).
  for (const [service, pattern] of [
    ["paranoid-pirate-client", "paranoid-pirate"],
    ["reliable-pipeline-worker-1", "reliable-pipeline"],
    ["lazy-pirate-client", "lazy-pirate"],
  ]) {
    assert.equal(lab.logs.find(r => r.service === service)?.pattern, pattern, service)
  }

  // Paused only once it is known to serve: a worker between two connections
  // (back off after a silent queue, as a loaded machine can make it) is in no
  // list of the queue's, and pausing it would show nothing.
  const mark = lab.logs.mark
  await lab.logs.waitFor("a reply from paranoid-pirate-worker-1", is("paranoid-pirate-worker-1", "sent"), 20_000, { after: mark })
  // The connection that reply went out on: the worker's latest READY.
  const connection = lab.logs.records.findLast(is("paranoid-pirate-worker-1", "worker-ready"))?.routingId
  assert.ok(connection, "paranoid-pirate-worker-1 said READY before it replied")
  make("pause", "SERVICE=paranoid-pirate-worker-1")
  // The queue drops it either way: its own liveness runs out (worker-expired), or, when the
  // ZMTP heartbeat's timeout (2 s) ends the connection first, the next heartbeat to it fails (worker-gone).
  const expired = await lab.logs.waitFor(
    `the paused worker (${String(connection)}) expired or gone`,
    r => r.service === "paranoid-pirate-queue" && (r.event === "worker-expired" || r.event === "worker-gone") && r.worker === connection,
    10_000,
    { after: mark },
  )
  make("unpause", "SERVICE=paranoid-pirate-worker-1")
  // It comes back on a new socket (queue-silent), so under a new identity: the same service's name, the next number.
  await lab.logs.waitFor(
    "the worker taken back",
    is("paranoid-pirate-queue", "worker-ready", r => String(r.worker).startsWith("paranoid-pirate-worker-1.") && r.worker !== expired.worker),
    20_000,
    { after: mark },
  )
})
