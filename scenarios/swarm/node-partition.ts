// On a Docker Swarm: the node that runs the publisher is cut off from the
// other nodes (its traffic dropped both ways), then healed. Unlike a node
// that goes down, the old publisher runs on through the cut, publishing to
// nobody: Swarm, which no longer hears the node, starts the publisher again
// on another node, and the subscriber finds it there. When the cut heals, the
// node hears from the manager and stops the old task.
import { cutNode, healNode } from "../runner/dsl.js"
import { moveScenario, PUBLISHER } from "./figures.js"

export default moveScenario({
  name: "swarm-node-partition",
  claim:
    "When the node that runs the publisher is cut off from the others, Swarm starts the publisher on another node and the subscriber reconnects to it; when the cut heals, the old publisher is stopped, and only what it sent into the cut is lost.",
  note: "Through the cut, two tasks of the same publisher run at once, each on its side: the old one publishes on to nobody (its subscriber's connection died with the cut), and every message it sends is lost. Nothing on the old node's side can tell: only the manager knows the task was replaced, and the node hears it only when the cut heals. Its log lines, written on the cut-off node, are read from that node's engine at the end of the run.",
  take: cutNode(PUBLISHER),
  giveBack: healNode(PUBLISHER),
  sentToNobody: "sent by the old publisher during the cut and until it was stopped, to nobody (lost)",
})
