/** API paths and query strings as the NetBox client sends them. */

export type QueryValue = string | number | boolean | ReadonlyArray<string | number>
/** Repeated parameters are given as arrays (`id: [1, 2]` → `id=1&id=2`); undefined values are left out. */
export type Query = Readonly<Record<string, QueryValue | undefined>>

/**
 * `dcim/sites`, `/dcim/sites/`, `/api/dcim/sites` and `api/dcim/sites/` all name `/api/dcim/sites/`.
 * NetBox redirects a missing trailing slash, which would turn a POST into a GET, so it is always added.
 */
export const apiPath = (path: string): string => {
  const [bare, search] = path.split("?", 2) as [string, string | undefined]
  const inner = bare.replace(/^\/+/, "").replace(/^api\//, "").replace(/\/+$/, "")
  return `/api/${inner}${inner === "" ? "" : "/"}${search ? `?${search}` : ""}`
}

export const detailPath = (path: string, id: number): string => `${apiPath(path).split("?")[0]}${id}/`

export const queryString = (query: Query | undefined): string => {
  if (!query) return ""
  const params = new URLSearchParams()
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined) continue
    if (Array.isArray(value)) for (const v of value) params.append(key, String(v))
    else params.append(key, String(value))
  }
  const s = params.toString()
  return s === "" ? "" : `?${s}`
}

/** The counting key of a request: method and path with numeric ids folded, e.g. `PATCH /api/dcim/sites/{id}/`. */
export const countKey = (method: string, pathAndQuery: string): string =>
  `${method} ${pathAndQuery.split("?")[0]!.replace(/\/\d+(?=\/|$)/g, "/{id}")}`

/** A `next` link, re-rooted on the configured base URL (NetBox builds it from the Host header it saw). */
export const followLink = (next: string): string => {
  const url = new URL(next, "http://x")
  return `${url.pathname}${url.search}`
}

export const chunk = <A>(items: ReadonlyArray<A>, size: number): ReadonlyArray<ReadonlyArray<A>> => {
  const out: Array<ReadonlyArray<A>> = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
