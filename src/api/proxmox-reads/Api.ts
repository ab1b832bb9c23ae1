/**
 * Contract of the /proxmox read routes (spec §1.6). Every route takes the session query of spec
 * §1.1 and answers Proxmox data keyed by session name, as the reference did. An endpoint that fails
 * while others answer is an error entry; when all fail, a 502 `UpstreamError` names the endpoint.
 * Query mistakes are 400 with the reference's texts.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { BadRequest, NotFound, UpstreamError } from "../../domain/errors.ts"
import { ListFromQuery } from "../query.ts"

/** Query of spec §1.1. Ids are parsed in the handler so a bad one gets the reference's 400 text. */
export const SessionQuery = Schema.Struct({
  source: Schema.optionalWith(Schema.Literal("database", "netbox"), { default: () => "database" as const }),
  name: Schema.optional(Schema.String),
  domain: Schema.optional(Schema.String),
  ip_address: Schema.optional(Schema.String),
  /** Accepted for compatibility; the stored endpoint's port is used. */
  port: Schema.optional(Schema.String),
  endpoint_ids: Schema.optional(ListFromQuery),
  proxmox_endpoint_ids: Schema.optional(ListFromQuery)
})
export type SessionQuery = typeof SessionQuery.Type

const withSession = <F extends Schema.Struct.Fields>(fields: F) => Schema.Struct({ ...SessionQuery.fields, ...fields })

const Json = Schema.Unknown
/** `[{"<session name>": <Proxmox data>}]`, one entry per connected session. */
const PerSession = Schema.Array(Schema.Record({ key: Schema.String, value: Json }))
const Rows = Schema.Array(Schema.Record({ key: Schema.String, value: Json }))

export const SessionInfo = Schema.Struct({
  ip_address: Schema.String,
  domain: Schema.NullOr(Schema.String),
  http_port: Schema.Int,
  user: Schema.String,
  name: Schema.String,
  mode: Schema.Literal("cluster", "standalone", "restricted", "unreachable"),
  /** Why the endpoint could not be used (mode "unreachable"). */
  error: Schema.optional(Schema.String)
}).annotations({ identifier: "ProxmoxSessionInfo" })

export const ClusterStatus = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  type: Schema.Literal("cluster"),
  nodes: Schema.Number,
  quorate: Schema.NullOr(Schema.Number),
  version: Schema.NullOr(Schema.Number),
  mode: Schema.Literal("cluster", "standalone", "restricted"),
  node_list: Rows
}).annotations({ identifier: "ProxmoxClusterStatus" })

/** An endpoint that failed while others answered. */
export const EndpointFailure = Schema.Struct({ name: Schema.String, error: Schema.String }).annotations({ identifier: "ProxmoxEndpointFailure" })

const node = HttpApiSchema.param("node", Schema.String)
const storage = HttpApiSchema.param("storage", Schema.String)
const topLevel = HttpApiSchema.param("top_level", Schema.Literal("access", "cluster", "nodes", "storage", "version"))
const guestType = HttpApiSchema.param("type", Schema.String)
const vmid = HttpApiSchema.param("vmid", Schema.NumberFromString.pipe(Schema.int()))

export const NetworkType = Schema.Literal(
  "bridge", "bond", "eth", "alias", "vlan", "OVSBridge", "OVSBond", "OVSPort", "OVSIntPort", "any_bridge", "any_local_bridge"
)

export const ProxmoxReadGroup = HttpApiGroup.make("proxmox")
  .add(HttpApiEndpoint.get("sessions", "/proxmox/sessions").setUrlParams(SessionQuery).addSuccess(Schema.Array(SessionInfo)))
  .add(HttpApiEndpoint.get("version", "/proxmox/version").setUrlParams(SessionQuery).addSuccess(PerSession).addError(NotFound))
  .add(
    HttpApiEndpoint.get("home", "/proxmox/").setUrlParams(SessionQuery).addSuccess(Schema.Struct({
      message: Schema.String,
      proxmox_api_viewer: Schema.String,
      github: Schema.Record({ key: Schema.String, value: Schema.String }),
      clusters: PerSession
    }))
  )
  .add(HttpApiEndpoint.get("storage", "/proxmox/storage").setUrlParams(SessionQuery).addSuccess(PerSession))
  .add(
    HttpApiEndpoint.get("storageContent")`/proxmox/nodes/${node}/storage/${storage}/content`
      .setUrlParams(withSession({ vmid: Schema.optional(Schema.String), content: Schema.optional(Schema.String) }))
      .addSuccess(Rows)
      .addError(NotFound)
  )
  .add(
    HttpApiEndpoint.get("clusterStatus", "/proxmox/cluster/status")
      .setUrlParams(SessionQuery)
      .addSuccess(Schema.Array(Schema.Union(ClusterStatus, EndpointFailure)))
  )
  .add(
    HttpApiEndpoint.get("clusterResources", "/proxmox/cluster/resources")
      .setUrlParams(withSession({ type: Schema.optional(Schema.Literal("vm", "storage", "node", "sdn")) }))
      .addSuccess(PerSession)
  )
  .add(HttpApiEndpoint.get("clusterBackup", "/proxmox/cluster/backup").setUrlParams(SessionQuery).addSuccess(Rows))
  .add(HttpApiEndpoint.get("nodes", "/proxmox/nodes/").setUrlParams(SessionQuery).addSuccess(PerSession))
  .add(
    HttpApiEndpoint.get("nodeNetwork")`/proxmox/nodes/${node}/network`
      .setUrlParams(withSession({ cluster_name: Schema.optional(Schema.String), type: Schema.optional(NetworkType) }))
      .addSuccess(Rows)
  )
  .add(
    HttpApiEndpoint.get("nodeQemu")`/proxmox/nodes/${node}/qemu`
      .setUrlParams(withSession({ cluster_name: Schema.optional(Schema.String) }))
      .addSuccess(PerSession)
  )
  .add(HttpApiEndpoint.get("replication", "/proxmox/replication").setUrlParams(SessionQuery).addSuccess(Rows))
  .add(HttpApiEndpoint.get("topLevel")`/proxmox/${topLevel}`.setUrlParams(SessionQuery).addSuccess(PerSession))
  .add(
    HttpApiEndpoint.get("vmConfig")`/proxmox/${node}/${guestType}/${vmid}/config`
      .setUrlParams(SessionQuery)
      .addSuccess(Schema.Record({ key: Schema.String, value: Json }))
      .addError(NotFound)
  )
  .addError(BadRequest)
  .addError(UpstreamError)
  .annotate(OpenApi.Description, "Live reads from the selected Proxmox endpoints (query: source, name, domain, ip_address, endpoint_ids, proxmox_endpoint_ids)")
