/**
 * An in-process Proxmox VE API (`/api2/json/...`) on an ephemeral 127.0.0.1 port, served from a
 * `SimInventory`. It authenticates like PVE (ticket cookie or `PVEAPIToken` header), answers with
 * PVE's envelope and error shapes, counts requests, and injects latency and faults
 * (HTTP status, hang, connection reset) per path so client and sync failure paths can be tested.
 *
 * Not yet: validating requests against generated/proxmox/<ver>/openapi.json (no contract is
 * committed there yet); unknown paths answer 501 as PVE does.
 */
import { Context, Effect, Layer, Redacted } from "effect"
import { randomUUID } from "node:crypto"
import * as Http from "node:http"
import * as Https from "node:https"
import type { AddressInfo } from "node:net"
import { ProxmoxEndpoint, type ProxmoxEndpointId } from "../../domain/endpoint.ts"
import { type Row, type SimGuest, type SimInventory, type SimNode, seedInventory } from "./inventory.ts"

export type FaultKind =
  | { readonly status: number; readonly message?: string }
  | "timeout" // accept the request, never answer
  | "reset" // destroy the socket without an answer

export interface Fault {
  /** Matched against the path below /api2/json (e.g. "/nodes/pve2/qemu"); a string matches as a prefix. */
  readonly path: string | RegExp
  readonly method?: string
  /** Only requests whose Host header names this host (to make a domain fail but not the IP). */
  readonly host?: string
  readonly kind: FaultKind
  /** Apply to the next n matching requests only (default: until cleared). */
  readonly times?: number
}

export interface SimRequest {
  readonly method: string
  readonly path: string
  readonly query: string
  readonly auth: "ticket" | "token" | "none"
}

export interface SimulatorOptions {
  readonly inventory?: SimInventory
  /** Delay before every answer, in real milliseconds (this is a server, not test timing). */
  readonly latencyMs?: number
  /** Serve HTTPS with this key and certificate (PEM). */
  readonly tls?: { readonly key: string; readonly cert: string }
}

export interface ProxmoxSimulatorService {
  readonly host: string
  readonly port: number
  readonly url: string
  /** Live, mutable: tests edit it to rename, migrate or delete guests between reads. */
  readonly inventory: SimInventory
  readonly inject: (fault: Fault) => void
  readonly clearFaults: () => void
  readonly setLatency: (ms: number) => void
  /** Invalidate every issued ticket, as a PVE restart or the 2 h ticket lifetime would. */
  readonly expireTickets: () => void
  readonly requests: () => ReadonlyArray<SimRequest>
  /** Most requests the server held at once since the last reset. */
  readonly peakInFlight: () => number
  readonly resetRequests: () => void
  /** A ProxmoxEndpoint record pointing here, with the seeded token (default) or password. */
  readonly endpoint: (options?: { readonly id?: number; readonly name?: string; readonly auth?: "token" | "password"; readonly domain?: string | null }) => ProxmoxEndpoint
}

export class ProxmoxSimulator extends Context.Tag("proxbox/testing/ProxmoxSimulator")<
  ProxmoxSimulator,
  ProxmoxSimulatorService
>() {
  /** A simulator living as long as the enclosing Scope (several may run side by side). */
  static readonly make = (options: SimulatorOptions = {}) => start(options)
  static readonly layer = (options: SimulatorOptions = {}) => Layer.scoped(ProxmoxSimulator, start(options))
}

class PveError {
  constructor(readonly status: number, readonly message: string, readonly errors?: Record<string, string>) {}
}

const fail = (status: number, message: string, errors?: Record<string, string>): never => {
  throw new PveError(status, message, errors)
}

type Handler = (m: RegExpMatchArray, q: URLSearchParams, inv: SimInventory) => unknown

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
const routes: ReadonlyArray<readonly [RegExp, Handler]> = [
  [/^\/version$/, (_m, _q, inv) => inv.version],
  [/^\/access$/, () => ["users", "groups", "roles", "acl", "domains", "ticket", "password", "permissions", "tfa"].map((subdir) => ({ subdir }))],
  [/^\/pools$/, (_m, _q, inv) => inv.pools],
  [/^\/storage$/, (_m, _q, inv) => inv.storage],
  [/^\/storage\/([^/]+)$/, (m, _q, inv) => inv.storage.find((s) => s["storage"] === m[1]) ?? fail(500, `storage '${m[1]}' does not exist`)],
  [/^\/cluster$/, () => ["log", "options", "resources", "status", "tasks", "backup", "replication", "config", "ha", "sdn"].map((name) => ({ name }))],
  [/^\/cluster\/status$/, (_m, _q, inv) => clusterStatus(inv)],
  [/^\/cluster\/resources$/, (_m, q, inv) => {
    const type = q.get("type")
    if (type !== null && !["vm", "storage", "node", "sdn"].includes(type)) fail(400, "Parameter verification failed.", { type: `value '${type}' does not have a value in the enumeration 'vm, storage, node, sdn'` })
    return resources(inv, type)
  }],
  [/^\/cluster\/backup$/, (_m, _q, inv) => inv.backupJobs],
  [/^\/cluster\/backup\/([^/]+)$/, (m, _q, inv) => inv.backupJobs.find((j) => j["id"] === m[1]) ?? fail(500, `job '${m[1]}' not found`)],
  [/^\/cluster\/replication$/, (_m, _q, inv) => inv.replication],
  [/^\/cluster\/tasks$/, (_m, _q, inv) => inv.nodes.flatMap((n) => n.tasks)],
  [/^\/nodes$/, (_m, _q, inv) =>
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
  [/^\/nodes\/([^/]+)\/version$/, (m, _q, inv) => (findNode(inv, m[1]!), inv.version)],
  [/^\/nodes\/([^/]+)\/status$/, (m, _q, inv) => (findNode(inv, m[1]!), { uptime: 1_000_000, cpuinfo: { cpus: 16 }, pveversion: `pve-manager/${inv.version.version}` })],
  [/^\/nodes\/([^/]+)\/network$/, (m, q, inv) => {
    const all = findNode(inv, m[1]!).network
    const type = q.get("type")
    if (type === null) return all
    if (type === "any_bridge") return all.filter((i) => i["type"] === "bridge" || i["type"] === "OVSBridge")
    return all.filter((i) => i["type"] === type)
  }],
  [/^\/nodes\/([^/]+)\/tasks$/, (m, _q, inv) => findNode(inv, m[1]!).tasks],
  [/^\/nodes\/([^/]+)\/(qemu|lxc)$/, (m, _q, inv) => findNode(inv, m[1]!).guests.filter((g) => g.type === m[2]).map(guestSummary)],
  [/^\/nodes\/([^/]+)\/(qemu|lxc)\/(\d+)\/config$/, (m, _q, inv) => ({ ...findGuest(inv, m[1]!, m[2]!, m[3]!).config })],
  [/^\/nodes\/([^/]+)\/(qemu|lxc)\/(\d+)\/status\/current$/, (m, _q, inv) => {
    const g = findGuest(inv, m[1]!, m[2]!, m[3]!)
    return { ...guestSummary(g), qmpstatus: g.status, ...(g.type === "qemu" ? { agent: g.agentInterfaces ? 1 : 0 } : {}) }
  }],
  [/^\/nodes\/([^/]+)\/(qemu|lxc)\/(\d+)\/snapshot$/, (m, _q, inv) => findGuest(inv, m[1]!, m[2]!, m[3]!).snapshots],
  [/^\/nodes\/([^/]+)\/qemu\/(\d+)\/agent\/network-get-interfaces$/, (m, _q, inv) => {
    const g = findGuest(inv, m[1]!, "qemu", m[2]!)
    return g.agentInterfaces ? { result: g.agentInterfaces } : fail(500, "QEMU guest agent is not running")
  }],
  [/^\/nodes\/([^/]+)\/lxc\/(\d+)\/interfaces$/, (m, _q, inv) => {
    const g = findGuest(inv, m[1]!, "lxc", m[2]!)
    return g.status === "running" ? [{ name: "eth0", hwaddr: String(g.config["net0"]).match(/hwaddr=([^,]+)/)?.[1], inet: String(g.config["net0"]).match(/ip=([^,]+)/)?.[1] }] : fail(500, `CT ${g.vmid} not running`)
  }],
  [/^\/nodes\/([^/]+)\/storage$/, (m, _q, inv) => {
    const node = findNode(inv, m[1]!)
    return inv.storage.filter((s) => storageOnNode(s, node.name)).map((s) => ({ storage: s["storage"], type: s["type"], content: s["content"], shared: s["shared"] ?? 0, active: 1, enabled: s["disable"] ? 0 : 1, total: 100 * 1024 ** 3, used: 10 * 1024 ** 3, avail: 90 * 1024 ** 3 }))
  }],
  [/^\/nodes\/([^/]+)\/storage\/([^/]+)\/content$/, (m, q, inv) => {
    const node = findNode(inv, m[1]!)
    if (!inv.storage.some((s) => s["storage"] === m[2] && storageOnNode(s, node.name))) fail(500, `storage '${m[2]}' does not exist`)
    const content = q.get("content")
    const vmid = q.get("vmid")
    return (node.content[m[2]!] ?? []).filter((c) => (content === null || c["content"] === content) && (vmid === null || String(c["vmid"]) === vmid))
  }]
]

const start = (options: SimulatorOptions) =>
  Effect.gen(function*() {
    const inventory = options.inventory ?? seedInventory()
    const tickets = new Map<string, string>() // ticket → user
    let faults: Array<{ fault: Fault; left: number }> = []
    let latencyMs = options.latencyMs ?? 0
    let log: Array<SimRequest> = []
    let inFlight = 0
    let peak = 0

    /** Who is calling: the ticket's user, or `user!tokenid`. null: not authenticated. */
    const identify = (req: Http.IncomingMessage): { principal: string; via: "ticket" | "token" } | null => {
      const header = req.headers.authorization
      const token = header?.match(/^PVEAPIToken=([^=]+)=(.+)$/)
      if (token) return inventory.tokens[token[1]!] === token[2] ? { principal: token[1]!, via: "token" } : null
      const cookie = req.headers.cookie?.match(/PVEAuthCookie=([^;]+)/)
      const user = cookie ? tickets.get(decodeURIComponent(cookie[1]!)) : undefined
      return user ? { principal: user, via: "ticket" } : null
    }

    const answer = (res: Http.ServerResponse, status: number, body: unknown, reason?: string) => {
      const text = JSON.stringify(body)
      res.writeHead(status, reason ?? Http.STATUS_CODES[status] ?? "", { "Content-Type": "application/json;charset=UTF-8", "Content-Length": Buffer.byteLength(text) })
      res.end(text)
    }

    const respond = (req: Http.IncomingMessage, res: Http.ServerResponse, form: URLSearchParams) => {
      const url = new URL(req.url ?? "/", "http://sim")
      const path = url.pathname.replace(/^\/api2\/json/, "").replace(/\/$/, "") || "/"
      const method = req.method ?? "GET"
      const who = identify(req)
      log.push({ method, path, query: url.search, auth: who?.via ?? "none" })

      const hit = faults.find(({ fault }) =>
        (fault.method === undefined || fault.method === method) &&
        (fault.host === undefined || req.headers.host?.split(":")[0] === fault.host) &&
        (typeof fault.path === "string" ? path.startsWith(fault.path) : fault.path.test(path))
      )
      if (hit) {
        hit.left -= 1
        if (hit.left <= 0) faults = faults.filter((f) => f !== hit)
        const kind = hit.fault.kind
        if (kind === "timeout") return
        if (kind === "reset") return void req.socket.destroy()
        return answer(res, kind.status, { data: null, ...(kind.message ? { message: kind.message } : {}) }, kind.message)
      }

      try {
        if (method === "POST" && path === "/access/ticket") {
          const username = form.get("username") ?? ""
          if (inventory.users[username] === undefined || inventory.users[username] !== form.get("password")) {
            return answer(res, 401, { data: null, message: "authentication failure" }, "authentication failure")
          }
          const ticket = `PVE:${username}:${randomUUID()}`
          tickets.set(ticket, username)
          return answer(res, 200, { data: { username, ticket, CSRFPreventionToken: randomUUID(), clustername: inventory.cluster?.name } })
        }
        if (who === null) return answer(res, 401, { data: null, message: "No ticket" }, "No ticket")
        if (method !== "GET") fail(501, `Method '${method} ${path}' not implemented`)
        if (path === "/cluster/status" && inventory.restricted.includes(who.principal)) {
          fail(403, "Permission check failed (/, Sys.Audit)")
        }
        for (const [re, handler] of routes) {
          const m = path.match(re)
          if (m) return answer(res, 200, { data: handler(m, url.searchParams, inventory) })
        }
        return fail(501, `Method 'GET /api2/json${path}' not implemented`)
      } catch (e) {
        if (!(e instanceof PveError)) throw e
        return answer(res, e.status, { data: null, message: `${e.message}\n`, ...(e.errors ? { errors: e.errors } : {}) }, e.message)
      }
    }

    const onRequest: Http.RequestListener = (req, res) => {
      peak = Math.max(peak, ++inFlight)
      res.on("close", () => inFlight--)
      const chunks: Array<Buffer> = []
      req.on("data", (c: Buffer) => chunks.push(c))
      req.on("end", () => {
        const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"))
        if (latencyMs > 0) setTimeout(() => respond(req, res, form), latencyMs)
        else respond(req, res, form)
      })
    }

    const server = options.tls ? Https.createServer({ key: options.tls.key, cert: options.tls.cert }, onRequest) : Http.createServer(onRequest)
    const port = yield* Effect.acquireRelease(
      Effect.async<number>((resume) => {
        server.listen(0, "127.0.0.1", () => resume(Effect.succeed((server.address() as AddressInfo).port)))
      }),
      () =>
        Effect.async<void>((resume) => {
          server.closeAllConnections()
          server.close(() => resume(Effect.void))
        })
    )
    const host = "127.0.0.1"

    return {
      host,
      port,
      url: `${options.tls ? "https" : "http"}://${host}:${port}/api2/json`,
      inventory,
      inject: (fault) => void faults.push({ fault, left: fault.times ?? Infinity }),
      clearFaults: () => void (faults = []),
      setLatency: (ms) => void (latencyMs = ms),
      expireTickets: () => tickets.clear(),
      requests: () => log,
      peakInFlight: () => peak,
      resetRequests: () => {
        log = []
        peak = inFlight
      },
      endpoint: ({ auth = "token", domain = null, id = 1, name = "sim" } = {}) => {
        const [tokenId, secret] = Object.entries(inventory.tokens)[0] ?? ["", ""]
        const [user, password] = Object.entries(inventory.users)[0] ?? ["root@pam", ""]
        return new ProxmoxEndpoint({
          id: id as ProxmoxEndpointId,
          name,
          ip_address: host,
          domain,
          port,
          username: auth === "token" ? tokenId.split("!")[0]! : user,
          password: auth === "password" ? Redacted.make(password) : null,
          verify_ssl: false,
          token_name: auth === "token" ? tokenId.split("!")[1]! : null,
          token_value: auth === "token" ? Redacted.make(secret) : null,
          netbox_id: null
        })
      }
    } satisfies ProxmoxSimulatorService
  })
