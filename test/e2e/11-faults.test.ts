// End to end: make fault / make faults / make heal on a running service, the
// rules checked inside its network namespace; a netem kind fails at once on a
// kernel without netem, naming the module (and works where the kernel has it);
// bad input is refused with the reason; no helper container is left behind.
import assert from "node:assert/strict"
import { spawnSync } from "node:child_process"
import { after, before, it } from "node:test"
import { ComposeProject, docker, root } from "../../harness/compose.js"
import { activeFaults, netemAvailable } from "../../harness/faults.js"

const lab = new ComposeProject("zmqlab-e2e-faults")
let sink = ""

/** A make target against this test's project (COMPOSE_PROJECT_NAME, as for a lab of another name). */
function make(...args: string[]): { status: number; out: string } {
  const result = spawnSync("make", ["-s", ...args], { cwd: root, encoding: "utf8", env: { ...process.env, COMPOSE_PROJECT_NAME: lab.name } })
  return { status: result.status ?? -1, out: `${result.stdout}${result.stderr}` }
}

before(async () => {
  await lab.up(["pipeline-sink"])
  sink = await lab.containerId("pipeline-sink")
})
after(() => lab.down())

it("make fault makes a loss in the service's namespace, make faults shows it, make heal SERVICE=ALL removes every rule", async () => {
  const made = make("fault", "SERVICE=pipeline-sink", "KIND=loss", "PCT=30")
  assert.equal(made.status, 0, made.out)
  assert.match(made.out, /loss 30% on pipeline-sink/)
  assert.equal((await activeFaults(sink)).filter(rule => rule.includes("statistic")).length, 2, "in and out")
  const listed = make("faults")
  assert.match(listed.out, /pipeline-sink\s+-A INPUT .*statistic/)
  assert.equal(make("heal", "SERVICE=ALL").status, 0)
  assert.deepEqual(await activeFaults(sink), [], "no rule left in the namespace")
  assert.match(make("faults").out, /no fault active/)
})

it("a netem kind fails at once naming the missing module on a kernel without netem, and works where it has it", async () => {
  const netem = await netemAvailable()
  const started = Date.now()
  const result = make("fault", "SERVICE=pipeline-sink", "KIND=delay", "MS=50")
  if (netem.available) {
    assert.equal(result.status, 0, result.out)
    assert.equal(make("heal", "SERVICE=pipeline-sink").status, 0)
  } else {
    assert.equal(result.status, 2, result.out)
    assert.match(result.out, /sch_netem/)
    assert.ok(Date.now() - started < 15_000, "at once, not after a wait")
  }
})

it("refuses bad input with the reason, and leaves no helper container", async () => {
  for (const [args, reason] of [
    [["KIND=explode"], /KIND=explode: one of loss/],
    [["KIND=loss"], /needs PCT/],
    [["KIND=reset"], /needs PORT/],
  ] as const) {
    const result = make("fault", "SERVICE=pipeline-sink", ...args)
    assert.equal(result.status, 2)
    assert.match(result.out, reason)
  }
  assert.match(make("fault", "SERVICE=nobody", "KIND=loss", "PCT=5").out, /no running container of nobody/)
  const { stdout } = await docker(["ps", "-aq", "--filter", "label=zmq-lab.fault-helper"])
  assert.equal(stdout.trim(), "")
})
