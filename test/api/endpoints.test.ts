/** The endpoint registry through the real HttpApi handlers, middleware and repository. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { LogBuffer } from "../../src/observability/LogBuffer.ts"
import { call, TestApp } from "../support/app.ts"

const SECRETS = ["pve-pass-9f8e", "tok-value-7a6b", "nb-secret-5c4d", "nb-new-secret-3e2f"]

const pve = {
  name: "Lab (nb:7)",
  ip_address: "10.0.0.10/24",
  domain: "pve.lab",
  username: "root@pam",
  password: SECRETS[0],
  verify_ssl: false
}

describe("Proxmox endpoint CRUD", () => {
  it.scoped("create, list, get, update, delete with the redacted public shape", () =>
    Effect.gen(function*() {
      const created = yield* call("POST", "/proxmox/endpoints", { json: pve })
      expect(created.status).toBe(200)
      expect(created.body).toEqual({
        id: 1,
        name: "Lab (nb:7)",
        ip_address: "10.0.0.10/24",
        domain: "pve.lab",
        port: 8006,
        username: "root@pam",
        verify_ssl: false,
        auth_method: "password",
        password: "********",
        token_name: null,
        token_value: null,
        netbox_id: 7
      })
      expect((yield* call("GET", "/proxmox/endpoints")).body).toHaveLength(1)
      expect((yield* call("GET", "/proxmox/endpoints/1")).body.name).toBe("Lab (nb:7)")

      // The plugin merges our row into its PUT: the marker keeps the password.
      const switched = yield* call("PUT", "/proxmox/endpoints/1", {
        json: { ...created.body, token_name: "sync", token_value: SECRETS[1] }
      })
      expect(switched.status).toBe(200)
      expect(switched.body).toMatchObject({ auth_method: "token", password: "********", token_value: "********" })

      const deleted = yield* call("DELETE", "/proxmox/endpoints/1")
      expect(deleted.body).toEqual({ message: "Proxmox endpoint deleted." })
      expect((yield* call("GET", "/proxmox/endpoints/1")).body.detail).toBe("Proxmox endpoint not found")
    }).pipe(Effect.provide(TestApp())))

  it.scoped("bad input: the reference's texts, JSON bodies, right statuses", () =>
    Effect.gen(function*() {
      const cases: ReadonlyArray<[string, unknown, number, string | undefined]> = [
        ["one token part", { ...pve, password: undefined, token_name: "x" }, 400, "token_name and token_value must be provided together"],
        ["no credential", { ...pve, password: undefined }, 400, "Provide password or both token_name/token_value"],
        ["blank password", { ...pve, password: "  " }, 400, "Provide password or both token_name/token_value"],
        ["wrong type", { ...pve, port: "eighty" }, 400, undefined],
        ["missing field", { name: "x" }, 400, undefined],
        ["port out of range", { ...pve, port: 70000 }, 400, undefined]
      ]
      for (const [label, json, status, detail] of cases) {
        const reply = yield* call("POST", "/proxmox/endpoints", { json })
        expect([label, reply.status], label).toEqual([label, status])
        expect(typeof reply.body.message, label).toBe("string")
        if (detail) expect(reply.body.detail, label).toBe(detail)
      }
      expect((yield* call("POST", "/proxmox/endpoints", { json: pve })).status).toBe(200)
      const dup = yield* call("POST", "/proxmox/endpoints", { json: pve })
      expect(dup).toMatchObject({ status: 400, body: { detail: "Proxmox endpoint name already exists" } })
      const other = yield* call("POST", "/proxmox/endpoints", { json: { ...pve, name: "other" } })
      const rename = yield* call("PUT", `/proxmox/endpoints/${other.body.id}`, { json: { name: pve.name } })
      expect(rename).toMatchObject({ status: 400, body: { detail: "Proxmox endpoint name already exists" } })
      // The rule is checked on the merged values: dropping the password of a password endpoint is refused.
      const strip = yield* call("PUT", `/proxmox/endpoints/${other.body.id}`, { json: { password: null } })
      expect(strip.body.detail).toBe("Provide password or both token_name/token_value")

      expect((yield* call("PUT", "/proxmox/endpoints/99", { json: { port: 1 } })).status).toBe(404)
      expect((yield* call("DELETE", "/proxmox/endpoints/99")).status).toBe(404)
      expect((yield* call("GET", "/proxmox/endpoints/abc")).status).toBe(400)
      expect((yield* call("GET", "/proxmox/endpoints?limit=101")).status).toBe(400)
      const malformed = yield* call("POST", "/proxmox/endpoints", { raw: "{\"name\": " })
      expect(malformed).toMatchObject({ status: 400, body: { detail: "Request body is not valid JSON" } })
      const huge = yield* call("POST", "/proxmox/endpoints", { json: { ...pve, name: "x".repeat(2_000_000) } })
      expect(huge.status).toBe(413)
      expect(huge.body.detail).toMatch(/larger than/)
      // Nothing was lost or half-written by the refused requests.
      expect((yield* call("GET", "/proxmox/endpoints")).body.map((e: any) => e.name)).toEqual([pve.name, "other"])
    }).pipe(Effect.provide(TestApp())))
})

describe("NetBox endpoint (singleton)", () => {
  const nb = { id: 12, name: "netbox", ip_address: "10.0.0.2", domain: "netbox.lab", token: SECRETS[2], token_version: "v1" }

  it.scoped("create keeps the plugin's id; a second POST is refused; PUT/DELETE as the plugin does them", () =>
    Effect.gen(function*() {
      const created = yield* call("POST", "/netbox/endpoint", { json: nb })
      expect(created.body).toEqual({
        id: 12,
        name: "netbox",
        ip_address: "10.0.0.2",
        domain: "netbox.lab",
        port: 443,
        token_version: "v1",
        token_key: null,
        token: "********",
        verify_ssl: true,
        url: "https://netbox.lab:443"
      })
      const second = yield* call("POST", "/netbox/endpoint", { json: { ...nb, id: 13, name: "other" } })
      expect(second).toMatchObject({ status: 400, body: { detail: "Only one NetBox endpoint is allowed" } })

      const v2 = yield* call("PUT", "/netbox/endpoint/12", {
        json: { ...created.body, token_version: "v2", token_key: "nbt_abcd", token: SECRETS[3] }
      })
      expect(v2.body).toMatchObject({ token_version: "v2", token_key: "abcd", token: "********" })
      const badV2 = yield* call("PUT", "/netbox/endpoint/12", { json: { token_key: "" } })
      expect(badV2.body.detail).toBe("token_key and token (secret) must both be set for NetBox API token v2")

      expect((yield* call("GET", "/netbox/endpoint/99")).body.detail).toBe("Netbox Endpoint not found")
      expect((yield* call("PUT", "/netbox/endpoint/99", { json: {} })).body.detail).toBe("NetBox Endpoint not found")
      expect((yield* call("DELETE", "/netbox/endpoint/99")).body.detail).toBe("NetBox Endpoint not found.")
      expect((yield* call("DELETE", "/netbox/endpoint/12")).body).toEqual({ message: "NetBox Endpoint deleted." })
      expect((yield* call("GET", "/netbox/endpoint")).body).toEqual([])
    }).pipe(Effect.provide(TestApp())))

  it.scoped("v1 without a token is refused with the reference's text", () =>
    Effect.gen(function*() {
      const reply = yield* call("POST", "/netbox/endpoint", { json: { ...nb, token: " " } })
      expect(reply).toMatchObject({ status: 400, body: { detail: "token is required for NetBox API token v1" } })
    }).pipe(Effect.provide(TestApp())))
})

describe("secrets", () => {
  it.scoped("never appear in any response body, header, the admin page or a log line", () =>
    Effect.gen(function*() {
      const replies = [
        yield* call("POST", "/proxmox/endpoints", { json: { ...pve, token_name: "t", token_value: SECRETS[1] } }),
        yield* call("POST", "/netbox/endpoint", { json: { id: 1, name: "nb", ip_address: "10.0.0.2", domain: "", token: SECRETS[2] } }),
        yield* call("PUT", "/netbox/endpoint/1", { json: { token: SECRETS[3] } }),
        yield* call("GET", "/proxmox/endpoints"),
        yield* call("GET", "/proxmox/endpoints/1"),
        yield* call("GET", "/netbox/endpoint"),
        yield* call("GET", "/netbox/endpoint/1"),
        yield* call("GET", "/admin/"),
        yield* call("GET", "/admin/logs?limit=5000"),
        yield* call("GET", "/health"),
        yield* call("GET", "/cache")
      ]
      const ring = yield* LogBuffer
      const everything = JSON.stringify([replies, ring.query({ limit: 10_000, offset: 0 })])
      expect(replies.every((r) => r.status === 200)).toBe(true)
      for (const secret of SECRETS) expect(everything).not.toContain(secret)
    }).pipe(Effect.provide(TestApp())))
})
