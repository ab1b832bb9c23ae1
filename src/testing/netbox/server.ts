/**
 * The simulator's request handling: token auth (v1 `Token`, v2 `Bearer nbt_<key>.<secret>`, 403 bodies as
 * NetBox sends them), `/api/status/`, `/api/schema/`, list/detail routes with bulk POST/PATCH/PUT/DELETE.
 */
import { filter, invalidChoices, order, paginate } from "./query.ts"
import type { Model, Stored } from "./schema.ts"
import type { Errors, Store } from "./store.ts"

export interface SimulatorToken {
  readonly version: "v1" | "v2"
  /** v2: the 12-character key; v1: the 40-character token. */
  readonly key: string
  /** v2 only. */
  readonly secret?: string
  readonly writeEnabled?: boolean
}

export interface Settings {
  readonly version: string
  readonly pageSize: number
  readonly maxPageSize: number
  readonly plugin: boolean
  readonly tokens: ReadonlyArray<SimulatorToken>
}

export interface Reply {
  readonly status: number
  readonly body?: unknown
}

const WRITE = new Set(["POST", "PUT", "PATCH", "DELETE"])
const json = (status: number, body?: unknown): Reply => (body === undefined ? { status } : { status, body })

/** NetBox decides the token version by the `nbt_` prefix, whichever keyword came before it. */
export const authenticate = (header: string | undefined, tokens: ReadonlyArray<SimulatorToken>): SimulatorToken | Reply => {
  const m = header ? /^(Token|Bearer)\s+(\S+)$/i.exec(header.trim()) : null
  if (!m) return json(403, { detail: "Authentication credentials were not provided." })
  const value = m[2]!
  if (value.startsWith("nbt_")) {
    const dot = value.indexOf(".")
    if (dot < 0) return json(403, { detail: "Could not parse key from v2 token." })
    const key = value.slice(4, dot)
    const secret = value.slice(dot + 1)
    const t = tokens.find((x) => x.version === "v2" && x.key === key && x.secret === secret)
    return t ?? json(403, { detail: "Invalid v2 token" })
  }
  return tokens.find((x) => x.version === "v1" && x.key === value) ?? json(403, { detail: "Invalid v1 token" })
}

export const makeHandler = (store: Store, settings: Settings, baseUrl: () => string) => {
  const byPath = new Map(store.models.map((m) => [m.path, m] as const))

  const status = () => ({
    "django-version": "5.2.8",
    "installed-apps": {},
    "netbox-version": settings.version,
    "netbox-full-version": `${settings.version} (simulator)`,
    "plugins": settings.plugin ? { netbox_proxbox: "0.0.11" } : {},
    "python-version": "3.12.3",
    "rq-workers-running": 1
  })

  const schema = () => ({
    openapi: "3.0.3",
    info: { title: "NetBox REST API", version: `${settings.version} (simulator)` },
    paths: Object.fromEntries(store.models.flatMap((m) => [
      [`/api/${m.path}/`, { get: { operationId: `${m.path}_list` }, post: {}, patch: {}, put: {}, delete: {} }],
      [`/api/${m.path}/{id}/`, { get: { operationId: `${m.path}_retrieve` }, patch: {}, put: {}, delete: {} }]
    ]))
  })

  const select = (model: Model, o: Stored, url: URL) => {
    const brief = ["true", "True", "1"].includes(url.searchParams.get("brief") ?? "")
    const full = store.render(model, o, brief ? "brief" : "full")
    const fields = url.searchParams.get("fields")
    const omit = url.searchParams.get("omit")
    if (fields) return Object.fromEntries(fields.split(",").filter((f) => f in full).map((f) => [f, full[f]]))
    if (omit) return Object.fromEntries(Object.entries(full).filter(([k]) => !omit.split(",").includes(k)))
    return full
  }

  const notFound = (model: Model) => json(404, { detail: `No ${model.verbose} matches the given query.` })
  const integrity = (message: string) =>
    json(500, { error: message, exception: "IntegrityError", netbox_version: settings.version, python_version: "3.12.3" })

  const isDict = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x)
  const pyType = (x: unknown) =>
    Array.isArray(x) ? "list" : x === null ? "NoneType" : typeof x === "string" ? "str" : typeof x === "boolean" ? "bool"
    : typeof x === "number" ? (Number.isInteger(x) ? "int" : "float") : "dict"
  // NetBox sets DRF's NON_FIELD_ERRORS_KEY to `__all__`.
  const notDict = (x: unknown): Errors => ({ __all__: [`Invalid data. Expected a dictionary, but got ${pyType(x)}.`] })
  const failed = (r: Reply) => r.status >= 300
  /** NetBox 4.7's bulk error body: a summary and the failing items by position or by id. */
  const bulkErrors = (status: number, detail: string, errors: ReadonlyArray<{ index: number } | { id: number }>) =>
    json(status, { detail, errors })
  type ItemErrors = Array<{ index: number; errors: Errors }>

  /**
   * Validates and saves item by item (later items see the earlier ones), keeping all or none, as NetBox's
   * bulk create does. Errors are reported per item position.
   */
  const createMany = (model: Model, items: ReadonlyArray<unknown>, url: URL, many: boolean): Reply =>
    store.atomically(() => {
      const errors: ItemErrors = []
      const created: Array<Stored> = []
      for (const [index, item] of items.entries()) {
        const r = isDict(item) ? store.validate(model, item) : { _tag: "invalid" as const, errors: notDict(item) }
        if (r._tag === "invalid") errors.push({ index, errors: r.errors })
        if (r._tag !== "ok") continue
        const saved = store.insert(model, r.value)
        if (saved._tag === "integrity") return integrity(saved.message)
        if (saved._tag === "ok") created.push(saved.value)
      }
      if (errors.length > 0) {
        return many ? bulkErrors(400, `${errors.length} of ${items.length} objects could not be created.`, errors) : json(400, errors[0]!.errors)
      }
      const rendered = created.map((o) => select(model, o, url))
      return json(201, many ? rendered : rendered[0])
    }, failed)

  /**
   * The checks NetBox makes on a bulk update or delete before it touches anything: a list, of objects with an
   * integer `id`, each named once, each existing. Returns the ids, or the error reply.
   */
  const bulkTargets = (model: Model, body: unknown): ReadonlyArray<number> | Reply => {
    if (!Array.isArray(body)) {
      return json(400, { detail: body === null || (isDict(body) && Object.keys(body).length === 0) ? "Expected a list of objects, but no data was submitted." : `Expected a list of objects, but got ${pyType(body)}.` })
    }
    const invalid: ItemErrors = []
    const ids = body.map((item, index) => {
      if (!isDict(item)) return void invalid.push({ index, errors: notDict(item) })
      const id = item["id"]
      if (id === undefined || id === null) return void invalid.push({ index, errors: { id: [id === null ? "This field may not be null." : "This field is required."] } })
      const n = typeof id === "number" ? id : typeof id === "string" && /^\s*-?\d+\s*$/.test(id) ? Number(id) : NaN
      if (!Number.isInteger(n)) return void invalid.push({ index, errors: { id: ["A valid integer is required."] } })
      return n
    })
    if (invalid.length > 0) return bulkErrors(400, `${invalid.length} of ${body.length} objects failed validation.`, invalid)
    const valid = ids as Array<number>
    const counts = new Map<number, number>()
    for (const id of valid) counts.set(id, (counts.get(id) ?? 0) + 1)
    const repeated = [...counts].filter(([, n]) => n > 1)
    if (repeated.length > 0) {
      return bulkErrors(400, `${repeated.length} of ${valid.length} objects are listed more than once.`, repeated.map(([id, n]) => ({
        id, errors: { id: [`Each object may be specified only once; ID ${id} is listed ${n} times`] }
      })))
    }
    const missing = valid.filter((id) => !store.get(model, id))
    if (missing.length > 0) {
      return bulkErrors(400, `${missing.length} of ${valid.length} objects could not be found.`, missing.map((id) => ({
        id, errors: { id: [`Object with ID ${id} does not exist`] }
      })))
    }
    return valid
  }

  /** Objects in the model's default ordering, as NetBox's querysets return them (not the request's order). */
  const inOrder = (model: Model, ids: ReadonlyArray<number>) => order(model, ids.map((id) => store.get(model, id)!), null)

  /** Bulk updates: validated and saved object by object (in the model's ordering), all or none. */
  const updateMany = (model: Model, body: unknown, url: URL): Reply => {
    const targets = bulkTargets(model, body)
    if (!Array.isArray(targets)) return targets as Reply
    const items = new Map((body as Array<Record<string, unknown>>).map((item, i) => [targets[i]!, item]))
    return store.atomically(() => {
      const errors: Array<{ id: number; errors: Errors }> = []
      for (const existing of inOrder(model, targets)) {
        const r = store.validate(model, items.get(existing.id)!, existing)
        if (r._tag === "invalid") errors.push({ id: existing.id, errors: r.errors })
        if (r._tag !== "ok") continue
        const saved = store.insert(model, r.value)
        if (saved._tag === "integrity") return integrity(saved.message)
      }
      if (errors.length > 0) return bulkErrors(400, `${errors.length} of ${targets.length} objects could not be updated.`, errors)
      return json(200, inOrder(model, targets).map((o) => select(model, o, url)))
    }, failed)
  }

  const updateOne = (model: Model, id: number, body: unknown, url: URL): Reply => {
    if (!isDict(body)) return json(400, notDict(body))
    const existing = store.get(model, id)
    if (!existing) return notFound(model)
    return store.atomically(() => {
      const r = store.validate(model, body, existing)
      if (r._tag === "invalid") return json(400, r.errors)
      if (r._tag !== "ok") return integrity("integrity")
      const saved = store.insert(model, r.value)
      return saved._tag === "integrity" ? integrity(saved.message) : json(200, select(model, store.get(model, id)!, url))
    }, failed)
  }

  /** Bulk delete: refused as a whole (409) when any object is protected by others. */
  const deleteMany = (model: Model, body: unknown): Reply => {
    const targets = bulkTargets(model, body)
    if (!Array.isArray(targets)) return targets as Reply
    const blocked = inOrder(model, targets).flatMap((o) => {
      const r = store.checkDelete(model, o.id)
      return r._tag === "protected"
        ? [{ id: o.id, errors: { __all__: [`Unable to delete: ${r.dependents} dependent object(s) prevent deletion.`] } }]
        : []
    })
    if (blocked.length > 0) return bulkErrors(409, `${blocked.length} of ${targets.length} objects could not be deleted.`, blocked)
    for (const id of targets) if (store.get(model, id)) store.delete(model, id)
    return json(204)
  }

  return (method: string, url: URL, authorization: string | undefined, body: unknown): Reply => {
    const auth = authenticate(authorization, settings.tokens)
    if ("status" in auth) return auth
    if (WRITE.has(method) && auth.writeEnabled === false) {
      return json(403, { detail: "You do not have permission to perform this action." })
    }
    const path = url.pathname.replace(/^\/api\//, "").replace(/\/$/, "")
    if (path === "status" && method === "GET") return json(200, status())
    if (path === "schema" && method === "GET") return json(200, schema())
    const idMatch = /^(.*)\/(\d+)$/.exec(path)
    const model = byPath.get(idMatch ? idMatch[1]! : path)
    if (!model || (!settings.plugin && model.path.startsWith("plugins/"))) return json(404, { detail: "Not found." })

    if (idMatch) {
      const id = Number(idMatch[2])
      const o = store.get(model, id)
      if (!o) return notFound(model)
      switch (method) {
        case "GET": return json(200, select(model, o, url))
        case "PATCH": case "PUT": return updateOne(model, id, body, url)
        case "DELETE": {
          const r = store.delete(model, id)
          return r._tag === "protected" ? json(409, { detail: r.detail }) : json(204)
        }
        default: return json(405, { detail: `Method "${method}" not allowed.` })
      }
    }
    switch (method) {
      case "GET": {
        const refused = invalidChoices(model, url.searchParams)
        if (refused) return json(400, refused)
        const rows = order(model, filter(store, model, store.all(model), url.searchParams), url.searchParams.get("ordering"))
        const page = paginate(rows, url, baseUrl(), settings.pageSize, settings.maxPageSize)
        return json(200, { count: page.count, next: page.next, previous: page.previous, results: page.items.map((o) => select(model, o, url)) })
      }
      case "POST":
        return Array.isArray(body) ? createMany(model, body, url, true) : createMany(model, [body], url, false)
      case "PATCH": case "PUT": return updateMany(model, body, url)
      case "DELETE": return deleteMany(model, body)
      default: return json(405, { detail: `Method "${method}" not allowed.` })
    }
  }
}

