/**
 * Endpoint records as the rest of the program sees them: secrets are `Redacted`, never plain strings.
 * The repository decrypts into these; the public (wire) shapes live in `api/`.
 */
import { Schema } from "effect"

export const ProxmoxEndpointId = Schema.Int.pipe(Schema.brand("ProxmoxEndpointId"))
export type ProxmoxEndpointId = typeof ProxmoxEndpointId.Type

export const NetBoxEndpointId = Schema.Int.pipe(Schema.brand("NetBoxEndpointId"))
export type NetBoxEndpointId = typeof NetBoxEndpointId.Type

/** A stored Proxmox VE endpoint. Auth is an API token when both token fields are set, else a password. */
export class ProxmoxEndpoint extends Schema.Class<ProxmoxEndpoint>("ProxmoxEndpoint")({
  id: ProxmoxEndpointId,
  name: Schema.String,
  ip_address: Schema.String,
  domain: Schema.NullOr(Schema.String),
  port: Schema.Int,
  username: Schema.String,
  password: Schema.NullOr(Schema.Redacted(Schema.String)),
  verify_ssl: Schema.Boolean,
  token_name: Schema.NullOr(Schema.String),
  token_value: Schema.NullOr(Schema.Redacted(Schema.String)),
  /** The NetBox plugin's primary key, parsed from a "<name> (nb:<pk>)" name or given explicitly. */
  netbox_id: Schema.NullOr(Schema.Int)
}) {
  get authMode(): "token" | "password" {
    return this.token_name !== null && this.token_value !== null ? "token" : "password"
  }
  /** Domain first, the IP (mask stripped) as fallback. */
  get hosts(): ReadonlyArray<string> {
    const ip = this.ip_address.split("/")[0]!
    return this.domain && this.domain !== ip ? [this.domain, ip] : [ip]
  }
}

/** The singleton NetBox endpoint. v1 tokens send `Token <token>`, v2 `Bearer nbt_<key>.<token>`. */
export class NetBoxEndpoint extends Schema.Class<NetBoxEndpoint>("NetBoxEndpoint")({
  id: NetBoxEndpointId,
  name: Schema.String,
  ip_address: Schema.String,
  domain: Schema.String,
  port: Schema.Int,
  token_version: Schema.Literal("v1", "v2"),
  token_key: Schema.NullOr(Schema.String),
  token: Schema.Redacted(Schema.String),
  verify_ssl: Schema.Boolean
}) {
  /** Scheme https when port 443 or verify_ssl; host = domain, else the IP without its mask. */
  get baseUrl(): string {
    const scheme = this.port === 443 || this.verify_ssl ? "https" : "http"
    const host = this.domain.trim() !== "" ? this.domain : this.ip_address.split("/")[0]!
    return `${scheme}://${host}:${this.port}`
  }
}
