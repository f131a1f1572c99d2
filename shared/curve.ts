// CURVE (ZeroMQ RFC 26) on every TCP socket of the lab when SECURITY=curve: a
// bound socket is a CURVE server, a connecting one a client that must know the
// server's public key. Which clients get in is decided by a ZAP handler (RFC 27)
// in each server process: a ROUTER on the fixed inproc endpoint that libzmq asks
// at every handshake, answering from an allow-list of public keys.
//
// Keys are files (Compose secrets, never environment variables): `<name>.secret`
// and `<name>.pub`, Z85 text. ipc:// and inproc:// sockets stay inside one
// container and are left plain; udp:// (RADIO/DISH) has no handshake at all.
import { readdirSync, readFileSync } from "node:fs"
import { join } from "node:path"
import { Router } from "zeromq"
import type { CommonConfig, Service } from "./service.js"
import { isCurveKey, keyId, z85Encode } from "./z85.js"

/** The endpoint libzmq sends ZAP requests to (RFC 27): one per process, bound before any CURVE server accepts. */
export const ZAP_ENDPOINT = "inproc://zeromq.zap.01"
/** The ZAP domain every server socket of the lab names. */
export const ZAP_DOMAIN = "zmq-lab"

/** A key file that is missing, unreadable or not a key: the message names the file. */
export class KeyFileError extends Error {
  constructor(
    readonly file: string,
    problem: string,
  ) {
    super(`key file ${file} ${problem}`)
    this.name = "KeyFileError"
  }
}

/** Reads one Z85 key file. */
export function readKey(file: string): string {
  let text: string
  try {
    text = readFileSync(file, "utf8").trim()
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error)
    throw new KeyFileError(file, `cannot be read (${code}): create the keys with make keys, and start the lab with SECURITY=curve make up`)
  }
  if (!isCurveKey(text)) throw new KeyFileError(file, "does not hold a CURVE key (40 characters of Z85)")
  return text
}

type CurveConfig = Pick<CommonConfig, "SECURITY" | "CURVE_KEYS_DIR" | "CURVE_SERVER_KEY" | "CURVE_CLIENT_KEY" | "CURVE_ALLOWED_DIR">

/** Pure: whether CURVE applies to a socket with these endpoints (TCP ones, under SECURITY=curve). */
export const isSecured = (config: CurveConfig, endpoints: string[]): boolean =>
  config.SECURITY === "curve" && endpoints.length > 0 && endpoints.every(endpoint => endpoint.startsWith("tcp://"))

const keyFile = (config: CurveConfig, name: string, part: "pub" | "secret") => join(config.CURVE_KEYS_DIR, `${name}.${part}`)

/** What a bound socket is under CURVE: the options, and the line that says so. */
export function serverSecurity(config: CurveConfig) {
  const publicKey = readKey(keyFile(config, config.CURVE_SERVER_KEY, "pub"))
  const options = { curveServer: true, curveSecretKey: readKey(keyFile(config, config.CURVE_SERVER_KEY, "secret")), zapDomain: ZAP_DOMAIN }
  return {
    options,
    keys: { key: keyId(publicKey) },
    describe: `CURVE server, key ${keyId(publicKey)} (${config.CURVE_SERVER_KEY}); clients checked against ${config.CURVE_ALLOWED_DIR}`,
  }
}

/** What a connecting socket is under CURVE: its own key pair, and the server key it trusts. */
export function clientSecurity(config: CurveConfig) {
  const serverKey = readKey(keyFile(config, config.CURVE_SERVER_KEY, "pub"))
  const publicKey = readKey(keyFile(config, config.CURVE_CLIENT_KEY, "pub"))
  const options = { curveServerKey: serverKey, curvePublicKey: publicKey, curveSecretKey: readKey(keyFile(config, config.CURVE_CLIENT_KEY, "secret")) }
  return {
    options,
    keys: { key: keyId(publicKey), serverKey: keyId(serverKey) },
    describe: `CURVE client, key ${keyId(publicKey)} (${config.CURVE_CLIENT_KEY}), trusting server key ${keyId(serverKey)} (${config.CURVE_SERVER_KEY})`,
  }
}

// --- ZAP -------------------------------------------------------------------------------

export interface ZapRequest {
  version: string
  requestId: Buffer
  domain: string
  address: string
  mechanism: string
  credentials: Buffer[]
}

/** Pure: a ZAP request's frames (after the ROUTER's envelope); undefined if there are too few. */
export function parseZapRequest(frames: Buffer[]): ZapRequest | undefined {
  const [version, requestId, domain, address, , mechanism, ...credentials] = frames
  if (!version || !requestId || !domain || !address || !mechanism) return undefined
  return { version: version.toString(), requestId, domain: domain.toString(), address: address.toString(), mechanism: mechanism.toString(), credentials }
}

export interface ZapDecision {
  allowed: boolean
  status: "200" | "400" | "500"
  text: string
  /** The client's public key (Z85), where it showed one. */
  key?: string
}

/** Pure: RFC 27's answer to one request, from the allow-list of Z85 public keys. */
export function decide(request: ZapRequest, allowList: ReadonlySet<string>): ZapDecision {
  if (request.version !== "1.0") return { allowed: false, status: "500", text: `unsupported ZAP version ${request.version}` }
  if (request.mechanism !== "CURVE") return { allowed: false, status: "400", text: `mechanism ${request.mechanism}: only CURVE clients are let in` }
  const credential = request.credentials[0]
  if (credential?.length !== 32) return { allowed: false, status: "400", text: "no 32-byte public key" }
  const key = z85Encode(credential)
  return allowList.has(key) ? { allowed: true, status: "200", text: "OK", key } : { allowed: false, status: "400", text: "key not on the allow-list", key }
}

/** Pure: the reply frames (after the envelope): version, request id, status, text, user id (the key's short id), metadata. */
export const zapReply = (request: ZapRequest, decision: ZapDecision): Buffer[] =>
  [request.version, request.requestId, decision.status, decision.text, decision.key ? keyId(decision.key) : "", Buffer.alloc(0)].map(frame =>
    Buffer.isBuffer(frame) ? frame : Buffer.from(frame),
  )

/** The allow-list: every `*.pub` file of the directory holding a key; the others named as problems. */
export function readAllowList(dir: string): { keys: Set<string>; problems: string[] } {
  const keys = new Set<string>()
  const problems: string[] = []
  let files: string[]
  try {
    files = readdirSync(dir).filter(file => file.endsWith(".pub"))
  } catch (error) {
    return { keys, problems: [`${dir}: ${(error as { code?: string }).code ?? String(error)}`] }
  }
  for (const file of files.sort()) {
    try {
      keys.add(readKey(join(dir, file)))
    } catch (error) {
      problems.push((error as Error).message)
    }
  }
  return { keys, problems }
}

let authenticator: Promise<void> | undefined

/**
 * Starts this process's ZAP handler once (every bound CURVE socket awaits it
 * before it binds: without a handler libzmq lets every client in). The
 * allow-list is read again at every handshake: handshakes are rare, the list
 * a few small files, and a key dropped in takes effect at once, no restart.
 */
export function startAuthenticator(service: Service<unknown>): Promise<void> {
  authenticator ??= (async () => {
    const dir = service.config.CURVE_ALLOWED_DIR
    const socket = new Router({ linger: 0 })
    await socket.bind(ZAP_ENDPOINT)
    service.onStop(() => socket.close())
    let seen = ""
    const current = () => {
      const { keys, problems } = readAllowList(dir)
      const ids = [...keys].map(keyId).sort()
      const summary = JSON.stringify([ids, problems])
      if (summary !== seen) {
        seen = summary
        service.log.info("auth:allow-list", `${keys.size} client key(s) allowed in ${dir}${problems.length > 0 ? `; ignored: ${problems.join("; ")}` : ""}`, {
          dir,
          keys: ids,
          problems,
        })
      }
      return keys
    }
    current()
    void (async () => {
      for await (const [routing, delimiter, ...frames] of socket) {
        const request = parseZapRequest(frames)
        if (!routing || !delimiter || !request) continue
        const decision = decide(request, current())
        const fields = { key: decision.key ? keyId(decision.key) : null, address: request.address, mechanism: request.mechanism, reason: decision.text }
        if (decision.allowed) service.log.info("auth:allowed", `client key ${fields.key} from ${request.address} allowed`, fields)
        else service.log.warn("auth:denied", `client ${fields.key ?? "without a key"} from ${request.address} denied: ${decision.text}`, fields)
        await socket.send([routing, delimiter, ...zapReply(request, decision)])
      }
    })().catch(error => {
      if (!socket.closed) service.log.error("handler-error", `the ZAP handler failed: ${String(error)}`)
    })
  })()
  return authenticator
}
