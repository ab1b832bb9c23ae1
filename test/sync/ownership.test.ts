import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { NetBoxClient } from "../../src/netbox/NetBoxClient.ts"
import { SyncOrchestrator } from "../../src/sync/SyncOrchestrator.ts"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"
import { renameGuest } from "../../src/testing/proxmox/inventory.ts"
import { request, startProxmox, World, writes } from "./world.ts"

describe("ownership", () => {
  it.scopedLive("a user tag on a VM survives updates; an untagged same-named device is reported, not touched", () =>
    Effect.gen(function*() {
      const { endpoints, lab } = yield* startProxmox
      const nb = yield* NetBoxClient
      const sim = yield* NetBoxSimulator
      const sync = yield* SyncOrchestrator
      // an operator's device named like a node, elsewhere, without the proxbox tag
      const site = (yield* nb.create("dcim/sites", [{ name: "HQ", slug: "hq" }]))[0]!
      const mf = (yield* nb.create("dcim/manufacturers", [{ name: "Acme", slug: "acme" }]))[0]!
      const dt = (yield* nb.create("dcim/device-types", [{ model: "Box", slug: "box", manufacturer: mf.id }]))[0]!
      const role = (yield* nb.create("dcim/device-roles", [{ name: "Server", slug: "server" }]))[0]!
      const theirs = (yield* nb.create("dcim/devices", [{ name: "pve2", site: site.id, device_type: dt.id, role: role.id, description: "theirs" }]))[0]!

      const first = yield* sync.runToCompletion(request(endpoints))
      const skipped = first.events.find((e) => e._tag === "ItemEvent" && e.kind === "device" && e.action === "skip")
      expect(skipped).toMatchObject({ status: "warning", name: "pve2", netbox_id: theirs.id })
      expect((yield* nb.get("dcim/devices", theirs.id))["description"]).toBe("theirs")
      const vmOnPve2 = (yield* nb.list("virtualization/virtual-machines", { name: "vm-114" }))[0]!
      expect(vmOnPve2["device"]).toBeNull()

      const user = (yield* nb.create("extras/tags", [{ name: "Keep", slug: "keep" }]))[0]!
      const vm = (yield* nb.list("virtualization/virtual-machines", { name: "vm-101" }))[0]!
      yield* nb.update("virtualization/virtual-machines", [{ id: vm.id, tags: [...(vm["tags"] as Array<{ id: number }>).map((t) => t.id), user.id] }])
      renameGuest(lab.inventory, 101, "web-101")
      yield* sim.resetRequestCounts
      yield* sync.runToCompletion(request(endpoints))
      expect(yield* writes).toEqual({ "PATCH /api/virtualization/virtual-machines/": 1 })
      const after = yield* nb.get("virtualization/virtual-machines", vm.id)
      expect(after["name"]).toBe("web-101")
      expect((after["tags"] as Array<{ slug: string }>).map((t) => t.slug).sort()).toEqual(["keep", "proxbox"])

      // once the operator tags it proxbox, the device is adopted (its site kept)
      yield* nb.update("dcim/devices", [{ id: theirs.id, tags: [{ slug: "proxbox" }] }])
      yield* sync.runToCompletion(request(endpoints))
      const adopted = yield* nb.get("dcim/devices", theirs.id)
      expect(adopted).toMatchObject({ description: "Proxmox Node pve2", site: { id: site.id } })
      expect((yield* nb.get("virtualization/virtual-machines", vmOnPve2.id))["device"]).toMatchObject({ id: theirs.id })
    }).pipe(Effect.provide(World())))

  it.scopedLive("single flight: a second run waits for the first and then writes nothing", () =>
    Effect.gen(function*() {
      const { endpoints } = yield* startProxmox
      const sync = yield* SyncOrchestrator
      const sim = yield* NetBoxSimulator
      const [a, b] = yield* Effect.all([sync.runToCompletion(request(endpoints)), sync.runToCompletion(request(endpoints))], { concurrency: 2 })
      const waited = [a, b].filter((r) => r.events.some((e) => e._tag === "StageNote" && e.message.startsWith("Waiting")))
      expect(waited).toHaveLength(1)
      const created = [a, b].map((r) => r.completed.counts["virtual_machine"]!.created).sort()
      expect(created).toEqual([0, 50])
      expect((yield* sim.requestCounts).get("POST /api/virtualization/virtual-machines/")).toBe(1)
    }).pipe(Effect.provide(World())))
})
