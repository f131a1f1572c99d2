// On a Docker Swarm: the node that runs the publisher goes down (paused: its
// engine and every task on it frozen, silent to the others). Swarm notices
// the node is gone and starts the publisher again on another node, with a new
// address; the subscriber, on a third node, drops its dead connection (ZMTP
// heartbeats), resolves the name again and finds the new task. Then the node
// comes back, with the old publisher still in it, until Swarm stops it.
// Measured: how long the subscriber was without messages, and what was lost.
import { nodeDown, nodeUp } from "../runner/dsl.js"
import { moveScenario, PUBLISHER } from "./figures.js"

export default moveScenario({
  name: "swarm-node-down",
  claim:
    "When the node that runs the publisher goes down, Swarm starts the publisher on another node and the subscriber, on a third, reconnects to it by itself: messages stop for as long as that takes, and only those in flight at the fault are lost.",
  note: "The subscriber finds the new task only because it drops the dead connection: with ZMTP heartbeats (500 ms, timeout 2 s) it does so within seconds, and its next connect resolves the service name again (endpoint_mode dnsrr) to the new task's address. Most of the recovery time is Swarm's own: a node is declared down only after its heartbeats have stopped for several seconds. The rescheduled publisher is a new incarnation of the same producer (the task's slot keeps its name): what it sent before the subscriber was back counts as before the subscriber's join, not as lost. And when the node comes back, so does the old publisher, frozen mid-stream: it publishes on, to nobody, until Swarm stops it (about 3 s later here). Those messages are lost too, and counted apart. On the simulated Swarm a node's containers live under its cgroup, so pausing the node freezes its tasks too; with its engine alone frozen, the old task would run on unseen beside its replacement.",
  take: nodeDown(PUBLISHER),
  // The old task runs on with its node, until Swarm stops it (the action returns then).
  giveBack: nodeUp(PUBLISHER),
  sentToNobody: "sent by the old publisher after its node came back, to nobody (lost)",
})
