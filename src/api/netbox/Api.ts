/**
 * Routes that talk to the stored NetBox: its status and OpenAPI document (passed through), and the bootstrap
 * of the custom fields and the `proxbox` tag the sync uses.
 */
import { HttpApiEndpoint, HttpApiGroup, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { BadRequest, UpstreamError } from "../../domain/errors.ts"

const NetBoxObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })

export const NetBoxGroup = HttpApiGroup.make("netbox")
  .add(HttpApiEndpoint.get("status", "/netbox/status").addSuccess(NetBoxObject))
  .add(HttpApiEndpoint.get("openapi", "/netbox/openapi").addSuccess(NetBoxObject))
  .addError(BadRequest)
  .addError(UpstreamError)
  .annotate(OpenApi.Description, "The stored NetBox endpoint: /api/status/ and /api/schema/, passed through")

export const ExtrasGroup = HttpApiGroup.make("extras")
  .add(
    HttpApiEndpoint.get("createCustomFields", "/extras/extras/custom-fields/create")
      .addSuccess(Schema.Array(NetBoxObject))
      .annotate(OpenApi.Description, "Ensures the Proxmox custom fields and the `proxbox` tag; idempotent, cached once complete")
  )
  .addError(BadRequest)
  .addError(UpstreamError)
  .annotate(OpenApi.Description, "NetBox custom fields")
