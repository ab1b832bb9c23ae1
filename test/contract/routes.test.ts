/**
 * Behaviour of the generated routes beyond the walk: endpoint selection and its error texts,
 * op_<name> renaming, tolerant responses, upstream failures, refresh and the manifest.
 */
import { NodeContext } from "@effect/platform-node"
import { Effect } from "effect"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import { DEFAULT_GENERATED_DIR, GeneratedRoutes } from "../../src/contract/GeneratedRoutes.ts"
import { pickEndpoint } from "../../src/contract/target.ts"
import { ProxmoxApiError } from "../../src/proxmox/errors.ts"
import { endpoint, type Harness, makeHarness } from "./harness.ts"

describe("endpoint selection", () => {
  const a = endpoint("alpha (nb:7)", "10.0.0.1/24", "alpha.example", 7)
  const b = endpoint("beta", "10.0.0.2", null)
  const message = (r: unknown) => (r as { message: string }).message

  it("uses the only endpoint, or asks for a selector", () => {
    expect(pickEndpoint([a], { source: "database" })).toBe(a)
    expect(message(pickEndpoint([], { source: "database" }))).toBe("No Proxmox endpoints found for generated proxy route.")
    expect(message(pickEndpoint([a, b], { source: "database" }))).toBe("Multiple Proxmox endpoints configured; provide name, domain, or ip_address.")
  })

  it("checks ip_address, then domain, then name: the first given selector decides", () => {
    expect(pickEndpoint([a, b], { source: "database", target_ip_address: "10.0.0.1", target_name: "beta" })).toBe(a)
    expect(pickEndpoint([a, b], { source: "database", target_domain: "ALPHA.example" })).toBe(a)
    expect(pickEndpoint([a, b], { source: "database", target_name: "alpha" })).toBe(a)
    expect(message(pickEndpoint([a, b], { source: "database", target_ip_address: "10.9.9.9", target_name: "beta" })))
      .toBe("No result found for Proxmox Sessions based on the provided ip_address")
    expect(message(pickEndpoint([a, b], { source: "database", target_domain: "x" }))).toBe("No result found for Proxmox Sessions based on the provided domain")
    expect(message(pickEndpoint([a, b], { source: "database", target_name: "x" }))).toBe("No result found for Proxmox Sessions based on the provided name")
  })

  it("source=netbox considers only endpoints mirrored from the NetBox plugin", () => {
    expect(pickEndpoint([a, b], { source: "netbox" })).toBe(a)
  })
})

describe("generated routes", () => {
  let h: Harness
  let manifest: string
  beforeAll(async () => {
    manifest = join(mkdtempSync(join(tmpdir(), "pxb-contract-")), "manifest.json")
    h = await makeHarness({ endpoints: [endpoint("one", "10.0.0.1"), endpoint("two", "10.0.0.2", "two.example")], manifestPath: manifest })
  })
  afterAll(() => h.dispose())

  it("selects the endpoint by control parameters and answers the reference texts", async () => {
    const none = await h.fetch("/proxmox/api2/version")
    expect(none.status).toBe(400)
    expect(await none.json()).toMatchObject({ message: "Multiple Proxmox endpoints configured; provide name, domain, or ip_address." })
    h.answer = { _tag: "data", data: { version: "9.1.2", release: "9.1", repoid: "abc" } }
    const ok = await h.fetch("/proxmox/api2/version?target_domain=two.example")
    expect(ok.status).toBe(200)
    expect(h.calls.at(-1)!.endpoint.name).toBe("two")
    expect((await h.fetch("/proxmox/api2/version?source=elsewhere&target_name=one")).status).toBe(400)
  })

  it("exposes a Proxmox parameter named source as op_source and forwards it under its own name", async () => {
    h.answer = { _tag: "data", data: null }
    const res = await h.fetch("/proxmox/api2/cluster/firewall/rules?target_name=one&op_source=10.1.0.0/16&action=ACCEPT&type=in", { method: "POST" })
    expect(res.status).toBe(200)
    expect(h.calls.at(-1)!.req).toMatchObject({ method: "POST", path: "/cluster/firewall/rules", body: { source: "10.1.0.0/16", action: "ACCEPT", type: "in" } })
  })

  it("returns a Proxmox answer that does not fit the contract unchanged (logged, never a 500)", async () => {
    const odd = [{ vmid: "100", status: "running", unexpected: { deep: true } }, { vmid: 101, cpus: "2" }, "not even an object"]
    h.answer = { _tag: "data", data: odd }
    const res = await h.fetch("/proxmox/api2/8.3/nodes/pve1/qemu?target_name=one")
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual(odd)
  })

  it("maps a Proxmox failure to 502 with the operation id", async () => {
    h.answer = { _tag: "fail", error: new ProxmoxApiError({ endpoint: "one", method: "GET", path: "/nodes", status: 500, reason: "boom" }) }
    const res = await h.fetch("/proxmox/api2/latest/nodes?target_name=one")
    expect(res.status).toBe(502)
    expect(await res.json()).toMatchObject({
      message: "Generated Proxmox proxy request failed for GET /nodes.",
      detail: expect.stringContaining("Operation ID: get_nodes."),
      status: 500
    })
  })

  it("answers 404 for unknown paths and 405 for a known path with another verb", async () => {
    expect((await h.fetch("/proxmox/api2/latest/nope")).status).toBe(404)
    const res = await h.fetch("/proxmox/api2/version", { method: "DELETE" })
    expect(res.status).toBe(405)
    expect(res.headers.get("allow")).toBe("GET")
  })

  it("refreshes one version or all, with counts that match what is served, and records the manifest", async () => {
    const service = await Effect.runPromise(
      GeneratedRoutes.make({ dir: DEFAULT_GENERATED_DIR, manifestPath: manifest }).pipe(Effect.provide(NodeContext.layer))
    )
    const one = await Effect.runPromise(service.refresh("8.4"))
    expect(one.mounted_versions).toEqual(["8.4"])
    expect(one.route_count).toBe(605)
    expect(one.versions["8.4"]).toEqual({ route_count: 605, path_count: 398, method_count: 605, schema_version: "8.4.17" })
    const all = await Effect.runPromise(service.refresh())
    expect(all.mounted_versions).toEqual(["latest", "8.1", "8.2", "8.3", "8.4", "9.1"])
    // latest counts twice: its versioned routes and the unversioned alias.
    expect(all.route_count).toBe(646 * 2 + 584 + 584 + 600 + 605 + 646)
    expect(all.state).toMatchObject({ cache_enabled: true, loaded_from_cache: false, route_count: all.route_count })
    const written = JSON.parse(readFileSync(manifest, "utf8"))
    expect(written).toMatchObject({ cache_format: 1, alias_version_tag: "latest", mounted_versions: all.mounted_versions })
    const bad = await Effect.runPromise(Effect.flip(service.refresh("../etc")))
    expect(bad.message).toBe("Generated Proxmox OpenAPI schema not found.")
  })
})
