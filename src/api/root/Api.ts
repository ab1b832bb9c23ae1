import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"

export const Health = Schema.Struct({
  status: Schema.Literal("ready"),
  init_ok: Schema.Boolean,
  version: Schema.String,
  database: Schema.Literal("sqlite", "postgres"),
  netbox_endpoint_configured: Schema.Boolean,
  proxmox_endpoint_count: Schema.Int,
  uptime_seconds: Schema.Number
})

export const RootGroup = HttpApiGroup.make("root")
  .add(
    HttpApiEndpoint.get("root", "/").addSuccess(Schema.Struct({
      message: Schema.String,
      version: Schema.String,
      proxbox: Schema.Struct({ github: Schema.String, docs: Schema.String }),
      links: Schema.Record({ key: Schema.String, value: Schema.String })
    }))
  )
  .add(HttpApiEndpoint.get("version", "/version").addSuccess(Schema.Struct({ version: Schema.String })))
  .add(HttpApiEndpoint.get("health", "/health").addSuccess(Health))
  .add(HttpApiEndpoint.get("cache", "/cache").addSuccess(Schema.Record({ key: Schema.String, value: Schema.Unknown })))
  .add(HttpApiEndpoint.get("clearCache", "/clear-cache").addSuccess(Schema.Struct({ message: Schema.String })))
  .annotate(OpenApi.Description, "Service metadata, health and cache")
