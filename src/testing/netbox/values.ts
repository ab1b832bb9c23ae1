/**
 * How the simulator reads written values, as NetBox's serializers do: coercion per field kind, related objects
 * by id or by attributes, generic relations and custom field data, each refused with NetBox's error text.
 */
import { renderDatetime } from "./render.ts"
import type { Field, Model, Stored } from "./schema.ts"
import type { Store } from "./store.ts"

/** Content types a real NetBox has besides the modelled ones (custom fields may target them). */
const OTHER_TYPES = [
  "virtualization.clustergroup", "dcim.platform", "dcim.region", "dcim.sitegroup", "dcim.location", "dcim.rack",
  "dcim.consoleport", "dcim.powerport", "dcim.frontport", "dcim.rearport", "dcim.inventoryitem", "dcim.cable",
  "tenancy.tenant", "tenancy.tenantgroup", "ipam.aggregate", "ipam.asn", "ipam.iprange", "ipam.role", "ipam.vlangroup",
  "ipam.service", "extras.configtemplate", "circuits.circuit", "circuits.provider"
]

const pyRepr = (attrs: Record<string, unknown>) =>
  `{${Object.entries(attrs).map(([k, v]) => `'${k}': ${typeof v === "string" ? `'${v}'` : JSON.stringify(v)}`).join(", ")}}`

export class Invalid {
  constructor(readonly error: string) {}
}

export const MAC = /^([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})[:-]?([0-9a-f]{2})$/i

export const coerce = (store: Store, field: Field, v: unknown, name: string): unknown => {
  const fail = (error: string) => new Invalid(error)
  if (v === null) {
    const nullable = field.t === "fk" ? !field.required
      : field.t === "choice" ? !field.required && field.default === null
      : field.t === "datetime" ? !field.required
      : field.t === "json" ? true
      : "nullable" in field && field.nullable === true
    return nullable ? null : fail("This field may not be null.")
  }
  switch (field.t) {
    case "str": {
      if (typeof v !== "string" && typeof v !== "number") return fail("Not a valid string.")
      const s = String(v).trim()
      if (s === "" && field.required) return fail("This field may not be blank.")
      if (name === "mac_address") {
        const m = MAC.exec(s)
        return m ? m.slice(1).join(":").toUpperCase() : fail("Enter a valid MAC address.")
      }
      return s
    }
    case "int": {
      const n = typeof v === "number" ? v : typeof v === "string" && /^-?\d+$/.test(v.trim()) ? Number(v) : NaN
      if (!Number.isInteger(n)) return fail("A valid integer is required.")
      if (field.min !== undefined && n < field.min) return fail(`Ensure this value is greater than or equal to ${field.min}.`)
      if (field.max !== undefined && n > field.max) return fail(`Ensure this value is less than or equal to ${field.max}.`)
      return n
    }
    case "num": {
      const n = typeof v === "number" ? v : typeof v === "string" && v.trim() !== "" ? Number(v) : NaN
      return Number.isFinite(n) ? n : fail("A valid number is required.")
    }
    case "bool": {
      if (v === true || v === "true" || v === "True" || v === 1 || v === "1") return true
      if (v === false || v === "false" || v === "False" || v === 0 || v === "0") return false
      return fail("Must be a valid boolean.")
    }
    case "datetime": {
      const d = typeof v === "string" ? new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(v) ? v : `${v}Z`) : new Date(NaN)
      return Number.isNaN(d.getTime())
        ? fail("Datetime has wrong format. Use one of these formats instead: YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z].")
        : renderDatetime(d)
    }
    case "json": return v
    case "strlist": {
      if (!Array.isArray(v)) return fail(`Expected a list of items but got type "${typeof v}".`)
      const bad = v.find((x) => typeof x !== "string" || !(store.byType.has(x) || OTHER_TYPES.includes(x)))
      return bad === undefined ? [...v] : fail(`Invalid content type: ${String(bad)}`)
    }
    case "choice": {
      if (typeof v === "object") return fail('Value must be passed directly (e.g. "foo": 123); do not use a dictionary or list.')
      return typeof v === "string" && v in field.choices ? v : fail(`${String(v)} is not a valid choice.`)
    }
    case "fk": {
      const r = related(store, field.to, v)
      return "error" in r ? fail(r.error) : r.value
    }
    case "m2m": {
      const r = relatedList(store, field.to, v)
      return "error" in r ? fail(r.error) : r.value
    }
    case "gfk": case "ro": case "mac": return v
  }
}

/** A related object by numeric id or by a dict of attributes that must match exactly one object. */
const related = (store: Store, type: string, v: unknown): { value: number } | { error: string } => {
  if (typeof v === "object" && v !== null && !Array.isArray(v)) {
    const attrs = v as Record<string, unknown>
    if (typeof attrs["id"] === "number" && Object.keys(attrs).length === 1) return related(store, type, attrs["id"])
    const hits = store.ctx.all(type).filter((o) => Object.entries(attrs).every(([k, want]) => matchesAttr(o, k, want)))
    if (hits.length === 1) return { value: hits[0]!.id }
    return {
      error: hits.length === 0
        ? `Related object not found using the provided attributes: ${pyRepr(attrs)}`
        : `Multiple objects match the provided attributes: ${pyRepr(attrs)}`
    }
  }
  const id = typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN
  if (!Number.isInteger(id)) return { error: `Related objects must be referenced by numeric ID or by dictionary of attributes. Received an unrecognized value: ${String(v)}` }
  return store.ctx.get(type, id) ? { value: id } : { error: `Related object not found using the provided numeric ID: ${id}` }
}

const matchesAttr = (o: Stored, key: string, want: unknown): boolean => {
  const [field, sub] = key.split("__") as [string, string | undefined]
  const have = o[field]
  if (sub === "id" || (typeof want === "number" && typeof have === "number")) return have === want
  return have === want || (have !== null && have !== undefined && String(have) === String(want))
}

export const relatedList = (store: Store, type: string, v: unknown): { value: Array<number> } | { error: string } => {
  if (!Array.isArray(v)) return { error: `Expected a list of items but got type "${typeof v}".` }
  const out: Array<number> = []
  for (const item of v) {
    const r = related(store, type, item)
    if ("error" in r) return r
    if (!out.includes(r.value)) out.push(r.value)
  }
  return { value: out }
}

export const writeGeneric = (
  store: Store,
  name: string,
  required: boolean,
  input: Record<string, unknown>,
  next: Stored,
  existing: Stored | undefined,
  add: (field: string, message: string) => void
) => {
  const typeKey = `${name}_type`
  const idKey = `${name}_id`
  if (!(typeKey in input) && !(idKey in input)) {
    if (!existing && required) {
      add(typeKey, "This field is required.")
      add(idKey, "This field is required.")
    }
    return
  }
  const type = typeKey in input ? input[typeKey] : next[typeKey]
  const id = idKey in input ? input[idKey] : next[idKey]
  if (type === null && id === null) {
    next[typeKey] = null
    next[idKey] = null
    return
  }
  if (typeof type !== "string" || !store.byType.has(type)) return add(typeKey, `Invalid content type: ${String(type)}`)
  const pk = typeof id === "number" ? id : typeof id === "string" && /^\d+$/.test(id) ? Number(id) : NaN
  if (!store.ctx.get(type, pk)) return add(idKey, `Related object not found using the provided value: ${String(id)}.`)
  next[typeKey] = type
  next[idKey] = pk
}

/** Writes custom field data into `next`; unknown names are returned (NetBox reports them apart from the rest). */
export const writeCustomFields = (store: Store, model: Model, v: unknown, next: Stored, add: (field: string, message: string) => void): Record<string, string> | undefined => {
  if (typeof v !== "object" || v === null || Array.isArray(v)) return void add("custom_fields", "Invalid data. Expected a dictionary.")
  const defs = new Map(store.customFields(model.type).map((cf) => [String(cf["name"]), cf]))
  const unknown = Object.keys(v).filter((key) => !defs.has(key)).sort()
  if (unknown.length > 0) {
    // NetBox's custom fields field raises a dict of plain strings, kept as it is under `custom_fields`.
    return Object.fromEntries(unknown.map((key) => [key, `Custom field '${key}' does not exist for this object type.`]))
  }
  const data = { ...(next["custom_fields"] as Record<string, unknown>) }
  for (const [key, value] of Object.entries(v)) {
    const cf = defs.get(key)!
    const problem = value === null ? undefined : customFieldProblem(String(cf["type"]), value)
    if (problem) return void add("__all__", `Invalid value for custom field '${key}': ${problem}`)
    data[key] = value
  }
  next["custom_fields"] = data
  return undefined
}

const customFieldProblem = (type: string, value: unknown): string | undefined => {
  switch (type) {
    case "integer": return Number.isInteger(value) ? undefined : "Value must be an integer."
    case "decimal": return typeof value === "number" ? undefined : "Value must be a decimal."
    case "boolean": return typeof value === "boolean" ? undefined : "Value must be true or false."
    case "text": case "longtext": case "url": case "date": case "datetime": case "select":
      return typeof value === "string" ? undefined : "Value must be a string."
    default: return undefined
  }
}
