/**
 * Reading Proxmox API descriptions. Three inputs give the same list of methods:
 * - the `apiSchema` tree (a JSON array, as `api_dump` writes it),
 * - the API viewer's `apidoc.js` text (`const apiSchema = [...]` cut out of the script),
 * - proxbox-api's crawl checkpoint (`{endpoints: {<path>: {methods}}}`), normalised back to apidoc form.
 * See ../shared/reference/proxmox/README.md for the formats.
 */
import { Data, Either } from "effect"

/** PVE JSONSchema dialect (loose: it is data from the wire). */
export type PveSchema = { readonly [key: string]: unknown }

export type Verb = "GET" | "POST" | "PUT" | "DELETE"
export const VERBS: ReadonlyArray<Verb> = ["GET", "POST", "PUT", "DELETE"]

export interface ApidocMethod {
  readonly path: string
  readonly method: Verb
  readonly name: string
  readonly description: string
  readonly parameters: { readonly properties: Readonly<Record<string, PveSchema>>; readonly additionalProperties?: unknown }
  readonly returns: PveSchema
  /** permissions, allowtoken, protected, proxyto, download_allowed, expose_credentials, unstable: kept as given */
  readonly extra: Readonly<Record<string, unknown>>
}

export class ApidocParseError extends Data.TaggedError("ApidocParseError")<{ readonly message: string }> {}

const EXTRA_KEYS = ["permissions", "allowtoken", "protected", "proxyto", "download_allowed", "expose_credentials", "unstable"]

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const toMethod = (path: string, verb: Verb, m: Record<string, unknown>): ApidocMethod => {
  const params = isRecord(m.parameters) ? m.parameters : {}
  const extra: Record<string, unknown> = {}
  for (const k of EXTRA_KEYS) if (m[k] !== undefined && m[k] !== null) extra[k] = m[k]
  return {
    path,
    method: verb,
    name: typeof m.name === "string" ? m.name : typeof m.method_name === "string" ? m.method_name : "",
    description: typeof m.description === "string" ? m.description : "",
    parameters: {
      properties: isRecord(params.properties) ? (params.properties as Record<string, PveSchema>) : {},
      ...(params.additionalProperties !== undefined ? { additionalProperties: params.additionalProperties } : {})
    },
    returns: isRecord(m.returns) ? m.returns : {},
    extra
  }
}

const fromTree = (roots: ReadonlyArray<unknown>): Array<ApidocMethod> => {
  const out: Array<ApidocMethod> = []
  const walk = (node: unknown) => {
    if (!isRecord(node) || typeof node.path !== "string") return
    const info = isRecord(node.info) ? node.info : {}
    for (const verb of VERBS) if (isRecord(info[verb])) out.push(toMethod(node.path, verb, info[verb]))
    if (Array.isArray(node.children)) node.children.forEach(walk)
  }
  roots.forEach(walk)
  return out
}

/** Undo the viewer crawl's additions: `id`/`name` fields, boolean `optional`, null placeholders. */
const stripViewerFields = (u: unknown, key?: string): unknown => {
  if (Array.isArray(u)) return u.map((x) => stripViewerFields(x))
  if (!isRecord(u)) return u
  const out: Record<string, unknown> = {}
  for (const [k, v] of Object.entries(u)) {
    if (k === "id" && typeof v === "string" && v.startsWith("pmx-param-schema-")) continue
    if (k === "name" && key !== undefined && v === key) continue
    if (k === "optional" && typeof v === "boolean") {
      if (v) out.optional = 1
      continue
    }
    out[k] = k === "properties" && isRecord(v)
      ? Object.fromEntries(Object.entries(v).map(([pk, pv]) => [pk, stripViewerFields(pv, pk)]))
      : stripViewerFields(v)
  }
  return out
}

/** `[["and", ...]]` (one extra array level in some 8.3 crawl entries) -> `["and", ...]`. */
const unwrapCheck = (permissions: unknown): unknown => {
  if (!isRecord(permissions)) return permissions
  const check = permissions.check
  return Array.isArray(check) && check.length === 1 && Array.isArray(check[0])
    ? { ...permissions, check: check[0] }
    : permissions
}

const fromCheckpoint = (endpoints: Record<string, unknown>): Array<ApidocMethod> => {
  const out: Array<ApidocMethod> = []
  for (const [path, ep] of Object.entries(endpoints)) {
    const methods = isRecord(ep) && isRecord(ep.methods) ? ep.methods : {}
    for (const verb of VERBS) {
      const m = methods[verb]
      if (!isRecord(m)) continue
      const perms = isRecord(m.permissions) && Object.keys(m.permissions).length > 0 ? unwrapCheck(m.permissions) : undefined
      out.push(toMethod(path, verb, {
        ...m,
        parameters: stripViewerFields(m.parameters),
        returns: stripViewerFields(m.returns),
        permissions: perms
      }))
    }
  }
  return out
}

/** Cut the `apiSchema = [...]` array literal out of apidoc.js (bracket matching that skips strings). */
const extractApiSchema = (js: string): string | undefined => {
  const at = js.search(/apiSchema\s*=\s*\[/)
  if (at < 0) return undefined
  const start = js.indexOf("[", at)
  let depth = 0
  let quote: string | undefined
  for (let i = start; i < js.length; i++) {
    const c = js[i]!
    if (quote !== undefined) {
      if (c === "\\") i++
      else if (c === quote) quote = undefined
    } else if (c === "\"" || c === "'") quote = c
    else if (c === "[") depth++
    else if (c === "]" && --depth === 0) return js.slice(start, i + 1)
  }
  return undefined
}

/** Any of the three input formats -> the flat method list, in source order. */
export const parseApidoc = (text: string): Either.Either<Array<ApidocMethod>, ApidocParseError> => {
  const trimmed = text.trimStart()
  const json = trimmed.startsWith("[") || trimmed.startsWith("{") ? trimmed : extractApiSchema(text)
  if (json === undefined) return Either.left(new ApidocParseError({ message: "no apiSchema array found in the input" }))
  let parsed: unknown
  try {
    parsed = JSON.parse(json)
  } catch (e) {
    return Either.left(new ApidocParseError({ message: `input is not valid JSON: ${String(e)}` }))
  }
  const methods = Array.isArray(parsed)
    ? fromTree(parsed)
    : isRecord(parsed) && isRecord(parsed.endpoints)
    ? fromCheckpoint(parsed.endpoints)
    : []
  return methods.length > 0
    ? Either.right(methods)
    : Either.left(new ApidocParseError({ message: "the input describes no API methods" }))
}
