import assert from "node:assert/strict"
import { it } from "node:test"
import { curveKeyPair } from "zeromq"
import { isCurveKey, keyId, z85Decode, z85Encode } from "../../shared/z85.js"

it("encodes and decodes the example of RFC 32", () => {
  const bytes = Buffer.from([0x86, 0x4f, 0xd2, 0x6f, 0xb5, 0x59, 0xf7, 0x5b])
  assert.equal(z85Encode(bytes), "HelloWorld")
  assert.deepEqual(z85Decode("HelloWorld"), bytes)
})

it("round-trips zeromq's own keys", () => {
  const { publicKey, secretKey } = curveKeyPair()
  for (const key of [publicKey, secretKey]) {
    assert.equal(isCurveKey(key), true)
    assert.equal(z85Encode(z85Decode(key)!), key)
  }
  assert.equal(keyId(publicKey), publicKey.slice(0, 8))
})

it("refuses what is not Z85", () => {
  assert.deepEqual(z85Decode("Hello"), Buffer.from([0x86, 0x4f, 0xd2, 0x6f])) // 5 characters: 4 bytes
  assert.equal(z85Decode("Hell"), undefined) // not a multiple of 5
  assert.equal(z85Decode("Hello Worl"), undefined) // a space is not in the alphabet
  assert.equal(z85Decode("#####"), undefined) // above 2^32
  assert.equal(isCurveKey("HelloWorld"), false)
  assert.throws(() => z85Encode(Buffer.alloc(3)), /4-byte/)
})
