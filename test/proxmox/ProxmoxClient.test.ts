import { describe, expect, it } from "@effect/vitest"
import { Duration, Effect, Redacted, Schema, TestClock } from "effect"
import { ProxmoxEndpoint } from "../../src/domain/endpoint.ts"
import { ProxmoxClient } from "../../src/proxmox/ProxmoxClient.ts"
import { ClusterResource, Guest, NodeSummary } from "../../src/proxmox/schemas.ts"
import { seedInventory } from "../../src/testing/proxmox/inventory.ts"
import { ProxmoxSimulator, type ProxmoxSimulatorService, SIMULATOR_TLS } from "../../src/testing/proxmox/ProxmoxSimulator.ts"
import { tlsPolicyFrom } from "../../src/proxmox/config.ts"
import { ProxmoxApiError } from "../../src/proxmox/errors.ts"
import { ProxmoxSimulatorTest } from "../../src/testing/proxmox/layers.ts"

const setup = Effect.all([ProxmoxSimulator, ProxmoxClient])

describe("ProxmoxClient against the simulator", () => {
  it.live("token auth: cluster identity, version, typed reads", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      const session = yield* client.connect(sim.endpoint())
      expect(session).toMatchObject({ mode: "cluster", name: "lab", host: "127.0.0.1" })
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
      yield* client.connect(endpoint)
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

describe("TLS (the simulator serves its fixture certificate)", () => {
  const strict = (sim: ProxmoxSimulatorService) => new ProxmoxEndpoint({ ...sim.endpoint({ id: 2 }), verify_ssl: true })

  it.live("verify_ssl=false accepts the self-signed certificate; verify_ssl=true refuses it once, without retrying", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      expect((yield* client.connect(sim.endpoint())).name).toBe("lab")
      sim.resetRequests()
      const refused = yield* client.connect(strict(sim)).pipe(Effect.flip)
      expect(refused._tag).toBe("ProxmoxUnreachable")
      expect(sim.connections()).toBe(1) // retries: 2, yet one attempt: certificates do not heal
    }).pipe(Effect.provide(ProxmoxSimulatorTest())))

  it.live("a trusted CA verifies the certificate", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      expect((yield* client.connect(strict(sim))).name).toBe("lab")
    }).pipe(Effect.provide(ProxmoxSimulatorTest({}, { tlsPolicy: tlsPolicyFrom(SIMULATOR_TLS.cert, {}) }))))

  it.live("a fingerprint pin accepts exactly that certificate", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      expect((yield* client.connect(sim.endpoint({ name: "pinned" }))).name).toBe("lab")
      const wrong = yield* client.connect(sim.endpoint({ id: 3, name: "mispinned" })).pipe(Effect.flip)
      expect(wrong.message).toContain("fingerprint mismatch")
    }).pipe(Effect.provide(ProxmoxSimulatorTest({}, {
      retries: 0,
      tlsPolicy: tlsPolicyFrom(null, { pinned: SIMULATOR_TLS.fingerprint256.toLowerCase(), mispinned: "00:11" })
    }))))
})

describe("tickets, writes and the test layer", () => {
  it.effect("a ticket is renewed before PVE's 2 h expiry (TestClock)", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      const endpoint = sim.endpoint({ auth: "password" })
      const logins = () => sim.requests().filter((r) => r.path === "/access/ticket").length
      yield* client.request(endpoint, { method: "GET", path: "/version" })
      yield* TestClock.adjust("90 minutes")
      yield* client.request(endpoint, { method: "GET", path: "/version" })
      expect(logins()).toBe(1)
      yield* TestClock.adjust("15 minutes") // 105 min > ticketRenewal (100 min) < 120 min expiry
      yield* client.request(endpoint, { method: "GET", path: "/version" })
      expect(logins()).toBe(2)
    }).pipe(Effect.provide(ProxmoxSimulatorTest())))

  it.live("writes carry the CSRF token with a ticket and are never retried", () =>
    Effect.gen(function*() {
      const [sim, client] = yield* setup
      const endpoint = sim.endpoint({ auth: "password" })
      const write = client.request(endpoint, { method: "POST", path: "/nodes/pve1/qemu/100/status/start", body: { skiplock: true } })
      // The simulator implements no writes: 501 (not 401) shows the CSRF token was accepted.
      expect(yield* write.pipe(Effect.flip)).toMatchObject({ _tag: "ProxmoxApiError", status: 501 })
      sim.resetRequests()
      sim.inject({ path: "/nodes/pve1/qemu/100/status/start", kind: { status: 503 } })
      yield* write.pipe(Effect.flip)
      expect(sim.requests()).toHaveLength(1)
    }).pipe(Effect.provide(ProxmoxSimulatorTest())))

  it.effect("layerTest(handler) gives a complete client: sessions and typed reads come from the handler", () =>
    Effect.gen(function*() {
      const client = yield* ProxmoxClient
      const session = yield* client.connect(new ProxmoxEndpoint({ ...fakeEndpoint, domain: "pve.test" }))
      expect(session).toMatchObject({ mode: "standalone", name: "solo", host: "pve.test", nodeNames: ["solo"] })
      expect(yield* session.read(Schema.Array(Guest), "/nodes/solo/qemu")).toEqual([{ vmid: 100, name: "a" }])
    }).pipe(Effect.provide(ProxmoxClient.layerTest((_endpoint, req) => {
      switch (req.path) {
        case "/version": return Effect.succeed({ version: "9.1.2", release: "9.1" })
        case "/cluster/status": return Effect.succeed([{ type: "node", name: "solo", local: 1 }])
        case "/nodes/solo/qemu": return Effect.succeed([{ vmid: "100", name: "a" }])
        default: return Effect.fail(new ProxmoxApiError({ endpoint: "x", method: req.method, path: req.path, status: 501, reason: "no" }))
      }
    }))))
})

const fakeEndpoint = {
  id: 9 as ProxmoxEndpoint["id"],
  name: "fake",
  ip_address: "10.0.0.9/24",
  domain: null,
  port: 8006,
  username: "root@pam",
  password: null,
  verify_ssl: true,
  token_name: "t",
  token_value: Redacted.make("s"),
  netbox_id: null
}

describe("tolerant schemas", () => {
  it("coerces identity fields, drops odd values, keeps unknown keys", () => {
    const guest = Schema.decodeUnknownSync(Guest)({ vmid: "101", name: 42, cpus: "many", maxmem: "2048", extra: { a: 1 } })
    expect(guest).toEqual({ vmid: 101, name: "42", cpus: undefined, maxmem: 2048, extra: { a: 1 } })
    expect(() => Schema.decodeUnknownSync(Guest)({ name: "no vmid" })).toThrow()
  })
})
