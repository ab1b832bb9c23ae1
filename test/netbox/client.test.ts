import { describe, expect, it, layer } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { authorizationHeader, parseToken } from "../../src/netbox/auth.ts"
import { makeNetBoxClient, type NetBoxClientOptions } from "../../src/netbox/client.ts"
import { apiPath } from "../../src/netbox/paths.ts"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"
import { live } from "./live.ts"

describe("tokens", () => {
  it("v2 sends Bearer nbt_<key>.<secret> whether or not the key carries nbt_", () => {
    const secret = Redacted.make("s3cret")
    expect(Redacted.value(authorizationHeader({ version: "v2", key: "abc123", secret }))).toBe("Bearer nbt_abc123.s3cret")
    expect(Redacted.value(authorizationHeader({ version: "v2", key: "nbt_abc123", secret }))).toBe("Bearer nbt_abc123.s3cret")
    expect(Redacted.value(authorizationHeader({ version: "v1", token: Redacted.make(" t0k ") }))).toBe("Token t0k")
  })
  it("one token string is v2 when it looks like nbt_<key>.<secret>", () => {
    expect(parseToken("nbt_k.s")).toMatchObject({ version: "v2", key: "k" })
    expect(parseToken("Bearer nbt_k.s.t")).toMatchObject({ version: "v2", key: "k" })
    expect(parseToken("0123abc")).toMatchObject({ version: "v1" })
  })
  it("paths are normalised to /api/<path>/", () => {
    expect(["dcim/sites", "/dcim/sites/", "/api/dcim/sites", "api/dcim/sites/"].map(apiPath)).toEqual(Array(4).fill("/api/dcim/sites/"))
    expect(apiPath("dcim/sites?x=1")).toBe("/api/dcim/sites/?x=1")
  })
})

const withClient = (options: Partial<NetBoxClientOptions> = {}) =>
  Effect.flatMap(NetBoxSimulator, (sim) =>
    makeNetBoxClient({ baseUrl: sim.url, token: parseToken(sim.tokenV2), retryBase: "1 millis", ...options }))

layer(NetBoxSimulator.layer())("NetBoxClient against the simulator", (it) => {
  live(it, "reads are retried after 503s and transport failures", () =>
    Effect.gen(function*() {
      const sim = yield* NetBoxSimulator
      const nb = yield* withClient()
      yield* sim.injectFault({ method: "GET", path: "/api/dcim/sites/", status: 503, times: 2 })
      yield* sim.injectFault({ method: "GET", path: "/api/dcim/sites/", reset: true })
      expect(yield* nb.list("dcim/sites")).toEqual([])
      expect((yield* nb.requestCounts.get).get("GET /api/dcim/sites/")).toBe(4)
    }))

  live(it, "a POST is not retried; an idempotent PATCH is retried on 503 only", () =>
    Effect.gen(function*() {
      const sim = yield* NetBoxSimulator
      const nb = yield* withClient()
      yield* sim.injectFault({ method: "POST", path: "/api/extras/tags/", status: 503 })
      const failed = yield* nb.create("extras/tags", [{ name: "r1", slug: "r1" }]).pipe(Effect.flip)
      expect(failed).toMatchObject({ _tag: "NetBoxUnavailable", status: 503 })
      expect((yield* nb.requestCounts.get).get("POST /api/extras/tags/")).toBe(1)
      const [tag] = yield* nb.create("extras/tags", [{ name: "r1", slug: "r1" }])
      yield* sim.injectFault({ method: "PATCH", path: "/api/extras/tags/", status: 503 })
      const [patched] = yield* nb.update("extras/tags", [{ id: tag!.id, color: "ff5722" }])
      expect(patched!["color"]).toBe("ff5722")
      expect((yield* nb.requestCounts.get).get("PATCH /api/extras/tags/")).toBe(2)
      yield* sim.injectFault({ method: "PATCH", path: "/api/extras/tags/", status: 500 })
      const notRetried = yield* nb.update("extras/tags", [{ id: tag!.id, color: "000000" }]).pipe(Effect.flip)
      expect(notRetried).toMatchObject({ _tag: "NetBoxRequestFailed", status: 500 })
      yield* nb.delete("extras/tags", [tag!.id])
    }))

  live(it, "bulk writes are chunked and per-item errors keep the caller's indexes", () =>
    Effect.gen(function*() {
      const nb = yield* withClient({ chunkSize: 2 })
      const made = yield* nb.create("extras/tags", [1, 2, 3, 4, 5].map((i) => ({ name: `c${i}`, slug: `c${i}` })))
      expect(made.map((t) => t["name"])).toEqual(["c1", "c2", "c3", "c4", "c5"])
      expect((yield* nb.requestCounts.get).get("POST /api/extras/tags/")).toBe(3)
      const failed = yield* nb.create("extras/tags", [{ name: "c6", slug: "c6" }, { name: "c7", slug: "c7" }, { name: "c8", slug: "c8" }, { name: "c1", slug: "x" }])
        .pipe(Effect.flip)
      expect(failed._tag === "NetBoxValidation" && failed.itemErrors.map((e) => e.index)).toEqual([3])
      yield* nb.delete("extras/tags", [...made.map((t) => t.id), ...(yield* nb.list("extras/tags", { name: ["c6", "c7"] })).map((t) => t.id)])
      expect(yield* nb.count("extras/tags")).toBe(0)
    }))

  live(it, "a wrong token is a typed auth error with NetBox's detail", () =>
    Effect.gen(function*() {
      const nb = yield* withClient({ token: { version: "v1", token: Redacted.make("not-a-token") } })
      expect(yield* nb.status.pipe(Effect.flip)).toMatchObject({ _tag: "NetBoxAuthFailed", status: 403, detail: "Invalid v1 token" })
    }))
})
