import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import type { ItemEvent, SyncEvent } from "../../src/sync/events.ts"
import { SyncOrchestrator } from "../../src/sync/SyncOrchestrator.ts"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"
import { addGuest, migrateGuest, removeGuest, renameGuest } from "../../src/testing/proxmox/inventory.ts"
import { request, startProxmox, World, writes } from "./world.ts"

const items = (events: ReadonlyArray<SyncEvent>) => events.filter((e): e is ItemEvent => e._tag === "ItemEvent")
const planOf = (events: ReadonlyArray<SyncEvent>) =>
  items(events).filter((e) => e.action !== "skip").map((e) => `${e.action} ${e.kind} ${e.key}${e.changes ? ` [${e.changes.map((c) => c.field).join(",")}]` : ""}`).sort()

const vmsOf = Effect.map(NetBoxSimulator, (sim) => sim.store.all(sim.store.byType.get("virtualization.virtualmachine")!))

describe("VM sync end to end (Proxmox simulators → NetBox simulator)", () => {
  it.scopedLive("first run creates everything, the second writes nothing", () =>
    Effect.gen(function*() {
      const { endpoints } = yield* startProxmox
      const sync = yield* SyncOrchestrator
      const sim = yield* NetBoxSimulator
      const first = yield* sync.runToCompletion(request(endpoints))
      expect(first.completed.count).toBe(50)
      expect(first.completed.counts["virtual_machine"]).toMatchObject({ created: 50, failed: 0 })
      expect(first.completed.counts["device"]).toMatchObject({ created: 4 })
      expect(first.completed.counts["cluster"]).toMatchObject({ created: 2 })
      const vms = yield* vmsOf
      expect(vms).toHaveLength(50)
      const ct = vms.find((v) => v["name"] === "ct-103")!
      expect(ct["custom_fields"]).toMatchObject({ proxmox_vm_id: 103, proxmox_vm_type: "lxc", proxmox_unprivileged_container: true })
      expect(vms.find((v) => v["name"] === "vm-104")!["custom_fields"]).toMatchObject({ proxmox_status: "template" })
      expect(vms.find((v) => v["name"] === "vm-105")!["status"]).toBe("offline")

      yield* sim.resetRequestCounts
      const second = yield* sync.runToCompletion(request(endpoints))
      expect(yield* writes).toEqual({})
      expect(second.completed.count).toBe(50)
      expect(second.completed.counts["virtual_machine"]).toMatchObject({ created: 0, updated: 0, unchanged: 50 })
    }).pipe(Effect.provide(World())))

  it.scopedLive("rename, migration, deletion and a new guest give exactly the expected plan and writes", () =>
    Effect.gen(function*() {
      const { endpoints, lab } = yield* startProxmox
      const sync = yield* SyncOrchestrator
      const sim = yield* NetBoxSimulator
      yield* sync.runToCompletion(request(endpoints))
      renameGuest(lab.inventory, 101, "renamed-101")
      migrateGuest(lab.inventory, 102, "pve3")
      removeGuest(lab.inventory, 103)
      addGuest(lab.inventory, "pve2", { vmid: 777, name: "newcomer" })

      yield* sim.resetRequestCounts
      const dry = yield* sync.runToCompletion(request(endpoints, { dryRun: true }))
      expect(yield* writes).toEqual({})
      expect(planOf(dry.events)).toEqual([
        "create virtual_machine lab/qemu/777",
        "orphan virtual_machine lab/lxc/103",
        "update virtual_machine lab/qemu/101 [name]",
        "update virtual_machine lab/qemu/102 [device,description,custom_fields.proxmox_node]"
      ])

      const applied = yield* sync.runToCompletion(request(endpoints, { deleteOrphans: true }))
      expect(planOf(applied.events)).toEqual([
        "create virtual_machine lab/qemu/777",
        "delete virtual_machine lab/lxc/103",
        "update virtual_machine lab/qemu/101",
        "update virtual_machine lab/qemu/102"
      ])
      expect(yield* writes).toEqual({
        "POST /api/virtualization/virtual-machines/": 1,
        "PATCH /api/virtualization/virtual-machines/": 1,
        "DELETE /api/virtualization/virtual-machines/": 1
      })
      const vms = yield* vmsOf
      expect(vms.map((v) => v["name"])).toContain("renamed-101")
      expect(vms.map((v) => v["name"])).not.toContain("vm-101")
      expect(vms.map((v) => v["name"])).not.toContain("ct-103")

      yield* sim.resetRequestCounts
      yield* sync.runToCompletion(request(endpoints, { deleteOrphans: true }))
      expect(yield* writes).toEqual({})
    }).pipe(Effect.provide(World())))
})
