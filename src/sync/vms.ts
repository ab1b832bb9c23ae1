/**
 * QEMU VMs and LXC containers → NetBox virtual machines (spec §3.4 mapping, without its defects). Identity
 * is (endpoint's cluster, type, vmid), kept in NetBox as the VM's cluster plus the `proxmox_vm_type` and
 * `proxmox_vm_id` custom fields: a rename or a migration updates the same object, and a same-named VM in
 * another cluster is another object. A VM without those fields but with the same name in the same cluster
 * is adopted only if tagged `proxbox`.
 */
import type { NetBoxRecord } from "../netbox/client.ts"
import { PATHS, VM_ROLES } from "./clusters.ts"
import { deviceKey } from "./nodes.ts"
import {
  type CollectedCluster,
  type CollectedGuest,
  customField,
  type Desired,
  idOf,
  isOwned,
  type KindState,
  type Match,
  ref
} from "./model.ts"

export const vmKey = (cluster: string, type: string, vmid: number) => `${cluster}/${type}/${vmid}`

/** running/online/active → active; stopped/paused/offline → offline; planned → planned; else active. */
export const vmStatus = (status: string): string => {
  const s = status.toLowerCase()
  if (["stopped", "paused", "offline"].includes(s)) return "offline"
  if (s === "planned") return "planned"
  return "active"
}

/** Bytes → NetBox's MB (decimal, floored), as the reference. */
const mb = (bytes: number) => (Number.isFinite(bytes) && bytes > 0 ? Math.floor(bytes / 1_000_000) : 0)

export const desiredVm = (cluster: string, g: CollectedGuest): Desired => ({
  kind: "virtual_machine",
  key: vmKey(cluster, g.type, g.vmid),
  name: g.name,
  fields: {
    name: g.name,
    status: vmStatus(g.status),
    cluster: ref("cluster", cluster),
    device: { ...ref("device", deviceKey(cluster, g.node)), optional: true },
    role: ref("device_role", VM_ROLES[g.type].slug),
    // NetBox requires at least 0.01 vCPUs; unknown is null
    vcpus: g.cpus > 0 ? g.cpus : null,
    memory: mb(g.maxmem),
    disk: mb(g.maxdisk),
    description: `Synced from Proxmox node ${g.node}`
  },
  customFields: {
    proxmox_vm_id: g.vmid,
    proxmox_vm_type: g.type,
    proxmox_node: g.node,
    proxmox_cluster: cluster,
    // templates are marked here (NetBox has no template flag on VMs)
    proxmox_status: g.template ? "template" : g.status,
    proxmox_tags: g.tags === "" ? null : g.tags,
    proxmox_start_at_boot: g.onboot,
    proxmox_unprivileged_container: g.unprivileged,
    proxmox_qemu_agent: g.agent,
    proxmox_search_domain: g.searchdomain
  },
  // NetBox computes the disk size from virtual disks once there are any, and refuses another value
  unowned: (r) => (Number(r["virtual_disk_count"] ?? 0) > 0 ? ["disk"] : [])
})

export const desiredVms = (clusters: ReadonlyArray<CollectedCluster>): ReadonlyArray<Desired> =>
  clusters.flatMap((c) => c.guests.map((g) => desiredVm(c.name, g)))

/** The identity key a NetBox VM carries, when it has our custom fields and one of our clusters. */
export const identityOf = (r: NetBoxRecord, clusterNames: ReadonlyMap<number, string>): string | undefined => {
  const cluster = clusterNames.get(idOf(r["cluster"]) ?? -1)
  const vmid = customField(r, "proxmox_vm_id")
  const type = customField(r, "proxmox_vm_type")
  return cluster !== undefined && typeof vmid === "number" && (type === "qemu" || type === "lxc") ? vmKey(cluster, type, vmid) : undefined
}

/** `records`: the VMs of our clusters. Orphans: owned VMs with our identity in a completely read cluster, not desired. */
export const vmState = (
  clusters: ReadonlyArray<CollectedCluster>,
  desired: ReadonlyArray<Desired>,
  records: ReadonlyArray<NetBoxRecord>,
  clusterIds: ReadonlyMap<string, number>,
  tagId: number
): KindState => {
  const clusterNames = new Map([...clusterIds].map(([name, id]) => [id, name]))
  const byIdentity = new Map<string, NetBoxRecord>()
  const anonymous = new Map<string, NetBoxRecord>()
  // Two owned VMs with one identity (left by an older sync or a copy): the lowest id is the VM, the others are
  // orphans. Otherwise the second surfaces only after the first is deleted, and no run is ever final.
  const duplicates: Array<{ key: string; name: string; record: NetBoxRecord; reason: string }> = []
  for (const r of [...records].sort((a, b) => a.id - b.id)) {
    const key = identityOf(r, clusterNames)
    if (key !== undefined) {
      const held = byIdentity.get(key)
      if (held === undefined || (!isOwned(held, tagId) && isOwned(r, tagId))) byIdentity.set(key, r)
      else if (isOwned(r, tagId)) {
        duplicates.push({ key, name: String(r["name"]), record: r, reason: `a second proxbox VM for ${key} (the VM is #${held.id})` })
      }
    }
    // a same-named VM without our identity, or an operator's VM holding the name: found by name (adopted only if tagged)
    const cluster = clusterNames.get(idOf(r["cluster"]) ?? -1)
    if (cluster !== undefined && (key === undefined || !isOwned(r, tagId))) anonymous.set(`${cluster}/${String(r["name"]).toLowerCase()}`, r)
  }
  const matches = new Map<string, Match>()
  for (const d of desired) {
    const own = byIdentity.get(d.key)
    const candidate = own ? undefined : anonymous.get(`${d.key.split("/")[0]}/${d.name.toLowerCase()}`)
    // an owned VM with another identity is never adopted by name
    const same = candidate && (identityOf(candidate, clusterNames) === undefined || !isOwned(candidate, tagId)) ? candidate : undefined
    if (own) matches.set(d.key, { record: own, via: "identity" })
    else if (same) matches.set(d.key, { record: same, via: "name" })
  }
  const wanted = new Set(desired.map((d) => d.key))
  const complete = new Set(clusters.filter((c) => c.complete).map((c) => c.name))
  const orphans = [...byIdentity].filter(([key, r]) => !wanted.has(key) && complete.has(key.split("/")[0]!) && isOwned(r, tagId))
    .map(([key, record]) => ({ key, name: String(record["name"]), record }))
  // as for any orphan, only a complete read of the cluster may lead to a delete
  const extra = duplicates.filter((d) => complete.has(d.key.split("/")[0]!))
  return { kind: "virtual_machine", path: PATHS.virtual_machine, desired, matches, orphans: [...orphans, ...extra] }
}
