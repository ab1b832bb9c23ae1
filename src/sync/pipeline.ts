/**
 * One stage run: collect → snapshot → plan → apply, reporting through `emit`. The orchestrator turns it
 * into a Stream and adds single flight; this module only knows the order of the steps and what each
 * stage covers.
 */
import { Effect, Either } from "effect"
import type { ProxmoxEndpoint } from "../domain/endpoint.ts"
import { NetBoxBootstrap } from "../netbox/bootstrap.ts"
import type { NetBoxClientService, NetBoxRecord } from "../netbox/client.ts"
import type { ProxmoxClient } from "../proxmox/ProxmoxClient.ts"
import { acrossEndpoints } from "../proxmox/selection.ts"
import { applyPlan, type Emit, fatal } from "./apply.ts"
import { desiredShared } from "./clusters.ts"
import { collectCluster, type GuestRef } from "./collect.ts"
import { emptyCounts, ItemEvent, type Kind, type Stage, StageCompleted, StageNote, SyncFailure } from "./events.ts"
import type { CollectedCluster, KindPlan, Plan } from "./model.ts"
import { desiredDevices } from "./nodes.ts"
import { planKinds } from "./plan.ts"
import { snapshot } from "./snapshot.ts"
import { desiredVms } from "./vms.ts"

export interface SyncRequest {
  readonly stage: Stage
  readonly endpoints: ReadonlyArray<ProxmoxEndpoint>
  /** Guest config reads in flight per endpoint (`fetch_max_concurrency`). */
  readonly fetchMaxConcurrency: number
  readonly dryRun: boolean
  readonly deleteOrphans: boolean
  /** Only these guests (netbox_vm_ids, one VM): orphans are then never computed. */
  readonly guestFilter?: (guest: GuestRef, cluster: string) => boolean
  /** Fail with 404 and this text when the filter leaves no guest. */
  readonly notFound?: string
  /** Only this node (the individual node sync). */
  readonly nodeFilter?: (node: string, cluster: string) => boolean
}

/** What the stage covers: its main kind, and whether it reads guests / devices. */
const ALL_SHARED: ReadonlyArray<Kind> = ["cluster_type", "cluster", "manufacturer", "device_type", "device_role", "site"]
const SCOPE: Record<Stage, { readonly main: Kind; readonly shared: ReadonlyArray<Kind>; readonly devices: boolean; readonly vms: boolean }> = {
  "cluster-types": { main: "cluster_type", shared: ["cluster_type"], devices: false, vms: false },
  clusters: { main: "cluster", shared: ["cluster_type", "cluster"], devices: false, vms: false },
  devices: { main: "device", shared: ALL_SHARED, devices: true, vms: false },
  "virtual-machines": { main: "virtual_machine", shared: ALL_SHARED, devices: true, vms: true },
  "virtual-machine": { main: "virtual_machine", shared: ALL_SHARED, devices: true, vms: true }
}

export const COMPLETE_MESSAGE: Record<Stage, string> = {
  "cluster-types": "Cluster types sync completed.",
  clusters: "Clusters sync completed.",
  devices: "Devices sync completed.",
  "virtual-machines": "Virtual machines sync completed.",
  "virtual-machine": "Virtual machine sync completed."
}

const label = (k: Kind) => k.replace(/_/g, " ")

/** Dry run: every planned action; otherwise only what apply will not report (skips, reported orphans). */
const planEvents = (stage: Stage, plan: Plan, dryRun: boolean) =>
  plan.flatMap((k: KindPlan) => [
    ...(dryRun
      ? [
        ...k.creates.map((c) => ({ ...c, action: "create" as const, id: null, changes: undefined })),
        ...k.updates.map((u) => ({ ...u, action: "update" as const })),
        ...k.deletes.map((d) => ({ ...d, action: "delete" as const, changes: undefined }))
      ].map((p) =>
        new ItemEvent({
          stage, kind: p.kind, action: p.action, status: "progress", key: p.key, name: p.name, netbox_id: p.id,
          message: `Would ${p.action} ${label(p.kind)} ${p.name}: ${p.reason}`,
          ...(p.changes ? { changes: p.changes } : {})
        })
      )
      : []),
    ...k.orphans.map((o) =>
      new ItemEvent({
        stage, kind: o.kind, action: "orphan", status: "progress", key: o.key, name: o.name, netbox_id: o.id,
        message: `Orphan ${label(o.kind)} ${o.name}: ${o.reason}; kept (delete_orphans=false)`
      })
    ),
    ...k.skips.map((s) =>
      new ItemEvent({
        stage, kind: s.kind, action: "skip", status: s.reason.includes("used as it is") ? "progress" : "warning",
        key: s.key, name: s.name, netbox_id: s.id, message: `Skipped ${label(s.kind)} ${s.name}: ${s.reason}`
      })
    )
  ])

/** The ProxmoxClient comes from the caller's context; the NetBox client is resolved by the orchestrator. */
export const runStage = (
  nb: NetBoxClientService,
  request: SyncRequest,
  options: { readonly batchSize: number; readonly now: string },
  emit: Emit
): Effect.Effect<StageCompleted, SyncFailure, ProxmoxClient | NetBoxBootstrap> =>
  Effect.gen(function*() {
    const { stage } = request
    const scope = SCOPE[stage]
    const outcomes = yield* acrossEndpoints(request.endpoints, (session) =>
      collectCluster(session, {
        concurrency: request.fetchMaxConcurrency,
        guests: scope.vms,
        ...(request.guestFilter ? { guestFilter: request.guestFilter } : {})
      }))
    const clusters: Array<CollectedCluster> = []
    for (const o of outcomes) {
      if (Either.isLeft(o.result)) {
        yield* emit(new StageNote({ stage, status: "warning", message: `Proxmox endpoint ${o.name} could not be read: ${o.result.left.message}` }))
        continue
      }
      const { cluster, failures } = o.result.right
      const nodes = request.nodeFilter ? cluster.nodes.filter((n) => request.nodeFilter!(n.name, cluster.name)) : cluster.nodes
      clusters.push({ ...cluster, nodes, complete: cluster.complete && nodes.length === cluster.nodes.length })
      for (const f of failures) {
        yield* emit(new ItemEvent({
          stage, kind: "virtual_machine", action: "skip", status: "warning", key: `${cluster.name}/${f.guest.type}/${f.guest.vmid}`,
          name: f.guest.name, netbox_id: null, message: `Could not read ${f.guest.type} ${f.guest.vmid} (${f.guest.name}) on ${f.guest.node}: ${f.error.message}`
        }))
      }
      yield* emit(new StageNote({
        stage, status: "progress",
        message: `Read ${cluster.name}: ${nodes.length} node(s), ${cluster.guests.length} guest(s)${cluster.complete ? "" : " (partial read: no orphans are deleted)"}`
      }))
    }
    if (clusters.length === 0) {
      const first = outcomes.find((o) => Either.isLeft(o.result))
      return yield* new SyncFailure({
        stage,
        message: "No Proxmox endpoint could be read.",
        detail: first && Either.isLeft(first.result) ? first.result.left.message : "No Proxmox endpoint selected.",
        status: first ? 502 : 400,
        upstream: "proxmox"
      })
    }
    const guests = clusters.reduce((n, c) => n + c.guests.length, 0)
    if (request.notFound !== undefined && guests === 0) {
      return yield* new SyncFailure({ stage, message: request.notFound, detail: request.notFound, status: 404 })
    }

    const tagId = yield* (request.dryRun ? existingTag(nb) : Effect.map(Effect.flatMap(NetBoxBootstrap, (b) => b.ensure(nb)), (r) => r.tag.id)).pipe(
      Effect.mapError((e) => fatal(stage, e))
    )
    const shared = desiredShared(clusters, options.now, scope.vms).filter((d) => scope.shared.includes(d.kind))
    const desired = [...shared, ...(scope.devices ? desiredDevices(clusters) : []), ...(scope.vms ? desiredVms(clusters) : [])]
    const states = yield* snapshot(nb, { clusters, desired, tagId, deviceOrphans: stage === "devices", withVms: scope.vms }).pipe(
      Effect.mapError((e) => fatal(stage, e))
    )
    const plan = planKinds(states, { tagId, deleteOrphans: request.deleteOrphans })
    yield* Effect.forEach(planEvents(stage, plan, request.dryRun), emit, { discard: true })

    const applied = request.dryRun ? undefined : yield* applyPlan(nb, plan, { stage, batchSize: options.batchSize }, emit)
    const counts = Object.fromEntries(plan.map((k) => {
      if (applied) return [k.kind, applied.counts[k.kind]]
      const c = emptyCounts()
      c.created = k.creates.length
      c.updated = k.updates.length
      c.deleted = k.deletes.length
      c.unchanged = k.unchanged.length
      c.orphaned = k.orphans.length
      c.skipped = k.skips.length
      return [k.kind, c]
    }))
    const main = plan.find((k) => k.kind === scope.main)
    const written = applied?.written.get(scope.main)
    const records: Array<NetBoxRecord> = main
      ? [...main.unchanged.map((u) => u.record), ...(written ? [...written.values()] : [])]
      : []
    const c = counts[scope.main] ?? emptyCounts()
    return new StageCompleted({
      stage,
      kind: scope.main,
      message: COMPLETE_MESSAGE[stage],
      dry_run: request.dryRun,
      count: request.dryRun ? c.created + c.updated + c.unchanged : records.length,
      counts,
      records: records.map((r) => ({ ...r }))
    })
  })

/** A dry run writes nothing, not even the tag: without it nothing is ours yet (id -1 matches no tag). */
const existingTag = (nb: NetBoxClientService) =>
  Effect.map(nb.list("extras/tags", { slug: "proxbox" }), (tags) => tags[0]?.id ?? -1)
