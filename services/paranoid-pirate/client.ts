// Paranoid Pirate, the client: the Lazy Pirate's client, as the Guide has it
// (timeout, resend on a new socket with backoff, give up after the last retry),
// here connected to the queue (LAZY_PIRATE_CONNECT in docker-compose.yml).
import "../lazy-pirate/client.js"
