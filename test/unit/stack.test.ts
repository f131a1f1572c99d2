// The Swarm stack is made from the Compose file: the committed docker-stack.yml
// is what `make stack` writes now, and the two agree on services, commands,
// ports and settings; what the stack adds is what Swarm needs.
import assert from "node:assert/strict"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { it } from "node:test"
import { parse } from "yaml"
import { root } from "../../harness/compose.js"
import { NETWORK, readCompose, SIDES, stackFrom, stackServices, stackText } from "../../harness/stack.js"
import { composeServices } from "../support/compose-file.js"

type StackService = {
  command: string[]
  environment: Record<string, string>
  ports?: string[]
  networks: string[]
  deploy: { endpoint_mode: string; placement: { constraints: string[] }; resources: unknown }
}
const committed = readFileSync(join(root, "docker-stack.yml"), "utf8")
const stack = parse(committed) as { services: Record<string, StackService>; networks: Record<string, { driver: string }> }
const compose = readCompose(root)

it("docker-stack.yml is what make stack writes from docker-compose.yml now", () => {
  assert.equal(committed, stackText(root), "run make stack")
})

it("has the services make up starts, the observer aside, each placed by its side", () => {
  const started = composeServices()
    .filter(s => s.default && s.name !== "observer")
    .map(s => s.name)
  assert.deepEqual(Object.keys(stack.services), started)
  assert.deepEqual(Object.keys(SIDES).sort(), [...started].sort(), "SIDES names every service of the stack")
  for (const [name, service] of Object.entries(stack.services)) {
    const side = SIDES[name] === "bind" ? "!= connect" : "!= bind"
    assert.deepEqual(service.deploy.placement.constraints, [`node.labels.zmq-lab.side ${side}`], name)
  }
})

it("agrees with the Compose file on commands, ports, settings and limits", () => {
  for (const name of stackServices(compose)) {
    const [ours, theirs] = [stack.services[name]!, compose.services[name]!]
    assert.deepEqual(ours.command, theirs.command, `${name}: command`)
    assert.deepEqual(ours.ports, theirs.ports, `${name}: ports`)
    assert.deepEqual(ours.deploy.resources, theirs.deploy?.resources, `${name}: limits`)
    const { SERVICE_NAME, INCARNATION, ...settings } = ours.environment
    assert.deepEqual(settings, theirs.environment ?? {}, `${name}: settings`)
    // Identity from the task, not the hostname (a container id in Swarm).
    assert.equal(SERVICE_NAME, `${name}.{{.Task.Slot}}`)
    assert.equal(INCARNATION, "{{.Task.ID}}")
  }
})

it("gives every service the task's own address on one overlay network", () => {
  assert.equal(stack.networks[NETWORK]?.driver, "overlay")
  for (const [name, service] of Object.entries(stack.services)) {
    assert.equal(service.deploy.endpoint_mode, "dnsrr", name)
    assert.deepEqual(service.networks, [NETWORK], name)
  }
})

it("refuses a Compose service it cannot place", () => {
  const extra = { services: { ...compose.services, "new-role": { command: ["node", "x.js"] } } }
  assert.throws(() => stackFrom(extra), /new-role: no side/)
})
