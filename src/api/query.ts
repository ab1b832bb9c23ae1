/**
 * Lenient query-string Schemas (ROUTES.md decision 3): clients send booleans as true/false/True/False/1/0 and
 * lists as comma-separated strings or repeated parameters.
 */
import { Schema } from "effect"

export const BooleanFromQuery = Schema.transform(
  Schema.Literal("true", "false", "True", "False", "TRUE", "FALSE", "1", "0", "yes", "no"),
  Schema.Boolean,
  {
    strict: true,
    decode: (s) => ["true", "1", "yes"].includes(s.toLowerCase()),
    encode: (b) => (b ? "true" : "false")
  }
)

/** `a,b` or `?x=a&x=b` → ["a", "b"]; empty items dropped. */
export const ListFromQuery = Schema.transform(
  Schema.Union(Schema.String, Schema.Array(Schema.String)),
  Schema.Array(Schema.String),
  {
    strict: true,
    decode: (v) => (typeof v === "string" ? [v] : v).flatMap((s) => s.split(",")).map((s) => s.trim()).filter((s) => s !== ""),
    encode: (a) => a.join(",")
  }
)

export const IntListFromQuery = Schema.compose(ListFromQuery, Schema.Array(Schema.NumberFromString.pipe(Schema.int())))

export const IntFromQuery = Schema.NumberFromString.pipe(Schema.int())

/** offset/limit of the list routes: limit 1..100, default 100 (the reference's bounds). */
export const PageQuery = Schema.Struct({
  offset: Schema.optionalWith(IntFromQuery.pipe(Schema.greaterThanOrEqualTo(0)), { default: () => 0 }),
  limit: Schema.optionalWith(IntFromQuery.pipe(Schema.between(1, 100)), { default: () => 100 })
})
