/**
 * The engine's values: what was collected from Proxmox, what NetBox should hold (`Desired`, with
 * references to objects that may not exist yet), what it holds (`NetBoxRecord`s matched by identity), and
 * the plan between them. All plain data: plan.ts is a pure function over it.
 */
import type { SessionMode } from "../proxmox/ProxmoxClient.ts"
import type { NetBoxRecord } from "../netbox/client.ts"
import type { Change, Kind } from "./events.ts"

export interface CollectedNode {
  readonly name: string
  readonly online: boolean
  readonly ip: string | null
}

export interface CollectedGuest {
  readonly type: "qemu" | "lxc"
  readonly vmid: number
  readonly name: string
  readonly node: string
  readonly status: string
  readonly template: boolean
  readonly cpus: number
  /** bytes */
  readonly maxmem: number
  readonly maxdisk: number
  readonly tags: string
  readonly onboot: boolean
  readonly agent: boolean
  readonly unprivileged: boolean
  readonly searchdomain: string | null
}

/** One Proxmox endpoint as read: a cluster, or a standalone host (its node's name is the cluster name). */
export interface CollectedCluster {
  readonly endpointId: number
  readonly name: string
  readonly mode: SessionMode
  readonly nodes: ReadonlyArray<CollectedNode>
  readonly guests: ReadonlyArray<CollectedGuest>
  /** Every node and guest of the endpoint was read: only then may vanished objects count as orphans. */
  readonly complete: boolean
}

/** A reference to another desired object, resolved to its NetBox id when written. */
export interface Ref {
  readonly _ref: Kind
  readonly key: string
  /** When the object is not available (not ours, failed): null instead of skipping the dependent object. */
  readonly optional?: boolean
}
export const ref = (kind: Kind, key: string): Ref => ({ _ref: kind, key })
export const isRef = (u: unknown): u is Ref => typeof u === "object" && u !== null && "_ref" in u

export const refKey = (r: Ref) => `${r._ref}:${r.key}`

export interface Desired {
  readonly kind: Kind
  /** Stable source identity (see DESIGN.md "Identity"). */
  readonly key: string
  readonly name: string
  /** Fields we own: written on create, compared and patched on update. Values may be Refs. */
  readonly fields: Readonly<Record<string, unknown>>
  /** Custom fields we own (compared key by key; others on the object are left alone). */
  readonly customFields: Readonly<Record<string, unknown>>
  /** Written on create only (a device keeps the site an operator moved it to). */
  readonly createOnly?: Readonly<Record<string, unknown>>
  /** Custom fields written on create and with any other change, never alone (timestamps). */
  readonly stamp?: Readonly<Record<string, unknown>>
  /** Owned fields not compared on update for this object (e.g. VM disk when virtual disks manage it). */
  readonly unowned?: (record: NetBoxRecord) => ReadonlyArray<string>
}

/** How an existing record was found for a desired object. */
export interface Match {
  readonly record: NetBoxRecord
  /** "identity": it is this object (may be used as a reference); "name": a same-named object, adopted only when tagged. */
  readonly via: "identity" | "name"
}

export interface KindState {
  readonly kind: Kind
  readonly path: string
  readonly desired: ReadonlyArray<Desired>
  readonly matches: ReadonlyMap<string, Match>
  /** Owned records of this kind in a completely read scope that nothing desired matches. */
  /** `reason` when it is not "gone from a complete read" (e.g. a second owned copy of one identity). */
  readonly orphans: ReadonlyArray<{ readonly key: string; readonly name: string; readonly record: NetBoxRecord; readonly reason?: string }>
}

export interface Create {
  readonly kind: Kind
  readonly key: string
  readonly name: string
  readonly payload: Readonly<Record<string, unknown>>
  readonly reason: string
}

export interface Update {
  readonly kind: Kind
  readonly key: string
  readonly name: string
  readonly id: number
  readonly patch: Readonly<Record<string, unknown>>
  readonly changes: ReadonlyArray<Change>
  readonly reason: string
}

export interface Delete {
  readonly kind: Kind
  readonly key: string
  readonly name: string
  readonly id: number
  readonly reason: string
}

export interface Skip {
  readonly kind: Kind
  readonly key: string
  readonly name: string
  readonly id: number | null
  readonly reason: string
}

export interface KindPlan {
  readonly kind: Kind
  readonly path: string
  readonly creates: ReadonlyArray<Create>
  readonly updates: ReadonlyArray<Update>
  /** Orphans to delete (delete_orphans=true) ... */
  readonly deletes: ReadonlyArray<Delete>
  /** ... or only reported. */
  readonly orphans: ReadonlyArray<Delete>
  readonly skips: ReadonlyArray<Skip>
  readonly unchanged: ReadonlyArray<{ readonly key: string; readonly record: NetBoxRecord }>
  /** NetBox ids known before writing, by key (identity matches, owned or not): references resolve to them. */
  readonly known: ReadonlyMap<string, number>
}

/** Kinds in dependency order: apply creates and updates in this order, deletes in reverse. */
export type Plan = ReadonlyArray<KindPlan>

export const isEmptyPlan = (plan: Plan) => plan.every((k) => k.creates.length === 0 && k.updates.length === 0 && k.deletes.length === 0)

export const PROXBOX_SLUG = "proxbox"

/** Whether a NetBox record carries the `proxbox` tag (as nested objects or bare ids). */
export const isOwned = (record: NetBoxRecord, tagId: number): boolean =>
  Array.isArray(record["tags"]) &&
  (record["tags"] as Array<unknown>).some((t) =>
    typeof t === "number" ? t === tagId : typeof t === "object" && t !== null && ((t as { slug?: unknown }).slug === PROXBOX_SLUG || (t as { id?: unknown }).id === tagId)
  )

/** The id of a nested related object (`{id, ...}`), a bare id, or null. */
export const idOf = (u: unknown): number | null =>
  typeof u === "number" ? u : typeof u === "object" && u !== null && typeof (u as { id?: unknown }).id === "number" ? (u as { id: number }).id : null

export const customField = (record: NetBoxRecord, name: string): unknown =>
  ((record["custom_fields"] as Record<string, unknown> | null | undefined) ?? {})[name]
