/**
 * Apidoc methods -> an OpenAPI 3.1 document describing the Proxmox API (server `/api2/json`).
 * Pure and deterministic: the same methods give the same document (no timestamps), so the committed
 * output under generated/proxmox/ only changes when the input does.
 */
import type { ApidocMethod, PveSchema } from "./apidoc.ts"

export type JsonSchema = { [key: string]: unknown }

export interface OpenApiParameter {
  readonly name: string
  readonly in: "path" | "query"
  readonly required: boolean
  readonly description?: string
  readonly schema: JsonSchema
}

export interface OpenApiOperation {
  readonly operationId: string
  readonly summary: string
  readonly description: string
  readonly tags: ReadonlyArray<string>
  readonly parameters: ReadonlyArray<OpenApiParameter>
  readonly requestBody?: { readonly required: boolean; readonly content: { readonly "application/json": { readonly schema: JsonSchema } } }
  readonly responses: Record<string, { readonly description: string; readonly content?: Record<string, { readonly schema: JsonSchema }> }>
  readonly "x-proxmox": Record<string, unknown>
}

export interface OpenApiDocument {
  readonly openapi: string
  readonly info: { readonly title: string; readonly version: string; readonly description?: string; readonly [k: string]: unknown }
  readonly servers?: ReadonlyArray<{ readonly url: string }>
  readonly paths: Record<string, Partial<Record<"get" | "post" | "put" | "delete", OpenApiOperation>>>
  readonly [k: string]: unknown
}

/**
 * Perl regex (as PVE writes it) -> an anchored JavaScript regex source, or undefined when it cannot be
 * expressed. PVE matches `^pattern$`; `(?^:...)` is a plain group and `(?^i:...)` a case-insensitive one.
 * Node 20 has no inline flag groups, so any `(?^i:` makes the whole pattern case-insensitive (looser,
 * never stricter than PVE).
 */
export const perlPatternToJs = (pattern: string): { readonly source: string; readonly flags: string } | undefined => {
  const flags = /\(\?\^?i:/.test(pattern) ? "i" : ""
  const body = pattern
    .replace(/\(\?\^?[a-z]*:/g, "(?:")
    .replace(/\\[zZ]/g, "$")
    .replace(/\\A/g, "^")
  const source = `^(?:${body})$`
  try {
    new RegExp(source, flags)
    return { source, flags }
  } catch {
    return undefined
  }
}

const isRecord = (u: unknown): u is Record<string, unknown> => typeof u === "object" && u !== null && !Array.isArray(u)

const PLAIN = ["title", "description", "default", "enum", "minimum", "maximum", "minLength", "maxLength"] as const
const EXTENSIONS: Record<string, string> = {
  typetext: "x-proxmox-typetext",
  requires: "x-proxmox-requires",
  alias: "x-proxmox-alias",
  keyAlias: "x-proxmox-key-alias",
  default_key: "x-proxmox-default-key",
  "instance-types": "x-proxmox-instance-types",
  "type-property": "x-proxmox-type-property",
  links: "x-proxmox-links",
  format_description: "x-proxmox-format-description"
}

/** One PVE schema -> JSON Schema 2020-12 (the OpenAPI 3.1 dialect), PVE-only facts kept as `x-proxmox-*`. */
export const toJsonSchema = (s: PveSchema): JsonSchema => {
  const out: JsonSchema = {}
  const type = s.type
  if (typeof type === "string" && type !== "any") out.type = type
  for (const k of PLAIN) if (s[k] !== undefined) out[k] = s[k]
  if (typeof s.pattern === "string") {
    const js = perlPatternToJs(s.pattern)
    if (js !== undefined) out.pattern = js.source
    if (js?.flags) out["x-proxmox-pattern-flags"] = js.flags
    if (js === undefined || js.source !== s.pattern) out["x-proxmox-pattern"] = s.pattern
  }
  if (typeof s.format === "string") out.format = s.format
  else if (isRecord(s.format)) out["x-proxmox-property-string"] = mapProperties(s.format)
  if (isRecord(s.items)) out.items = toJsonSchema(s.items)
  if (isRecord(s.properties)) {
    out.properties = mapProperties(s.properties)
    const required = Object.entries(s.properties).filter(([, p]) => isRecord(p) && !p.optional).map(([k]) => k)
    if (required.length > 0) out.required = required
  }
  if (isRecord(s.additionalProperties)) out.additionalProperties = toJsonSchema(s.additionalProperties)
  else if (s.additionalProperties !== undefined) out.additionalProperties = Boolean(s.additionalProperties)
  if (Array.isArray(s.oneOf)) out.oneOf = s.oneOf.filter(isRecord).map(toJsonSchema)
  for (const [k, x] of Object.entries(EXTENSIONS)) if (s[k] !== undefined) out[x] = s[k]
  return out
}

const mapProperties = (props: Record<string, unknown>): Record<string, JsonSchema> =>
  Object.fromEntries(Object.entries(props).filter(([, p]) => isRecord(p)).map(([k, p]) => [k, toJsonSchema(p as PveSchema)]))

export const pathParamNames = (path: string): Array<string> => Array.from(path.matchAll(/\{([^}]+)\}/g), (m) => m[1]!)

/** `get` + `/nodes/{node}/qemu/{vmid}/config` -> `get_nodes_node_qemu_vmid_config` (the reference's ids). */
export const operationIdOf = (method: string, path: string): string =>
  `${method}_${path.replace(/[{}]/g, "")}`.toLowerCase().replace(/[^a-z0-9]+/g, "_").replace(/^_+|_+$/g, "")

const summaryOf = (description: string): string => {
  const first = description.split(/\n/)[0]!.trim()
  return first.length > 120 ? `${first.slice(0, 117)}...` : first
}

const operationOf = (m: ApidocMethod, usedIds: Set<string>): OpenApiOperation => {
  const inPath = new Set(pathParamNames(m.path))
  const entries = Object.entries(m.parameters.properties)
  const carriesBody = m.method === "POST" || m.method === "PUT"
  const param = (name: string, p: PveSchema, where: "path" | "query"): OpenApiParameter => {
    const { description, ...schema } = toJsonSchema(p)
    return {
      name,
      in: where,
      required: where === "path" || !p.optional,
      ...(typeof description === "string" && description !== "" ? { description } : {}),
      schema
    }
  }
  // Path parameters follow the order of the path; PVE lists them among the other properties.
  const parameters: Array<OpenApiParameter> = pathParamNames(m.path).map((n) => param(n, m.parameters.properties[n] ?? { type: "string" }, "path"))
  const bodyProps = entries.filter(([n]) => !inPath.has(n))
  if (!carriesBody) for (const [n, p] of bodyProps) parameters.push(param(n, p, "query"))
  let id = operationIdOf(m.method, m.path)
  for (let i = 2; usedIds.has(id); i++) id = `${operationIdOf(m.method, m.path)}_${i}`
  usedIds.add(id)
  const bodySchema = carriesBody && bodyProps.length > 0
    ? toJsonSchema({ type: "object", properties: Object.fromEntries(bodyProps), additionalProperties: m.parameters.additionalProperties ?? 0 })
    : undefined
  return {
    operationId: id,
    summary: summaryOf(m.description),
    description: m.description,
    tags: [m.path.split("/")[1] ?? "root"],
    parameters,
    ...(bodySchema !== undefined
      ? { requestBody: { required: Array.isArray(bodySchema.required), content: { "application/json": { schema: bodySchema } } } }
      : {}),
    responses: {
      "200": { description: "The `data` member of the Proxmox answer.", content: { "application/json": { schema: toJsonSchema(m.returns) } } }
    },
    "x-proxmox": {
      name: m.name,
      ...(m.parameters.additionalProperties !== undefined ? { additionalProperties: Boolean(m.parameters.additionalProperties) } : {}),
      ...m.extra
    }
  }
}

export interface GenerateOptions {
  /** `info.version`: the PVE release the input describes, e.g. "8.4.17". */
  readonly schemaVersion: string
  /** Free text about where the input came from (kept in `info.x-proxmox-source`). */
  readonly source?: string
}

export const generateOpenApi = (methods: ReadonlyArray<ApidocMethod>, options: GenerateOptions): OpenApiDocument => {
  const usedIds = new Set<string>()
  const paths: Record<string, Record<string, OpenApiOperation>> = {}
  for (const m of methods) (paths[m.path] ??= {})[m.method.toLowerCase()] = operationOf(m, usedIds)
  return {
    openapi: "3.1.0",
    info: {
      title: "Proxmox VE API",
      version: options.schemaVersion,
      description: "Generated from the Proxmox VE API description (apidoc). Responses are the `data` member of Proxmox's JSON envelope.",
      ...(options.source !== undefined ? { "x-proxmox-source": options.source } : {})
    },
    servers: [{ url: "/api2/json" }],
    paths
  }
}

/** Same bytes for the same document: two-space JSON plus a final newline. */
export const serializeDocument = (doc: OpenApiDocument): string => `${JSON.stringify(doc, null, 2)}\n`
