/**
 * An in-process Proxmox VE API (`/api2/json/...`) on an ephemeral 127.0.0.1 port, served from a
 * `SimInventory`. It authenticates like PVE (ticket cookie or `PVEAPIToken` header), answers with
 * PVE's envelope and error shapes, counts requests, and injects latency and faults
 * (HTTP status, hang, connection reset) per path so client and sync failure paths can be tested.
 *
 * Every simulated path exists in generated/proxmox (test/proxmox/simulator.test.ts checks it);
 * request parameters are not validated against the contract yet. Unknown paths answer 501 as PVE.
 */
import { Context, Effect, Layer, Redacted } from "effect"
import * as Http from "node:http"
import * as Https from "node:https"
import { randomUUID, X509Certificate } from "node:crypto"
import { readFileSync } from "node:fs"
import type { AddressInfo } from "node:net"
import { ProxmoxEndpoint, type ProxmoxEndpointId } from "../../domain/endpoint.ts"
import { answerGet, fail, PveError } from "./api.ts"
import { type SimInventory, seedInventory } from "./inventory.ts"

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
  /** HTTPS with the fixture certificate (default), another key/certificate (PEM), or plain http (false). */
  readonly tls?: false | { readonly key: string; readonly cert: string }
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
  /** TCP connections accepted since the last reset (a refused TLS handshake still counts one). */
  readonly connections: () => number
  /** Clears the request log and the peak and connection counters. */
  readonly resetRequests: () => void
  /** A ProxmoxEndpoint record pointing here, with the seeded token (default) or password. */
  readonly endpoint: (options?: { readonly id?: number; readonly name?: string; readonly auth?: "token" | "password"; readonly domain?: string | null }) => ProxmoxEndpoint
}

const fixture = (name: string) => readFileSync(new URL(`./tls/${name}`, import.meta.url), "utf8")

/** The simulator's self-signed certificate (SAN 127.0.0.1, localhost): trust it as a CA or pin it. */
export const SIMULATOR_TLS = {
  key: fixture("key.pem"),
  cert: fixture("cert.pem"),
  fingerprint256: new X509Certificate(fixture("cert.pem")).fingerprint256
} as const

export class ProxmoxSimulator extends Context.Tag("proxbox/testing/ProxmoxSimulator")<
  ProxmoxSimulator,
  ProxmoxSimulatorService
>() {
  /** A simulator living as long as the enclosing Scope (several may run side by side). */
  static readonly make = (options: SimulatorOptions = {}) => start(options)
  static readonly layer = (options: SimulatorOptions = {}) => Layer.scoped(ProxmoxSimulator, start(options))
}

const start = (options: SimulatorOptions) =>
  Effect.gen(function*() {
    const inventory = options.inventory ?? seedInventory()
    const tickets = new Map<string, { user: string; csrf: string }>()
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
      const ticket = cookie ? tickets.get(decodeURIComponent(cookie[1]!)) : undefined
      if (!ticket) return null
      // PVE refuses ticket-authenticated writes without the ticket's CSRF token.
      if (req.method !== "GET" && req.headers["csrfpreventiontoken"] !== ticket.csrf) return null
      return { principal: ticket.user, via: "ticket" }
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
          const csrf = randomUUID()
          tickets.set(ticket, { user: username, csrf })
          return answer(res, 200, { data: { username, ticket, CSRFPreventionToken: csrf, clustername: inventory.cluster?.name } })
        }
        if (who === null) return answer(res, 401, { data: null, message: "No ticket" }, "No ticket")
        if (method !== "GET") fail(501, `Method '${method} ${path}' not implemented`)
        if (path === "/cluster/status" && inventory.restricted.includes(who.principal)) {
          fail(403, "Permission check failed (/, Sys.Audit)")
        }
        return answer(res, 200, { data: answerGet(inventory, path, url.searchParams) })
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

    const tls = options.tls ?? SIMULATOR_TLS
    const server = tls ? Https.createServer({ key: tls.key, cert: tls.cert }, onRequest) : Http.createServer(onRequest)
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
    let connections = 0
    server.on("connection", () => void connections++)

    return {
      host,
      port,
      url: `${tls ? "https" : "http"}://${host}:${port}/api2/json`,
      inventory,
      inject: (fault) => void faults.push({ fault, left: fault.times ?? Infinity }),
      clearFaults: () => void (faults = []),
      setLatency: (ms) => void (latencyMs = ms),
      expireTickets: () => tickets.clear(),
      requests: () => log,
      peakInFlight: () => peak,
      connections: () => connections,
      resetRequests: () => {
        log = []
        peak = inFlight
        connections = 0
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
