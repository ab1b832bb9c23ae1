/**
 * The custom fields and the `proxbox` tag the sync relies on (spec/reference-behaviour.md §3.2), ensured in
 * a few bulk requests: one read of all of them, one bulk create of the missing, one bulk update of the drifted.
 * Unlike the reference: only object types NetBox has (no `virtualization.vmmigration`), existing object types
 * are kept (ours are added), and the result is cached per NetBox once everything succeeded.
 */
import { Context, Effect, Layer, Ref } from "effect"
import type { NetBoxClientService, NetBoxPayload, NetBoxRecord } from "./client.ts"
import type { NetBoxError } from "./errors.ts"

export const PROXBOX_TAG = { name: "Proxbox", slug: "proxbox", color: "ff5722" } as const

const VM = "virtualization.virtualmachine"
const DEVICE = "dcim.device"
const IP = "ipam.ipaddress"

interface Spec {
  readonly name: string
  readonly type: "text" | "integer" | "boolean" | "url" | "datetime"
  readonly object_types: ReadonlyArray<string>
  readonly label: string
  readonly ifSet?: boolean
}

const both = (name: string, label: string): Spec => ({ name, type: "text", object_types: [DEVICE, VM], label, ifSet: true })

export const CUSTOM_FIELDS: ReadonlyArray<Spec> = [
  { name: "proxmox_vm_id", type: "integer", object_types: [VM], label: "VM ID" },
  { name: "proxmox_vm_type", type: "text", object_types: [VM], label: "VM Type" },
  { name: "proxmox_start_at_boot", type: "boolean", object_types: [VM], label: "Start at Boot" },
  { name: "proxmox_unprivileged_container", type: "boolean", object_types: [VM], label: "Unprivileged Container", ifSet: true },
  { name: "proxmox_qemu_agent", type: "boolean", object_types: [VM], label: "QEMU Guest Agent", ifSet: true },
  { name: "proxmox_search_domain", type: "text", object_types: [VM], label: "Search Domain", ifSet: true },
  { name: "proxmox_link", type: "url", object_types: [DEVICE, VM], label: "Proxmox Link" },
  { name: "proxmox_node", type: "text", object_types: [DEVICE, VM], label: "Proxmox Node" },
  { name: "proxmox_cluster", type: "text", object_types: [DEVICE, VM], label: "Proxmox Cluster" },
  { name: "proxmox_status", type: "text", object_types: [VM], label: "Proxmox Status" },
  { name: "proxmox_uptime", type: "integer", object_types: [VM], label: "Uptime (seconds)", ifSet: true },
  both("proxmox_tags", "Proxmox Tags"),
  both("proxmox_os", "Operating System"),
  { name: "proxmox_cpu", type: "integer", object_types: [VM], label: "CPU(s)" },
  { name: "proxmox_memory", type: "integer", object_types: [VM], label: "Memory (MB)" },
  both("proxmox_storage", "Storage"),
  both("proxmox_disk", "Disk (GB)"),
  both("proxmox_interfaces", "Network Interfaces"),
  both("proxmox_vmid", "Proxmox VMID"),
  both("proxmox_notes", "Proxmox Notes"),
  both("proxmox_cpu_type", "CPU Type"),
  both("proxmox_storage_ids", "Storage IDs"),
  both("proxmox_storage_names", "Storage Names"),
  both("proxmox_device_names", "Device Names"),
  both("proxmix_tcp_states", "TCP States"), // sic: the reference's name, kept for existing installations
  { name: "proxmox_interface", type: "text", object_types: [IP], label: "Proxmox Interface", ifSet: true },
  { name: "proxmox_mac", type: "text", object_types: [IP], label: "Proxmox MAC", ifSet: true },
  { name: "proxmox_ip_addresses", type: "text", object_types: [IP], label: "IP Addresses", ifSet: true },
  { name: "proxmox_vlan_id", type: "integer", object_types: ["ipam.vlan"], label: "Proxmox VLAN ID", ifSet: true },
  { name: "proxmox_cluster_name", type: "text", object_types: ["virtualization.cluster", "virtualization.clustergroup"], label: "Cluster Name" },
  { name: "proxmox_cluster_status", type: "text", object_types: ["virtualization.cluster", "virtualization.clustergroup"], label: "Cluster Status" },
  { name: "proxmox_cluster_id", type: "integer", object_types: ["virtualization.cluster"], label: "Cluster ID" },
  {
    name: "proxmox_last_updated", type: "datetime", label: "Last Updated",
    object_types: ["dcim.devicerole", "dcim.manufacturer", "dcim.site", "virtualization.vminterface", IP, "virtualization.virtualdisk"]
  }
]

/** The payload NetBox should hold for a field (ours: object types are merged with what is there). */
const desired = (spec: Spec, current?: NetBoxRecord): NetBoxPayload => ({
  name: spec.name,
  type: spec.type,
  object_types: [...new Set([...((current?.["object_types"] as Array<string> | undefined) ?? []), ...spec.object_types])].sort(),
  label: spec.label,
  group_name: "Proxmox",
  ui_visible: spec.ifSet ? "if-set" : "always",
  ui_editable: "hidden",
  filter_logic: "loose",
  search_weight: 1000,
  weight: spec.name === "proxmox_last_updated" ? 200 : 100
})

/** Choice fields come back as `{value,label}`; compare their values. */
const plain = (v: unknown) => (v && typeof v === "object" && !Array.isArray(v) && "value" in v ? (v as { value: unknown }).value : v)
const drift = (want: NetBoxPayload, have: NetBoxRecord): NetBoxPayload | undefined => {
  const changed = Object.entries(want).filter(([k, v]) => {
    const h = plain(have[k])
    return Array.isArray(v) ? JSON.stringify([...(h as Array<string> ?? [])].sort()) !== JSON.stringify(v) : h !== v
  })
  return changed.length === 0 ? undefined : Object.fromEntries(changed)
}

export interface BootstrapResult {
  readonly tag: NetBoxRecord
  readonly customFields: ReadonlyArray<NetBoxRecord>
}

/** Ensures the tag and the custom fields; idempotent (a second run only reads). */
export const ensureProxboxSchema = (nb: NetBoxClientService): Effect.Effect<BootstrapResult, NetBoxError> =>
  Effect.gen(function*() {
    const tag = yield* ensureTag(nb)
    const existing = yield* nb.list("extras/custom-fields", { name: CUSTOM_FIELDS.map((f) => f.name) })
    const byName = new Map(existing.map((cf) => [String(cf["name"]), cf]))
    const missing = CUSTOM_FIELDS.filter((f) => !byName.has(f.name)).map((f) => desired(f))
    const updates = CUSTOM_FIELDS.flatMap((f) => {
      const have = byName.get(f.name)
      const change = have ? drift(desired(f, have), have) : undefined
      return have && change ? [{ ...change, id: have.id }] : []
    })
    const created = missing.length > 0 ? yield* nb.create("extras/custom-fields", missing) : []
    const updated = updates.length > 0 ? yield* nb.update("extras/custom-fields", updates) : []
    const latest = new Map([...existing, ...created, ...updated].map((cf) => [String(cf["name"]), cf]))
    return { tag, customFields: CUSTOM_FIELDS.map((f) => latest.get(f.name)!) }
  })

/** Looks the tag up by slug; creates it when missing, and re-reads if someone else created it meanwhile. */
const ensureTag = (nb: NetBoxClientService) => {
  const find = Effect.map(nb.list("extras/tags", { slug: PROXBOX_TAG.slug }), (xs) => xs[0])
  return Effect.flatMap(find, (found) =>
    found
      ? Effect.succeed(found)
      : nb.create("extras/tags", [PROXBOX_TAG]).pipe(
        Effect.map((xs) => xs[0]!),
        Effect.catchTag("NetBoxValidation", (e) => Effect.flatMap(find, (again) => (again ? Effect.succeed(again) : Effect.fail(e))))
      ))
}

/** The bootstrap with its cache: once it succeeded against a NetBox, later calls for it cost nothing. */
export class NetBoxBootstrap extends Context.Tag("proxbox/NetBoxBootstrap")<NetBoxBootstrap, {
  readonly ensure: (nb: NetBoxClientService) => Effect.Effect<BootstrapResult, NetBoxError>
  readonly clear: Effect.Effect<void>
}>() {
  static readonly layer = Layer.effect(
    NetBoxBootstrap,
    Effect.gen(function*() {
      const cache = yield* Ref.make(new Map<string, BootstrapResult>())
      const lock = yield* Effect.makeSemaphore(1)
      return {
        ensure: (nb) =>
          lock.withPermits(1)(Effect.gen(function*() {
            const hit = (yield* Ref.get(cache)).get(nb.baseUrl)
            if (hit) return hit
            const result = yield* ensureProxboxSchema(nb)
            yield* Ref.update(cache, (m) => new Map(m).set(nb.baseUrl, result))
            return result
          })),
        clear: Ref.set(cache, new Map())
      }
    })
  )
}
