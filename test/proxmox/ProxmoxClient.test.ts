import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Schema } from "effect"
import { execFileSync } from "node:child_process"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { ProxmoxEndpoint } from "../../src/domain/endpoint.ts"
import { ProxmoxClient } from "../../src/proxmox/ProxmoxClient.ts"
import { ClusterResource, Guest, NodeSummary } from "../../src/proxmox/schemas.ts"
import { seedInventory } from "../../src/testing/proxmox/inventory.ts"
import { ProxmoxSimulator } from "../../src/testing/proxmox/ProxmoxSimulator.ts"
import { ProxmoxSimulatorTest } from "../../src/testing/proxmox/layers.ts"

const setup = Effect.all([ProxmoxSimulator, ProxmoxClient])

describe("ProxmoxClient against the simulator", () => {
  it.live("token auth: cluster identity, version, typed reads", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      const session = yield* client.connect(sim.endpoint())
      expect(session).toMatchObject({ mode: "cluster", name: "lab", authMode: "token", host: "127.0.0.1" })
      expect(session.version.release).toBe("8.4")
      expect(session.nodeNames).toEqual(["pve1", "pve2", "pve3"])
      const nodes = yield* session.read(Schema.Array(NodeSummary), "/nodes")
      expect(nodes.map((n) => n.node)).toEqual(["pve1", "pve2", "pve3"])
      const vms = yield* session.read(Schema.Array(ClusterResource), "/cluster/resources", { type: "vm" })
      expect(vms).toHaveLength(12)
      expect(sim.requests().every((r) => r.auth === "token")).toBe(true)
    }).pipe(Effect.provide(ProxmoxSimulatorTest())))

  it.live("password auth goes through a ticket; a cached session is reused, an expired ticket renewed", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      const endpoint = sim.endpoint({ auth: "password" })
      const session = yield* client.connect(endpoint)
      expect(session.authMode).toBe("password")
      expect(sim.requests().map((r) => `${r.method} ${r.path} ${r.auth}`)).toEqual([
        "POST /access/ticket none",
        "GET /version ticket",
        "GET /cluster/status ticket"
      ])
      sim.resetRequests()
      const again = yield* client.connect(endpoint)
      yield* again.get("/nodes")
      expect(sim.requests().map((r) => r.path)).toEqual(["/nodes"])

      sim.expireTickets()
      sim.resetRequests()
      yield* again.get("/nodes")
      expect(sim.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
        "GET /nodes", // 401: ticket gone
        "POST /access/ticket",
        "GET /version",
        "GET /cluster/status",
        "GET /nodes"
      ])
    }).pipe(Effect.provide(ProxmoxSimulatorTest())))

  it.live("wrong password and wrong token fail as ProxmoxAuthFailed without leaking the secret", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      const stale = sim.endpoint({ auth: "password" })
      sim.inventory.users["root@pam"] = "rotated"
      const byPassword = yield* client.connect(stale).pipe(Effect.flip)
      expect(byPassword._tag).toBe("ProxmoxAuthFailed")
      const staleToken = sim.endpoint({ id: 2 })
      sim.inventory.tokens["root@pam!proxbox"] = "rotated"
      const byToken = yield* client.connect(staleToken).pipe(Effect.flip)
      expect(byToken).toMatchObject({ _tag: "ProxmoxAuthFailed", mode: "token" })
      expect(JSON.stringify(byToken) + byToken.message).not.toContain("11111111-2222")
    }).pipe(Effect.provide(ProxmoxSimulatorTest())))

  it.live("a standalone host is named after its node", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      const session = yield* client.connect(sim.endpoint())
      expect(session).toMatchObject({ mode: "standalone", name: "pve", nodeNames: ["pve"] })
    }).pipe(Effect.provide(ProxmoxSimulatorTest({ inventory: seedInventory({ clusterName: null, nodes: 1 }) }))))

  it.live("a user without Sys.Audit gets a restricted session named by its host", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      sim.inventory.restricted.push("root@pam!proxbox")
      const session = yield* client.connect(sim.endpoint({ domain: "localhost" }))
      expect(session).toMatchObject({ mode: "restricted", name: "localhost", status: [], nodeNames: [] })
    }).pipe(Effect.provide(ProxmoxSimulatorTest({}, { retries: 0 }))))

  it.live("falls back from the domain to the IP when the domain gives no answer", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      sim.inject({ host: "localhost", path: "/", kind: "reset" })
      const session = yield* client.connect(sim.endpoint({ domain: "localhost" }))
      expect(session.host).toBe("127.0.0.1")
    }).pipe(Effect.provide(ProxmoxSimulatorTest({}, { retries: 0 }))))

  it.live("transient answers are retried, PVE errors are not", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      const session = yield* client.connect(sim.endpoint())
      sim.resetRequests()
      sim.inject({ path: "/nodes", kind: { status: 503, message: "busy" }, times: 2 })
      const nodes = yield* session.get("/nodes")
      expect(nodes).toHaveLength(3)
      expect(sim.requests()).toHaveLength(3)

      sim.resetRequests()
      const err = yield* session.get("/nodes/ghost/qemu").pipe(Effect.flip)
      expect(err).toMatchObject({ _tag: "ProxmoxApiError", status: 500, path: "/nodes/ghost/qemu" })
      expect(err._tag === "ProxmoxApiError" && err.reason).toContain("hostname lookup 'ghost' failed")
      expect(sim.requests()).toHaveLength(1)

      const invalid = yield* session.get("/cluster/resources", { type: "bogus" }).pipe(Effect.flip)
      expect(invalid._tag === "ProxmoxApiError" && invalid.reason).toContain("enumeration")
    }).pipe(Effect.provide(ProxmoxSimulatorTest())))

  it.live("a hung request times out as ProxmoxUnreachable; a reset connection too", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      const session = yield* client.connect(sim.endpoint())
      sim.inject({ path: "/cluster/tasks", kind: "timeout" })
      const hung = yield* session.get("/cluster/tasks").pipe(Effect.flip)
      expect(hung._tag).toBe("ProxmoxUnreachable")
      expect(hung.message).toContain("no answer within")
      sim.inject({ path: "/cluster/backup", kind: "reset" })
      const reset = yield* session.get("/cluster/backup").pipe(Effect.flip)
      expect(reset._tag).toBe("ProxmoxUnreachable")
    }).pipe(Effect.provide(ProxmoxSimulatorTest({}, { retries: 0, requestTimeout: Duration.millis(300) }))))

  it.live("bounds requests in flight per endpoint", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      const session = yield* client.connect(sim.endpoint())
      sim.setLatency(20)
      sim.resetRequests()
      // 20 reads from unbounded fibers: the session's semaphore holds them to 3 at the server
      yield* Effect.all(Array.from({ length: 20 }, () => session.get("/version")), { concurrency: "unbounded" })
      expect(sim.requests()).toHaveLength(20)
      expect(sim.peakInFlight()).toBe(3)
    }).pipe(Effect.provide(ProxmoxSimulatorTest({}, { maxConcurrentPerEndpoint: 3 }))))
})

describe("TLS", () => {
  const dir = mkdtempSync(join(tmpdir(), "pve-tls-"))
  execFileSync("openssl", [
    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
    "-addext", "subjectAltName=IP:127.0.0.1", "-keyout", join(dir, "key.pem"), "-out", join(dir, "cert.pem")
  ], { stdio: "ignore" })
  const tls = { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") }

  it.live("verify_ssl=false accepts a self-signed certificate, verify_ssl=true refuses it", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      const relaxed = yield* client.connect(sim.endpoint())
      expect(relaxed.name).toBe("lab")
      const strict = new ProxmoxEndpoint({ ...sim.endpoint({ id: 2 }), verify_ssl: true })
      const refused = yield* client.connect(strict).pipe(Effect.flip)
      expect(refused._tag).toBe("ProxmoxUnreachable")
    }).pipe(Effect.provide(ProxmoxSimulatorTest({ tls }, { retries: 0 }))))
})

describe("tolerant schemas", () => {
  it("coerces identity fields, drops odd values, keeps unknown keys", () => {
    const guest = Schema.decodeUnknownSync(Guest)({ vmid: "101", name: 42, cpus: "many", maxmem: "2048", extra: { a: 1 } })
    expect(guest).toEqual({ vmid: 101, name: "42", cpus: undefined, maxmem: 2048, extra: { a: 1 } })
    expect(() => Schema.decodeUnknownSync(Guest)({ name: "no vmid" })).toThrow()
  })
})
