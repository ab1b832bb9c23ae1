/**
 * Contracts of the endpoint registry: the singleton NetBox endpoint and the Proxmox endpoints. Secrets are
 * write-only: responses carry the redaction marker (or null), and a PUT echoing the marker keeps the secret.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { BadRequest, NotFound } from "../../domain/errors.ts"
import { REDACTED } from "../../endpoints/rules.ts"
import { PageQuery } from "../query.ts"

const Port = Schema.Int.pipe(Schema.between(1, 65535))
const NonBlank = Schema.String.pipe(Schema.filter((s) => s.trim() !== "" || "must not be blank"))
const Secret = Schema.NullOr(Schema.String).annotations({ description: `write-only; "${REDACTED}" in responses` })
const Marker = Schema.NullOr(Schema.Literal(REDACTED))
const Message = Schema.Struct({ message: Schema.String })

// ---- NetBox endpoint -------------------------------------------------------------------------------------

export const NetBoxEndpointCreate = Schema.Struct({
  /** The plugin sends its own primary key; it becomes our id. */
  id: Schema.optional(Schema.Int.pipe(Schema.positive())),
  name: NonBlank,
  ip_address: NonBlank,
  domain: Schema.String,
  port: Schema.optionalWith(Port, { default: () => 443 }),
  token_version: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => "v1" }),
  token_key: Schema.optional(Schema.NullOr(Schema.String)),
  token: Schema.String,
  verify_ssl: Schema.optionalWith(Schema.Boolean, { default: () => true })
})

export const NetBoxEndpointUpdate = Schema.partial(Schema.Struct({
  name: NonBlank,
  ip_address: NonBlank,
  domain: Schema.String,
  port: Port,
  token_version: Schema.NullOr(Schema.String),
  token_key: Schema.NullOr(Schema.String),
  token: Secret,
  verify_ssl: Schema.Boolean
}))

export const NetBoxEndpointPublic = Schema.Struct({
  id: Schema.Int,
  name: Schema.String,
  ip_address: Schema.String,
  domain: Schema.String,
  port: Schema.Int,
  token_version: Schema.Literal("v1", "v2"),
  token_key: Schema.NullOr(Schema.String),
  token: Marker,
  verify_ssl: Schema.Boolean,
  url: Schema.String
}).annotations({ identifier: "NetBoxEndpoint" })

const netboxId = HttpApiSchema.param("netbox_id", Schema.NumberFromString.pipe(Schema.int()))

export const NetBoxEndpointGroup = HttpApiGroup.make("netboxEndpoint")
  .add(HttpApiEndpoint.post("create", "/netbox/endpoint").setPayload(NetBoxEndpointCreate).addSuccess(NetBoxEndpointPublic))
  .add(HttpApiEndpoint.get("list", "/netbox/endpoint").setUrlParams(PageQuery).addSuccess(Schema.Array(NetBoxEndpointPublic)))
  .add(HttpApiEndpoint.get("get")`/netbox/endpoint/${netboxId}`.addSuccess(NetBoxEndpointPublic))
  .add(HttpApiEndpoint.put("update")`/netbox/endpoint/${netboxId}`.setPayload(NetBoxEndpointUpdate).addSuccess(NetBoxEndpointPublic))
  .add(HttpApiEndpoint.del("delete")`/netbox/endpoint/${netboxId}`.addSuccess(Message))
  .addError(BadRequest)
  .addError(NotFound)
  .annotate(OpenApi.Description, "The NetBox endpoint (one at most)")

// ---- Proxmox endpoints -----------------------------------------------------------------------------------

export const ProxmoxEndpointCreate = Schema.Struct({
  name: NonBlank,
  ip_address: NonBlank,
  domain: Schema.optionalWith(Schema.NullOr(Schema.String), { default: () => null }),
  port: Schema.optionalWith(Port, { default: () => 8006 }),
  username: NonBlank,
  password: Schema.optional(Secret),
  verify_ssl: Schema.optionalWith(Schema.Boolean, { default: () => true }),
  token_name: Schema.optional(Schema.NullOr(Schema.String)),
  token_value: Schema.optional(Secret),
  netbox_id: Schema.optional(Schema.NullOr(Schema.Int))
})

export const ProxmoxEndpointUpdate = Schema.partial(Schema.Struct({
  name: NonBlank,
  ip_address: NonBlank,
  domain: Schema.NullOr(Schema.String),
  port: Port,
  username: NonBlank,
  password: Secret,
  verify_ssl: Schema.Boolean,
  token_name: Schema.NullOr(Schema.String),
  token_value: Secret,
  netbox_id: Schema.NullOr(Schema.Int)
}))

export const ProxmoxEndpointPublic = Schema.Struct({
  id: Schema.Int,
  name: Schema.String,
  ip_address: Schema.String,
  domain: Schema.NullOr(Schema.String),
  port: Schema.Int,
  username: Schema.String,
  verify_ssl: Schema.Boolean,
  auth_method: Schema.Literal("password", "token"),
  password: Marker,
  token_name: Schema.NullOr(Schema.String),
  token_value: Marker,
  netbox_id: Schema.NullOr(Schema.Int)
}).annotations({ identifier: "ProxmoxEndpoint" })

const endpointId = HttpApiSchema.param("endpoint_id", Schema.NumberFromString.pipe(Schema.int()))

export const ProxmoxEndpointGroup = HttpApiGroup.make("proxmoxEndpoints")
  .add(HttpApiEndpoint.post("create", "/proxmox/endpoints").setPayload(ProxmoxEndpointCreate).addSuccess(ProxmoxEndpointPublic))
  .add(HttpApiEndpoint.get("list", "/proxmox/endpoints").setUrlParams(PageQuery).addSuccess(Schema.Array(ProxmoxEndpointPublic)))
  .add(HttpApiEndpoint.get("get")`/proxmox/endpoints/${endpointId}`.addSuccess(ProxmoxEndpointPublic))
  .add(HttpApiEndpoint.put("update")`/proxmox/endpoints/${endpointId}`.setPayload(ProxmoxEndpointUpdate).addSuccess(ProxmoxEndpointPublic))
  .add(HttpApiEndpoint.del("delete")`/proxmox/endpoints/${endpointId}`.addSuccess(Message))
  .addError(BadRequest)
  .addError(NotFound)
  .annotate(OpenApi.Description, "Proxmox VE endpoints")
