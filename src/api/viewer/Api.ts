/**
 * Viewer / code-generation routes (reference-behaviour §1.7): run the generator, read the generated
 * documents, rebuild the mounted generated routes.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { BadRequest } from "../../domain/errors.ts"

const VersionTag = Schema.optionalWith(Schema.String, { default: () => "latest" })

const VersionSummary = Schema.Struct({
  route_count: Schema.Int,
  path_count: Schema.Int,
  method_count: Schema.Int,
  schema_version: Schema.String
})
const StateSummary = Schema.Struct({
  mounted_versions: Schema.Array(Schema.String),
  alias_version_tag: Schema.String,
  cache_path: Schema.String,
  cache_enabled: Schema.Boolean,
  loaded_from_cache: Schema.Boolean,
  route_count: Schema.Int,
  versions: Schema.Record({ key: Schema.String, value: VersionSummary })
})
export const RefreshResult = Schema.Struct({
  message: Schema.String,
  mounted_versions: Schema.Array(Schema.String),
  alias_version_tag: Schema.String,
  cache_path: Schema.String,
  cache_source: Schema.Literal("explicit", "runtime-cache", "generated-artifacts"),
  route_count: Schema.Int,
  versions: Schema.Record({ key: Schema.String, value: VersionSummary }),
  state: StateSummary
})

export const GenerateResult = Schema.Struct({
  message: Schema.String,
  source: Schema.String,
  version_tag: Schema.String,
  schema_version: Schema.String,
  generated_at: Schema.String,
  endpoint_count: Schema.Int,
  operation_count: Schema.Int,
  persisted: Schema.Boolean,
  output_dir: Schema.NullOr(Schema.String)
})

export const ContractsResult = Schema.Struct({
  proxmox_generated_openapi_present: Schema.Boolean,
  proxmox_generated_path_count: Schema.Int,
  netbox_schema_source: Schema.Literal("live", "cache", "fallback"),
  mounted_versions: Schema.Array(Schema.String),
  documents: Schema.Record({ key: Schema.String, value: Schema.String })
})

const BooleanFromQuery = Schema.transform(Schema.Literal("true", "false", "True", "False", "1", "0"), Schema.Boolean, {
  strict: true,
  decode: (s) => s === "true" || s === "True" || s === "1",
  encode: (b) => (b ? "true" : "false")
})

export const ViewerGroup = HttpApiGroup.make("viewer")
  .add(
    HttpApiEndpoint.post("generate", "/proxmox/viewer/generate")
      .setUrlParams(Schema.Struct({
        version_tag: Schema.String,
        /** A file name inside the apidoc directory (apidoc.js, an apiSchema tree, or a crawl checkpoint). */
        source_file: Schema.optional(Schema.String),
        /** A configured Proxmox endpoint whose /pve-docs/api-viewer/apidoc.js is read. */
        endpoint_id: Schema.optional(Schema.NumberFromString.pipe(Schema.int())),
        schema_version: Schema.optional(Schema.String),
        persist: Schema.optionalWith(BooleanFromQuery, { default: () => true })
      }))
      .addSuccess(GenerateResult)
      .addError(BadRequest)
      .annotate(OpenApi.Description, "Generate a contract from a local apidoc file or a configured endpoint's apidoc (never an arbitrary URL).")
  )
  .add(
    HttpApiEndpoint.get("openapi", "/proxmox/viewer/openapi")
      .setUrlParams(Schema.Struct({ version_tag: VersionTag }))
      .addSuccess(Schema.Unknown)
      .addError(BadRequest)
  )
  .add(
    HttpApiEndpoint.get("openapiEmbedded", "/proxmox/viewer/openapi/embedded")
      .setUrlParams(Schema.Struct({ version_tag: VersionTag }))
      .addSuccess(Schema.Unknown)
      .addError(BadRequest)
  )
  .add(HttpApiEndpoint.get("contracts", "/proxmox/viewer/integration/contracts").addSuccess(ContractsResult))
  .add(
    HttpApiEndpoint.post("refresh", "/proxmox/viewer/routes/refresh")
      .setUrlParams(Schema.Struct({ version_tag: Schema.optional(Schema.String) }))
      .addSuccess(RefreshResult)
      .addError(BadRequest)
  )
  .add(
    HttpApiEndpoint.get("pydantic", "/proxmox/viewer/pydantic")
      .setUrlParams(Schema.Struct({ version_tag: VersionTag }))
      .addSuccess(HttpApiSchema.Text())
      .addError(BadRequest)
      .annotate(OpenApi.Description, "The generated contract as an Effect Schema TypeScript module (text/plain).")
  )
  .annotate(OpenApi.Description, "Proxmox contract generation and the generated live routes")
