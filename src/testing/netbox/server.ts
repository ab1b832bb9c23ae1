/**
 * The simulator's request handling: token auth (v1 `Token`, v2 `Bearer nbt_<key>.<secret>`, 403 bodies as
 * NetBox sends them), `/api/status/`, `/api/schema/`, list/detail routes with bulk POST/PATCH/PUT/DELETE.
 */
import { filter, order, paginate } from "./query.ts"
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

  /** Validate every item first (errors aligned with the input), then store them all or none. */
  const createMany = (model: Model, items: ReadonlyArray<unknown>, url: URL, many: boolean): Reply => {
    const checked = items.map((item) =>
      typeof item === "object" && item !== null && !Array.isArray(item)
        ? store.validate(model, item as Record<string, unknown>)
        : { _tag: "invalid" as const, errors: { non_field_errors: ["Invalid data. Expected a dictionary, but got list."] } as Errors }
    )
    if (checked.some((c) => c._tag !== "ok")) {
      const errors = checked.map((c) => (c._tag === "invalid" ? c.errors : {}))
      return json(400, many ? errors : errors[0])
    }
    const created: Array<Stored> = []
    for (const c of checked) {
      const r = store.insert(model, (c as { value: Stored }).value)
      if (r._tag !== "ok") {
        created.forEach((o) => store.remove(model, o.id))
        return integrity(r._tag === "integrity" ? r.message : "integrity")
      }
      created.push(r.value)
    }
    const rendered = created.map((o) => select(model, o, url))
    return json(201, many ? rendered : rendered[0])
  }

  /** Bulk and single updates; NetBox applies a bulk update all-or-nothing. */
  const updateMany = (model: Model, items: ReadonlyArray<Record<string, unknown>>, url: URL, many: boolean): Reply => {
    const staged: Array<Stored> = []
    for (const item of items) {
      const id = typeof item["id"] === "number" ? item["id"] : Number(item["id"])
      const existing = Number.isInteger(id) ? store.get(model, id) : undefined
      if (item["id"] === undefined) return json(400, many ? [{ id: ["This field is required."] }] : { id: ["This field is required."] })
      if (!existing) return many ? json(400, { detail: `Object with ID ${String(item["id"])} not found.` }) : notFound(model)
      const r = store.validate(model, item, existing)
      if (r._tag === "invalid") return json(400, r.errors)
      if (r._tag === "ok") staged.push(r.value)
    }
    const before = staged.map((o) => structuredClone(store.get(model, o.id)!))
    for (const [i, o] of staged.entries()) {
      const r = store.insert(model, o)
      if (r._tag !== "ok") {
        before.slice(0, i + 1).forEach((b) => store.insert(model, b))
        return integrity(r._tag === "integrity" ? r.message : "integrity")
      }
    }
    const rendered = staged.map((o) => select(model, store.get(model, o.id)!, url))
    return json(200, many ? rendered : rendered[0])
  }

  const deleteMany = (model: Model, ids: ReadonlyArray<number>): Reply => {
    for (const id of ids) {
      if (!store.get(model, id)) continue
      const r = store.delete(model, id)
      if (r._tag === "protected") return json(409, { detail: r.detail })
    }
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
        case "PATCH": case "PUT":
          if (typeof body !== "object" || body === null || Array.isArray(body)) return json(400, { non_field_errors: ["Invalid data. Expected a dictionary."] })
          return updateMany(model, [{ ...(body as Record<string, unknown>), id }], url, false)
        case "DELETE": return deleteMany(model, [id])
        default: return json(405, { detail: `Method "${method}" not allowed.` })
      }
    }
    switch (method) {
      case "GET": {
        const rows = order(model, filter(store, model, store.all(model), url.searchParams), url.searchParams.get("ordering"))
        const page = paginate(rows, url, baseUrl(), settings.pageSize, settings.maxPageSize)
        return json(200, { count: page.count, next: page.next, previous: page.previous, results: page.items.map((o) => select(model, o, url)) })
      }
      case "POST":
        return Array.isArray(body) ? createMany(model, body, url, true) : createMany(model, [body], url, false)
      case "PATCH": case "PUT":
        if (!Array.isArray(body)) return json(405, { detail: `Method "${method}" not allowed.` })
        return updateMany(model, body as Array<Record<string, unknown>>, url, true)
      case "DELETE": {
        if (!Array.isArray(body)) return json(405, { detail: `Method "DELETE" not allowed.` })
        const ids = body.map((b) => (typeof b === "object" && b !== null ? Number((b as { id?: unknown }).id) : NaN))
        if (ids.some((id) => !Number.isInteger(id))) return json(400, [{ id: ["This field is required."] }])
        return deleteMany(model, ids)
      }
      default: return json(405, { detail: `Method "${method}" not allowed.` })
    }
  }
}

