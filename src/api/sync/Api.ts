/**
 * Contracts of the sync routes of this engine (spec §1.9, §1.10, §1.12): node → device sync under /dcim,
 * cluster types, clusters and virtual machines under /virtualization, and the individual syncs. Every sync
 * route takes the session query of spec §1.1 plus `fetch_max_concurrency`, `dry_run` and `delete_orphans`;
 * `/stream` variants answer text/event-stream (src/api/sse.ts). Static segments win over `{id}` in the
 * router, so `/virtualization/virtual-machines/create` is the sync, never a VM id.
 */
import { HttpApiEndpoint, HttpApiGroup, HttpApiSchema, OpenApi } from "@effect/platform"
import { Schema } from "effect"
import { BadRequest, NotFound, UpstreamError } from "../../domain/errors.ts"
import { SessionQuery } from "../proxmox-reads/Api.ts"
import { BooleanFromQuery, IntFromQuery, ListFromQuery } from "../query.ts"

const flag = (fallback: boolean) => Schema.optionalWith(BooleanFromQuery, { default: () => fallback })

export const SyncQuery = Schema.Struct({
  ...SessionQuery.fields,
  fetch_max_concurrency: Schema.optionalWith(IntFromQuery.pipe(Schema.greaterThanOrEqualTo(1)), { default: () => 8 }),
  dry_run: flag(false),
  delete_orphans: flag(false),
  netbox_vm_ids: Schema.optional(ListFromQuery),
  /** Accepted for the plugin's sake; this backend keeps one NetBox endpoint. */
  netbox_endpoint_ids: Schema.optional(ListFromQuery),
  // Accepted as the reference did; the network parts belong to the interface stages.
  use_guest_agent_interface_name: Schema.optional(BooleanFromQuery),
  ignore_ipv6_link_local_addresses: Schema.optional(BooleanFromQuery),
  sync_vm_network: Schema.optional(BooleanFromQuery),
  use_css: Schema.optional(BooleanFromQuery),
  use_websocket: Schema.optional(BooleanFromQuery),
  websocket: Schema.optional(Schema.String)
})
export type SyncQuery = typeof SyncQuery.Type

const NetBoxObject = Schema.Record({ key: Schema.String, value: Schema.Unknown })

/** What a dry run answers instead of records: every planned action with its reason. */
export const DryRunReport = Schema.Struct({
  dry_run: Schema.Literal(true),
  count: Schema.Number,
  counts: Schema.Record({ key: Schema.String, value: Schema.Record({ key: Schema.String, value: Schema.Number }) }),
  plan: Schema.Array(Schema.Struct({
    kind: Schema.String,
    action: Schema.String,
    key: Schema.String,
    name: Schema.String,
    netbox_id: Schema.NullOr(Schema.Number),
    message: Schema.String,
    changes: Schema.optional(Schema.Array(Schema.Struct({ field: Schema.String, from: Schema.Unknown, to: Schema.Unknown })))
  }))
}).annotations({ identifier: "SyncDryRunReport" })

const Records = Schema.Union(Schema.Array(NetBoxObject), DryRunReport)
const EventStream = Schema.String.pipe(HttpApiSchema.withEncoding({ kind: "Text", contentType: "text/event-stream" }))

const netboxVmId = HttpApiSchema.param("netbox_vm_id", Schema.NumberFromString.pipe(Schema.int()))
const vmId = HttpApiSchema.param("id", Schema.NumberFromString.pipe(Schema.int()))

const sync = <const N extends string>(name: N, path: HttpApiEndpoint.PathSegment, description: string) =>
  HttpApiEndpoint.get(name, path).setUrlParams(SyncQuery).addSuccess(Records).annotate(OpenApi.Description, description)
const stream = <const N extends string>(name: N, path: HttpApiEndpoint.PathSegment, description: string) =>
  HttpApiEndpoint.get(name, path).setUrlParams(SyncQuery).addSuccess(EventStream).annotate(OpenApi.Description, description)

export const DcimGroup = HttpApiGroup.make("dcim")
  .add(HttpApiEndpoint.get("devices", "/dcim/devices").addSuccess(Schema.Struct({ message: Schema.String })))
  .add(sync("createDevices", "/dcim/devices/create", "Proxmox nodes → NetBox devices (with clusters and their dependencies); the device list"))
  .add(stream("createDevicesStream", "/dcim/devices/create/stream", "The device sync as Server-Sent Events"))
  .addError(BadRequest)
  .addError(NotFound)
  .addError(UpstreamError)
  .annotate(OpenApi.Description, "Node → device sync")

export const VmSummary = Schema.Struct({
  id: Schema.String,
  name: Schema.String,
  status: Schema.String,
  node: Schema.NullOr(Schema.String),
  cluster: Schema.NullOr(Schema.String),
  vcpus: Schema.NullOr(Schema.Number),
  memory_mb: Schema.NullOr(Schema.Number),
  disk_mb: Schema.NullOr(Schema.Number),
  vmid: Schema.NullOr(Schema.Number),
  type: Schema.NullOr(Schema.String),
  ip_addresses: Schema.Array(Schema.String),
  tags: Schema.Array(Schema.String)
}).annotations({ identifier: "VirtualMachineSummary" })

export const VirtualizationGroup = HttpApiGroup.make("virtualization")
  .add(sync("createClusterTypes", "/virtualization/cluster-types/create", "Cluster types (cluster, standalone, restricted) for the selected endpoints"))
  .add(sync("createClusters", "/virtualization/clusters/create", "One NetBox cluster per Proxmox cluster or standalone host"))
  .add(sync("createVms", "/virtualization/virtual-machines/create", "QEMU VMs and LXC containers → NetBox virtual machines (netbox_vm_ids narrows it)"))
  .add(stream("createVmsStream", "/virtualization/virtual-machines/create/stream", "The VM sync as Server-Sent Events"))
  .add(HttpApiEndpoint.get("listVms", "/virtualization/virtual-machines/").addSuccess(Schema.Array(NetBoxObject)))
  .add(HttpApiEndpoint.get("summaryExample", "/virtualization/virtual-machines/summary/example").addSuccess(VmSummary))
  .add(sync("createVm", "/virtualization/virtual-machines/:netbox_vm_id/create", "Sync the Proxmox guest behind one NetBox VM").setPath(Schema.Struct({ netbox_vm_id: netboxVmId })))
  .add(stream("createVmStream", "/virtualization/virtual-machines/:netbox_vm_id/create/stream", "One VM's sync as Server-Sent Events").setPath(Schema.Struct({ netbox_vm_id: netboxVmId })))
  .add(HttpApiEndpoint.get("getVm", "/virtualization/virtual-machines/:id").setPath(Schema.Struct({ id: vmId })).addSuccess(NetBoxObject))
  .add(HttpApiEndpoint.get("vmSummary", "/virtualization/virtual-machines/:id/summary").setPath(Schema.Struct({ id: vmId })).addSuccess(VmSummary))
  .addError(BadRequest)
  .addError(NotFound)
  .addError(UpstreamError)
  .annotate(OpenApi.Description, "Cluster, cluster type and virtual machine sync")

/** The envelope of every individual sync (spec §1.12); always 200 once the handler runs. */
export const IndividualResult = Schema.Struct({
  object_type: Schema.String,
  action: Schema.Literal("created", "updated", "dry_run", "noop", "error"),
  proxmox_resource: Schema.NullOr(NetBoxObject),
  netbox_object: Schema.NullOr(NetBoxObject),
  dry_run: Schema.Boolean,
  dependencies_synced: Schema.Array(NetBoxObject),
  error: Schema.NullOr(Schema.String)
}).annotations({ identifier: "IndividualSyncResult" })
/** No session for the cluster: the reference answered 200 with only this. */
const NoSession = Schema.Struct({ error: Schema.String })
const IndividualAnswer = Schema.Union(IndividualResult, NoSession)

const individualQuery = <F extends Schema.Struct.Fields>(fields: F) =>
  Schema.Struct({ ...SessionQuery.fields, dry_run: flag(false), fetch_max_concurrency: SyncQuery.fields.fetch_max_concurrency, ...fields })
const GuestType = Schema.Literal("qemu", "lxc")

export const VmPathParams = Schema.Struct({
  cluster_name: Schema.String,
  node: Schema.String,
  type: GuestType,
  vmid: Schema.NumberFromString.pipe(Schema.int())
})

export const SyncIndividualGroup = HttpApiGroup.make("syncIndividual")
  .add(HttpApiEndpoint.get("node", "/sync/individual/node")
    .setUrlParams(individualQuery({ cluster_name: Schema.String, node_name: Schema.String })).addSuccess(IndividualAnswer))
  .add(HttpApiEndpoint.get("vm", "/sync/individual/vm")
    .setUrlParams(individualQuery(VmPathParams.fields)).addSuccess(IndividualAnswer))
  .add(HttpApiEndpoint.get("vmByPath", "/sync/individual/vm/:cluster_name/:node/:type/:vmid")
    .setPath(VmPathParams).setUrlParams(individualQuery({})).addSuccess(IndividualAnswer))
  .add(HttpApiEndpoint.get("cluster", "/sync/individual/cluster")
    .setUrlParams(individualQuery({ cluster_name: Schema.String })).addSuccess(IndividualAnswer))
  .addError(BadRequest)
  .addError(UpstreamError)
  .annotate(OpenApi.Description, "Sync one node, VM or cluster now (the plugin's \"Sync now\")")
