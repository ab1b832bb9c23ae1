/**
 * `npm run bench [sizes...]`: a VM sync against the simulators (one Proxmox cluster of 8 nodes, one NetBox),
 * first run (creates everything) and second run (must write nothing), at 50, 1,000 and 10,000 guests by
 * default. Prints NetBox and Proxmox request counts and wall time per run.
 */
import { Effect, Layer } from "effect"
import { NetBoxSimulator } from "../src/testing/netbox/index.ts"
import { seedInventory } from "../src/testing/proxmox/inventory.ts"
import { ProxmoxSimulator } from "../src/testing/proxmox/ProxmoxSimulator.ts"
import { SyncOrchestrator } from "../src/sync/SyncOrchestrator.ts"
import { orchestratorOn, request } from "../test/sync/world.ts"

const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0)

const bench = (guests: number) =>
  Effect.gen(function*() {
    const nodes = guests >= 1000 ? 8 : 2
    const px = yield* ProxmoxSimulator.make({ inventory: seedInventory({ clusterName: "bench", nodes, guestsPerNode: Math.ceil(guests / nodes) }) })
    const nb = yield* NetBoxSimulator
    const sync = yield* SyncOrchestrator
    const run = (label: string) =>
      Effect.gen(function*() {
        yield* nb.resetRequestCounts
        px.resetRequests()
        const start = performance.now()
        const { completed } = yield* sync.runToCompletion(request([px.endpoint({ id: 1, name: "bench" })], { fetchMaxConcurrency: 16 }))
        const ms = performance.now() - start
        const counts = yield* nb.requestCounts
        const total = [...counts.values()].reduce((a, b) => a + b, 0)
        const writes = [...counts].filter(([k]) => !k.startsWith("GET ")).reduce((a, [, n]) => a + n, 0)
        const vm = completed.counts["virtual_machine"]!
        console.log(
          `${String(guests).padStart(6)} guests  ${label.padEnd(6)}  ${(ms / 1000).toFixed(2).padStart(7)} s  ` +
            `NetBox ${String(total).padStart(4)} requests (${String(writes).padStart(3)} writes)  Proxmox ${String(px.requests().length).padStart(6)} requests  ` +
            `VMs created ${vm.created}, updated ${vm.updated}, unchanged ${vm.unchanged}`
        )
      })
    yield* run("first")
    yield* run("second")
  }).pipe(
    Effect.scoped,
    Effect.provide(orchestratorOn({ batchSize: 500 }).pipe(Layer.provideMerge(NetBoxSimulator.layerWithClient({}, { maxConcurrent: 8 }))))
  )

Effect.runPromise(Effect.forEach(sizes.length > 0 ? sizes : [50, 1000, 10000], bench, { discard: true })).catch((e) => {
  console.error(e)
  process.exitCode = 1
})
