import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { readFileSync } from "node:fs"
import {
  boolean,
  checkEnvFile,
  COMPOSE_KEYS,
  ConfigError,
  decimal,
  endpoint,
  endpoints,
  integer,
  integers,
  jsonObject,
  oneOf,
  parseConfig,
  settingsTable,
  SETTINGS,
  text,
} from "../../shared/config.js"

describe("parseConfig", () => {
  const spec = {
    RATE: decimal(10, { min: 0.01, max: 1000 }),
    HWM: integer(1000, { min: 0, max: 100_000 }),
    BIND: endpoint("tcp://*:5556"),
    VERBOSE: boolean(true),
    FORMAT: oneOf(["json", "pretty"] as const, "json"),
    TOPIC: text("ticks"),
  }

  it("uses the defaults when variables are unset or blank", () => {
    assert.deepEqual(parseConfig(spec, { RATE: "  " }), { RATE: 10, HWM: 1000, BIND: "tcp://*:5556", VERBOSE: true, FORMAT: "json", TOPIC: "ticks" })
  })

  it("parses given values", () => {
    const config = parseConfig(spec, { RATE: "2.5", HWM: "0", BIND: "tcp://pubsub-publisher:6000", VERBOSE: "off", FORMAT: "pretty", TOPIC: "a.b" })
    assert.deepEqual(config, { RATE: 2.5, HWM: 0, BIND: "tcp://pubsub-publisher:6000", VERBOSE: false, FORMAT: "pretty", TOPIC: "a.b" })
  })

  const invalid: Array<[string, string, RegExp]> = [
    ["RATE", "fast", /invalid RATE="fast": expected a number from 0.01 to 1000/],
    ["RATE", "0", /invalid RATE="0"/],
    ["HWM", "1.5", /invalid HWM="1.5": expected an integer from 0 to 100000/],
    ["HWM", "-1", /invalid HWM="-1"/],
    ["BIND", "tcp://host", /invalid BIND="tcp:\/\/host": expected a ZeroMQ endpoint/],
    ["BIND", "tcp://host:70000", /invalid BIND/],
    ["BIND", "http://host:80", /invalid BIND/],
    ["VERBOSE", "maybe", /invalid VERBOSE="maybe": expected true or false/],
    ["FORMAT", "xml", /invalid FORMAT="xml": expected one of json, pretty/],
    ["TOPIC", "two words", /invalid TOPIC/],
  ]
  for (const [variable, value, message] of invalid) {
    it(`rejects ${variable}=${value} naming the variable, the value and what is expected`, () => {
      assert.throws(
        () => parseConfig(spec, { [variable]: value }),
        (error: unknown) => error instanceof ConfigError && error.variable === variable && error.value === value && message.test(error.message),
      )
    })
  }

  it("requires a variable without a default", () => {
    assert.throws(() => parseConfig({ NEEDED: integer(undefined) }, {}), /invalid NEEDED="": expected an integer .* \(required\)/)
  })

  it("accepts ipc, inproc and bracketed IPv6 endpoints", () => {
    for (const value of ["ipc:///tmp/backend", "inproc://workers", "tcp://[::1]:5556", "tcp://127.0.0.1:1"]) {
      assert.equal(parseConfig({ E: endpoint(undefined) }, { E: value }).E, value)
    }
  })

  it("parses lists of endpoints and integers, and JSON objects", () => {
    const spec = { E: endpoints(["tcp://a:1"]), N: integers([0], { max: 10 }), J: jsonObject(null) }
    assert.deepEqual(parseConfig(spec, {}), { E: ["tcp://a:1"], N: [0], J: null })
    assert.deepEqual(parseConfig(spec, { E: "tcp://a:1, tcp://b:2", N: "1,2,3", J: '{"path":"x"}' }), {
      E: ["tcp://a:1", "tcp://b:2"],
      N: [1, 2, 3],
      J: { path: "x" },
    })
    assert.throws(() => parseConfig(spec, { E: "tcp://a:1,nope" }), /invalid E="tcp:\/\/a:1,nope": expected a comma-separated list of ZeroMQ endpoints/)
    assert.throws(() => parseConfig(spec, { N: "1,11" }), /invalid N="1,11": expected a comma-separated list of integers from 0 to 10/)
    assert.throws(() => parseConfig(spec, { J: "[1]" }), /invalid J="\[1\]": expected a JSON object/)
  })
})

describe("the settings schema and .env", () => {
  it("warns of a key no service reads, naming the setting it most likely meant", () => {
    const { unknown, invalid } = checkEnvFile({ PUBSUB_RAT: "20", PUB_PORT: "abc", NODE_IMAGE: "x" })
    assert.deepEqual(unknown, [
      { key: "PUBSUB_RAT", suggestion: "PUBSUB_RATE" },
      { key: "PUB_PORT", suggestion: undefined },
    ])
    assert.deepEqual(invalid, [])
  })

  it("fails on a value a service would refuse, naming the setting, the value and what is allowed", () => {
    const { invalid } = checkEnvFile({ PUBSUB_RATE: "abc", LOG_LEVEL: "debug" })
    assert.deepEqual(
      invalid.map(e => e.message),
      ['invalid PUBSUB_RATE="abc": expected a number from 0.01 to 1000000'],
    )
  })

  it("shows every setting's value, where it comes from, and the services that set it otherwise", () => {
    const rows = settingsTable({ PUBSUB_RATE: "20" }, { "lazy-pirate-server": { REQREP_BIND: "tcp://*:5569", PUBSUB_RATE: "20" } })
    assert.deepEqual(
      rows.find(r => r.name === "PUBSUB_RATE"),
      { name: "PUBSUB_RATE", value: "20", from: ".env", overrides: [] },
    )
    assert.deepEqual(
      rows.find(r => r.name === "REQREP_BIND"),
      { name: "REQREP_BIND", value: "tcp://*:5559", from: "default", overrides: [{ service: "lazy-pirate-server", value: "tcp://*:5569" }] },
    )
    assert.equal(rows.length, Object.keys(SETTINGS).length)
  })

  it(".env.example names only settings, each with its schema default (it cannot drift)", () => {
    const lines = readFileSync(new URL("../../.env.example", import.meta.url), "utf8")
      .split("\n")
      .filter(line => /^#?[A-Z][A-Z0-9_]*=/.test(line))
    assert.ok(lines.length > 10)
    for (const line of lines) {
      assert.ok(line.startsWith("#"), `${line}: commented, so that a copied .env changes nothing by itself`)
      const [key, value] = line.slice(1).split("=") as [string, string]
      if (COMPOSE_KEYS.has(key)) continue
      const setting = SETTINGS[key as keyof typeof SETTINGS]
      assert.ok(setting, `${key} is a setting`)
      assert.deepEqual(setting.parse(key, value), setting.parse(key, undefined), `${key}: the value shown is the default`)
    }
  })
})
