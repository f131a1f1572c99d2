// Z85 (ZeroMQ RFC 32): the text form of CURVE keys, 5 characters for 4 bytes.
// The ZAP handler gets a client's public key as 32 raw bytes and compares it
// with the allow-list's Z85 files; pure, so it is tested on the RFC's example.

const ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#"
const VALUE = new Map([...ALPHABET].map((char, i) => [char, i]))

/** Pure: bytes (a multiple of 4) as Z85 text. */
export function z85Encode(bytes: Uint8Array): string {
  if (bytes.length % 4 !== 0) throw new Error(`Z85 encodes whole 4-byte groups, not ${bytes.length} bytes`)
  let text = ""
  for (let i = 0; i < bytes.length; i += 4) {
    let value = ((bytes[i]! << 24) | (bytes[i + 1]! << 16) | (bytes[i + 2]! << 8) | bytes[i + 3]!) >>> 0
    let group = ""
    for (let j = 0; j < 5; j++) {
      group = ALPHABET[value % 85]! + group
      value = Math.floor(value / 85)
    }
    text += group
  }
  return text
}

/** Pure: Z85 text (a multiple of 5 characters, the alphabet only) as bytes; undefined if it is not Z85. */
export function z85Decode(text: string): Buffer | undefined {
  if (text.length % 5 !== 0) return undefined
  const bytes = Buffer.alloc((text.length / 5) * 4)
  for (let i = 0; i < text.length; i += 5) {
    let value = 0
    for (let j = 0; j < 5; j++) {
      const digit = VALUE.get(text[i + j]!)
      if (digit === undefined) return undefined
      value = value * 85 + digit
    }
    if (value > 0xffffffff) return undefined
    bytes.writeUInt32BE(value, (i / 5) * 4)
  }
  return bytes
}

/** A CURVE key in Z85: 40 characters for 32 bytes. */
export const isCurveKey = (text: string): boolean => text.length === 40 && z85Decode(text) !== undefined

/** The short id the logs give a key (its first 8 characters): enough to tell keys apart, not to use one. */
export const keyId = (z85: string): string => z85.slice(0, 8)
