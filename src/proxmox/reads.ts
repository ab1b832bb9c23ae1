/**
 * Typed reads the sync needs, over any ProxmoxSession (so over `ProxmoxClient.layerTest` too).
 * Lists are decoded row by row: a row that cannot be identified (no vmid, no volid...) is left out
 * with a warning naming endpoint and path; its neighbours are kept.
 */
import { Effect, Either, Schema } from "effect"
import { ProxmoxApiError } from "./errors.ts"
import type { ProxmoxSession, Query } from "./ProxmoxClient.ts"
import {
  AgentInterface,
  BackupJob,
  ClusterResource,
  ClusterStatusItem,
  Guest,
  GuestConfig,
  NetworkInterface,
  NodeSummary,
  ReplicationJob,
  Snapshot,
  StorageConfig,
  StorageContentItem,
  Task
} from "./schemas.ts"

export type GuestType = "qemu" | "lxc"

const seg = encodeURIComponent

/** Decode each element; undecodable rows are logged and skipped. A non-list body is an error. */
export const decodeRows = <A, I>(item: Schema.Schema<A, I>, session: ProxmoxSession, path: string, data: unknown) => {
  if (!Array.isArray(data)) {
    return Effect.fail(new ProxmoxApiError({ endpoint: session.endpoint.name, method: "GET", path, status: 200, reason: "expected a list" }))
  }
  const decode = Schema.decodeUnknownEither(item)
  const results = data.map((row) => decode(row))
  const rejected = results.filter(Either.isLeft)
  const kept = results.filter(Either.isRight).map((r) => r.right)
  return rejected.length === 0
    ? Effect.succeed(kept)
    : Effect.as(
      Effect.logWarning(`Proxmox ${session.endpoint.name} ${path}: skipped ${rejected.length} of ${data.length} rows: ${rejected[0]!.left.message}`),
      kept
    )
}

const list = <A, I>(item: Schema.Schema<A, I>) => (session: ProxmoxSession, path: string, query?: Query) =>
  Effect.flatMap(session.get(path, query), (data) => decodeRows(item, session, path, data))

const guestPath = (node: string, type: GuestType, vmid: number) => `/nodes/${seg(node)}/${type}/${vmid}`

export const clusterStatus = (s: ProxmoxSession) => list(ClusterStatusItem)(s, "/cluster/status")
export const clusterResources = (s: ProxmoxSession, type?: "vm" | "storage" | "node" | "sdn") =>
  list(ClusterResource)(s, "/cluster/resources", { type })
export const nodes = (s: ProxmoxSession) => list(NodeSummary)(s, "/nodes")
export const guests = (s: ProxmoxSession, node: string, type: GuestType) => list(Guest)(s, `/nodes/${seg(node)}/${type}`)
export const guestConfig = (s: ProxmoxSession, node: string, type: GuestType, vmid: number) =>
  s.read(GuestConfig, `${guestPath(node, type, vmid)}/config`)
export const snapshots = (s: ProxmoxSession, node: string, type: GuestType, vmid: number) =>
  list(Snapshot)(s, `${guestPath(node, type, vmid)}/snapshot`)
/** The guest agent's interfaces (PVE wraps them in `{result: [...]}`). */
export const agentInterfaces = (s: ProxmoxSession, node: string, vmid: number) => {
  const path = `${guestPath(node, "qemu", vmid)}/agent/network-get-interfaces`
  return Effect.flatMap(s.get(path), (data) =>
    decodeRows(AgentInterface, s, path, typeof data === "object" && data !== null && "result" in data ? data.result : data))
}
export const storage = (s: ProxmoxSession) => list(StorageConfig)(s, "/storage")
export const storageContent = (s: ProxmoxSession, node: string, store: string, filter: { readonly content?: string; readonly vmid?: number } = {}) =>
  list(StorageContentItem)(s, `/nodes/${seg(node)}/storage/${seg(store)}/content`, filter)
export const network = (s: ProxmoxSession, node: string) => list(NetworkInterface)(s, `/nodes/${seg(node)}/network`)
export const replicationJobs = (s: ProxmoxSession) => list(ReplicationJob)(s, "/cluster/replication")
export const backupJobs = (s: ProxmoxSession) => list(BackupJob)(s, "/cluster/backup")
export const tasks = (s: ProxmoxSession, node: string, query?: Query) => list(Task)(s, `/nodes/${seg(node)}/tasks`, query)
