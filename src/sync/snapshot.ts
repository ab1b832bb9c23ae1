/**
 * Snapshot: read, with paginated bulk requests, every NetBox object this run may touch, and match it to
 * what is desired. One request (or a few pages) per kind, whatever the number of objects: shared kinds by
 * slug/name, devices by node name and by cluster, VMs by cluster.
 */
import { Effect } from "effect"
import type { NetBoxClientService, NetBoxRecord } from "../netbox/client.ts"
import type { NetBoxError } from "../netbox/errors.ts"
import { matchShared, PATHS, sharedQueries } from "./clusters.ts"
import type { Kind } from "./events.ts"
import type { CollectedCluster, Desired, KindState } from "./model.ts"
import { deviceState } from "./nodes.ts"
import { vmState } from "./vms.ts"

export interface Scope {
  readonly clusters: ReadonlyArray<CollectedCluster>
  /** In dependency order (clusters.ts, nodes.ts, vms.ts). */
  readonly desired: ReadonlyArray<Desired>
  readonly tagId: number
  /** Report (and maybe delete) vanished devices: the devices stage, not the VM stage. */
  readonly deviceOrphans: boolean
  /** Read (and plan) virtual machines: the VM stages. */
  readonly withVms: boolean
}

const SHARED: ReadonlyArray<Kind> = ["cluster_type", "cluster", "manufacturer", "device_type", "device_role", "site"]

const unique = (rs: ReadonlyArray<NetBoxRecord>) => [...new Map(rs.map((r) => [r.id, r])).values()]

export const snapshot = (nb: NetBoxClientService, scope: Scope): Effect.Effect<ReadonlyArray<KindState>, NetBoxError> =>
  Effect.gen(function*() {
    const of = (kind: Kind) => scope.desired.filter((d) => d.kind === kind)
    const queries = sharedQueries(scope.desired).filter((q) => Object.values(q.query).some((v) => v.length > 0))
    const shared = yield* Effect.forEach(queries, (q) => Effect.map(nb.list(PATHS[q.kind], q.query), (rs) => [q.kind, rs] as const), {
      concurrency: 4
    })
    const records = new Map<Kind, ReadonlyArray<NetBoxRecord>>(shared)
    const states: Array<KindState> = SHARED.filter((k) => of(k).length > 0).map((kind) => ({
      kind,
      path: PATHS[kind],
      desired: of(kind),
      matches: matchShared(of(kind), records.get(kind) ?? []),
      orphans: []
    }))
    const clusterIds = new Map((records.get("cluster") ?? []).map((r) => [String(r["name"]), r.id]))
    const ourClusterIds = scope.clusters.flatMap((c) => (clusterIds.has(c.name) ? [clusterIds.get(c.name)!] : []))

    const devices = of("device")
    if (devices.length > 0 || scope.deviceOrphans) {
      const names = [...new Set(devices.map((d) => d.name))]
      const [named, inClusters] = yield* Effect.all([
        names.length > 0 ? nb.list(PATHS.device, { name: names }) : Effect.succeed([]),
        scope.deviceOrphans && ourClusterIds.length > 0 ? nb.list(PATHS.device, { cluster_id: ourClusterIds, tag: "proxbox" }) : Effect.succeed([])
      ], { concurrency: 2 })
      states.push(deviceState(scope.clusters, devices, unique([...named, ...inClusters]), clusterIds, scope.tagId, scope.deviceOrphans))
    }

    const vms = of("virtual_machine")
    if (scope.withVms) {
      const existing = ourClusterIds.length > 0 ? yield* nb.list(PATHS.virtual_machine, { cluster_id: ourClusterIds }) : []
      states.push(vmState(scope.clusters, vms, existing, clusterIds, scope.tagId))
    }
    return states
  })
