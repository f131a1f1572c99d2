import assert from "node:assert/strict"
import { describe, it } from "node:test"
import { resolveRequest } from "../../services/book/files.js"

describe("the filer's path resolution", () => {
  const root = "/srv/files"

  it("resolves a file name inside the served folder", () => {
    assert.deepEqual(resolveRequest(root, { path: "greeting.txt" }), { ok: true, file: "/srv/files/greeting.txt" })
    assert.deepEqual(resolveRequest(root, { path: "a/../b.txt" }), { ok: true, file: "/srv/files/b.txt" })
  })

  for (const path of ["../secret", "/etc/passwd", "a/../../x", ".", ""]) {
    it(`refuses ${JSON.stringify(path)}`, () => {
      const resolved = resolveRequest(root, { path })
      assert.equal(resolved.ok, false)
      assert.match((resolved as { error: { code: string } }).error.code, path === "" ? /bad-request/ : /outside-root/)
    })
  }

  for (const body of [null, "greeting.txt", { path: 42 }, { file: "x" }, { path: "a\0b" }]) {
    it(`answers a malformed request ${JSON.stringify(body)} with bad-request`, () => {
      assert.deepEqual(resolveRequest(root, body), { ok: false, error: { code: "bad-request", message: 'a request must be {"path": "<file name>"}' } })
    })
  }
})
