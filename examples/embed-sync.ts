/**
 * Embedding proxbox-api in an Effect program: the sync engine on a ProxmoxClient and a NetBoxClient, no HTTP
 * server. Here both ends are the package's simulators; in production use `ProxmoxClient.layer` and
 * `NetBoxClient.layerUrl(url, token)` instead.
 *
 *   node --import tsx examples/embed-sync.ts
 */
import { NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Layer } from "effect"
import { ItemEvent, SyncEngine, SyncOrchestrator, type SyncRequest } from "../src/index.ts"
import { NetBoxSimulator, ProxmoxClientTest, ProxmoxSimulator, seedInventory } from "../src/testing/index.ts"

/** The plan of a VM sync: what would change, with the reason, and nothing written. */
const planOf = (request: SyncRequest) =>
  Effect.flatMap(SyncOrchestrator, (sync) => sync.runToCompletion({ ...request, dryRun: true })).pipe(
    Effect.map(({ events }) =>
      events.filter((e): e is ItemEvent => e._tag === "ItemEvent" && e.action !== "noop")
        .map((e) => `${e.action} ${e.kind} ${e.key}: ${e.message}`)
    )
  )

/** Plan, apply, and plan again: the second plan is empty because the first run made NetBox match Proxmox. */
export const program = Effect.gen(function*() {
  const proxmox = yield* ProxmoxSimulator
  const request: SyncRequest = {
    stage: "virtual-machines",
    endpoints: [proxmox.endpoint({ id: 1, name: "lab" })],
    fetchMaxConcurrency: 4,
    dryRun: false,
    deleteOrphans: false
  }
  const firstPlan = yield* planOf(request)
  yield* Console.log(`plan (${firstPlan.length} changes):\n  ${firstPlan.join("\n  ")}`)
  const sync = yield* SyncOrchestrator
  const { completed } = yield* sync.runToCompletion(request)
  yield* Console.log(`applied: ${JSON.stringify(completed.counts)}`)
  const secondPlan = yield* planOf(request)
  yield* Console.log(`second plan: ${secondPlan.length} changes`)
  return { firstPlan, counts: completed.counts, secondPlan }
})

/** A 2-node cluster with 6 guests per node on one side, an empty NetBox on the other. */
export const ExampleLayers = SyncEngine().pipe(
  Layer.provideMerge(NetBoxSimulator.layerWithClient()),
  Layer.provideMerge(ProxmoxClientTest()),
  Layer.provideMerge(ProxmoxSimulator.layer({ inventory: seedInventory({ clusterName: "lab", nodes: 2, guestsPerNode: 6 }) }))
)

if (import.meta.url === `file://${process.argv[1]}`) {
  program.pipe(Effect.provide(ExampleLayers), NodeRuntime.runMain)
}
