/**
 * What the Proxmox VE simulator knows: a plain, mutable data model (tests edit it between calls
 * to simulate renames, migrations and deletions) plus deterministic seeds, from a small lab that
 * looks like the recorded samples (reference/proxmox/samples) up to 10,000 guests.
 */

export type Row = Record<string, unknown>

export interface SimGuest {
  vmid: number
  type: "qemu" | "lxc"
  name: string
  status: "running" | "stopped"
  template?: boolean
  tags?: string
  cpus: number
  maxmem: number
  maxdisk: number
  /** GET .../config, as PVE returns it (property strings such as `net0` unparsed). */
  config: Row
  snapshots: Array<Row>
  /** qemu: the guest agent's `network-get-interfaces` result, or null when the agent is off. */
  agentInterfaces: Array<Row> | null
}

export interface SimNode {
  name: string
  ip: string
  online: boolean
  network: Array<Row>
  guests: Array<SimGuest>
  /** Storage id → content items (backups, images, isos) on that node. */
  content: Record<string, Array<Row>>
  tasks: Array<Row>
}

export interface SimInventory {
  /** null: a standalone host (no `cluster` row in /cluster/status). */
  cluster: { name: string } | null
  version: { version: string; release: string; repoid: string }
  nodes: Array<SimNode>
  storage: Array<Row>
  backupJobs: Array<Row>
  replication: Array<Row>
  pools: Array<Row>
  /** `user@realm` → password. */
  users: Record<string, string>
  /** `user@realm!tokenid` → secret. */
  tokens: Record<string, string>
  /** Users (or `user!token` ids) denied Sys.Audit on `/`: /cluster/status answers 403. */
  restricted: Array<string>
}

export interface SeedOptions {
  readonly clusterName?: string | null
  readonly nodes?: number
  readonly guestsPerNode?: number
  /** Every n-th guest is an LXC container (0: none). */
  readonly lxcEvery?: number
  /** vmid of the first guest (default 100); give endpoints disjoint ranges when it matters. */
  readonly firstVmid?: number
  /** Prepended to every node name (unique names per run against a persistent NetBox). */
  readonly nodePrefix?: string
}

const mac = (vmid: number, i: number) =>
  `BC:24:11:${((vmid >> 8) & 0xff).toString(16).padStart(2, "0")}:${(vmid & 0xff).toString(16).padStart(2, "0")}:${i.toString(16).padStart(2, "0")}`.toUpperCase()

const ipOf = (vmid: number) => `10.${(vmid >> 16) & 0xff}.${(vmid >> 8) & 0xff}.${vmid & 0xff}`

const qemuGuest = (vmid: number, node: string, running: boolean): SimGuest => ({
  vmid,
  type: "qemu",
  name: `vm-${vmid}`,
  status: running ? "running" : "stopped",
  tags: vmid % 3 === 0 ? "prod;web" : "",
  cpus: 2,
  maxmem: 2 * 1024 ** 3,
  maxdisk: 32 * 1024 ** 3,
  config: {
    name: `vm-${vmid}`,
    cores: 2,
    sockets: 1,
    memory: "2048",
    ostype: "l26",
    boot: "order=scsi0;net0",
    scsihw: "virtio-scsi-single",
    scsi0: `local-lvm:vm-${vmid}-disk-0,iothread=1,size=32G`,
    ...(vmid % 4 === 0 ? { virtio1: `local-lvm:vm-${vmid}-disk-1,size=8G`, efidisk0: `local-lvm:vm-${vmid}-disk-2,efitype=4m,size=4M` } : {}),
    net0: `virtio=${mac(vmid, 0)},bridge=vmbr0,firewall=1`,
    ipconfig0: `ip=${ipOf(vmid)}/24,gw=10.0.0.1`,
    agent: "1",
    onboot: 1,
    digest: `d${vmid}`,
    vmgenid: `00000000-0000-4000-8000-${String(vmid).padStart(12, "0")}`,
    description: `seeded on ${node}`
  },
  snapshots: [
    { name: "current", description: "You are here!", running: running ? 1 : 0, parent: "before-upgrade" },
    { name: "before-upgrade", description: "", snaptime: 1_700_000_000 + vmid, vmstate: 0 }
  ],
  agentInterfaces: running
    ? [
      { name: "lo", "hardware-address": "00:00:00:00:00:00", "ip-addresses": [{ "ip-address-type": "ipv4", "ip-address": "127.0.0.1", prefix: 8 }] },
      { name: "eth0", "hardware-address": mac(vmid, 0).toLowerCase(), "ip-addresses": [{ "ip-address-type": "ipv4", "ip-address": ipOf(vmid), prefix: 24 }] }
    ]
    : null
})

const lxcGuest = (vmid: number, running: boolean): SimGuest => ({
  vmid,
  type: "lxc",
  name: `ct-${vmid}`,
  status: running ? "running" : "stopped",
  cpus: 1,
  maxmem: 512 * 1024 ** 2,
  maxdisk: 8 * 1024 ** 3,
  config: {
    hostname: `ct-${vmid}`,
    arch: "amd64",
    cores: 1,
    memory: 512,
    swap: 512,
    ostype: "debian",
    rootfs: `local-lvm:vm-${vmid}-disk-0,size=8G`,
    net0: `name=eth0,bridge=vmbr0,hwaddr=${mac(vmid, 0)},ip=${ipOf(vmid)}/24,gw=10.0.0.1,type=veth`,
    unprivileged: 1,
    digest: `d${vmid}`
  },
  snapshots: [{ name: "current", description: "You are here!", running: 0 }],
  agentInterfaces: null
})

const nodeNetwork = (ip: string): Array<Row> => [
  { iface: "lo", type: "loopback", method: "loopback", method6: "manual", autostart: 1, active: 1, families: ["inet"], priority: 3 },
  { iface: "eno1", type: "eth", method: "manual", method6: "manual", active: 1, exists: 1, families: ["inet"], priority: 4 },
  {
    iface: "vmbr0",
    type: "bridge",
    method: "static",
    method6: "manual",
    address: ip,
    netmask: "24",
    cidr: `${ip}/24`,
    gateway: "192.168.1.254",
    bridge_ports: "eno1",
    bridge_stp: "off",
    bridge_fd: "0",
    autostart: 1,
    active: 1,
    families: ["inet"],
    priority: 5
  },
  { iface: "vmbr0.20", type: "vlan", method: "manual", method6: "manual", "vlan-id": "20", "vlan-raw-device": "vmbr0", active: 1, autostart: 1, priority: 6 }
]

const backupItem = (node: string, g: SimGuest, i: number): Row => {
  const ctime = 1_700_000_000 + g.vmid * 10 + i
  const format = g.type === "qemu" ? "vma.zst" : "tar.zst"
  const kind = g.type === "qemu" ? "qemu" : "lxc"
  return {
    volid: `local:backup/vzdump-${kind}-${g.vmid}-${ctime}.${format === "vma.zst" ? "vma.zst" : "tar.zst"}`,
    content: "backup",
    format,
    subtype: kind,
    size: 1_048_576 * (g.vmid % 50 + 1),
    ctime,
    vmid: g.vmid,
    notes: `${g.name} on ${node}`,
    verification: { state: "ok", upid: `UPID:${node}:0000AAAA:00000000:${ctime.toString(16).toUpperCase()}:verify::root@pam:` }
  }
}

/** A deterministic inventory; defaults to a 3-node cluster "lab" with 4 guests per node. */
export const seedInventory = (options: SeedOptions = {}): SimInventory => {
  const nodeCount = options.nodes ?? 3
  const perNode = options.guestsPerNode ?? 4
  const lxcEvery = options.lxcEvery ?? 4
  const clusterName = options.clusterName === undefined ? "lab" : options.clusterName
  const nodes: Array<SimNode> = []
  let vmid = options.firstVmid ?? 100
  for (let n = 1; n <= nodeCount; n++) {
    const name = `${options.nodePrefix ?? ""}${clusterName === null && nodeCount === 1 ? "pve" : `pve${n}`}`
    const ip = `192.168.1.${n}`
    const guests: Array<SimGuest> = []
    for (let i = 0; i < perNode; i++, vmid++) {
      const running = vmid % 5 !== 0
      guests.push(lxcEvery > 0 && i % lxcEvery === lxcEvery - 1 ? lxcGuest(vmid, running) : qemuGuest(vmid, name, running))
    }
    nodes.push({
      name,
      ip,
      online: true,
      network: nodeNetwork(ip),
      guests,
      content: {
        local: [
          ...guests.filter((g) => g.vmid % 2 === 0).map((g) => backupItem(name, g, 0)),
          { volid: "local:iso/debian-12.iso", content: "iso", format: "iso", size: 658_505_728, ctime: 1_699_000_000 }
        ],
        "local-lvm": guests.map((g) => ({
          volid: `local-lvm:vm-${g.vmid}-disk-0`,
          content: g.type === "qemu" ? "images" : "rootdir",
          format: "raw",
          size: g.maxdisk,
          vmid: g.vmid,
          ctime: 1_698_000_000
        }))
      },
      tasks: [{
        upid: `UPID:${name}:00001234:0000ABCD:6553F0B0:vzdump::root@pam:`,
        node: name,
        type: "vzdump",
        user: "root@pam",
        starttime: 1_700_000_000,
        endtime: 1_700_000_120,
        status: "OK",
        pid: 4660,
        pstart: 43981
      }]
    })
  }
  const firstGuest = nodes[0]?.guests[0]
  return {
    cluster: clusterName === null ? null : { name: clusterName },
    version: { version: "8.4.17", release: "8.4", repoid: "c3a4b5d6" },
    nodes,
    storage: [
      { storage: "local", type: "dir", path: "/var/lib/vz", content: "backup,iso,vztmpl", digest: "aa11", "prune-backups": "keep-all=1", shared: 0 },
      { storage: "local-lvm", type: "lvmthin", thinpool: "data", vgname: "pve", content: "images,rootdir", digest: "bb22", shared: 0 },
      { storage: "nfs-backups", type: "nfs", server: "10.0.0.5", export: "/srv/backups", path: "/mnt/pve/nfs-backups", content: "backup", shared: 1, nodes: nodes.map((n) => n.name).join(","), disable: 1, options: "vers=4.2" }
    ],
    backupJobs: [
      { id: "backup-daily", type: "vzdump", schedule: "02:30", storage: "local", mode: "snapshot", enabled: 1, all: 1, compress: "zstd", "next-run": 1_715_299_200 },
      { id: "backup-weekly", type: "vzdump", schedule: "sat 04:00", storage: "nfs-backups", mode: "stop", enabled: 0, vmid: "100,101", "prune-backups": "keep-weekly=4" }
    ],
    replication: firstGuest && nodes.length > 1
      ? [{ id: `${firstGuest.vmid}-0`, type: "local", guest: firstGuest.vmid, jobnum: 0, source: nodes[0]!.name, target: nodes[1]!.name, schedule: "*/15", rate: 10, comment: "seeded" }]
      : [],
    pools: [{ poolid: "prod", comment: "production guests" }],
    users: { "root@pam": "secret" },
    tokens: { "root@pam!proxbox": "11111111-2222-3333-4444-555555555555" },
    restricted: []
  }
}

// ---- mutations between runs (rename, migrate, delete, add), as an operator would -------------------

export const locateGuest = (inv: SimInventory, vmid: number): { node: SimNode; guest: SimGuest } | undefined => {
  for (const node of inv.nodes) {
    const guest = node.guests.find((g) => g.vmid === vmid)
    if (guest) return { node, guest }
  }
  return undefined
}

const located = (inv: SimInventory, vmid: number) => {
  const hit = locateGuest(inv, vmid)
  if (!hit) throw new Error(`simulator inventory has no guest ${vmid}`)
  return hit
}

/** Rename a guest: the list name and the config's `name` (qemu) or `hostname` (lxc). */
export const renameGuest = (inv: SimInventory, vmid: number, name: string): void => {
  const { guest } = located(inv, vmid)
  guest.name = name
  guest.config[guest.type === "qemu" ? "name" : "hostname"] = name
}

/** Move a guest to another node, with its disks' content entries. */
export const migrateGuest = (inv: SimInventory, vmid: number, toNode: string): void => {
  const { guest, node } = located(inv, vmid)
  const target = inv.nodes.find((n) => n.name === toNode)
  if (!target) throw new Error(`simulator inventory has no node ${toNode}`)
  node.guests = node.guests.filter((g) => g !== guest)
  target.guests.push(guest)
  for (const [storage, items] of Object.entries(node.content)) {
    const moving = items.filter((c) => c["vmid"] === vmid)
    node.content[storage] = items.filter((c) => c["vmid"] !== vmid)
    target.content[storage] = [...(target.content[storage] ?? []), ...moving]
  }
}

/** Delete a guest with its disks (its backups stay, as on PVE). */
export const removeGuest = (inv: SimInventory, vmid: number): void => {
  const { guest, node } = located(inv, vmid)
  node.guests = node.guests.filter((g) => g !== guest)
  for (const [storage, items] of Object.entries(node.content)) {
    node.content[storage] = items.filter((c) => c["vmid"] !== vmid || c["content"] === "backup")
  }
}

/** Add a guest shaped like the seeded ones; vmid defaults to the next free one. */
export const addGuest = (
  inv: SimInventory,
  nodeName: string,
  options: { readonly vmid?: number; readonly type?: "qemu" | "lxc"; readonly name?: string; readonly running?: boolean } = {}
): SimGuest => {
  const node = inv.nodes.find((n) => n.name === nodeName)
  if (!node) throw new Error(`simulator inventory has no node ${nodeName}`)
  const vmid = options.vmid ?? Math.max(99, ...inv.nodes.flatMap((n) => n.guests.map((g) => g.vmid))) + 1
  const running = options.running ?? true
  const guest = options.type === "lxc" ? lxcGuest(vmid, running) : qemuGuest(vmid, nodeName, running)
  node.guests.push(guest)
  if (options.name !== undefined) renameGuest(inv, vmid, options.name)
  return guest
}
