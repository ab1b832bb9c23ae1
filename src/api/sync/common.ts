/** What the sync handlers share: the request from the query, errors at the edge, dry-run reports. */
import { BadRequest, notFound, type NotFound, UpstreamError } from "../../domain/errors.ts"
import { type ItemEvent, type StageCompleted, type Stage, type SyncEvent, type SyncFailure } from "../../sync/events.ts"
import type { SyncRequest } from "../../sync/pipeline.ts"
import type { SessionQuery } from "../proxmox-reads/Api.ts"

export const toHttpError = (f: SyncFailure): BadRequest | NotFound | UpstreamError =>
  f.status === 404
    ? notFound(f.message)
    : f.status >= 500
    ? new UpstreamError({ upstream: f.upstream ?? "netbox", message: f.message, detail: f.detail })
    : new BadRequest({ message: f.message, detail: f.detail })

export const baseRequest = (
  stage: Stage,
  q: SessionQuery & { readonly fetch_max_concurrency: number; readonly dry_run: boolean; readonly delete_orphans?: boolean },
  endpoints: SyncRequest["endpoints"]
): SyncRequest => ({
  stage,
  endpoints,
  fetchMaxConcurrency: q.fetch_max_concurrency,
  dryRun: q.dry_run,
  deleteOrphans: q.delete_orphans ?? false
})

const planned = (e: SyncEvent): e is ItemEvent => e._tag === "ItemEvent"

/** JSON answer of a sync route: the records (the reference's shape) or, on a dry run, the plan. */
export const jsonAnswer = ({ completed, events }: { readonly completed: StageCompleted; readonly events: ReadonlyArray<SyncEvent> }) =>
  completed.dry_run
    ? {
      dry_run: true as const,
      count: completed.count,
      counts: completed.counts,
      plan: events.filter(planned).map((e) => ({
        kind: e.kind,
        action: e.action,
        key: e.key,
        name: e.name,
        netbox_id: e.netbox_id,
        message: e.message,
        ...(e.changes ? { changes: e.changes } : {})
      }))
    }
    : completed.records
