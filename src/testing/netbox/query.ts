/**
 * NetBox's list query language, as far as the sync uses it: field filters with lookups (`__n`, `__ic`, `__ie`,
 * `__isw`, `__iew`, `__gt`, `__gte`, `__lt`, `__lte`, `__empty`), `<fk>_id`/`<fk>` relations, `id` lists,
 * `tag` (AND) and `cf_<name>` custom fields, `q`, `ordering`, and limit/offset pagination with `next` links.
 * Repeated values OR together; unknown parameters are ignored, as NetBox does.
 */
import type { Model, Stored } from "./schema.ts"
import type { Store } from "./store.ts"

const RESERVED = new Set(["limit", "offset", "brief", "fields", "omit", "exclude", "ordering", "format", "q", "start"])
const NEGATED = new Set(["n", "nic", "nie", "nisw", "niew"])
const LOOKUPS = ["n", "ic", "nic", "ie", "nie", "isw", "nisw", "iew", "niew", "gt", "gte", "lt", "lte", "empty"]

type Getter = (o: Stored) => ReadonlyArray<unknown>

/** What a filter name reads from an object (a list: a related name, slug and id all match `<fk>=`). */
const getterFor = (store: Store, model: Model, base: string): Getter | undefined => {
  const field = model.fields[base]
  const related = (type: string, id: unknown): ReadonlyArray<unknown> => {
    const o = typeof id === "number" ? store.ctx.get(type, id) : undefined
    return o ? [o.id, o["slug"], o["name"], o["rd"]].filter((x) => x !== undefined && x !== null) : [null]
  }
  if (base === "id") return (o) => [o.id]
  if (base === "tag") return (o) => ((o["tags"] as Array<number> | undefined) ?? []).map((t) => store.ctx.get("extras.tag", t)?.["slug"])
  if (base === "tag_id") return (o) => (o["tags"] as Array<number> | undefined) ?? []
  if (base.startsWith("cf_")) return (o) => [((o["custom_fields"] as Record<string, unknown> | undefined) ?? {})[base.slice(3)] ?? null]
  if (field?.t === "fk") return (o) => related(field.to, o[base])
  if (field?.t === "m2m") return (o) => (o[base] as Array<number>).flatMap((id) => related(field.to, id))
  if (field?.t === "choice" || field?.t === "str" || field?.t === "int" || field?.t === "num" || field?.t === "bool" || field?.t === "datetime" || field?.t === "strlist") {
    if (base === "address") return (o) => [o[base], String(o[base]).split("/")[0]]
    return (o) => (field.t === "strlist" ? (o[base] as Array<unknown>) : [o[base]])
  }
  if (base.endsWith("_id") && model.fields[base.slice(0, -3)]?.t === "fk") return (o) => [o[base.slice(0, -3)] ?? null]
  if (base.endsWith("_id") && model.fields[base.slice(0, -3)]?.t === "m2m") return (o) => o[base.slice(0, -3)] as Array<number>
  if (base === "assigned_object_type" || base === "assigned_object_id") return (o) => [o[base]]
  // Interface/VM/device filters on objects assigned through a generic relation (IP and MAC addresses).
  const via: Record<string, readonly [string, string | null]> = {
    vminterface_id: ["virtualization.vminterface", null],
    interface_id: ["dcim.interface", null],
    virtual_machine_id: ["virtualization.vminterface", "virtual_machine"],
    device_id: ["dcim.interface", "device"]
  }
  const hop = via[base]
  if (hop && model.fields["assigned_object"]?.t === "gfk") {
    const [type, parent] = hop
    return (o) => {
      if (o["assigned_object_type"] !== type) return [null]
      if (parent === null) return [o["assigned_object_id"]]
      return [store.ctx.get(type, o["assigned_object_id"] as number)?.[parent] ?? null]
    }
  }
  return undefined
}

const text = (x: unknown) => (x === null || x === undefined ? "" : String(x))
const same = (have: unknown, want: string): boolean => {
  if (want === "null") return have === null || have === undefined
  if (typeof have === "boolean") return have === (want.toLowerCase() === "true" || want === "1")
  if (typeof have === "number") return have === Number(want)
  return text(have) === want || (typeof have === "string" && /^[0-9A-F:]{17}$/.test(have) && have === want.toUpperCase())
}

const test = (lookup: string | undefined, have: unknown, want: string, looseText: boolean): boolean => {
  const h = text(have).toLowerCase()
  const w = want.toLowerCase()
  switch (lookup) {
    case undefined: return looseText ? h.includes(w) : same(have, want)
    case "ic": return h.includes(w)
    case "ie": return h === w
    case "isw": return h.startsWith(w)
    case "iew": return h.endsWith(w)
    case "gt": return Number(have) > Number(want)
    case "gte": return Number(have) >= Number(want)
    case "lt": return Number(have) < Number(want)
    case "lte": return Number(have) <= Number(want)
    case "empty": return (have === null || have === undefined || have === "") === (w === "true")
    default: return false
  }
}

/**
 * NetBox's filter forms refuse a value that is not one of a choice field's values (400, keyed by the parameter).
 * Checked on core models only: the plugin's filtersets do not declare a filter for every choice field.
 */
export const invalidChoices = (model: Model, params: URLSearchParams): Record<string, Array<string>> | undefined => {
  if (model.path.startsWith("plugins/")) return undefined
  const errors: Record<string, Array<string>> = {}
  for (const key of new Set(params.keys())) {
    const [base, lookup, ...rest] = key.split("__")
    const field = model.fields[base!]
    if (field?.t !== "choice" || rest.length > 0 || (lookup !== undefined && lookup !== "n")) continue
    const bad = params.getAll(key).find((v) => !(v in field.choices))
    if (bad !== undefined) errors[key] = [`Select a valid choice. ${bad} is not one of the available choices.`]
  }
  return Object.keys(errors).length > 0 ? errors : undefined
}

export const filter = (store: Store, model: Model, objects: ReadonlyArray<Stored>, params: URLSearchParams): ReadonlyArray<Stored> => {
  let out = objects
  for (const key of new Set(params.keys())) {
    if (RESERVED.has(key)) continue
    const parts = key.split("__")
    const lookup = parts.length > 1 && LOOKUPS.includes(parts.at(-1)!) ? parts.pop() : undefined
    const base = parts.join("__")
    const get = getterFor(store, model, base)
    if (!get) continue
    const wants = params.getAll(key).flatMap((v) => (base === "id" || base.endsWith("_id") ? v.split(",") : [v]))
    // Text custom fields filter with their field's filter logic ("loose" is a case-insensitive contains).
    const cf = base.startsWith("cf_") ? store.customFields(model.type).find((f) => f["name"] === base.slice(3)) : undefined
    const loose = cf !== undefined && ["text", "longtext", "url"].includes(String(cf["type"])) && cf["filter_logic"] === "loose"
    // `__n`, `__nic`, ... are the negations of exact, `__ic`, ...
    const negated = lookup !== undefined && NEGATED.has(lookup)
    const positive = negated ? lookup!.slice(1) || undefined : lookup
    out = out.filter((o) => {
      const values = get(o)
      const one = (w: string) => values.some((v) => test(positive, v, w, loose))
      if (base === "tag" || base === "tag_id") return negated ? !wants.some(one) : wants.every(one)
      return negated ? !wants.some(one) : wants.some(one)
    })
  }
  const q = params.get("q")
  if (q) out = out.filter((o) => ["name", "address", "prefix", "model", "mac_address", "slug", "description"].some((f) => text(o[f]).toLowerCase().includes(q.toLowerCase())))
  return out
}

export const order = (model: Model, objects: ReadonlyArray<Stored>, ordering: string | null): ReadonlyArray<Stored> => {
  const keys = ordering ? ordering.split(",") : [...(model.ordering ?? []), "id"]
  const cmp = (a: unknown, b: unknown) =>
    typeof a === "number" && typeof b === "number" ? a - b : text(a).localeCompare(text(b))
  return [...objects].sort((a, b) => {
    for (const k of keys) {
      const desc = k.startsWith("-")
      const f = desc ? k.slice(1) : k
      const c = cmp(a[f], b[f])
      if (c !== 0) return desc ? -c : c
    }
    return 0
  })
}

export interface Page {
  readonly count: number
  readonly next: string | null
  readonly previous: string | null
  readonly items: ReadonlyArray<Stored>
}

/** limit/offset with NetBox's defaults: PAGINATE_COUNT when absent, MAX_PAGE_SIZE as the cap (also for limit=0). */
export const paginate = (objects: ReadonlyArray<Stored>, url: URL, base: string, pageSize: number, maxPageSize: number): Page => {
  const raw = url.searchParams.get("limit")
  const asked = raw === null || !/^\d+$/.test(raw) ? pageSize : Number(raw)
  const limit = asked === 0 || asked > maxPageSize ? maxPageSize : asked
  const offsetRaw = url.searchParams.get("offset")
  const offset = offsetRaw !== null && /^\d+$/.test(offsetRaw) ? Number(offsetRaw) : 0
  const link = (o: number) => {
    const u = new URL(`${base}${url.pathname}${url.search}`)
    u.searchParams.set("limit", String(limit))
    if (o <= 0) u.searchParams.delete("offset")
    else u.searchParams.set("offset", String(o))
    return u.toString()
  }
  return {
    count: objects.length,
    next: offset + limit < objects.length ? link(offset + limit) : null,
    previous: offset > 0 ? link(offset - limit) : null,
    items: objects.slice(offset, offset + limit)
  }
}
