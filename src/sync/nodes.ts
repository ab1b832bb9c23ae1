/**
 * Proxmox nodes → NetBox devices (spec §3.3 step 7, without its defects). Identity is (cluster, node name):
 * the device in the node's cluster with the node's name. A same-named device elsewhere is adopted only when
 * an operator tagged it `proxbox`; otherwise it is reported and left alone, and no duplicate is created.
 * An adopted or existing device keeps its site; tags are never rewritten.
 */
import type { NetBoxRecord } from "../netbox/client.ts"
import { DEVICE_TYPE, NODE_ROLE, PATHS, siteSlug } from "./clusters.ts"
import { type CollectedCluster, type Desired, idOf, isOwned, type KindState, type Match, ref } from "./model.ts"

export const deviceKey = (cluster: string, node: string) => `${cluster}/${node}`

export const desiredDevices = (clusters: ReadonlyArray<CollectedCluster>): ReadonlyArray<Desired> =>
  clusters.flatMap((c) =>
    c.nodes.map((n): Desired => ({
      kind: "device",
      key: deviceKey(c.name, n.name),
      name: n.name,
      fields: {
        name: n.name,
        status: n.online ? "active" : "offline",
        cluster: ref("cluster", c.name),
        device_type: ref("device_type", DEVICE_TYPE.slug),
        role: ref("device_role", NODE_ROLE.slug),
        description: `Proxmox Node ${n.name}`
      },
      createOnly: { site: ref("site", siteSlug(c.name)) },
      customFields: { proxmox_node: n.name, proxmox_cluster: c.name }
    }))
  )

/**
 * Matches desired devices to `records` (devices named like a node, and the owned devices of our clusters).
 * Orphans: owned devices of a completely read cluster whose node is gone (when `orphans` is asked for).
 */
export const deviceState = (
  clusters: ReadonlyArray<CollectedCluster>,
  desired: ReadonlyArray<Desired>,
  records: ReadonlyArray<NetBoxRecord>,
  clusterIds: ReadonlyMap<string, number>,
  tagId: number,
  orphans: boolean
): KindState => {
  const byName = new Map<string, Array<NetBoxRecord>>()
  for (const r of records) {
    const name = String(r["name"] ?? "")
    byName.set(name, [...(byName.get(name) ?? []), r])
  }
  const matches = new Map<string, Match>()
  const taken = new Set<number>()
  for (const d of desired) {
    const [cluster] = d.key.split("/") as [string]
    const clusterId = clusterIds.get(cluster)
    const same = byName.get(d.name) ?? []
    const own = clusterId === undefined ? undefined : same.find((r) => idOf(r["cluster"]) === clusterId)
    const other = own ? undefined : same.find((r) => isOwned(r, tagId)) ?? same[0]
    const hit: Match | undefined = own ? { record: own, via: "identity" } : other ? { record: other, via: "name" } : undefined
    if (hit && !taken.has(hit.record.id)) {
      matches.set(d.key, hit)
      taken.add(hit.record.id)
    }
  }
  const wanted = new Set(desired.map((d) => d.key))
  const found = orphans
    ? clusters.filter((c) => c.complete).flatMap((c) => {
      const id = clusterIds.get(c.name)
      return records.filter((r) =>
        id !== undefined && idOf(r["cluster"]) === id && isOwned(r, tagId) && !taken.has(r.id) &&
        !wanted.has(deviceKey(c.name, String(r["name"])))
      ).map((record) => ({ key: deviceKey(c.name, String(record["name"])), name: String(record["name"]), record }))
    })
    : []
  return { kind: "device", path: PATHS.device, desired, matches, orphans: found }
}
