/**
 * The simulator's database: validation with NetBox's error texts (values are read in values.ts), uniqueness
 * (field, constraint and database level), deletes with PROTECT/CASCADE/SET_NULL, and rendering (render.ts).
 */
import { render } from "./render.ts"
import type { Model, RenderContext, Stored } from "./schema.ts"
import { coerce, Invalid, MAC, relatedList, writeCustomFields, writeGeneric } from "./values.ts"

/** Field → messages; `custom_fields` may instead map custom field names to one message each, as NetBox does. */
export type Errors = Record<string, Array<string> | Record<string, string>>
export type WriteResult =
  | { readonly _tag: "ok"; readonly value: Stored }
  | { readonly _tag: "invalid"; readonly errors: Errors }
  | { readonly _tag: "integrity"; readonly message: string }
export type DeleteResult =
  | { readonly _tag: "ok" }
  /** `dependents`: how many objects refer to it with PROTECT. */
  | { readonly _tag: "protected"; readonly detail: string; readonly dependents: number }

const now = () => new Date().toISOString().replace(/\.(\d{3})Z$/, ".$1000Z")

export class Store {
  private readonly tables = new Map<string, Map<number, Stored>>()
  private readonly seq = new Map<string, number>()
  /** Undo steps of the inserts since `atomically` began (NetBox runs each bulk write in one transaction). */
  private undo: Array<() => void> | undefined
  /** `mac_address` shortcut values validated for an interface, applied when it is inserted. */
  private readonly pendingMac = new WeakMap<Stored, string | null>()
  readonly byType = new Map<string, Model>()
  readonly ctx: RenderContext

  constructor(readonly models: ReadonlyArray<Model>, readonly baseUrl: () => string) {
    for (const m of models) {
      this.byType.set(m.type, m)
      this.tables.set(m.type, new Map())
    }
    this.ctx = {
      get: (type, id) => this.tables.get(type)?.get(id),
      all: (type) => [...(this.tables.get(type)?.values() ?? [])],
      model: (type) => this.byType.get(type)!,
      url: (model, id) => `${this.baseUrl()}/api/${model.path}/${id}/`
    }
  }

  all(model: Model): ReadonlyArray<Stored> {
    return this.ctx.all(model.type)
  }

  get(model: Model, id: number): Stored | undefined {
    return this.tables.get(model.type)!.get(id)
  }

  /** Custom fields that apply to a model, by name. */
  customFields(type: string): ReadonlyArray<Stored> {
    return this.ctx.all("extras.customfield").filter((cf) => (cf["object_types"] as Array<string>).includes(type))
  }

  // ---- writes ---------------------------------------------------------------------------------------------

  /** Validates `input` as a create (no `existing`) or a partial update of `existing`; nothing is stored. */
  validate(model: Model, input: Record<string, unknown>, existing?: Stored): WriteResult {
    const errors: Errors = {}
    const add = (field: string, message: string) => ((errors[field] ??= []) as Array<string>).push(message)
    const next: Stored = existing ? structuredClone(existing) : this.defaults(model)
    for (const [name, field] of Object.entries(model.fields)) {
      if (field.t === "gfk") {
        writeGeneric(this, name, field.required === true, input, next, existing, add)
        continue
      }
      if (field.t === "ro") continue
      if (field.t === "mac") {
        if (name in input) this.writeMacShortcut(input, next, add)
        continue
      }
      if (!(name in input)) {
        if (!existing && "required" in field && field.required) add(name, "This field is required.")
        continue
      }
      const r = coerce(this, field, input[name], name)
      if (r instanceof Invalid) add(name, r.error)
      else next[name] = r
    }
    if (model.tags !== false) {
      if ("tags" in input) {
        const ids = relatedList(this, "extras.tag", input["tags"])
        if ("error" in ids) add("tags", ids.error)
        else next["tags"] = ids.value
      }
      if ("custom_fields" in input) {
        const unknown = writeCustomFields(this, model, input["custom_fields"], next, add)
        if (unknown) errors["custom_fields"] = unknown
      }
    }
    if (Object.keys(errors).length > 0) return { _tag: "invalid", errors }
    const cleaned = model.clean?.(next, this.ctx) ?? {}
    for (const [field, messages] of Object.entries(cleaned)) messages.forEach((m) => add(field, m))
    for (const u of model.unique ?? []) {
      if (u.kind === "db" || !this.clashes(model, u, next)) continue
      add(u.kind === "field" ? u.fields[0]! : "__all__", u.message)
    }
    return Object.keys(errors).length > 0 ? { _tag: "invalid", errors } : { _tag: "ok", value: next }
  }

  /**
   * Runs `f`; when `failed` says its result is a failure, every insert it made is undone (a rolled-back
   * transaction: NetBox validates and saves a bulk write item by item, then keeps all or none).
   */
  atomically<A>(f: () => A, failed: (a: A) => boolean): A {
    const outer = this.undo
    const steps: Array<() => void> = []
    this.undo = steps
    try {
      const result = f()
      if (failed(result)) steps.reverse().forEach((step) => step())
      else outer?.push(...steps)
      return result
    } finally {
      this.undo = outer
    }
  }

  /** Stores a validated object; the database-level unique checks happen here (500 IntegrityError in NetBox). */
  insert(model: Model, value: Stored): WriteResult {
    for (const u of model.unique ?? []) {
      if (this.clashes(model, u, value)) return { _tag: "integrity", message: u.kind === "db" ? u.message : `duplicate key value violates unique constraint (${u.fields.join(", ")})` }
    }
    const stamp = now()
    if (value.id === 0) {
      const id = (this.seq.get(model.type) ?? 0) + 1
      this.seq.set(model.type, id)
      value.id = id
      value["created"] = stamp
    }
    value["last_updated"] = stamp
    const table = this.tables.get(model.type)!
    const prior = table.get(value.id)
    this.undo?.push(() => (prior ? table.set(prior.id, prior) : table.delete(value.id)))
    table.set(value.id, value)
    const mac = this.pendingMac.get(value)
    if (mac !== undefined) {
      this.pendingMac.delete(value)
      value["primary_mac_address"] = mac === null ? null : this.macOn(model.type, value.id, mac).id
    }
    return { _tag: "ok", value }
  }

  /** The MAC address object with this address assigned to the interface, created if there is none. */
  private macOn(type: string, id: number, address: string): Stored {
    const found = this.ctx.all("dcim.macaddress")
      .find((m) => m["assigned_object_type"] === type && m["assigned_object_id"] === id && m["mac_address"] === address)
    if (found) return found
    const model = this.byType.get("dcim.macaddress")!
    const mac = { ...this.defaults(model), mac_address: address, assigned_object_type: type, assigned_object_id: id }
    return (this.insert(model, mac) as { value: Stored }).value
  }

  private writeMacShortcut(input: Record<string, unknown>, next: Stored, add: (field: string, message: string) => void) {
    const v = input["mac_address"]
    const m = typeof v === "string" ? MAC.exec(v.trim()) : null
    if (v !== null && v !== "" && !m) return add("mac_address", "Enter a valid MAC address (e.g. 00:11:22:33:44:55).")
    const address = m ? m.slice(1).join(":").toUpperCase() : null
    if ("primary_mac_address" in input) {
      const primary = typeof next["primary_mac_address"] === "number" ? this.ctx.get("dcim.macaddress", next["primary_mac_address"]) : undefined
      if ((primary?.["mac_address"] ?? null) !== address) {
        return add("__all__", "The provided 'mac_address' and 'primary_mac_address' values conflict.")
      }
    }
    this.pendingMac.set(next, address)
  }

  /** What deleting would do, without doing it: the PROTECT blockers (409), or nothing. */
  checkDelete(model: Model, id: number): DeleteResult {
    const blockers = this.doomedBy(model, id).blockers
    return blockers.length > 0 ? this.protectedBy(blockers) : { _tag: "ok" }
  }

  /** Deletes with NetBox's on_delete rules: PROTECT refuses (409), CASCADE follows, SET_NULL clears. */
  delete(model: Model, id: number): DeleteResult {
    const { blockers, doomed } = this.doomedBy(model, id)
    if (blockers.length > 0) return this.protectedBy(blockers)
    for (const [type, ids] of doomed) for (const oid of ids) this.tables.get(type)!.delete(oid)
    for (const m of this.models) {
      for (const o of this.ctx.all(m.type)) {
        for (const [fname, f] of Object.entries(m.fields)) {
          if (f.t === "fk" && f.onDelete === "null" && typeof o[fname] === "number" && doomed.get(f.to)?.has(o[fname] as number)) o[fname] = null
          if (f.t === "m2m" && doomed.has(f.to)) o[fname] = (o[fname] as Array<number>).filter((x) => !doomed.get(f.to)!.has(x))
        }
        if (doomed.has("extras.tag") && Array.isArray(o["tags"])) o["tags"] = (o["tags"] as Array<number>).filter((t) => !doomed.get("extras.tag")!.has(t))
      }
    }
    if (model.type === "extras.customfield") this.dropCustomField()
    return { _tag: "ok" }
  }

  private protectedBy(blockers: ReadonlyArray<string>): DeleteResult {
    const names = blockers.map((b) => {
      const [type, oid] = b.split(":") as [string, string]
      return `${this.byType.get(type)!.display(this.ctx.get(type, Number(oid))!, this.ctx)} (${oid})`
    })
    const detail = `Unable to delete object. ${blockers.length} dependent objects were found: ${names.join(", ")}`
    return { _tag: "protected", detail, dependents: blockers.length }
  }

  /** The objects a delete takes with it (CASCADE, generic relations) and the PROTECT references outside them. */
  private doomedBy(model: Model, id: number): { readonly doomed: Map<string, Set<number>>; readonly blockers: Array<string> } {
    const doomed = new Map<string, Set<number>>()
    const blockers: Array<string> = []
    const collect = (type: string, oid: number) => {
      const set = doomed.get(type) ?? new Set()
      if (set.has(oid)) return
      doomed.set(type, set.add(oid))
      for (const m of this.models) {
        for (const [fname, f] of Object.entries(m.fields)) {
          for (const o of this.ctx.all(m.type)) {
            const points = (f.t === "fk" && f.to === type && o[fname] === oid) ||
              (f.t === "gfk" && o[`${fname}_type`] === type && o[`${fname}_id`] === oid)
            if (!points) continue
            if (f.t === "gfk" || (f.t === "fk" && f.onDelete === "cascade")) collect(m.type, o.id)
            else if (f.t === "fk" && f.onDelete === "protect") blockers.push(`${m.type}:${o.id}`)
          }
        }
      }
    }
    collect(model.type, id)
    const real = blockers.filter((b) => {
      const [type, oid] = b.split(":") as [string, string]
      return !doomed.get(type)?.has(Number(oid))
    })
    return { doomed, blockers: real }
  }

  private dropCustomField() {
    for (const m of this.models) {
      const known = new Set(this.customFields(m.type).map((cf) => String(cf["name"])))
      for (const o of this.ctx.all(m.type)) {
        const data = o["custom_fields"] as Record<string, unknown> | undefined
        if (data) for (const k of Object.keys(data)) if (!known.has(k)) delete data[k]
      }
    }
  }

  private defaults(model: Model): Stored {
    const o: Stored = { id: 0 }
    for (const [name, f] of Object.entries(model.fields)) {
      switch (f.t) {
        case "str": o[name] = f.default !== undefined ? f.default : f.nullable ? null : ""; break
        case "int": case "num": o[name] = f.default ?? null; break
        case "bool": o[name] = f.default ?? null; break
        case "choice": o[name] = f.default ?? null; break
        case "fk": case "datetime": o[name] = null; break
        case "m2m": case "strlist": o[name] = []; break
        case "json": o[name] = structuredClone(f.default ?? null); break
        case "gfk": o[`${name}_type`] = null; o[`${name}_id`] = null; break
        case "ro": case "mac": break
      }
    }
    if (model.tags !== false) {
      o["tags"] = []
      o["custom_fields"] = {}
    }
    return o
  }

  private clashes(model: Model, u: NonNullable<Model["unique"]>[number], o: Stored): boolean {
    if (u.when && !u.when(o)) return false
    if (u.fields.some((f) => o[f] === null || o[f] === undefined)) return false
    const norm = (x: unknown) => (u.caseInsensitive && typeof x === "string" ? x.toLowerCase() : x)
    return this.all(model).some((other) => other.id !== o.id && u.fields.every((f) => norm(other[f]) === norm(o[f])))
  }

  // ---- reads ----------------------------------------------------------------------------------------------

  /** Full representation, or the brief one (`brief=true`, and nested relations). */
  render(model: Model, o: Stored, mode: "full" | "brief" = "full"): Record<string, unknown> {
    return render(this, model, o, mode)
  }
}
