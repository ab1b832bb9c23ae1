/**
 * Plan: a pure function from what should be (Desired) and what is (matched NetBox records) to typed
 * creates, updates (only owned fields that differ, custom fields key by key, never tags), deletes of
 * orphans (opt-in) and skips, each with a reason. Kinds are planned in dependency order so references to
 * objects that will be created stay symbolic (`Ref`) until apply.ts resolves them.
 */
import type { NetBoxRecord } from "../netbox/client.ts"
import type { Change } from "./events.ts"
import {
  type Create,
  type Delete,
  type Desired,
  isOwned,
  isRef,
  type KindPlan,
  type KindState,
  type Plan,
  type Ref,
  refKey,
  type Skip,
  type Update
} from "./model.ts"

export interface PlanOptions {
  readonly tagId: number
  readonly deleteOrphans: boolean
}

/** NetBox's representation reduced to what we write: nested objects to ids, choices to values, "" to null. */
export const normalise = (u: unknown): unknown => {
  if (u === undefined || u === "") return null
  if (typeof u === "object" && u !== null && !Array.isArray(u)) {
    if ("value" in u && "label" in u) return (u as { value: unknown }).value
    if ("id" in u) return (u as { id: unknown }).id
  }
  return u
}

const numeric = (u: unknown) => typeof u === "number" || (typeof u === "string" && u.trim() !== "" && !Number.isNaN(Number(u)))

export const sameValue = (have: unknown, want: unknown): boolean => {
  const a = normalise(have)
  const b = normalise(want)
  if (a === null || b === null) return a === b
  if (typeof a !== typeof b && numeric(a) && numeric(b)) return Number(a) === Number(b)
  if (typeof a === "number" && typeof b === "number") return a === b
  return JSON.stringify(a) === JSON.stringify(b)
}

const shown = (u: unknown) => (isRef(u) ? `@${refKey(u)}` : u)

type Resolution = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly missing: Ref }

/** A Ref to a known id becomes the id; to an object being created stays a Ref; otherwise optional → null, else missing. */
const resolver = (known: ReadonlyMap<string, number>, pending: ReadonlySet<string>) => (u: unknown): Resolution => {
  if (!isRef(u)) return { ok: true, value: u }
  const id = known.get(refKey(u))
  if (id !== undefined) return { ok: true, value: id }
  if (pending.has(refKey(u))) return { ok: true, value: { _ref: u._ref, key: u.key } }
  return u.optional ? { ok: true, value: null } : { ok: false, missing: u }
}

const resolveAll = (fields: Readonly<Record<string, unknown>>, resolve: ReturnType<typeof resolver>) => {
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(fields)) {
    const r = resolve(v)
    if (!r.ok) return { ok: false as const, missing: r.missing }
    out[k] = r.value
  }
  return { ok: true as const, value: out }
}

const describe = (changes: ReadonlyArray<Change>) =>
  changes.map((c) => `${c.field}: ${JSON.stringify(shown(c.from))} → ${JSON.stringify(shown(c.to))}`).join(", ")

const diff = (d: Desired, record: NetBoxRecord, fields: Readonly<Record<string, unknown>>): Array<Change> => {
  const unowned = new Set(d.unowned?.(record) ?? [])
  const changes: Array<Change> = []
  for (const [field, want] of Object.entries(fields)) {
    if (unowned.has(field)) continue
    if (isRef(want) || !sameValue(record[field], want)) changes.push({ field, from: normalise(record[field]), to: shown(want) })
  }
  const cf = (record["custom_fields"] as Record<string, unknown> | null | undefined) ?? {}
  for (const [name, want] of Object.entries(d.customFields)) {
    if (!sameValue(cf[name], want)) changes.push({ field: `custom_fields.${name}`, from: cf[name] ?? null, to: want })
  }
  return changes
}

const patchOf = (d: Desired, fields: Readonly<Record<string, unknown>>, changes: ReadonlyArray<Change>) => {
  const patch: Record<string, unknown> = {}
  const custom: Record<string, unknown> = {}
  for (const c of changes) {
    if (c.field.startsWith("custom_fields.")) {
      const name = c.field.slice("custom_fields.".length)
      custom[name] = d.customFields[name]
    } else patch[c.field] = fields[c.field]
  }
  const stamped = { ...custom, ...d.stamp }
  return Object.keys(stamped).length > 0 ? { ...patch, custom_fields: stamped } : patch
}

export const planKinds = (states: ReadonlyArray<KindState>, options: PlanOptions): Plan => {
  const known = new Map<string, number>()
  const pending = new Set<string>()
  const resolve = resolver(known, pending)
  return states.map((state): KindPlan => {
    const creates: Array<Create> = []
    const updates: Array<Update> = []
    const skips: Array<Skip> = []
    const unchanged: Array<{ key: string; record: NetBoxRecord }> = []
    const kindKnown = new Map<string, number>()
    const label = state.kind.replace(/_/g, " ")
    for (const d of state.desired) {
      const key = `${d.kind}:${d.key}`
      const match = state.matches.get(d.key)
      const base = { kind: d.kind, key: d.key, name: d.name }
      if (match && !isOwned(match.record, options.tagId)) {
        if (match.via === "identity") {
          known.set(key, match.record.id)
          kindKnown.set(d.key, match.record.id)
          skips.push({ ...base, id: match.record.id, reason: `${label} exists without the proxbox tag: used as it is, not modified` })
        } else {
          skips.push({ ...base, id: match.record.id, reason: `a ${label} named ${d.name} exists without the proxbox tag; tag it proxbox to let proxbox manage it` })
        }
        continue
      }
      const fields = resolveAll(match ? d.fields : { ...d.fields, ...d.createOnly }, resolve)
      if (!fields.ok) {
        skips.push({ ...base, id: match?.record.id ?? null, reason: `depends on ${fields.missing._ref.replace(/_/g, " ")} ${fields.missing.key}, which is not available` })
        continue
      }
      if (!match) {
        pending.add(key)
        creates.push({
          ...base,
          payload: { ...fields.value, tags: [options.tagId], custom_fields: { ...d.customFields, ...d.stamp } },
          reason: `new in Proxmox`
        })
        continue
      }
      known.set(key, match.record.id)
      kindKnown.set(d.key, match.record.id)
      const changes = diff(d, match.record, fields.value)
      if (changes.length === 0) {
        unchanged.push({ key: d.key, record: match.record })
        continue
      }
      const adopted = match.via === "name" ? `adopting the same-named ${label} tagged proxbox; ` : ""
      updates.push({ ...base, id: match.record.id, patch: patchOf(d, fields.value, changes), changes, reason: `${adopted}${describe(changes)}` })
    }
    const orphaned: Array<Delete> = state.orphans.map((o) => ({
      kind: state.kind,
      key: o.key,
      name: o.name,
      id: o.record.id,
      reason: o.reason ?? `no longer in Proxmox (complete read of cluster ${o.key.split("/")[0]})`
    }))
    return {
      kind: state.kind,
      path: state.path,
      creates,
      updates,
      deletes: options.deleteOrphans ? orphaned : [],
      orphans: options.deleteOrphans ? [] : orphaned,
      skips,
      unchanged,
      known: kindKnown
    }
  })
}
