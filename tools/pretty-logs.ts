// `make logs`: reads `docker compose logs` on stdin, prints each JSON log line
// as a colored human line (one color per service).
import { createInterface } from "node:readline"
import { formatComposeLine } from "../shared/pretty.js"

const color = process.env.NO_COLOR === undefined
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  process.stdout.write(`${formatComposeLine(line, { color })}\n`)
}
