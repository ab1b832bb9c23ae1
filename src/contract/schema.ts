/**
 * Effect Schemas from the generated JSON Schemas, tolerant the way Proxmox is: integers may come as
 * strings, booleans as 0/1 or "yes"/"on". Request Schemas check (path and query values are text,
 * body values JSON); response Schemas only describe, a mismatch is logged by the caller.
 *
 * Every Effect-3 combinator call builds a class (25-110 µs, STACK.md G7) and the same field
 * descriptions repeat hundreds of times across operations and versions, so fields are memoised by
 * their JSON text (per process; the cache is never invalidated because a description fully
 * determines its Schema).
 */
import { Schema } from "effect"
import type { JsonSchema } from "./generator/openapi.ts"

export type AnySchema = Schema.Schema<any, any>
/** `wire`: a path or query value (text, possibly repeated); `json`: a JSON body value; `response`: Proxmox data. */
export type Wire = "wire" | "json" | "response"

const memo = new Map<string, AnySchema>()
const memoised = (key: string, build: () => AnySchema): AnySchema => {
  let s = memo.get(key)
  if (s === undefined) memo.set(key, (s = build()))
  return s
}

const INT = /^[+-]?\d+$/
const NUM = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/
const BOOL_TEXT = /^(0|1|true|false|yes|no|on|off)$/i

const numberFromText = (integer: boolean) =>
  Schema.transform(
    Schema.String.pipe(Schema.filter((s) => (integer ? INT : NUM).test(s.trim()), { message: () => integer ? "expected an integer" : "expected a number" })),
    Schema.Number,
    { strict: true, decode: (s) => Number(s), encode: (n) => String(n) }
  )

const numberOf = (s: JsonSchema, wire: Wire): AnySchema => {
  const integer = s.type === "integer"
  let n: Schema.Schema<number, any> = wire === "wire" ? numberFromText(integer) : Schema.Union(Schema.Number, numberFromText(integer))
  if (integer) n = n.pipe(Schema.int())
  // Ranges are the caller's business; Proxmox's own answers are not checked against them.
  if (wire !== "response") {
    if (typeof s.minimum === "number") n = n.pipe(Schema.greaterThanOrEqualTo(s.minimum))
    if (typeof s.maximum === "number") n = n.pipe(Schema.lessThanOrEqualTo(s.maximum))
  }
  return n
}

const BoolText = Schema.String.pipe(Schema.filter((s) => BOOL_TEXT.test(s), { message: () => "expected a boolean (0/1, true/false, yes/no, on/off)" }))
const BoolWire: AnySchema = BoolText
const BoolJson: AnySchema = Schema.Union(Schema.Boolean, Schema.Literal(0, 1), BoolText)

const stringOf = (s: JsonSchema, wire: Wire): AnySchema => {
  if (wire === "response") return Schema.Union(Schema.String, Schema.Number)
  let str: Schema.Schema<string, any> = Array.isArray(s.enum) && s.enum.every((e) => typeof e === "string")
    ? Schema.Literal(...(s.enum as Array<string>))
    : Schema.String
  if (typeof s.minLength === "number") str = str.pipe(Schema.minLength(s.minLength))
  if (typeof s.maxLength === "number") str = str.pipe(Schema.maxLength(s.maxLength))
  if (typeof s.pattern === "string") {
    const re = new RegExp(s.pattern, typeof s["x-proxmox-pattern-flags"] === "string" ? s["x-proxmox-pattern-flags"] : "")
    str = str.pipe(Schema.filter((v) => re.test(v), { message: () => `must match the pattern ${s.pattern as string}` }))
  }
  // PVE takes numbers where it documents strings (ids, sizes): accept them in bodies.
  return wire === "json" ? Schema.Union(str, Schema.Number) : str
}

/** One value Schema for a JSON Schema description. */
export const valueSchema = (s: JsonSchema, wire: Wire): AnySchema =>
  memoised(`${wire}:${JSON.stringify(s)}`, () => build(s, wire))

const build = (s: JsonSchema, wire: Wire): AnySchema => {
  switch (s.type) {
    case "integer":
    case "number":
      return numberOf(s, wire)
    case "boolean":
      return wire === "wire" ? BoolWire : BoolJson
    case "string":
      return stringOf(s, wire)
    case "null":
      return wire === "response" ? Schema.Unknown : Schema.Null
    case "array": {
      const item = typeof s.items === "object" && s.items !== null ? valueSchema(s.items as JsonSchema, wire) : Schema.Unknown
      // A repeated query key is an array; a single one is a lone string (PVE accepts both).
      return wire === "response" ? Schema.Array(item) : Schema.Union(Schema.Array(item), item)
    }
    case "object":
      return wire === "response" ? objectOf(s) : Schema.Unknown
    default:
      return Schema.Unknown
  }
}

/** Response objects: known properties checked (null allowed where optional), extra keys kept. */
const objectOf = (s: JsonSchema): AnySchema => {
  const props = typeof s.properties === "object" && s.properties !== null ? (s.properties as Record<string, JsonSchema>) : {}
  const required = new Set(Array.isArray(s.required) ? (s.required as Array<string>) : [])
  const fields: Record<string, Schema.Schema.All | Schema.PropertySignature.All> = {}
  for (const [k, p] of Object.entries(props)) {
    const v = valueSchema(p, "response")
    fields[k] = required.has(k) ? v : Schema.optional(Schema.NullOr(v))
  }
  return Object.keys(fields).length === 0
    ? Schema.Record({ key: Schema.String, value: Schema.Unknown })
    : Schema.Struct(fields, Schema.Record({ key: Schema.String, value: Schema.Unknown })) as unknown as AnySchema
}

/** Test hook: how many distinct field Schemas were built (memoisation is observable, not assumed). */
export const memoSize = (): number => memo.size
