/**
 * Pure shaping of Proxmox answers into the reference's response bodies: key allow-lists, null
 * removal, the network key renames, and the cluster-status summary.
 */
import type { ProxmoxSession } from "../../proxmox/ProxmoxClient.ts"
import type { ClusterStatusItem } from "../../proxmox/schemas.ts"

type Row = Record<string, unknown>

const isRow = (u: unknown): u is Row => typeof u === "object" && u !== null && !Array.isArray(u)

export const rows = (data: unknown): Array<Row> => (Array.isArray(data) ? data.filter(isRow) : [])

export const withoutNulls = (row: Row): Row => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null && v !== undefined))

export const pick = (row: Row, keys: ReadonlyArray<string>): Row =>
  Object.fromEntries(keys.filter((k) => row[k] !== undefined && row[k] !== null).map((k) => [k, row[k]]))

export const STORAGE_KEYS = [
  "type", "storage", "path", "content", "digest", "nodes", "prune-backups", "shared", "export", "server", "disable",
  "pool", "sparse", "username", "datastore", "fingerprint", "mountpoint"
] as const

/** The reference's list plus `parent`, which the plugin's storage page reads. */
export const CONTENT_KEYS = [
  "subtype", "format", "size", "ctime", "notes", "content", "volid", "vmid", "used", "encrypted", "verification", "parent"
] as const

/** The reference listed `brdige_vlan_aware` (sic) and so never returned the flag; this is the real key. */
export const NETWORK_KEYS = [
  "active", "address", "netmask", "gateway", "autostart", "bond_miimon", "bond_mode", "slaves", "bridge_fd", "bridge_ports",
  "bridge_stp", "bridge_vlan_aware", "cidr", "comments", "exists", "families", "iface", "method", "method6", "priority",
  "type", "vlan_id", "vlan_raw_device"
] as const

export const networkInterface = (row: Row): Row =>
  pick({ ...row, vlan_id: row["vlan-id"], vlan_raw_device: row["vlan-raw-device"] }, NETWORK_KEYS)

export const REPLICATION_KEYS = [
  "comment", "disable", "guest", "id", "jobnum", "rate", "remove_job", "schedule", "source", "target", "type"
] as const

/** Every key present (null when Proxmox left it out), so rows of all clusters share one shape. */
export const replicationJob = (clusterName: string, row: Row): Row => ({
  cluster_name: clusterName,
  status: "ok",
  ...Object.fromEntries(REPLICATION_KEYS.map((k) => [k, row[k] ?? null]))
})

/** Directory indexes (GET /access, /cluster) list `{subdir}` or `{name}` objects: keep the names. */
export const indexNames = (data: unknown): Array<unknown> => rows(data).map((r) => r["subdir"] ?? r["name"] ?? r)

/**
 * The reference's cluster summary. A standalone host has no `cluster` row; the reference answered
 * null there (and its consumers skipped the host), so the host stands in as a one-node cluster.
 */
export const clusterStatus = (session: ProxmoxSession, status: ReadonlyArray<ClusterStatusItem>) => {
  const cluster = status.find((s) => s.type === "cluster")
  const nodes = status.filter((s) => s.type === "node")
  return {
    id: cluster?.id ?? (nodes[0]?.id ?? `node/${session.name}`),
    name: session.name,
    type: "cluster" as const,
    nodes: cluster?.nodes ?? nodes.length,
    quorate: cluster?.quorate ?? (session.mode === "standalone" ? 1 : null),
    version: cluster?.version ?? null,
    mode: session.mode,
    node_list: nodes.map((n) =>
      withoutNulls({ id: n.id, name: n.name, type: "node", ip: n.ip, level: n.level, local: n.local, nodeid: n.nodeid, online: n.online })
    )
  }
}
