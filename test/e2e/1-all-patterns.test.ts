// End to end, against the real Compose stack: everything `make up` starts is
// running, messages flow in every pattern within 10 s of start, and, left
// alone for a minute, no service reports a loss that did not happen: no `gap`,
// and no stats line with a non-zero lost or missed figure. (A worker's or a
// server's share of a stream is not a loss; a subscriber counts from its join.)
import assert from "node:assert/strict"
import { setTimeout as sleep } from "node:timers/promises"
import { after, it } from "node:test"
import { ComposeProject } from "../../harness/compose.js"
import { is, type LogRecord } from "../../harness/logs.js"
import { lockdownProblems } from "../../harness/lockdown.js"

const lab = new ComposeProject("zmqlab-e2e-all")
after(() => lab.down())

const SERVICES = [
  "pubsub-publisher",
  "pubsub-subscriber",
  "pipeline-ventilator",
  "pipeline-worker-1",
  "pipeline-worker-2",
  "pipeline-sink",
  "reqrep-server",
  "reqrep-client",
  "router-dealer-broker",
  "router-dealer-worker-1",
  "router-dealer-worker-2",
  "router-dealer-client",
  // Not a pattern: the lab's live page, started by make up too.
  "observer",
]
const LEFT_ALONE_MS = 60_000
let started = 0

it("all services run and every pattern carries messages within 10 s", async () => {
  started = Date.now()
  await lab.up()
  const states = await lab.states()
  assert.deepEqual(Object.keys(states).sort(), [...SERVICES].sort())
  for (const service of SERVICES) assert.equal(states[service], "running", service)
  // Least privilege (docker-compose.yml's x-lab): read-only root, no capability, no-new-privileges, limits, not root.
  for (const container of await lab.inspectAll()) assert.deepEqual(lockdownProblems(container), [], container.Name)

  const left = () => Math.max(1, 10_000 - (Date.now() - started))
  await Promise.all([
    lab.logs.waitFor("PUB/SUB: subscriber receives", is("pubsub-subscriber", "received"), left()),
    ...["pipeline-worker-1", "pipeline-worker-2"].map(worker =>
      lab.logs.waitFor(
        `pipeline: the sink has tasks done by ${worker}`,
        is("pipeline-sink", "delivered", r => r.worker === worker),
        left(),
      ),
    ),
    lab.logs.waitFor("REQ/REP: client gets a reply", is("reqrep-client", "received"), left()),
    ...["router-dealer-worker-1", "router-dealer-worker-2"].map(worker =>
      lab.logs.waitFor(
        `ROUTER/DEALER: client gets a reply via ${worker}`,
        is("router-dealer-client", "received", r => r.producer === worker),
        left(),
      ),
    ),
  ])
  assert.ok(Date.now() - started < 10_000 + 1000)
})

/** Every number under a key named `lost` or `missed`, anywhere in a record, with its path. */
function lossFigures(value: unknown, path = ""): Array<[string, number]> {
  if (typeof value !== "object" || value === null) return []
  return Object.entries(value).flatMap(([key, inner]) => {
    const here = path ? `${path}.${key}` : key
    if ((key === "lost" || key === "missed") && typeof inner === "number") return [[here, inner] as [string, number]]
    return lossFigures(inner, here)
  })
}

it("left alone for a minute: no gap, and every stats line shows nothing lost", async () => {
  // The experiment is "leave it alone for a minute": this sleep is its input, not a wait for an event.
  await sleep(Math.max(0, started + LEFT_ALONE_MS - Date.now()))
  const records = lab.logs.records
  const warnings = records.filter(r => ["gap", "late-arrival", "duplicate", "join-unknown"].includes(r.event))
  assert.deepEqual(
    warnings.map(r => `${r.service} ${r.event}: ${String(r.message)}`),
    [],
  )

  const stats = records.filter(r => r.event === "stats")
  const nonZero = stats.flatMap((r: LogRecord) =>
    lossFigures(r)
      .filter(([, n]) => n !== 0)
      .map(([path, n]) => `${r.service} ${path}=${n} at ${r.timestamp}`),
  )
  assert.deepEqual(nonZero, [])

  // The figures are there to be zero: each judging consumer reports a lost figure, and has received.
  for (const consumer of ["pubsub-subscriber", "pipeline-sink"]) {
    const last = stats.filter(r => r.service === consumer).at(-1)
    assert.ok(last, `${consumer} wrote stats lines`)
    assert.equal(last.lost, 0, `${consumer}: lost`)
    assert.ok((last.received as number) > 0, `${consumer}: received`)
  }
  for (const client of ["reqrep-client", "router-dealer-client"]) {
    const last = stats.filter(r => r.service === client).at(-1)!
    assert.equal(last.lost, 0, `${client}: lost`)
    assert.ok((last.answered as number) > 0, `${client}: answered`)
  }
})
