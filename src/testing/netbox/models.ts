/**
 * The REST subset of NetBox (4.2+ shapes: MAC address objects, `primary_mac_address` on interfaces) and of the
 * netbox-proxbox plugin (spec/plugin-contract.md §3) that the sync reads and writes.
 */
import { bool, choice, type Field, fk, int, type Model, type RenderContext, type Stored, str } from "./schema.ts"

const c = (...pairs: ReadonlyArray<readonly [string, string]>) => Object.fromEntries(pairs)
const name = (o: Stored) => String(o["name"] ?? "")
const named = { name: str({ required: true }), description: str() }
const slugged = { ...named, slug: str({ required: true }) }
const described = ["id", "url", "display", "name", "description"]
const sluggedBrief = ["id", "url", "display", "name", "slug", "description"]
const uniqueField = (verbose: string, ...fields: Array<string>) =>
  fields.map((f) => ({ fields: [f], kind: "field" as const, message: `${verbose} with this ${f} already exists.` }))
const family = (field: string): Field => ({
  t: "ro",
  value: (o) => (String(o[field] ?? "").includes(":") ? { value: 6, label: "IPv6" } : { value: 4, label: "IPv4" })
})
const countOf = (type: string, field: string): Field => ({
  t: "ro",
  value: (o, ctx: RenderContext) => ctx.all(type).filter((x) => x[field] === o.id).length
})

export const SITE_STATUS = c(["planned", "Planned"], ["staging", "Staging"], ["active", "Active"], ["decommissioning", "Decommissioning"], ["retired", "Retired"])
export const DEVICE_STATUS = c(["offline", "Offline"], ["active", "Active"], ["planned", "Planned"], ["staged", "Staged"], ["failed", "Failed"], ["inventory", "Inventory"], ["decommissioning", "Decommissioning"])
export const CLUSTER_STATUS = c(["planned", "Planned"], ["staging", "Staging"], ["active", "Active"], ["decommissioning", "Decommissioning"], ["offline", "Offline"])
export const VM_STATUS = c(["offline", "Offline"], ["active", "Active"], ["planned", "Planned"], ["staged", "Staged"], ["failed", "Failed"], ["decommissioning", "Decommissioning"], ["paused", "Paused"])
export const INTERFACE_TYPE = c(
  ["virtual", "Virtual"], ["bridge", "Bridge"], ["lag", "Link Aggregation Group (LAG)"], ["100base-tx", "100BASE-TX (10/100ME)"],
  ["1000base-t", "1000BASE-T (1GE)"], ["2.5gbase-t", "2.5GBASE-T (2.5GE)"], ["10gbase-t", "10GBASE-T (10GE)"],
  ["10gbase-x-sfpp", "SFP+ (10GE)"], ["25gbase-x-sfp28", "SFP28 (25GE)"], ["40gbase-x-qsfpp", "QSFP+ (40GE)"], ["other", "Other"]
)
const INTERFACE_MODE = c(["access", "Access"], ["tagged", "Tagged"], ["tagged-all", "Tagged (All)"], ["q-in-q", "Q-in-Q (802.1ad)"])
const IP_STATUS = c(["active", "Active"], ["reserved", "Reserved"], ["deprecated", "Deprecated"], ["dhcp", "DHCP"], ["slaac", "SLAAC"])
const IP_ROLE = c(["loopback", "Loopback"], ["secondary", "Secondary"], ["anycast", "Anycast"], ["vip", "VIP"], ["vrrp", "VRRP"], ["hsrp", "HSRP"], ["glbp", "GLBP"], ["carp", "CARP"])
const VLAN_STATUS = c(["active", "Active"], ["reserved", "Reserved"], ["deprecated", "Deprecated"])
const PREFIX_STATUS = c(["container", "Container"], ["active", "Active"], ["reserved", "Reserved"], ["deprecated", "Deprecated"])
export const CUSTOM_FIELD_TYPE = c(
  ["text", "Text"], ["longtext", "Text (long)"], ["integer", "Integer"], ["decimal", "Decimal"], ["boolean", "Boolean (true/false)"],
  ["date", "Date"], ["datetime", "Date & time"], ["url", "URL"], ["json", "JSON"], ["select", "Selection"],
  ["multiselect", "Multiple selection"], ["object", "Object"], ["multiobject", "Multiple objects"]
)
const JOURNAL_KIND = c(["info", "Info"], ["success", "Success"], ["warning", "Warning"], ["danger", "Danger"])
const ACTIVE_STALE = c(["active", "Active"], ["stale", "Stale"])

/** The fields dcim and VM interfaces share; `type` is the interface's own content type. */
const interfaceCommon = (type: string) => ({
  name: str({ required: true }),
  enabled: bool(true),
  mtu: int({ min: 1, max: 65536 }),
  primary_mac_address: fk("dcim.macaddress", "null"),
  mac_address: { t: "mac" } as Field,
  mac_addresses: { t: "ro", value: (o: Stored, ctx: RenderContext) => {
    const model = ctx.model("dcim.macaddress")
    return ctx.all("dcim.macaddress").filter((m) => m["assigned_object_type"] === type && m["assigned_object_id"] === o.id)
      .map((m) => ({ id: m.id, url: ctx.url(model, m.id), display: m["mac_address"], mac_address: m["mac_address"], description: m["description"] }))
  } } as Field,
  description: str(),
  mode: choice(INTERFACE_MODE, null),
  untagged_vlan: fk("ipam.vlan", "null"),
  tagged_vlans: { t: "m2m", to: "ipam.vlan" } as Field,
  vrf: fk("ipam.vrf", "null")
})

const dcim: ReadonlyArray<Model> = [
  {
    type: "dcim.site", path: "dcim/sites", verbose: "Site", brief: sluggedBrief, display: name,
    fields: { ...slugged, status: choice(SITE_STATUS, "active"), facility: str(), time_zone: str({ nullable: true, default: null }), comments: str() },
    unique: uniqueField("site", "name", "slug")
  },
  {
    type: "dcim.manufacturer", path: "dcim/manufacturers", verbose: "Manufacturer", brief: sluggedBrief, display: name,
    fields: slugged, unique: uniqueField("manufacturer", "name", "slug")
  },
  {
    type: "dcim.devicetype", path: "dcim/device-types", verbose: "DeviceType",
    brief: ["id", "url", "display", "manufacturer", "model", "slug", "description"], display: (o) => String(o["model"]),
    fields: {
      manufacturer: fk("dcim.manufacturer", "protect", true), model: str({ required: true }), slug: str({ required: true }),
      part_number: str(), u_height: { t: "num", default: 1 }, is_full_depth: bool(true), description: str(), comments: str()
    },
    unique: [
      { fields: ["manufacturer", "model"], kind: "constraint", message: "Device type model must be unique per manufacturer." },
      { fields: ["manufacturer", "slug"], kind: "constraint", message: "Device type slug must be unique per manufacturer." }
    ]
  },
  {
    type: "dcim.devicerole", path: "dcim/device-roles", verbose: "DeviceRole", brief: sluggedBrief, display: name,
    fields: { ...slugged, color: str({ default: "9e9e9e" }), vm_role: bool(true) }, unique: uniqueField("device role", "name", "slug")
  },
  {
    type: "dcim.device", path: "dcim/devices", verbose: "Device", brief: described,
    display: (o) => (o["name"] ? String(o["name"]) : `Unnamed device (${o.id})`),
    fields: {
      name: str({ nullable: true, default: null }), device_type: fk("dcim.devicetype", "protect", true),
      role: fk("dcim.devicerole", "protect", true), site: fk("dcim.site", "protect", true), status: choice(DEVICE_STATUS, "active"),
      cluster: fk("virtualization.cluster", "null"), serial: str(), primary_ip4: fk("ipam.ipaddress", "null"),
      primary_ip6: fk("ipam.ipaddress", "null"), description: str(), comments: str(),
      interface_count: countOf("dcim.interface", "device")
    },
    unique: [{ fields: ["name", "site"], kind: "constraint", caseInsensitive: true, message: "Device name must be unique per site.", when: (o) => o["name"] != null && o["tenant"] == null }]
  },
  {
    type: "dcim.interface", path: "dcim/interfaces", verbose: "Interface",
    brief: ["id", "url", "display", "device", "name", "description"], display: name,
    fields: {
      device: fk("dcim.device", "cascade", true), ...interfaceCommon("dcim.interface"), type: choice(INTERFACE_TYPE, null, true),
      bridge: fk("dcim.interface", "null"), parent: fk("dcim.interface", "null"), lag: fk("dcim.interface", "null")
    },
    unique: [{ fields: ["device", "name"], kind: "constraint", message: "Interface with this Device and Name already exists." }]
  },
  {
    type: "dcim.macaddress", path: "dcim/mac-addresses", verbose: "MACAddress",
    brief: ["id", "url", "display", "mac_address", "description"], display: (o) => String(o["mac_address"]),
    fields: { mac_address: str({ required: true }), assigned_object: { t: "gfk" }, description: str(), comments: str() }
  }
]

const virtualization: ReadonlyArray<Model> = [
  {
    type: "virtualization.clustertype", path: "virtualization/cluster-types", verbose: "ClusterType", brief: sluggedBrief,
    display: name, fields: slugged, unique: uniqueField("cluster type", "name", "slug")
  },
  {
    type: "virtualization.cluster", path: "virtualization/clusters", verbose: "Cluster", brief: described, display: name,
    fields: {
      ...named, type: fk("virtualization.clustertype", "protect", true), status: choice(CLUSTER_STATUS, "active"), comments: str(),
      virtualmachine_count: countOf("virtualization.virtualmachine", "cluster")
    }
  },
  {
    type: "virtualization.virtualmachine", path: "virtualization/virtual-machines", verbose: "VirtualMachine", brief: described,
    display: name, ordering: ["name", "id"],
    fields: {
      ...named, status: choice(VM_STATUS, "active"), site: fk("dcim.site", "protect"), cluster: fk("virtualization.cluster", "protect"),
      device: fk("dcim.device", "null"), role: fk("dcim.devicerole", "protect"), serial: str(),
      primary_ip4: fk("ipam.ipaddress", "null"), primary_ip6: fk("ipam.ipaddress", "null"),
      vcpus: { t: "num", nullable: true, default: null }, memory: int({ min: 0 }), disk: int({ min: 0 }), comments: str(),
      interface_count: countOf("virtualization.vminterface", "virtual_machine"),
      virtual_disk_count: countOf("virtualization.virtualdisk", "virtual_machine")
    },
    unique: [{
      fields: ["name", "cluster"], kind: "constraint", caseInsensitive: true, message: "Virtual machine name must be unique per cluster and tenant.",
      when: (o) => o["cluster"] != null && o["tenant"] == null
    }],
    clean: (o) => o["site"] == null && o["cluster"] == null ? { cluster: ["A virtual machine must be assigned to a site and/or cluster."] } : undefined
  },
  {
    type: "virtualization.vminterface", path: "virtualization/interfaces", verbose: "VMInterface",
    brief: ["id", "url", "display", "virtual_machine", "name", "description"], display: name,
    fields: {
      virtual_machine: fk("virtualization.virtualmachine", "cascade", true), ...interfaceCommon("virtualization.vminterface"),
      bridge: fk("virtualization.vminterface", "null"), parent: fk("virtualization.vminterface", "null")
    },
    unique: [{ fields: ["virtual_machine", "name"], kind: "constraint", message: "Interface with this Virtual machine and Name already exists." }]
  },
  {
    type: "virtualization.virtualdisk", path: "virtualization/virtual-disks", verbose: "VirtualDisk",
    brief: ["id", "url", "display", "virtual_machine", "name", "size", "description"], display: name,
    fields: { virtual_machine: fk("virtualization.virtualmachine", "cascade", true), ...named, size: int({ required: true, min: 0 }) },
    unique: [{ fields: ["virtual_machine", "name"], kind: "constraint", message: "Virtual disk with this Virtual machine and Name already exists." }]
  }
]

const ipam: ReadonlyArray<Model> = [
  {
    type: "ipam.vrf", path: "ipam/vrfs", verbose: "VRF", brief: ["id", "url", "display", "name", "rd", "description"],
    display: (o) => (o["rd"] ? `${o["name"]} (${o["rd"]})` : name(o)),
    fields: { ...named, rd: str({ nullable: true, default: null }), enforce_unique: bool(true), comments: str() },
    unique: [{ fields: ["rd"], kind: "field", message: "VRF with this Route distinguisher already exists.", when: (o) => o["rd"] != null }]
  },
  {
    type: "ipam.vlan", path: "ipam/vlans", verbose: "VLAN", brief: ["id", "url", "display", "vid", "name", "description"],
    display: (o) => `${o["name"]} (${o["vid"]})`,
    fields: { site: fk("dcim.site", "protect"), vid: int({ required: true, min: 1, max: 4094 }), ...named, status: choice(VLAN_STATUS, "active"), comments: str() }
  },
  {
    type: "ipam.prefix", path: "ipam/prefixes", verbose: "Prefix", brief: ["id", "url", "display", "family", "prefix", "description"],
    display: (o) => String(o["prefix"]),
    fields: { family: family("prefix"), prefix: str({ required: true }), vrf: fk("ipam.vrf", "protect"), vlan: fk("ipam.vlan", "null"), status: choice(PREFIX_STATUS, "active"), is_pool: bool(false), description: str(), comments: str() }
  },
  {
    type: "ipam.ipaddress", path: "ipam/ip-addresses", verbose: "IPAddress", brief: ["id", "url", "display", "family", "address", "description"],
    display: (o) => String(o["address"]),
    fields: {
      family: family("address"), address: str({ required: true }), vrf: fk("ipam.vrf", "protect"), status: choice(IP_STATUS, "active"),
      role: choice(IP_ROLE, null), assigned_object: { t: "gfk" }, dns_name: str(), description: str(), comments: str()
    },
    clean: (o, ctx) => {
      // ENFORCE_GLOBAL_UNIQUE (default true) and VRF.enforce_unique: the host part may appear once per table.
      const vrf = typeof o["vrf"] === "number" ? ctx.get("ipam.vrf", o["vrf"]) : undefined
      if (vrf && vrf["enforce_unique"] === false) return undefined
      const host = (a: unknown) => String(a).split("/")[0]!.toLowerCase()
      const dup = ctx.all("ipam.ipaddress").find((x) => x.id !== o.id && (x["vrf"] ?? null) === (o["vrf"] ?? null) && host(x["address"]) === host(o["address"]))
      return dup ? { address: [`Duplicate IP address found in ${vrf ? `VRF ${vrf["name"]}` : "global table"}: ${dup["address"]}`] } : undefined
    }
  }
]

const extras: ReadonlyArray<Model> = [
  {
    type: "extras.tag", path: "extras/tags", verbose: "Tag", brief: ["id", "url", "display", "name", "slug", "color", "description"],
    display: name, tags: false,
    fields: { ...slugged, color: str({ default: "9e9e9e" }), object_types: { t: "strlist" } },
    unique: uniqueField("tag", "name", "slug")
  },
  {
    type: "extras.customfield", path: "extras/custom-fields", verbose: "CustomField", brief: described, tags: false,
    display: (o) => (o["label"] ? String(o["label"]) : name(o).replace(/_/g, " ").replace(/^./, (ch) => ch.toUpperCase())),
    fields: {
      object_types: { t: "strlist", required: true }, type: choice(CUSTOM_FIELD_TYPE, "text"), name: str({ required: true }), label: str(),
      group_name: str(), description: str(), required: bool(false), search_weight: int({ default: 1000 }),
      filter_logic: choice(c(["disabled", "Disabled"], ["loose", "Loose"], ["exact", "Exact"]), "loose"),
      ui_visible: choice(c(["always", "Always"], ["if-set", "If set"], ["hidden", "Hidden"]), "always"),
      ui_editable: choice(c(["yes", "Yes"], ["no", "No"], ["hidden", "Hidden"]), "yes"),
      is_cloneable: bool(false), default: { t: "json", default: null }, weight: int({ default: 100 })
    },
    unique: uniqueField("custom field", "name")
  },
  {
    type: "extras.journalentry", path: "extras/journal-entries", verbose: "JournalEntry", brief: ["id", "url", "display", "created"],
    display: (o) => `${String(o["created"]).slice(0, 16).replace("T", " ")} (${JOURNAL_KIND[String(o["kind"])]})`,
    fields: { assigned_object: { t: "gfk", required: true }, kind: choice(JOURNAL_KIND, "info"), comments: str({ required: true }) }
  }
]

const proxbox = (type: string, path: string, verbose: string, fields: Record<string, Field>, rest: Partial<Model> = {}): Model => ({
  type: `netbox_proxbox.${type}`, path: `plugins/proxbox/${path}`, verbose, brief: described, display: name, fields, ...rest
})
const nstr = () => str({ nullable: true, default: null })
const datetime = (required = false): Field => ({ t: "datetime", required })

const plugin: ReadonlyArray<Model> = [
  proxbox("proxmoxendpoint", "endpoints/proxmox", "ProxmoxEndpoint", {
    name: str({ default: "Proxmox Endpoint" }), ip_address: fk("ipam.ipaddress", "protect"), domain: nstr(), port: int({ default: 8006, min: 1, max: 65535 }),
    mode: choice(c(["undefined", "Undefined"], ["standalone", "Standalone"], ["cluster", "Cluster"]), "undefined"),
    version: nstr(), repoid: nstr(), username: str({ default: "root@pam" }), token_name: nstr(), verify_ssl: bool(false)
  }, { brief: ["id", "url", "display", "name", "domain", "port"] }),
  proxbox("proxmoxcluster", "clusters", "ProxmoxCluster", {
    endpoint: fk("netbox_proxbox.proxmoxendpoint", "cascade", true), netbox_cluster: fk("virtualization.cluster", "null"),
    name: str({ required: true }), cluster_id: nstr(), mode: str({ default: "cluster" }), nodes_count: int({ default: 0, min: 0 }),
    quorate: bool(null), version: int()
  }),
  proxbox("proxmoxnode", "nodes", "ProxmoxNode", {
    endpoint: fk("netbox_proxbox.proxmoxendpoint", "cascade", true), proxmox_cluster: fk("netbox_proxbox.proxmoxcluster", "null"),
    netbox_device: fk("dcim.device", "null"), name: str({ required: true }), node_id: int(), ip_address: str({ required: true }),
    online: bool(false), local: bool(false), cpu_usage: { t: "num", nullable: true, default: null }, max_cpu: int(), memory_usage: int(),
    max_memory: int(), ssl_fingerprint: nstr(), support_level: nstr()
  }),
  proxbox("proxmoxstorage", "storage", "ProxmoxStorage", {
    cluster: fk("virtualization.cluster", "cascade", true), name: str({ required: true }), storage_type: nstr(), content: nstr(),
    path: nstr(), nodes: nstr(), shared: bool(false), enabled: bool(true)
  }, { unique: [{ fields: ["cluster", "name"], kind: "db", message: "duplicate key value violates unique constraint \"netbox_proxbox_proxmoxstorage_cluster_id_name_uniq\"" }] }),
  proxbox("vmbackup", "backups", "VMBackup", {
    proxmox_storage: fk("netbox_proxbox.proxmoxstorage", "null"), storage: nstr(), virtual_machine: fk("virtualization.virtualmachine", "cascade", true),
    subtype: choice(c(["undefined", "Undefined"], ["lxc", "LXC"], ["qemu", "QEMU"]), "undefined"),
    format: choice(c(["undefined", "Undefined"], ["pbs-vm", "PBS VM"], ["pbs-ct", "PBS CT"], ["iso", "ISO"], ["tzst", "TZST"], ["tgz", "TGZ"], ["qcow2", "QCOW2"], ["raw", "RAW"], ["tar", "TAR"], ["tbz", "TBZ"]), "undefined"),
    creation_time: datetime(), size: int(), notes: nstr(), volume_id: nstr(), vmid: int({ min: 0 }), used: int(), encrypted: bool(null),
    verification_state: nstr(), verification_upid: nstr()
  }, {
    display: (o) => String(o["volume_id"] ?? o.id),
    unique: [{ fields: ["storage", "virtual_machine", "subtype", "format", "volume_id", "vmid"], kind: "db", message: "duplicate key value violates unique constraint \"netbox_proxbox_vmbackup_uniq\"" }]
  }),
  proxbox("vmsnapshot", "snapshots", "VMSnapshot", {
    proxmox_storage: fk("netbox_proxbox.proxmoxstorage", "null"), virtual_machine: fk("virtualization.virtualmachine", "cascade", true),
    name: str({ required: true }), description: nstr(), vmid: int({ required: true }), node: str({ required: true }), snaptime: datetime(),
    parent: nstr(), subtype: choice(c(["qemu", "QEMU"], ["lxc", "LXC"]), null, true), status: choice(ACTIVE_STALE, null, true)
  }, { unique: [{ fields: ["vmid", "name", "node"], kind: "db", message: "duplicate key value violates unique constraint \"netbox_proxbox_vmsnapshot_vmid_name_node_uniq\"" }] }),
  proxbox("vmtaskhistory", "task-history", "VMTaskHistory", {
    virtual_machine: fk("virtualization.virtualmachine", "cascade", true), vm_type: str({ default: "unknown" }), upid: str({ required: true }),
    node: str({ required: true }), pid: int(), pstart: datetime(), task_id: nstr(), task_type: str({ required: true }),
    username: str({ required: true }), start_time: datetime(true), end_time: datetime(), description: str({ required: true }),
    status: str({ required: true }), task_state: nstr(), exitstatus: nstr()
  }, { display: (o) => String(o["upid"]), unique: uniqueField("vm task history", "upid") }),
  proxbox("replication", "replications", "Replication", {
    replication_id: str({ required: true }), virtual_machine: fk("virtualization.virtualmachine", "cascade", true),
    proxmox_node: fk("netbox_proxbox.proxmoxnode", "null"), guest: int({ required: true, min: 0 }), target: str({ required: true }),
    job_type: choice(c(["local", "Local"]), "local"), schedule: nstr(), rate: { t: "num", nullable: true, default: null }, comment: nstr(),
    disable: bool(false), source: nstr(), jobnum: int({ required: true }), remove_job: choice(c(["local", "Local"], ["full", "Full"]), null)
  }, { display: (o) => String(o["replication_id"]), unique: uniqueField("replication", "replication_id") }),
  proxbox("backuproutine", "backup-routines", "BackupRoutine", {
    endpoint: fk("netbox_proxbox.proxmoxendpoint", "cascade", true), job_id: str({ required: true }), enabled: bool(true), schedule: nstr(),
    next_run: datetime(), storage: fk("netbox_proxbox.proxmoxstorage", "null"), selection: { t: "json", default: [] }, comment: nstr(),
    status: choice(ACTIVE_STALE, "active"), keep_last: int(), keep_daily: int(), keep_weekly: int(), keep_monthly: int(), keep_yearly: int(),
    keep_all: bool(null), raw_config: { t: "json", default: {} }
  }, { display: (o) => String(o["job_id"]), unique: [{ fields: ["endpoint", "job_id"], kind: "db", message: "duplicate key value violates unique constraint \"netbox_proxbox_backuproutine_endpoint_job_id_uniq\"" }] })
]

export const CORE_MODELS: ReadonlyArray<Model> = [...dcim, ...virtualization, ...ipam, ...extras]
export const PLUGIN_MODELS: ReadonlyArray<Model> = plugin
