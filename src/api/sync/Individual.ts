/**
 * The individual syncs (spec §1.12, plugin contract §1.8): one node, VM or cluster, through the same
 * engine narrowed to that object. The session is picked by `cluster_name` (case-insensitive, against the
 * cluster name, the standalone node name, or the domain/IP); no match is HTTP 200 `{error}` as the
 * reference answered. Failures of the sync itself are `action: "error"` in the envelope.
 */
import { selectStoredEndpoints } from "../selection.ts"
import { HttpApiBuilder } from "@effect/platform"
import { DateTime, Effect, Either } from "effect"
import { ProxmoxClient } from "../../proxmox/ProxmoxClient.ts"
import { acrossEndpoints } from "../../proxmox/selection.ts"
import type { ItemEvent, Kind, StageCompleted, SyncEvent } from "../../sync/events.ts"
import type { SyncRequest } from "../../sync/pipeline.ts"
import { SyncOrchestrator } from "../../sync/SyncOrchestrator.ts"
import { ProxboxApi } from "../Api.ts"
import type { SessionQuery } from "../proxmox-reads/Api.ts"
import { baseRequest } from "./common.ts"

const OBJECT_TYPE: Partial<Record<Kind, string>> = { cluster_type: "cluster_type", cluster: "cluster", device: "node", virtual_machine: "vm" }

type Query = SessionQuery & { readonly cluster_name: string; readonly dry_run: boolean; readonly fetch_max_concurrency: number }

export const HttpSyncIndividualLive = HttpApiBuilder.group(ProxboxApi, "syncIndividual", (handlers) =>
  Effect.gen(function*() {
    const sync = yield* SyncOrchestrator
    const proxmox = yield* ProxmoxClient

    /** The selected endpoint whose session is named `cluster_name`, or undefined. */
    const endpointFor = (q: Query) =>
      Effect.flatMap(selectStoredEndpoints(q), (endpoints) =>
        acrossEndpoints(endpoints, (s) => Effect.succeed(s)).pipe(
          Effect.provideService(ProxmoxClient, proxmox),
          Effect.map((outcomes) =>
            outcomes.flatMap((o) => (Either.isRight(o.result) ? [o.result.right] : []))
              .find((s) => [s.name, s.endpoint.domain, s.endpoint.ip_address, s.endpoint.name].some((n) => n?.toLowerCase() === q.cluster_name.toLowerCase()))
          )
        ))

    /** Runs `narrow(request)` and folds the events into the envelope for `kind` / `key`. */
    const individual = (
      q: Query,
      objectType: string,
      kind: Kind,
      key: (cluster: string) => string,
      resource: Record<string, unknown>,
      narrow: (r: SyncRequest) => SyncRequest
    ) =>
      Effect.gen(function*() {
        const session = yield* endpointFor(q)
        if (!session) return { error: `No Proxmox session found for cluster: ${q.cluster_name}` }
        const stage = kind === "device" ? "devices" as const : kind === "cluster" ? "clusters" as const : "virtual-machine" as const
        const request = narrow(baseRequest(stage, q, [session.endpoint]))
        const proxmox_resource = { ...resource, cluster_name: session.name, proxmox_last_updated: DateTime.formatIso(yield* DateTime.now) }
        const base = { object_type: objectType, proxmox_resource, dry_run: q.dry_run }
        return yield* sync.runToCompletion(request).pipe(
          Effect.map(({ completed, events }) => envelope(base, kind, key(session.name), completed, events)),
          Effect.catchAll((f) =>
            Effect.succeed({ ...base, action: "error" as const, netbox_object: null, dependencies_synced: [], error: `${f.message} ${f.detail}`.trim() })
          )
        )
      })

    return handlers
      .handle("node", ({ urlParams: q }) =>
        individual(q, "node", "device", (c) => `${c}/${q.node_name}`, { node: q.node_name }, (r) => ({
          ...r,
          nodeFilter: (node) => node === q.node_name
        })))
      .handle("cluster", ({ urlParams: q }) => individual(q, "cluster", "cluster", (c) => c, { name: q.cluster_name }, (r) => r))
      .handle("vm", ({ urlParams: q }) => vm(q, q))
      .handle("vmByPath", ({ path, urlParams }) => vm({ ...urlParams, cluster_name: path.cluster_name }, path))

    function vm(q: Query, target: { readonly node: string; readonly type: "qemu" | "lxc"; readonly vmid: number }) {
      return individual(q, "vm", "virtual_machine", (c) => `${c}/${target.type}/${target.vmid}`, { ...target }, (r) => ({
        ...r,
        guestFilter: (g) => g.type === target.type && g.vmid === target.vmid,
        notFound: `Proxmox ${target.type} ${target.vmid} was not found on ${q.cluster_name}.`
      }))
    }
  }))

const envelope = (
  base: { readonly object_type: string; readonly proxmox_resource: Record<string, unknown>; readonly dry_run: boolean },
  kind: Kind,
  key: string,
  completed: StageCompleted,
  events: ReadonlyArray<SyncEvent>
) => {
  const items = events.filter((e): e is ItemEvent => e._tag === "ItemEvent")
  const mine = items.filter((e) => e.kind === kind && e.key === key)
  const failed = mine.find((e) => e.status === "warning")
  const done = mine.find((e) => e.action === "create" || e.action === "update")
  const record = completed.records.find((r) => r["id"] === (done?.netbox_id ?? mine[0]?.netbox_id)) ?? completed.records[0] ?? null
  const action = failed ? "error" as const : base.dry_run ? "dry_run" as const : done?.action === "create" ? "created" as const : done ? "updated" as const : "noop" as const
  const dependencies_synced = items
    .filter((e) => e.kind !== kind && OBJECT_TYPE[e.kind] && (e.action === "create" || e.action === "update") && e.status !== "warning")
    .map((e) => ({ object_type: OBJECT_TYPE[e.kind]!, name: e.name, cluster_name: e.key.split("/")[0], action: e.action === "create" ? "created" : "updated" }))
  return { ...base, action, netbox_object: record, dependencies_synced, error: failed?.message ?? null }
}
