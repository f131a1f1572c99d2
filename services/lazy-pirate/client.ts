// Lazy Pirate, the client: a REQ client that does not trust its server. A
// request without a reply within LAZY_PIRATE_TIMEOUT_MS is sent again on a new
// socket (a REQ that lost its reply refuses to send anything else), waiting
// LAZY_PIRATE_RETRY_BACKOFF_MS, then twice as long, before each retry, so that
// a server that is restarting does not meet a storm of them; after
// LAZY_PIRATE_RETRIES it gives up cleanly (`give-up`, exit 0). The requester
// itself is shared with the plain client (shared/requester.ts).
import { pick } from "../../shared/config.js"
import { runRequester } from "../../shared/requester.js"
import { startService } from "../../shared/service.js"

const service = startService(
  "lazy-pirate",
  pick(
    "LAZY_PIRATE_CONNECT",
    "LAZY_PIRATE_INTERVAL_MS",
    "LAZY_PIRATE_TIMEOUT_MS",
    "LAZY_PIRATE_RETRIES",
    "LAZY_PIRATE_RETRY_BACKOFF_MS",
    "LAZY_PIRATE_REQUESTS",
    "LAZY_PIRATE_BODY",
  ),
)
const { config } = service

await runRequester(service, {
  connect: config.LAZY_PIRATE_CONNECT,
  intervalMs: config.LAZY_PIRATE_INTERVAL_MS,
  timeoutMs: config.LAZY_PIRATE_TIMEOUT_MS,
  retries: config.LAZY_PIRATE_RETRIES,
  retryBackoffMs: config.LAZY_PIRATE_RETRY_BACKOFF_MS,
  requests: config.LAZY_PIRATE_REQUESTS,
  body: config.LAZY_PIRATE_BODY,
})
