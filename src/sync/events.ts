/**
 * What a sync tells its caller, as it goes. A run is one `Stream<SyncEvent, SyncFailure>`: JSON routes run it
 * to completion, SSE routes render each event as a frame (src/api/sse.ts), WebSockets send it as JSON
 * (src/api/ws.ts). Per-item failures are `Item` events with status "warning" and the run goes on; a
 * stage-fatal failure is the Stream's typed failure.
 */
import { Schema } from "effect"

/** The stages of this engine, named as the reference's SSE `step`s. */
export const Stage = Schema.Literal("devices", "clusters", "cluster-types", "virtual-machines", "virtual-machine")
export type Stage = typeof Stage.Type

/** The NetBox object kinds the engine writes, in dependency order. */
export const Kind = Schema.Literal(
  "cluster_type",
  "cluster",
  "manufacturer",
  "device_type",
  "device_role",
  "site",
  "device",
  "virtual_machine"
)
export type Kind = typeof Kind.Type

export const Action = Schema.Literal("create", "update", "delete", "noop", "orphan", "skip")
export type Action = typeof Action.Type

/** A field that changes: what NetBox has and what it will have (references as ids, or `@kind:key` when not created yet). */
export const Change = Schema.Struct({ field: Schema.String, from: Schema.Unknown, to: Schema.Unknown })
export type Change = typeof Change.Type

export class StageStarted extends Schema.TaggedClass<StageStarted>()("StageStarted", {
  stage: Stage,
  message: Schema.String,
  /** Tags every log line of the run, so /admin/logs?operation_id= finds them (the reference lost it). */
  operation_id: Schema.optional(Schema.String)
}) {}

/** Progress that is not about one object: endpoint read, plan made, waiting for another run. */
export class StageNote extends Schema.TaggedClass<StageNote>()("StageNote", {
  stage: Stage,
  status: Schema.Literal("progress", "warning"),
  message: Schema.String,
  detail: Schema.optional(Schema.Unknown)
}) {}

/** One object: planned (dry run), written, skipped, or failed (status "warning", the error in `message`). */
export class ItemEvent extends Schema.TaggedClass<ItemEvent>()("ItemEvent", {
  stage: Stage,
  kind: Kind,
  action: Action,
  status: Schema.Literal("progress", "completed", "warning"),
  /** Stable identity of the object, e.g. `lab/qemu/101` or `lab/pve1`. */
  key: Schema.String,
  /** Display name (the reference's `rowid`). */
  name: Schema.String,
  message: Schema.String,
  netbox_id: Schema.NullOr(Schema.Number),
  changes: Schema.optional(Schema.Array(Change))
}) {}

/** Counts of one run, by action; `failed` are items that got a warning instead of a write. */
export const Counts = Schema.Struct({
  created: Schema.Number,
  updated: Schema.Number,
  deleted: Schema.Number,
  unchanged: Schema.Number,
  orphaned: Schema.Number,
  skipped: Schema.Number,
  failed: Schema.Number
})
export type Counts = typeof Counts.Type

export const emptyCounts = (): { -readonly [K in keyof Counts]: number } => ({
  created: 0,
  updated: 0,
  deleted: 0,
  unchanged: 0,
  orphaned: 0,
  skipped: 0,
  failed: 0
})

export class StageCompleted extends Schema.TaggedClass<StageCompleted>()("StageCompleted", {
  stage: Stage,
  /** The stage's main kind (its `count` and `records`). */
  kind: Kind,
  message: Schema.String,
  dry_run: Schema.Boolean,
  /** Objects of the stage's main kind that NetBox holds (or would hold) for the scope. */
  count: Schema.Number,
  counts: Schema.Record({ key: Schema.String, value: Counts }),
  /** The stage's main objects as NetBox returned them (after the writes; the plan's view on a dry run). */
  records: Schema.Array(Schema.Record({ key: Schema.String, value: Schema.Unknown }))
}) {}

export const SyncEvent = Schema.Union(StageStarted, StageNote, ItemEvent, StageCompleted)
export type SyncEvent = typeof SyncEvent.Type

/** The stage could not run at all (NetBox refused or unreachable, every endpoint failed, nothing to sync). */
export class SyncFailure extends Schema.TaggedError<SyncFailure>()("SyncFailure", {
  stage: Stage,
  message: Schema.String,
  detail: Schema.String,
  /** HTTP status for JSON routes: 404 when the target does not exist, 502 for upstream failures, 400 otherwise. */
  status: Schema.Int,
  upstream: Schema.optional(Schema.Literal("proxmox", "netbox"))
}) {}
