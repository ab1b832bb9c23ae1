import { describe, expect, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { readFileSync } from "node:fs"
import { ProxmoxClient } from "../../src/proxmox/ProxmoxClient.ts"
import { ClusterResource, StorageContentItem } from "../../src/proxmox/schemas.ts"
import { SIMULATED_GET_PATHS } from "../../src/testing/proxmox/api.ts"
import { addGuest, migrateGuest, removeGuest, renameGuest } from "../../src/testing/proxmox/inventory.ts"
import { ProxmoxClientTest } from "../../src/testing/proxmox/layers.ts"
import { LARGE_SCENARIO, STANDARD_SCENARIO, startScenario } from "../../src/testing/proxmox/scenario.ts"

const contract = (version: string) =>
  JSON.parse(readFileSync(new URL(`../../generated/proxmox/${version}/openapi.json`, import.meta.url), "utf8")) as {
    paths: Record<string, Record<string, unknown>>
  }

describe("simulated routes exist in the real API", () => {
  for (const version of ["8.1", "8.4", "9.1"]) {
    it(`every simulated GET is a GET of PVE ${version}, and the ticket call a POST`, () => {
      const { paths } = contract(version)
      const missing = SIMULATED_GET_PATHS.map(([template]) => template).filter((t) => paths[t]?.["get"] === undefined)
      expect(missing).toEqual([])
      expect(paths["/access/ticket"]?.["post"]).toBeDefined()
    })
  }
})

const guests = (data: ReadonlyArray<ClusterResource>) =>
  data.filter((r) => r.type === "qemu" || r.type === "lxc").map((r) => `${r.vmid}@${r.node}:${r.name}`)

describe("scenarios", () => {
  it.scoped("the standard scenario: a 3-node cluster and a standalone host, 50 guests", () =>
    Effect.gen(function*() {
      const client = yield* ProxmoxClient
      const [lab, solo] = yield* startScenario(STANDARD_SCENARIO)
      const labSession = yield* client.connect(lab!.endpoint)
      const soloSession = yield* client.connect(solo!.endpoint)
      expect([labSession.name, labSession.mode, soloSession.name, soloSession.mode]).toEqual(["lab", "cluster", "pve", "standalone"])
      const all = [
        ...(yield* labSession.read(Schema.Array(ClusterResource), "/cluster/resources", { type: "vm" })),
        ...(yield* soloSession.read(Schema.Array(ClusterResource), "/cluster/resources", { type: "vm" }))
      ]
      expect(all).toHaveLength(50)
      expect(new Set(all.map((r) => r.vmid)).size).toBe(50) // disjoint vmid ranges
    }).pipe(Effect.provide(ProxmoxClientTest())))

  it.scoped("renames, migrations, deletions and additions show in the next read", () =>
    Effect.gen(function*() {
      const client = yield* ProxmoxClient
      const [lab] = yield* startScenario([{ name: "lab", seed: { nodes: 2, guestsPerNode: 2 } }])
      const { endpoint, sim } = lab!
      const session = yield* client.connect(endpoint)
      const read = session.read(Schema.Array(ClusterResource), "/cluster/resources", { type: "vm" })
      expect(guests(yield* read)).toEqual(["100@pve1:vm-100", "101@pve1:vm-101", "102@pve2:vm-102", "103@pve2:vm-103"])

      renameGuest(sim.inventory, 100, "web-1")
      migrateGuest(sim.inventory, 101, "pve2")
      removeGuest(sim.inventory, 102)
      addGuest(sim.inventory, "pve1", { type: "lxc", name: "cache" })
      expect(guests(yield* read)).toEqual(["100@pve1:web-1", "104@pve1:cache", "103@pve2:vm-103", "101@pve2:vm-101"])
      expect(yield* session.get("/nodes/pve1/qemu/100/config")).toMatchObject({ name: "web-1" })
      expect(yield* session.get("/nodes/pve1/lxc/104/config")).toMatchObject({ hostname: "cache" })
      // the migrated guest's disk moved with it
      const disks = yield* session.read(Schema.Array(StorageContentItem), "/nodes/pve2/storage/local-lvm/content", { vmid: 101 })
      expect(disks.map((d) => d.volid)).toEqual(["local-lvm:vm-101-disk-0"])
    }).pipe(Effect.provide(ProxmoxClientTest())))

  it.scoped("10,000 guests in one cluster read", () =>
    Effect.gen(function*() {
      const client = yield* ProxmoxClient
      const [big] = yield* startScenario(LARGE_SCENARIO)
      const session = yield* client.connect(big!.endpoint)
      const started = performance.now()
      const vms = yield* session.read(Schema.Array(ClusterResource), "/cluster/resources", { type: "vm" })
      const ms = performance.now() - started
      expect(vms).toHaveLength(10_000)
      expect(new Set(vms.map((v) => v.node)).size).toBe(8)
      yield* Effect.log(`GET /cluster/resources?type=vm, 10,000 guests, decoded: ${ms.toFixed(0)} ms`)
    }).pipe(Effect.provide(ProxmoxClientTest())))
})
