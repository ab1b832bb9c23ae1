/** Root, health, cache, admin, OpenAPI/docs, API-key auth and CORS through the whole app. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { call, TestApp } from "../support/app.ts"

describe("root routes", () => {
  it.scoped("/, /version, /health, /cache, /clear-cache", () =>
    Effect.gen(function*() {
      const root = yield* call("GET", "/")
      expect(root.status).toBe(200)
      expect(root.body.links.docs).toBe("/docs")
      const version = (yield* call("GET", "/version")).body.version
      expect(version).toMatch(/^\d+\.\d+\.\d+/)
      const health = yield* call("GET", "/health")
      expect(health.body).toMatchObject({
        status: "ready",
        init_ok: true,
        version,
        database: "sqlite",
        netbox_endpoint_configured: false,
        proxmox_endpoint_count: 0
      })
      yield* call("POST", "/netbox/endpoint", { json: { name: "nb", ip_address: "10.0.0.2", domain: "nb", token: "t" } })
      expect((yield* call("GET", "/health")).body.netbox_endpoint_configured).toBe(true)
      expect((yield* call("GET", "/clear-cache")).body).toEqual({ message: "Cache cleared" })
      expect((yield* call("GET", "/cache")).body).toEqual({})
    }).pipe(Effect.provide(TestApp())))

  it.scoped("/openapi.json lists every hand-written route; /docs renders; /admin/ is HTML outside the document", () =>
    Effect.gen(function*() {
      const doc = (yield* call("GET", "/openapi.json")).body
      for (
        const path of [
          "/",
          "/version",
          "/health",
          "/cache",
          "/clear-cache",
          "/admin/logs",
          "/netbox/endpoint",
          "/netbox/endpoint/{netbox_id}",
          "/proxmox/endpoints",
          "/proxmox/endpoints/{endpoint_id}"
        ]
      ) expect(Object.keys(doc.paths)).toContain(path)
      expect(Object.keys(doc.paths)).not.toContain("/admin/")
      const docs = yield* call("GET", "/docs")
      expect(docs.status).toBe(200)
      expect(docs.headers["content-type"]).toMatch(/text\/html/)
      expect(docs.text).toContain("swagger")
      const admin = yield* call("GET", "/admin/")
      expect(admin.headers["content-type"]).toMatch(/text\/html/)
      expect(admin.text).toContain("Proxmox endpoints")
      const missing = yield* call("GET", "/no/such/route")
      expect(missing).toMatchObject({ status: 404, body: { detail: "Not Found" } })
    }).pipe(Effect.provide(TestApp())))
})

describe("/admin/logs", () => {
  it.scoped("filters by level, errors_only, operation_id, ids and since; pages with has_more", () =>
    Effect.gen(function*() {
      yield* Effect.logInfo("first").pipe(Effect.annotateLogs({ operation_id: "op-1", phase: "collect" }))
      yield* Effect.logWarning("second")
      yield* Effect.logError("third").pipe(Effect.annotateLogs({ operation_id: "op-1" }))
      const all = (yield* call("GET", "/admin/logs?limit=5000")).body
      const mine = all.logs.filter((l: any) => ["first", "second", "third"].includes(l.message))
      expect(mine.map((l: any) => l.level)).toEqual(["INFO", "WARNING", "ERROR"])
      expect(mine[0]).toMatchObject({ operation_id: "op-1", phase: "collect" })

      const op = (yield* call("GET", "/admin/logs?operation_id=op-1")).body
      expect(op.logs.map((l: any) => l.message)).toEqual(["first", "third"])
      expect(op.active_filters).toMatchObject({ operation_id: "op-1", level: null })
      expect((yield* call("GET", "/admin/logs?level=warning")).body.logs.map((l: any) => l.message)).toContain("second")
      expect((yield* call("GET", "/admin/logs?errors_only=True")).body.logs.every((l: any) => l.level === "ERROR")).toBe(true)

      const firstId = Number(mine[0].id)
      const newer = (yield* call("GET", `/admin/logs?newer_than_id=${firstId}`)).body.logs
      expect(newer.every((l: any) => Number(l.id) > firstId)).toBe(true)
      const older = (yield* call("GET", `/admin/logs?older_than_id=${firstId + 1}`)).body.logs
      expect(older.every((l: any) => Number(l.id) <= firstId)).toBe(true)

      const page = (yield* call("GET", "/admin/logs?limit=1&offset=0")).body
      expect(page.logs).toHaveLength(1)
      expect(page.has_more).toBe(page.total > 1)
      expect((yield* call("GET", "/admin/logs?since=2999-01-01T00:00:00")).body.total).toBe(0)
      expect((yield* call("GET", "/admin/logs?limit=5001")).status).toBe(400)
      expect((yield* call("GET", "/admin/logs?level=LOUD")).status).toBe(400)
      expect((yield* call("GET", "/admin/logs?since=yesterday")).status).toBe(400)
    }).pipe(Effect.provide(TestApp())))
})

describe("API keys (decision 8)", () => {
  const keyed = TestApp({ config: { apiKeys: [Redacted.make("k-one"), Redacted.make("k-two")] } })

  it.scoped("open paths stay open; everything else needs a valid key in either header", () =>
    Effect.gen(function*() {
      for (const path of ["/", "/health", "/version"]) expect((yield* call("GET", path)).status).toBe(200)
      const missing = yield* call("GET", "/proxmox/endpoints")
      expect(missing).toMatchObject({ status: 401, body: { detail: "Missing API key" } })
      const wrong = yield* call("GET", "/proxmox/endpoints", { headers: { authorization: "Bearer nope" } })
      expect(wrong).toMatchObject({ status: 401, body: { detail: "Invalid API key" } })
      expect((yield* call("GET", "/proxmox/endpoints", { headers: { authorization: "Bearer k-one" } })).status).toBe(200)
      expect((yield* call("GET", "/proxmox/endpoints", { headers: { "x-proxbox-api-key": "k-two" } })).status).toBe(200)
      expect((yield* call("GET", "/openapi.json")).status).toBe(401)
      expect((yield* call("GET", "/proxmox/api2/latest/version")).status).toBe(401)
    }).pipe(Effect.provide(keyed)))
})

describe("CORS", () => {
  it.scoped("allows the stored NetBox origin (as soon as it is registered) and configured extras, nothing else", () =>
    Effect.gen(function*() {
      const preflight = (origin: string) =>
        call("OPTIONS", "/admin/logs", { headers: { origin, "access-control-request-method": "GET" } })
      expect((yield* preflight("https://netbox.example")).headers["access-control-allow-origin"]).toBeUndefined()
      yield* call("POST", "/netbox/endpoint", { json: { name: "nb", ip_address: "10.0.0.2", domain: "netbox.example", token: "t" } })
      expect((yield* preflight("https://netbox.example")).headers["access-control-allow-origin"]).toBe("https://netbox.example")
      expect((yield* preflight("https://extra.example")).headers["access-control-allow-origin"]).toBe("https://extra.example")
      expect((yield* preflight("https://evil.example")).headers["access-control-allow-origin"]).toBeUndefined()
      const simple = yield* call("GET", "/health", { headers: { origin: "https://netbox.example" } })
      expect(simple.headers["access-control-allow-credentials"]).toBe("true")
    }).pipe(Effect.provide(TestApp({ config: { corsExtraOrigins: ["https://extra.example"] } }))))
})
