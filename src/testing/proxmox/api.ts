/**
 * The simulator's answers to GET requests, as pure functions of the inventory: PVE's data shapes,
 * PVE's error texts (thrown as PveError, turned into PVE's error envelope by the server). Paths are
 * templates in the apidoc's own form, so a test can check each one exists in the real API.
 */
import type { Row, SimGuest, SimInventory, SimNode } from "./inventory.ts"

export class PveError {
  constructor(readonly status: number, readonly message: string, readonly errors?: Record<string, string>) {}
}

export const fail = (status: number, message: string, errors?: Record<string, string>): never => {
  throw new PveError(status, message, errors)
}

type Handler = (p: Record<string, string>, q: URLSearchParams, inv: SimInventory) => unknown

const findNode = (inv: SimInventory, name: string): SimNode =>
  inv.nodes.find((n) => n.name === name) ??
    fail(500, `hostname lookup '${name}' failed - failed to get address info for: ${name}: Name or service not known`)

const findGuest = (inv: SimInventory, node: string, type: string, vmid: string): SimGuest =>
  findNode(inv, node).guests.find((g) => g.type === type && String(g.vmid) === vmid) ??
    fail(500, `Configuration file 'nodes/${node}/${type === "qemu" ? "qemu-server" : "lxc"}/${vmid}.conf' does not exist`)

const guestSummary = (g: SimGuest): Row => ({
  vmid: g.vmid,
  name: g.name,
  status: g.status,
  cpus: g.cpus,
  maxmem: g.maxmem,
  maxdisk: g.maxdisk,
  mem: g.status === "running" ? Math.floor(g.maxmem / 3) : 0,
  uptime: g.status === "running" ? 86_400 : 0,
  ...(g.template ? { template: 1 } : {}),
  ...(g.tags ? { tags: g.tags } : {}),
  ...(g.type === "lxc" ? { type: "lxc" } : {})
})

const storageOnNode = (s: Row, node: string) =>
  typeof s["nodes"] !== "string" || s["nodes"].split(",").includes(node)

const resources = (inv: SimInventory, type: string | null): Array<Row> => {
  const out: Array<Row> = []
  for (const n of inv.nodes) {
    if (type === null || type === "node") {
      out.push({ id: `node/${n.name}`, type: "node", node: n.name, status: n.online ? "online" : "offline", maxcpu: 16, maxmem: 64 * 1024 ** 3, maxdisk: 512 * 1024 ** 3, level: "" })
    }
    if (type === null || type === "vm") {
      for (const g of n.guests) {
        out.push({ ...guestSummary(g), id: `${g.type}/${g.vmid}`, type: g.type, node: n.name, template: g.template ? 1 : 0, maxcpu: g.cpus })
      }
    }
    if (type === null || type === "storage") {
      for (const s of inv.storage.filter((s) => storageOnNode(s, n.name))) {
        out.push({ id: `storage/${n.name}/${s["storage"]}`, type: "storage", node: n.name, storage: s["storage"], plugintype: s["type"], status: "available", shared: s["shared"], content: s["content"], maxdisk: 100 * 1024 ** 3, disk: 10 * 1024 ** 3 })
      }
    }
  }
  if (type === null || type === "sdn") {
    for (const n of inv.nodes) out.push({ id: `sdn/${n.name}/localnetwork`, type: "sdn", sdn: "localnetwork", node: n.name, status: "ok" })
  }
  return out
}

const clusterStatus = (inv: SimInventory): Array<Row> => [
  ...(inv.cluster ? [{ type: "cluster", id: "cluster", name: inv.cluster.name, nodes: inv.nodes.length, quorate: 1, version: inv.nodes.length + 1 }] : []),
  ...inv.nodes.map((n, i) => ({ type: "node", id: `node/${n.name}`, name: n.name, ip: n.ip, nodeid: i + 1, online: n.online ? 1 : 0, local: i === 0 ? 1 : 0, level: "" }))
]

/** GET routes, matched in order against the path below /api2/json. */

const guest = (type: "qemu" | "lxc") => (p: Record<string, string>, inv: SimInventory) => findGuest(inv, p["node"]!, type, p["vmid"]!)
const qemu = guest("qemu")
const lxc = guest("lxc")
const guestList = (type: "qemu" | "lxc"): Handler => (p, _q, inv) => findNode(inv, p["node"]!).guests.filter((g) => g.type === type).map(guestSummary)
const guestStatus = (get: typeof qemu): Handler => (p, _q, inv) => {
  const g = get(p, inv)
  return { ...guestSummary(g), qmpstatus: g.status, ...(g.type === "qemu" ? { agent: g.agentInterfaces ? 1 : 0 } : {}) }
}

/** GET routes by apidoc path template. */
export const SIMULATED_GET_PATHS: ReadonlyArray<readonly [string, Handler]> = [
  ["/version", (_p, _q, inv) => inv.version],
  ["/access", () => ["users", "groups", "roles", "acl", "domains", "ticket", "password", "permissions", "tfa"].map((subdir) => ({ subdir }))],
  ["/pools", (_p, _q, inv) => inv.pools],
  ["/storage", (_p, _q, inv) => inv.storage],
  ["/storage/{storage}", (p, _q, inv) => inv.storage.find((s) => s["storage"] === p["storage"]) ?? fail(500, `storage '${p["storage"]}' does not exist`)],
  ["/cluster", () => ["log", "options", "resources", "status", "tasks", "backup", "replication", "config", "ha", "sdn"].map((name) => ({ name }))],
  ["/cluster/status", (_p, _q, inv) => clusterStatus(inv)],
  ["/cluster/resources", (_p, q, inv) => {
    const type = q.get("type")
    if (type !== null && !["vm", "storage", "node", "sdn"].includes(type)) fail(400, "Parameter verification failed.", { type: `value '${type}' does not have a value in the enumeration 'vm, storage, node, sdn'` })
    return resources(inv, type)
  }],
  ["/cluster/backup", (_p, _q, inv) => inv.backupJobs],
  ["/cluster/backup/{id}", (p, _q, inv) => inv.backupJobs.find((j) => j["id"] === p["id"]) ?? fail(500, `job '${p["id"]}' not found`)],
  ["/cluster/replication", (_p, _q, inv) => inv.replication],
  ["/cluster/tasks", (_p, _q, inv) => inv.nodes.flatMap((n) => n.tasks)],
  ["/nodes", (_p, _q, inv) =>
    inv.nodes.map((n) => ({
      node: n.name,
      id: `node/${n.name}`,
      type: "node",
      status: n.online ? "online" : "offline",
      level: "",
      ...(n.online
        ? { cpu: 0.02, maxcpu: 16, mem: 8 * 1024 ** 3, maxmem: 64 * 1024 ** 3, disk: 4 * 1024 ** 3, maxdisk: 512 * 1024 ** 3, uptime: 1_000_000, ssl_fingerprint: `AA:BB:${n.ip}` }
        : {})
    }))],
  ["/nodes/{node}/version", (p, _q, inv) => (findNode(inv, p["node"]!), inv.version)],
  ["/nodes/{node}/status", (p, _q, inv) => (findNode(inv, p["node"]!), { uptime: 1_000_000, cpuinfo: { cpus: 16 }, pveversion: `pve-manager/${inv.version.version}` })],
  ["/nodes/{node}/network", (p, q, inv) => {
    const all = findNode(inv, p["node"]!).network
    const type = q.get("type")
    if (type === null) return all
    if (type === "any_bridge") return all.filter((i) => i["type"] === "bridge" || i["type"] === "OVSBridge")
    return all.filter((i) => i["type"] === type)
  }],
  ["/nodes/{node}/tasks", (p, _q, inv) => findNode(inv, p["node"]!).tasks],
  ["/nodes/{node}/qemu", guestList("qemu")],
  ["/nodes/{node}/lxc", guestList("lxc")],
  ["/nodes/{node}/qemu/{vmid}/config", (p, _q, inv) => ({ ...qemu(p, inv).config })],
  ["/nodes/{node}/lxc/{vmid}/config", (p, _q, inv) => ({ ...lxc(p, inv).config })],
  ["/nodes/{node}/qemu/{vmid}/status/current", guestStatus(qemu)],
  ["/nodes/{node}/lxc/{vmid}/status/current", guestStatus(lxc)],
  ["/nodes/{node}/qemu/{vmid}/snapshot", (p, _q, inv) => qemu(p, inv).snapshots],
  ["/nodes/{node}/lxc/{vmid}/snapshot", (p, _q, inv) => lxc(p, inv).snapshots],
  ["/nodes/{node}/qemu/{vmid}/agent/network-get-interfaces", (p, _q, inv) => {
    const g = qemu(p, inv)
    return g.agentInterfaces ? { result: g.agentInterfaces } : fail(500, "QEMU guest agent is not running")
  }],
  ["/nodes/{node}/lxc/{vmid}/interfaces", (p, _q, inv) => {
    const g = lxc(p, inv)
    const net0 = String(g.config["net0"])
    return g.status === "running" ? [{ name: "eth0", hwaddr: net0.match(/hwaddr=([^,]+)/)?.[1], inet: net0.match(/ip=([^,]+)/)?.[1] }] : fail(500, `CT ${g.vmid} not running`)
  }],
  ["/nodes/{node}/storage", (p, _q, inv) => {
    const node = findNode(inv, p["node"]!)
    return inv.storage.filter((s) => storageOnNode(s, node.name)).map((s) => ({ storage: s["storage"], type: s["type"], content: s["content"], shared: s["shared"] ?? 0, active: 1, enabled: s["disable"] ? 0 : 1, total: 100 * 1024 ** 3, used: 10 * 1024 ** 3, avail: 90 * 1024 ** 3 }))
  }],
  ["/nodes/{node}/storage/{storage}/content", (p, q, inv) => {
    const node = findNode(inv, p["node"]!)
    if (!inv.storage.some((s) => s["storage"] === p["storage"] && storageOnNode(s, node.name))) fail(500, `storage '${p["storage"]}' does not exist`)
    const content = q.get("content")
    const vmid = q.get("vmid")
    return (node.content[p["storage"]!] ?? []).filter((c) => (content === null || c["content"] === content) && (vmid === null || String(c["vmid"]) === vmid))
  }]
]

const compiled = SIMULATED_GET_PATHS.map(([template, handler]) => {
  const names: Array<string> = []
  const re = new RegExp(`^${template.replace(/\{([^}]+)\}/g, (_m, name: string) => (names.push(name), "([^/]+)"))}$`)
  return { re, names, handler }
})

/** The `data` for GET `path`; throws PveError as PVE would answer (501 for unknown paths). */
export const answerGet = (inv: SimInventory, path: string, query: URLSearchParams): unknown => {
  for (const { handler, names, re } of compiled) {
    const m = path.match(re)
    if (m) return handler(Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(m[i + 1]!)])), query, inv)
  }
  return fail(501, `Method 'GET /api2/json${path}' not implemented`)
}
