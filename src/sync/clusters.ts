/**
 * Cluster types, clusters and the shared dependencies of devices and VMs (manufacturer, device type, roles,
 * one site per cluster), spec §3.3 steps 1-6. Each is identified by its slug (the cluster by its Proxmox
 * name), so it is found again on every run; an existing object without the `proxbox` tag is used as a
 * reference but never modified.
 */
import type { NetBoxRecord } from "../netbox/client.ts"
import type { Kind } from "./events.ts"
import { type CollectedCluster, type Desired, type Match, ref } from "./model.ts"

export const PATHS: Readonly<Record<Kind, string>> = {
  cluster_type: "virtualization/cluster-types",
  cluster: "virtualization/clusters",
  manufacturer: "dcim/manufacturers",
  device_type: "dcim/device-types",
  device_role: "dcim/device-roles",
  site: "dcim/sites",
  device: "dcim/devices",
  virtual_machine: "virtualization/virtual-machines"
}

/** Lowercase, runs of anything else than a-z0-9 become `-`, trimmed; empty → "cluster". */
export const slugify = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "") || "cluster"

export const siteSlug = (cluster: string) => `proxmox-default-site-${slugify(cluster)}`.slice(0, 100)

export const MANUFACTURER = { name: "Proxmox", slug: "proxmox" } as const
export const DEVICE_TYPE = { model: "Proxmox Generic Device", slug: "proxmox-generic-device" } as const
export const NODE_ROLE = { name: "Proxmox Node", slug: "proxmox-node", color: "00bcd4", vm_role: false } as const
export const VM_ROLES = {
  qemu: { name: "Virtual Machine (QEMU)", slug: "virtual-machine-qemu", color: "00ffff", description: "Proxmox Virtual Machine", vm_role: true },
  lxc: { name: "Container (LXC)", slug: "container-lxc", color: "7fffd4", description: "Proxmox LXC Container", vm_role: true }
} as const

const capitalised = (s: string) => s.charAt(0).toUpperCase() + s.slice(1)

const item = (kind: Kind, key: string, name: string, fields: Record<string, unknown>, stamp?: Record<string, unknown>): Desired => ({
  kind,
  key,
  name,
  fields,
  customFields: {},
  ...(stamp ? { stamp } : {})
})

/** The dependency objects the given clusters need; VM roles only when VMs are synced. */
export const desiredShared = (clusters: ReadonlyArray<CollectedCluster>, now: string, vmRoles: boolean): ReadonlyArray<Desired> => {
  const stamp = { proxmox_last_updated: now }
  const modes = [...new Set(clusters.map((c) => c.mode))]
  return [
    ...modes.map((mode) =>
      item("cluster_type", mode, capitalised(mode), { name: capitalised(mode), slug: mode, description: `Proxmox ${mode} mode` })
    ),
    ...clusters.map((c) =>
      item("cluster", c.name, c.name, { name: c.name, type: ref("cluster_type", c.mode), description: `Proxmox ${c.mode} cluster.` })
    ),
    item("manufacturer", MANUFACTURER.slug, MANUFACTURER.name, { ...MANUFACTURER }, stamp),
    item("device_type", DEVICE_TYPE.slug, DEVICE_TYPE.model, { ...DEVICE_TYPE, manufacturer: ref("manufacturer", MANUFACTURER.slug) }),
    item("device_role", NODE_ROLE.slug, NODE_ROLE.name, { ...NODE_ROLE }, stamp),
    ...(vmRoles ? Object.values(VM_ROLES).map((r) => item("device_role", r.slug, r.name, { ...r }, stamp)) : []),
    ...clusters.map((c) =>
      item("site", siteSlug(c.name), `Proxmox Default Site - ${c.name}`, {
        name: `Proxmox Default Site - ${c.name}`.slice(0, 100),
        slug: siteSlug(c.name),
        status: "active"
      }, stamp)
    )
  ]
}

/** NetBox filters that read every candidate of the shared kinds in one request each. */
export const sharedQueries = (desired: ReadonlyArray<Desired>): ReadonlyArray<{ readonly kind: Kind; readonly query: Record<string, ReadonlyArray<string>> }> => {
  const keys = (kind: Kind) => desired.filter((d) => d.kind === kind).map((d) => d.key)
  return [
    { kind: "cluster_type", query: { slug: keys("cluster_type") } },
    { kind: "cluster", query: { name: keys("cluster") } },
    { kind: "manufacturer", query: { slug: keys("manufacturer") } },
    { kind: "device_type", query: { slug: keys("device_type") } },
    { kind: "device_role", query: { slug: keys("device_role") } },
    { kind: "site", query: { slug: keys("site") } }
  ]
}

/** Shared kinds are matched by slug (clusters by exact name); first hit wins. */
export const matchShared = (desired: ReadonlyArray<Desired>, records: ReadonlyArray<NetBoxRecord>): Map<string, Match> => {
  const out = new Map<string, Match>()
  for (const d of desired) {
    const field = d.kind === "cluster" ? "name" : "slug"
    const hit = records.find((r) => r[field] === d.key)
    if (hit) out.set(d.key, { record: hit, via: "identity" })
  }
  return out
}
