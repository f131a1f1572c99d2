// End to end: the lab on a Docker Swarm of three nodes on this machine, as the
// README tells a person to run it: make swarm-sim-up, make swarm-up. Every
// service runs, those that bind on other nodes than those that connect, each
// names itself after its task (not the container id Swarm makes its hostname),
// and messages cross the overlay network between nodes. Then the Swarm
// scenarios through the scenario runner (a node paused, a node cut off,
// workers scaled), and make swarm-down && make swarm-sim-down leave no
// container, network, volume or context behind.
import assert from "node:assert/strict"
import { spawn, spawnSync } from "node:child_process"
import { after, before, it } from "node:test"
import { docker, root } from "../../harness/compose.js"
import { LogCollector, is } from "../../harness/logs.js"
import { SIDES } from "../../harness/stack.js"
import { SIM_CONTEXT, taskName } from "../../harness/swarm.js"
import nodeDown from "../../scenarios/swarm/node-down.js"
import nodePartition from "../../scenarios/swarm/node-partition.js"
import scaleWorkers from "../../scenarios/swarm/scale-workers.js"
import { runScenario } from "../../scenarios/runner/runner.js"

const STACK = "zmq-lab"
const swarm = (args: string[]) => docker(args, { env: { DOCKER_CONTEXT: SIM_CONTEXT } })

/** A make target, its output shown as it goes (the cluster's first start builds two images). */
function make(target: string): void {
  const result = spawnSync("make", ["-s", target], { cwd: root, stdio: ["ignore", "inherit", "inherit"] })
  assert.equal(result.status, 0, `make ${target}`)
}

let tornDown = false
async function tearDown(): Promise<void> {
  if (tornDown) return
  tornDown = true
  make("swarm-down")
  make("swarm-sim-down")
}

let volumesBefore = ""
before(async () => {
  volumesBefore = (await docker(["volume", "ls", "--quiet"])).stdout
  make("swarm-sim-up")
  make("swarm-up")
})
after(tearDown)

it("make swarm-up runs the lab over three nodes: producers and consumers apart, names from the tasks, messages across nodes", async () => {
  const { stdout: ids } = await swarm(["node", "ls", "--quiet"])
  const format = '{{.Description.Hostname}} {{.Status.State}} {{index .Spec.Labels "zmq-lab.side"}}'
  const { stdout: nodeList } = await swarm(["node", "inspect", "--format", format, ...ids.trim().split("\n")])
  const sideOf = Object.fromEntries(
    nodeList
      .trim()
      .split("\n")
      .map(line => line.split(" "))
      .map(([host, state, side]) => {
        assert.equal(state, "ready", `${host} is ready`)
        return [host!, side!]
      }),
  )
  assert.equal(Object.keys(sideOf).length, 3, "three nodes")

  // The stack file as the Docker CLI reads it: every service on the image given.
  const { stdout: config } = await docker(["stack", "config", "--compose-file", "docker-stack.yml"], { env: { LAB_IMAGE: "lab-registry:5000/zmq-lab:x" } })
  assert.equal((config.match(/^ {4}image: lab-registry:5000\/zmq-lab:x$/gm) ?? []).length, Object.keys(SIDES).length, "every service on LAB_IMAGE")

  const { stdout: tasks } = await swarm(["stack", "ps", "--filter", "desired-state=running", "--format", "{{.Name}} {{.Node}} {{.CurrentState}}", STACK])
  const nodeOf: Record<string, string> = {}
  for (const [task, node, state] of tasks
    .trim()
    .split("\n")
    .map(line => line.split(" "))) {
    assert.equal(state, "Running", `${task} runs`)
    nodeOf[task!.slice(STACK.length + 1).replace(/\.\d+$/, "")] = node!
  }
  assert.deepEqual(Object.keys(nodeOf).sort(), Object.keys(SIDES).sort(), "every service of the stack runs")
  for (const [service, side] of Object.entries(SIDES)) {
    assert.notEqual(sideOf[nodeOf[service]!], side === "bind" ? "connect" : "bind", `${service} (${side}) is on a node of its side`)
  }
  assert.notEqual(nodeOf["pubsub-publisher"], nodeOf["pubsub-subscriber"], "publisher and subscriber on different nodes")

  // Each consumer's lines: its own name from the task, messages from a producer on another node.
  const logs = new LogCollector()
  const followers = ["pubsub-subscriber", "pipeline-sink", "reqrep-client", "router-dealer-client"].map(service => {
    const follower = spawn("docker", ["service", "logs", "--follow", "--raw", `${STACK}_${service}`], {
      stdio: ["ignore", "pipe", "ignore"],
      env: { ...process.env, DOCKER_CONTEXT: SIM_CONTEXT },
    })
    logs.follow(follower.stdout)
    return follower
  })
  try {
    const flows = await Promise.all([
      logs.waitFor("the subscriber receiving", is(taskName("pubsub-subscriber"), "received"), 60_000),
      logs.waitFor("the sink delivering", is(taskName("pipeline-sink"), "delivered"), 60_000),
      logs.waitFor("the REQ client's replies", is(taskName("reqrep-client"), "received"), 60_000),
      logs.waitFor("the ROUTER/DEALER client's replies", is(taskName("router-dealer-client"), "received"), 60_000),
    ])
    assert.equal(flows[0].producer, taskName("pubsub-publisher"), "the publisher names itself after its task")
    assert.ok(
      logs.records.every(r => /\.\d+$/.test(r.service)),
      `every line names a task, none a container id: ${[...new Set(logs.records.map(r => r.service))].join(", ")}`,
    )
  } finally {
    for (const follower of followers) follower.kill("SIGTERM")
  }
})

// Each scenario deploys a stack of its own (and removes it): the lab's goes first, so a fault hits only the scenario's.
for (const [index, scenario] of [nodeDown, nodePartition, scaleWorkers].entries()) {
  it(`${scenario.name}: ${scenario.claim}`, async () => {
    if (index === 0) make("swarm-down")
    const { result } = await runScenario(scenario, { print: line => console.log(line) })
    for (const check of result.checks)
      console.log(`  ${check.pass ? "pass" : "FAIL"}  ${check.name}: ${JSON.stringify(check.observed)} (expected ${check.expected})`)
    assert.equal(result.verdict, "PASS", result.error ?? "a check failed")
  })
}

it("make swarm-down && make swarm-sim-down leave no container, network, volume or context", async () => {
  await tearDown()
  const containers = await docker(["ps", "--all", "--quiet", "--filter", "label=zmq-lab.swarm-sim"])
  assert.equal(containers.stdout.trim(), "", "no node container")
  const networks = await docker(["network", "ls", "--quiet", "--filter", "name=zmq-lab-swarm-sim"])
  assert.equal(networks.stdout.trim(), "", "no network")
  assert.equal((await docker(["volume", "ls", "--quiet"])).stdout, volumesBefore, "no volume")
  const context = await docker(["context", "inspect", SIM_CONTEXT], { check: false })
  assert.notEqual(context.code, 0, "no context")
})
