import assert from "node:assert/strict"
import { it } from "node:test"
import { lockdownProblems, type Inspected } from "../../harness/lockdown.js"

const locked: Inspected = {
  Name: "/zmq-lab-reqrep-server-1",
  Config: { User: "node" },
  HostConfig: {
    ReadonlyRootfs: true,
    CapDrop: ["ALL"],
    CapAdd: null,
    SecurityOpt: ["no-new-privileges:true"],
    Memory: 134_217_728,
    PidsLimit: 64,
    Init: true,
    Privileged: false,
  },
}
const withHost = (host: Partial<Inspected["HostConfig"]>, user = "node"): Inspected => ({
  ...locked,
  Config: { User: user },
  HostConfig: { ...locked.HostConfig, ...host },
})

it("a container as the compose file makes it has nothing wrong", () => {
  assert.deepEqual(lockdownProblems(locked), [])
})

it("each missing confinement is named", () => {
  assert.deepEqual(lockdownProblems(withHost({ ReadonlyRootfs: false })), ["root file system is writable"])
  assert.deepEqual(lockdownProblems(withHost({ CapDrop: ["NET_RAW"] })), ["capabilities are not all dropped"])
  assert.deepEqual(lockdownProblems(withHost({ CapAdd: ["NET_ADMIN"] })), ["capabilities added: NET_ADMIN"])
  assert.deepEqual(lockdownProblems(withHost({ SecurityOpt: null })), ["no-new-privileges is not set"])
  assert.deepEqual(lockdownProblems(withHost({ Memory: 0 })), ["no memory limit"])
  assert.deepEqual(lockdownProblems(withHost({ PidsLimit: null })), ["no pids limit"])
  assert.deepEqual(lockdownProblems(withHost({ Init: null })), ["no init process"])
  assert.deepEqual(lockdownProblems(withHost({ Privileged: true })), ["privileged"])
  assert.deepEqual(lockdownProblems(withHost({}, "")), ["runs as root"])
  assert.deepEqual(lockdownProblems(withHost({}, "0:0")), ["runs as root"])
})
