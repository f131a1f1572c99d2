// REQ/REP, the client: one request per interval, the reply awaited and its
// round-trip time logged (the requester is shared/requester.ts). With a receive
// timeout (REQREP_TIMEOUT_MS) it opens a new socket after a lost reply and goes
// on with the next request: that one is lost. REQREP_TIMEOUT_MS=0 is the naive
// client: no timeout, stuck for good after a lost reply. The client that
// resends a timed-out request is the Lazy Pirate's (services/lazy-pirate/).
import { pick } from "../../shared/config.js"
import { runRequester } from "../../shared/requester.js"
import { startService } from "../../shared/service.js"

const service = startService(
  "reqrep",
  pick("REQREP_CONNECT", "REQREP_INTERVAL_MS", "REQREP_TIMEOUT_MS", "REQREP_SHOW_LOCKSTEP", "REQREP_REQUESTS", "REQREP_BODY", "REQREP_PAYLOAD_BYTES"),
)
const { config } = service

await runRequester(service, {
  connect: config.REQREP_CONNECT,
  intervalMs: config.REQREP_INTERVAL_MS,
  timeoutMs: config.REQREP_TIMEOUT_MS,
  retries: 0,
  retryBackoffMs: 0,
  requests: config.REQREP_REQUESTS,
  body: config.REQREP_BODY,
  payloadBytes: config.REQREP_PAYLOAD_BYTES,
  showLockstep: config.REQREP_SHOW_LOCKSTEP,
})
