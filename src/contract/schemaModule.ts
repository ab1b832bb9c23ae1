/**
 * A generated document as an Effect Schema TypeScript module (the reference served Pydantic models at
 * /proxmox/viewer/pydantic): `<Operation>Request` and `<Operation>Response` per operation, with
 * `<Operation>ResponseItem` for arrays of objects.
 */
import type { JsonSchema, OpenApiDocument } from "./generator/openapi.ts"

const pascal = (id: string) => id.split(/[^A-Za-z0-9]+/).filter((s) => s !== "").map((s) => s[0]!.toUpperCase() + s.slice(1)).join("")
const key = (k: string) => (/^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : JSON.stringify(k))

const isObject = (s: JsonSchema) => s.type === "object" && typeof s.properties === "object" && s.properties !== null

export const schemaSource = (s: JsonSchema, indent = ""): string => {
  if (Array.isArray(s.enum) && s.enum.length > 0) return `Schema.Literal(${s.enum.map((e) => JSON.stringify(e)).join(", ")})`
  switch (s.type) {
    case "string":
      return "Schema.String"
    case "integer":
      return "Schema.Int"
    case "number":
      return "Schema.Number"
    case "boolean":
      return "Schema.Union(Schema.Boolean, Schema.Literal(0, 1))"
    case "null":
      return "Schema.Null"
    case "array":
      return `Schema.Array(${schemaSource((s.items ?? {}) as JsonSchema, indent)})`
    case "object": {
      if (!isObject(s)) return "Schema.Record({ key: Schema.String, value: Schema.Unknown })"
      const required = new Set((s.required ?? []) as Array<string>)
      const inner = `${indent}  `
      const fields = Object.entries(s.properties as Record<string, JsonSchema>).map(([k, p]) => {
        const v = schemaSource(p, inner)
        return `${inner}${key(k)}: ${required.has(k) ? v : `Schema.optional(${v})`}`
      })
      return fields.length === 0 ? "Schema.Struct({})" : `Schema.Struct({\n${fields.join(",\n")}\n${indent}})`
    }
    default:
      return "Schema.Unknown"
  }
}

export const renderSchemaModule = (doc: OpenApiDocument, tag: string): string => {
  const out = [
    `// Generated from generated/proxmox/${tag}/openapi.json (Proxmox VE ${doc.info.version}). Do not edit.`,
    `import { Schema } from "effect"`,
    ""
  ]
  for (const item of Object.values(doc.paths)) {
    for (const op of Object.values(item)) {
      if (op === undefined) continue
      const name = pascal(op.operationId)
      const body = op.requestBody?.content["application/json"].schema
      // Path parameters belong to the request too, beside the query or body fields.
      const params: JsonSchema = {
        type: "object",
        properties: { ...Object.fromEntries(op.parameters.map((p) => [p.name, p.schema])), ...(body?.properties as object | undefined) },
        required: [...op.parameters.filter((p) => p.required).map((p) => p.name), ...((body?.required ?? []) as Array<string>)]
      }
      out.push(`/** ${op.operationId}: ${op.summary.replace(/\*\//g, "* /")} */`)
      out.push(`export const ${name}Request = ${schemaSource(params)}`)
      const returns = op.responses["200"]?.content?.["application/json"]?.schema ?? {}
      if (returns.type === "array" && isObject((returns.items ?? {}) as JsonSchema)) {
        out.push(`export const ${name}ResponseItem = ${schemaSource(returns.items as JsonSchema)}`)
        out.push(`export const ${name}Response = Schema.Array(${name}ResponseItem)`)
      } else out.push(`export const ${name}Response = ${schemaSource(returns)}`)
      out.push("")
    }
  }
  return out.join("\n")
}
