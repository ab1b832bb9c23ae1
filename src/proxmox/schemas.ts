/**
 * Tolerant Schemas for what Proxmox returns inside `{"data": ...}`. PVE sends numbers as strings
 * and strings as numbers across versions, so identity fields are coerced where the meaning is
 * clear, other fields decode to `undefined` when odd (never failing the whole item), and unknown
 * keys are kept as they came.
 */
import { Option, Schema } from "effect"

/** 12 or "12" → 12. */
export const Num = Schema.Union(Schema.Number, Schema.NumberFromString)
/** "x" or 12 → "x" / "12". */
export const Str = Schema.Union(Schema.String, Schema.Number.pipe(Schema.transform(Schema.String, {
  strict: true,
  decode: String,
  encode: Number
})))

/** A field that decodes with `schema` when it can and to `undefined` otherwise. */
const lenient = <A, I>(schema: Schema.Schema<A, I>) => {
  const decode = Schema.decodeUnknownOption(schema)
  return Schema.optional(Schema.transform(Schema.Unknown, Schema.UndefinedOr(Schema.typeSchema(schema)), {
    strict: false,
    decode: (u) => Option.getOrUndefined(decode(u)),
    encode: (a) => a
  }))
}

const N = lenient(Num)
const S = lenient(Str)
const Rest = Schema.Record({ key: Schema.String, value: Schema.Unknown })

export const Version = Schema.Struct({ version: Str, release: S, repoid: S }, Rest)
export type Version = typeof Version.Type

/** One row of GET /cluster/status: the `cluster` row (absent on standalone hosts) or a `node` row. */
export const ClusterStatusItem = Schema.Struct({
  type: Str,
  name: Str,
  id: S,
  nodes: N,
  quorate: N,
  version: N,
  nodeid: N,
  ip: S,
  online: N,
  local: N,
  level: S
}, Rest)
export type ClusterStatusItem = typeof ClusterStatusItem.Type

/** GET /nodes. */
export const NodeSummary = Schema.Struct({
  node: Str,
  status: S,
  cpu: N,
  maxcpu: N,
  mem: N,
  maxmem: N,
  disk: N,
  maxdisk: N,
  uptime: N,
  ssl_fingerprint: S,
  level: S
}, Rest)
export type NodeSummary = typeof NodeSummary.Type

/** GET /cluster/resources (type qemu, lxc, node, storage, sdn, pool). */
export const ClusterResource = Schema.Struct({
  type: Str,
  id: Str,
  node: S,
  vmid: N,
  name: S,
  status: S,
  template: N,
  storage: S,
  maxcpu: N,
  maxmem: N,
  maxdisk: N,
  tags: S,
  pool: S
}, Rest)
export type ClusterResource = typeof ClusterResource.Type

/** GET /nodes/{node}/qemu and /nodes/{node}/lxc. */
export const Guest = Schema.Struct({
  vmid: Num,
  name: S,
  status: S,
  template: N,
  cpus: N,
  maxmem: N,
  maxdisk: N,
  tags: S
}, Rest)
export type Guest = typeof Guest.Type

/** GET /storage (cluster storage configuration). */
export const StorageConfig = Schema.Struct({
  storage: Str,
  type: Str,
  content: S,
  nodes: S,
  shared: N,
  disable: N
}, Rest)
export type StorageConfig = typeof StorageConfig.Type

/** GET /nodes/{node}/storage/{storage}/content. */
export const StorageContentItem = Schema.Struct({
  volid: Str,
  content: S,
  format: S,
  size: N,
  vmid: N,
  ctime: N,
  notes: S,
  subtype: S
}, Rest)
export type StorageContentItem = typeof StorageContentItem.Type

/** GET /nodes/{node}/network. */
export const NetworkInterface = Schema.Struct({
  iface: Str,
  type: Str,
  active: N,
  address: S,
  cidr: S,
  gateway: S,
  bridge_ports: S
}, Rest)
export type NetworkInterface = typeof NetworkInterface.Type

/** GET /cluster/replication. */
export const ReplicationJob = Schema.Struct({
  id: Str,
  guest: N,
  type: S,
  target: S,
  source: S,
  schedule: S,
  jobnum: N,
  disable: N
}, Rest)
export type ReplicationJob = typeof ReplicationJob.Type

/** GET /cluster/backup. */
export const BackupJob = Schema.Struct({ id: Str, schedule: S, storage: S, enabled: N, vmid: S, all: N }, Rest)
export type BackupJob = typeof BackupJob.Type

/** GET /nodes/{node}/{qemu|lxc}/{vmid}/config: open-ended key/value (`net0`, `scsi0`, ...). */
export const GuestConfig = Rest
export type GuestConfig = typeof GuestConfig.Type

/** GET /nodes/{node}/{qemu|lxc}/{vmid}/snapshot (the `current` row is the live state). */
export const Snapshot = Schema.Struct({ name: Str, description: S, snaptime: N, parent: S, vmstate: N }, Rest)
export type Snapshot = typeof Snapshot.Type

/** One interface of the qemu guest agent's `network-get-interfaces` result. */
export const AgentInterface = Schema.Struct({
  name: Str,
  "hardware-address": S,
  "ip-addresses": Schema.optionalWith(
    Schema.Array(Schema.Struct({ "ip-address": Str, "ip-address-type": S, prefix: N }, Rest)),
    { default: () => [] }
  )
}, Rest)
export type AgentInterface = typeof AgentInterface.Type

/** GET /nodes/{node}/tasks and /cluster/tasks. */
export const Task = Schema.Struct({ upid: Str, node: S, type: S, user: S, status: S, starttime: N, endtime: N, id: S }, Rest)
export type Task = typeof Task.Type
