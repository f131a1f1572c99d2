// The scenario catalogue, in the order `make scenarios` runs it.
import type { Scenario } from "./runner/dsl.js"
import psReconnect from "./ps-reconnect.js"

export const catalogue: Scenario[] = [psReconnect] as Scenario[]
