// `make events`: reads `docker compose logs` on stdin (not following) and
// prints the last EVENTS (default 30) life-cycle, fault and loss events of the
// whole lab as a table: time, service, event, detail.
import { createInterface } from "node:readline"
import { eventsTable, parseComposeLine, type LogRecord } from "../shared/pretty.js"

const count = Number(process.env.EVENTS || 30)
const records: LogRecord[] = []
for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
  const { record } = parseComposeLine(line)
  if (record) records.push(record)
}
// Compose prints each container's lines in turn: put them in time order.
records.sort((a, b) => String(a.timestamp).localeCompare(String(b.timestamp)))
process.stdout.write(`${eventsTable(records, Number.isInteger(count) && count > 0 ? count : 30)}\n`)
