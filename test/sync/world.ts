/**
 * The sync engine's test world: a 3-node Proxmox cluster "lab" and a standalone host "pve" (HTTPS
 * simulators, ~50 guests: QEMU and LXC, stopped ones, templates), a NetBox simulator, and the real
 * orchestrator wired to both through the real clients.
 */
import { Effect, Layer, Ref } from "effect"
import { NetBoxBootstrap } from "../../src/netbox/bootstrap.ts"
import { NetBoxClient, NetBoxConnector } from "../../src/netbox/NetBoxClient.ts"
import { AppCache } from "../../src/observability/Cache.ts"
import { SyncOrchestrator, type SyncSettings } from "../../src/sync/SyncOrchestrator.ts"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"
import { seedInventory } from "../../src/testing/proxmox/inventory.ts"
import { ProxmoxClientTest } from "../../src/testing/proxmox/layers.ts"
import { ProxmoxSimulator } from "../../src/testing/proxmox/ProxmoxSimulator.ts"
import type { SyncRequest } from "../../src/sync/pipeline.ts"
import { registerEndpoints } from "../support/app.ts"

/**
 * lab: 3 nodes × 14 guests (every 4th LXC, every 5th stopped, 2 templates); pve: standalone, 8 guests.
 * `prefix` goes before the cluster and node names (a persistent NetBox needs them unique per run).
 */
export const startProxmoxWith = (options: { readonly prefix?: string } = {}) =>
  Effect.gen(function*() {
    const prefix = options.prefix ?? ""
    const labInventory = seedInventory({ clusterName: `${prefix}lab`, nodes: 3, guestsPerNode: 14, nodePrefix: prefix })
    for (const vmid of [104, 118]) labInventory.nodes.flatMap((n) => n.guests).find((g) => g.vmid === vmid)!.template = true
    const lab = yield* ProxmoxSimulator.make({ inventory: labInventory })
    const solo = yield* ProxmoxSimulator.make({
      inventory: seedInventory({ clusterName: null, nodes: 1, guestsPerNode: 8, firstVmid: 900, nodePrefix: prefix })
    })
    return {
      lab,
      solo,
      endpoints: [lab.endpoint({ id: 1, name: "lab" }), solo.endpoint({ id: 2, name: "solo" })],
      /** The NetBox cluster names (a standalone host's is its node's) and a lab node's name. */
      names: { lab: `${prefix}lab`, solo: `${prefix}pve`, node: (n: number) => `${prefix}pve${n}` }
    }
  })

export const startProxmox = startProxmoxWith()

/** The orchestrator on a NetBox simulator (given, or started here) and the simulated Proxmox endpoints. */
export const orchestratorOn = (settings: SyncSettings = {}) =>
  SyncOrchestrator.layerWith(settings).pipe(
    Layer.provide(Layer.mergeAll(
      Layer.effect(NetBoxConnector, Effect.map(NetBoxClient, (c) => ({ client: Effect.succeed(c) }))),
      NetBoxBootstrap.layer,
      AppCache.layer,
      ProxmoxClientTest({ retries: 0 })
    ))
  )

export const World = (settings: SyncSettings = {}) =>
  orchestratorOn(settings).pipe(Layer.provideMerge(NetBoxSimulator.layerWithClient({}, { retryBase: "5 millis", retries: 1 })))

export const request = (endpoints: SyncRequest["endpoints"], over: Partial<SyncRequest> = {}): SyncRequest => ({
  stage: "virtual-machines",
  endpoints,
  fetchMaxConcurrency: 8,
  dryRun: false,
  deleteOrphans: false,
  ...over
})

/** Writes the NetBox simulator received since the last reset, by `METHOD path`. */
export const writes = Effect.gen(function*() {
  const sim = yield* NetBoxSimulator
  const counts = yield* sim.requestCounts
  return Object.fromEntries([...counts].filter(([k]) => !k.startsWith("GET ")))
})

export const totalRequests = Effect.map(NetBoxSimulator, (sim) => sim.requestCounts).pipe(
  Effect.flatten,
  Effect.map((m) => [...m.values()].reduce((a, b) => a + b, 0))
)

/** Writes the NetBoxClient sent since the last reset, by `METHOD path` (works against any NetBox). */
export const clientWrites = Effect.gen(function*() {
  const nb = yield* NetBoxClient
  const counts = yield* Ref.get(nb.requestCounts)
  return Object.fromEntries([...counts].filter(([k]) => !k.startsWith("GET ")))
})

/** All requests the NetBoxClient sent since the last reset. */
export const clientRequests = Effect.map(NetBoxClient, (nb) => Ref.get(nb.requestCounts)).pipe(
  Effect.flatten,
  Effect.map((m) => [...m.values()].reduce((a, b) => a + b, 0))
)

export const resetClientCounts = Effect.flatMap(NetBoxClient, (nb) => Ref.set(nb.requestCounts, new Map()))

/** For tests of the whole app: both simulated endpoints stored and the NetBox simulator registered, as the plugin does. */
export const registeredWorld = Effect.flatMap(startProxmox, (px) => Effect.as(registerEndpoints(px.endpoints), px))
