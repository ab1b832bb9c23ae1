/**
 * An in-process NetBox for tests and benchmarks: a real HTTP server on an ephemeral 127.0.0.1 port, started
 * as a scoped Layer, serving the REST subset the sync needs (models.ts) with NetBox's envelope, filters, bulk
 * operations, error bodies and token auth. It counts requests and can add latency, inject faults, or hold a
 * request until the test lets it through.
 * The contract suite in test/netbox-contract runs against it and against a real NetBox.
 */
import { Context, Effect, Layer } from "effect"
import { randomBytes } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { AddressInfo } from "node:net"
import { NetBoxClient, type Tuning } from "../../netbox/NetBoxClient.ts"
import { countKey } from "../../netbox/paths.ts"
import { CORE_MODELS, PLUGIN_MODELS } from "./models.ts"
import { makeHandler, type Settings, type SimulatorToken } from "./server.ts"
import { Store } from "./store.ts"

export interface NetBoxSimulatorOptions {
  /** Reported by /api/status/. Default "4.7.3". */
  readonly version?: string
  /** Default page size (PAGINATE_COUNT). Default 50. */
  readonly pageSize?: number
  /** MAX_PAGE_SIZE. Default 1000. */
  readonly maxPageSize?: number
  /** Serve the netbox-proxbox plugin models under /api/plugins/proxbox/. Default true. */
  readonly plugin?: boolean
  /** Extra tokens besides the generated v1 and v2 ones (e.g. read-only ones). */
  readonly tokens?: ReadonlyArray<SimulatorToken>
  /** Added to every request, in milliseconds. */
  readonly latencyMs?: number
}

/** Which requests a fault or hold applies to. */
export interface Match {
  readonly method?: string
  /** Prefix of the path, e.g. `/api/dcim/sites/`. Default: every path. */
  readonly path?: string
}

/** A scripted failure for the next `times` requests matching method and path prefix. */
export interface Fault extends Match {
  /** Answer with this status (and body), or drop the connection without an answer. */
  readonly status?: number
  readonly body?: unknown
  readonly reset?: boolean
  /** Default 1. */
  readonly times?: number
}

/** A request held on arrival (received and counted, not yet applied): a test's window on a write in flight. */
export interface Hold {
  /** Completes once the held request has arrived. */
  readonly arrived: Effect.Effect<void>
  /** Lets the request through; completes once it has been applied and answered. */
  readonly release: Effect.Effect<void>
}

export interface NetBoxSimulatorService {
  /** `http://127.0.0.1:<port>` */
  readonly url: string
  /** `nbt_<key>.<secret>`, for `Authorization: Bearer ...`. */
  readonly tokenV2: string
  /** The 40-character v1 token, for `Authorization: Token ...`. */
  readonly tokenV1: string
  /** Requests received, keyed `METHOD /api/path/{id}/` (same keys as the client's counts). */
  readonly requestCounts: Effect.Effect<ReadonlyMap<string, number>>
  readonly resetRequestCounts: Effect.Effect<void>
  readonly injectFault: (fault: Fault) => Effect.Effect<void>
  readonly setLatency: (ms: number) => Effect.Effect<void>
  /** Holds the next request matching `match` until released. */
  readonly hold: (match: Match) => Effect.Effect<Hold>
  /** The simulator's database, for seeding and inspection without HTTP. */
  readonly store: Store
}

export class NetBoxSimulator extends Context.Tag("proxbox/testing/NetBoxSimulator")<NetBoxSimulator, NetBoxSimulatorService>() {
  static readonly layer = (options: NetBoxSimulatorOptions = {}) => Layer.scoped(NetBoxSimulator, make(options))

  /** A NetBoxClient (v2 token) pointed at the simulator. */
  static readonly client = (tuning: Tuning = {}) =>
    Layer.unwrapEffect(Effect.map(NetBoxSimulator, (sim) => NetBoxClient.layerUrl(sim.url, sim.tokenV2, tuning)))

  /** The simulator and a client for it, in one layer. */
  static readonly layerWithClient = (options: NetBoxSimulatorOptions = {}, tuning: Tuning = {}) =>
    NetBoxSimulator.client(tuning).pipe(Layer.provideMerge(NetBoxSimulator.layer(options)))
}

/** A fresh NetBox 4.7.3 with netbox-proxbox 0.0.29 holds these two custom fields (the plugin's migrations make them). */
const PLUGIN_FIELDS = [
  { name: "proxmox_node", label: "Proxmox target node" },
  { name: "proxmox_storage", label: "Proxmox storage pool" }
]

const seedPluginFields = (store: Store) => {
  const model = store.byType.get("extras.customfield")!
  for (const f of PLUGIN_FIELDS) {
    const r = store.validate(model, { ...f, type: "text", object_types: ["virtualization.virtualmachine"], search_weight: 0 })
    if (r._tag === "ok") store.insert(model, r.value)
  }
}

const readBody = (req: IncomingMessage) =>
  new Promise<string>((resolve, reject) => {
    const chunks: Array<Buffer> = []
    req.on("data", (c: Buffer) => chunks.push(c))
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")))
    req.on("error", reject)
  })

const make = (options: NetBoxSimulatorOptions) =>
  Effect.gen(function*() {
    const v2 = { key: randomBytes(6).toString("hex"), secret: randomBytes(20).toString("hex") }
    const v1 = randomBytes(20).toString("hex")
    const settings: Settings = {
      version: options.version ?? "4.7.3",
      pageSize: options.pageSize ?? 50,
      maxPageSize: options.maxPageSize ?? 1000,
      plugin: options.plugin ?? true,
      tokens: [{ version: "v2", key: v2.key, secret: v2.secret }, { version: "v1", key: v1 }, ...(options.tokens ?? [])]
    }
    let url = ""
    let latencyMs = options.latencyMs ?? 0
    const counts = new Map<string, number>()
    const faults: Array<Fault & { left: number }> = []
    const holds: Array<Match & { readonly arrive: () => void; readonly gate: Promise<void>; readonly answered: () => void }> = []
    const matches = (m: Match, method: string, path: string) => (!m.method || m.method === method) && path.startsWith(m.path ?? "/")
    const store = new Store([...CORE_MODELS, ...(settings.plugin ? PLUGIN_MODELS : [])], () => url)
    if (settings.plugin) seedPluginFields(store)
    const handle = makeHandler(store, settings, () => url)

    const serve = async (req: IncomingMessage, res: ServerResponse) => {
      const method = req.method ?? "GET"
      const target = new URL(req.url ?? "/", "http://127.0.0.1")
      const key = countKey(method, target.pathname)
      counts.set(key, (counts.get(key) ?? 0) + 1)
      const text = await readBody(req)
      if (latencyMs > 0) await new Promise((r) => setTimeout(r, latencyMs))
      const held = holds.findIndex((h) => matches(h, method, target.pathname))
      if (held >= 0) {
        const [h] = holds.splice(held, 1)
        res.once("finish", h!.answered)
        h!.arrive()
        await h!.gate
      }
      const fault = faults.find((f) => f.left > 0 && matches(f, method, target.pathname))
      if (fault) {
        fault.left -= 1
        if (fault.reset) return void req.socket.destroy()
        res.writeHead(fault.status ?? 503, { "content-type": "application/json" })
        return void res.end(JSON.stringify(fault.body ?? { detail: "Service unavailable (injected)" }))
      }
      let body: unknown = undefined
      if (text !== "") {
        try {
          body = JSON.parse(text)
        } catch (e) {
          res.writeHead(400, { "content-type": "application/json" })
          return void res.end(JSON.stringify({ detail: `JSON parse error - ${(e as Error).message}` }))
        }
      }
      const reply = target.pathname.startsWith("/api/")
        ? handle(method, target, req.headers.authorization, body)
        : { status: 404, body: { detail: "Not found." } }
      res.writeHead(reply.status, { "content-type": "application/json", "api-version": settings.version.split(".").slice(0, 2).join(".") })
      res.end(reply.body === undefined ? "" : JSON.stringify(reply.body))
    }

    const server = yield* Effect.acquireRelease(
      Effect.async<ReturnType<typeof createServer>>((resume) => {
        const s = createServer((req, res) => {
          serve(req, res).catch((e: unknown) => {
            res.writeHead(500, { "content-type": "application/json" })
            res.end(JSON.stringify({ error: String(e), exception: "SimulatorError" }))
          })
        })
        s.listen(0, "127.0.0.1", () => resume(Effect.succeed(s)))
      }),
      (s) => Effect.async<void>((resume) => {
        s.closeAllConnections()
        s.close(() => resume(Effect.void))
      })
    )
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

    return {
      url,
      tokenV2: `nbt_${v2.key}.${v2.secret}`,
      tokenV1: v1,
      requestCounts: Effect.sync(() => new Map(counts)),
      resetRequestCounts: Effect.sync(() => counts.clear()),
      injectFault: (fault) => Effect.sync(() => void faults.push({ ...fault, left: fault.times ?? 1 })),
      setLatency: (ms) => Effect.sync(() => void (latencyMs = ms)),
      hold: (match) =>
        Effect.sync(() => {
          const signal = () => {
            let done!: () => void
            const promise = new Promise<void>((resolve) => (done = resolve))
            return { promise, done }
          }
          const arrived = signal()
          const gate = signal()
          const answered = signal()
          holds.push({ ...match, arrive: arrived.done, gate: gate.promise, answered: answered.done })
          return {
            arrived: Effect.promise(() => arrived.promise),
            release: Effect.zipRight(Effect.sync(gate.done), Effect.promise(() => answered.promise))
          } satisfies Hold
        }),
      store
    } satisfies NetBoxSimulatorService
  })
