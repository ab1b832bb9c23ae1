/**
 * A generated operation ready to serve: names mapped for our router and query, and request and
 * response checks built on first use (start-up only reads the document; a version's Schemas are
 * paid for by the operations that are actually called).
 */
import { Either, ParseResult, Schema } from "effect"
import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiParameter } from "./generator/openapi.ts"
import { type AnySchema, valueSchema } from "./schema.ts"

export type Verb = "GET" | "POST" | "PUT" | "DELETE"
export const VERBS: ReadonlyArray<Verb> = ["GET", "POST", "PUT", "DELETE"]

/** Query parameters that select the Proxmox endpoint on every generated route. */
export const CONTROL_PARAMS = ["source", "target_name", "target_domain", "target_ip_address"] as const
const CONTROL = new Set<string>(CONTROL_PARAMS)

/** A Proxmox parameter named like a control parameter is exposed as `op_<name>`. */
export const exposedName = (name: string): string => (CONTROL.has(name) ? `op_${name}` : name)
/** Router-safe path parameter name: find-my-way ends `:name` at `-` or `.` (STACK.md G5). */
export const safeParamName = (name: string): string => exposedName(name.replace(/[^A-Za-z0-9_]/g, "_"))

export interface Field {
  /** The Proxmox name: what reaches the client. */
  readonly name: string
  /** The name a caller uses here (`op_source` for Proxmox's `source`, `pci_id_or_mapping` in paths). */
  readonly exposed: string
  readonly required: boolean
  readonly schema: JsonSchema
}

export interface Operation {
  readonly tag: string
  readonly method: Verb
  /** Proxmox path with its own placeholder names, e.g. `/nodes/{node}/hardware/pci/{pci-id-or-mapping}`. */
  readonly path: string
  readonly operationId: string
  readonly pathParams: ReadonlyArray<Field>
  /** GET/DELETE: the query; POST/PUT: the body fields (also accepted in the query, as the reference did). */
  readonly params: ReadonlyArray<Field>
  readonly carriesBody: boolean
  readonly source: OpenApiOperation
  /** Checks the merged request values; left = the parse error. */
  readonly checkRequest: (path: Record<string, string>, params: Record<string, unknown>) => Either.Either<void, ParseResult.ParseError>
  /** Checks Proxmox's data; left = a readable description of the mismatch. */
  readonly checkResponse: (data: unknown) => Either.Either<void, string>
}

const lazy = <A>(f: () => A): (() => A) => {
  let value: { a: A } | undefined
  return () => (value ??= { a: f() }).a
}

const fieldOf = (p: OpenApiParameter): Field => ({
  name: p.name,
  exposed: p.in === "path" ? safeParamName(p.name) : exposedName(p.name),
  required: p.required,
  schema: p.schema
})

const structOf = (fields: ReadonlyArray<Field>, key: "name" | "exposed", wire: (f: Field) => "wire" | "json"): AnySchema => {
  const out: Record<string, Schema.Schema.All | Schema.PropertySignature.All> = {}
  for (const f of fields) {
    const s = valueSchema(f.schema, wire(f))
    out[f[key]] = f.required ? s : Schema.optional(s)
  }
  return Schema.Struct(out) as unknown as AnySchema
}

export const makeOperation = (tag: string, path: string, method: Verb, op: OpenApiOperation): Operation => {
  const pathParams = op.parameters.filter((p) => p.in === "path").map(fieldOf)
  const carriesBody = method === "POST" || method === "PUT"
  const body = op.requestBody?.content["application/json"].schema
  const params: Array<Field> = carriesBody && body !== undefined
    ? Object.entries((body.properties ?? {}) as Record<string, JsonSchema>).map(([name, schema]) => ({
      name,
      exposed: exposedName(name),
      required: Array.isArray(body.required) && (body.required as Array<string>).includes(name),
      schema
    }))
    : op.parameters.filter((p) => p.in === "query").map(fieldOf)

  // Values are keyed by Proxmox names once the handler has merged query and body; query values are
  // text, body values JSON, so body-carrying operations accept both forms.
  const requestSchema = lazy(() =>
    Schema.Struct({
      path: structOf(pathParams, "name", () => "wire"),
      params: structOf(params, "name", () => (carriesBody ? "json" : "wire"))
    })
  )
  const decodeRequest = lazy(() => Schema.decodeUnknownEither(requestSchema(), { errors: "all" }))
  const responseSchema = lazy(() => valueSchema(op.responses["200"]?.content?.["application/json"]?.schema ?? {}, "response"))
  const decodeResponse = lazy(() => Schema.decodeUnknownEither(responseSchema()))

  return {
    tag,
    method,
    path,
    operationId: op.operationId,
    pathParams,
    params,
    carriesBody,
    source: op,
    checkRequest: (pathValues, paramValues) => Either.map(decodeRequest()({ path: pathValues, params: paramValues }), () => undefined),
    checkResponse: (data) =>
      Either.mapBoth(decodeResponse()(data), { onLeft: (e) => ParseResult.TreeFormatter.formatErrorSync(e), onRight: () => undefined })
  }
}

export const operationsOf = (tag: string, doc: OpenApiDocument): Array<Operation> => {
  const out: Array<Operation> = []
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of VERBS) {
      const op = item[method.toLowerCase() as "get"]
      if (op !== undefined) out.push(makeOperation(tag, path, method, op))
    }
  }
  return out
}
