// ROUTER/DEALER, the broker: a ROUTER frontend for the clients and a DEALER
// backend for the workers (the clustered design of "Node.js the Right Way",
// chapter 4). The forwarding itself is shared/broker.ts.
import { Dealer, Router } from "zeromq"
import { runBroker } from "../../shared/broker.js"
import { pick } from "../../shared/config.js"
import { Inbox } from "../../shared/inbox.js"
import { startService } from "../../shared/service.js"
import { bindSocket, routerOptions, socketOptions } from "../../shared/sockets.js"

const service = startService("router-dealer", pick("ROUTER_DEALER_FRONTEND_BIND", "ROUTER_DEALER_BACKEND_BIND"))
const { config } = service

// Its only messages of its own: error replies to garbage.
const producer = service.producer("errors")
const inbox = new Inbox(service)
// mandatory: a reply for a client that is gone fails loudly instead of vanishing.
const frontend = await bindSocket(service, new Router(routerOptions(config)), config.ROUTER_DEALER_FRONTEND_BIND, "router")
const backend = await bindSocket(service, new Dealer(socketOptions(config, "both")), config.ROUTER_DEALER_BACKEND_BIND, "dealer")
const counts = { requests: 0, replies: 0, unroutable: 0 }
service.reportStats(() => ({ ...counts, badMessages: inbox.badMessages }))

await runBroker(service, frontend, backend, inbox, producer, counts)
