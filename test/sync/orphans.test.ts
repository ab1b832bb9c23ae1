/** Orphan deletes against a NetBox that changes under the run. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { NetBoxClient } from "../../src/netbox/NetBoxClient.ts"
import type { ItemEvent } from "../../src/sync/events.ts"
import { SyncOrchestrator } from "../../src/sync/SyncOrchestrator.ts"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"
import { removeGuest } from "../../src/testing/proxmox/inventory.ts"
import { request, startProxmox, World } from "./world.ts"

const VMS = "/api/virtualization/virtual-machines/"

describe("orphan deletes", () => {
  it.scopedLive("an orphan an operator deleted while the run was planning counts as deleted, not as a failure", () =>
    Effect.gen(function*() {
      const { endpoints, lab } = yield* startProxmox
      const sync = yield* SyncOrchestrator
      const sim = yield* NetBoxSimulator
      const nb = yield* NetBoxClient
      yield* sync.runToCompletion(request(endpoints))
      removeGuest(lab.inventory, 103)
      const planned = yield* sync.runToCompletion(request(endpoints, { dryRun: true }))
      const orphan = planned.events.find((e): e is ItemEvent => e._tag === "ItemEvent" && e.action === "orphan")!
      expect(orphan.key).toBe("lab/lxc/103")

      // The run's DELETE is held on arrival; meanwhile the operator deletes the VM; then NetBox answers the run.
      const held = yield* sim.hold({ method: "DELETE", path: VMS })
      const run = yield* Effect.fork(sync.runToCompletion(request(endpoints, { deleteOrphans: true })))
      yield* held.arrived
      yield* nb.delete("virtualization/virtual-machines", [orphan.netbox_id!])
      yield* held.release
      const { completed, events } = yield* Fiber.join(run)

      expect(completed.counts["virtual_machine"]).toMatchObject({ deleted: 1, failed: 0 })
      expect(events.filter((e) => e._tag === "ItemEvent" && e.status === "warning")).toEqual([])
      const again = yield* sync.runToCompletion(request(endpoints, { deleteOrphans: true }))
      expect(again.completed.counts["virtual_machine"]).toMatchObject({ created: 0, updated: 0, deleted: 0, failed: 0 })
    }).pipe(Effect.provide(World())))
})
