import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { LEVELS } from "../../observability/LogBuffer.ts"
import { BooleanFromQuery, IntFromQuery } from "../query.ts"

const Level = Schema.transform(Schema.String, Schema.Literal(...LEVELS), {
  strict: false,
  decode: (s) => s.toUpperCase(),
  encode: (s) => s
})

export const LogsQuery = Schema.Struct({
  level: Schema.optional(Level),
  errors_only: Schema.optional(BooleanFromQuery),
  limit: Schema.optionalWith(IntFromQuery.pipe(Schema.between(1, 5000)), { default: () => 200 }),
  offset: Schema.optionalWith(IntFromQuery.pipe(Schema.greaterThanOrEqualTo(0)), { default: () => 0 }),
  since: Schema.optional(Schema.String.pipe(
    Schema.filter((s) => !Number.isNaN(Date.parse(s)) || "an ISO date-time"),
    Schema.annotations({ description: "ISO date-time; entries strictly newer. Naive values are UTC." })
  )),
  operation_id: Schema.optional(Schema.String),
  newer_than_id: Schema.optional(IntFromQuery),
  older_than_id: Schema.optional(IntFromQuery)
})

const Nullable = Schema.NullOr(Schema.String)
export const LogEntrySchema = Schema.Struct({
  id: Schema.String,
  timestamp: Schema.String,
  level: Schema.Literal(...LEVELS),
  module: Nullable,
  message: Schema.String,
  operation_id: Nullable,
  operation: Nullable,
  phase: Nullable,
  resource_type: Nullable,
  resource_id: Nullable,
  expandable: Schema.NullOr(Schema.Struct({ traceback: Schema.String }))
})

export const AdminGroup = HttpApiGroup.make("admin")
  .add(
    HttpApiEndpoint.get("logs", "/admin/logs").setUrlParams(LogsQuery).addSuccess(Schema.Struct({
      logs: Schema.Array(LogEntrySchema),
      total: Schema.Int,
      has_more: Schema.Boolean,
      active_filters: Schema.Struct({
        level: Nullable,
        operation_id: Nullable,
        since: Nullable,
        errors_only: Schema.Boolean
      })
    }))
  )
  .annotate(OpenApi.Description, "The service's own log buffer (the HTML dashboard at /admin/ is not part of the API)")
