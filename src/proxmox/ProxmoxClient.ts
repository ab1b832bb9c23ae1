/**
 * The Proxmox VE client. `connect(endpoint)` authenticates (API token or ticket), learns the
 * version and whether the endpoint is a cluster, a standalone host or a restricted user, and
 * returns a `ProxmoxSession` whose reads are bounded per endpoint, time-limited and retried when
 * transient. Sessions are cached per endpoint record (an edited record reconnects) for
 * `sessionTtl`, so a route does not pay ticket + version + status on every request.
 */
import { HttpClient, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import { Cache, Context, Duration, Effect, Exit, Layer, Redacted, Schedule, Schema } from "effect"
import type { ProxmoxEndpoint } from "../domain/endpoint.ts"
import { type Credentials, credentialsOf } from "./auth.ts"
import { ProxmoxClientConfig, type ProxmoxClientSettings } from "./config.ts"
import { ProxmoxApiError, ProxmoxAuthFailed, type ProxmoxError, ProxmoxUnreachable } from "./errors.ts"
import { ProxmoxHttp } from "./ProxmoxHttp.ts"
import { ClusterStatusItem, Version } from "./schemas.ts"

export type SessionMode = "cluster" | "standalone" | "restricted"

export type Query = Readonly<Record<string, string | number | boolean | undefined>>

export interface ProxmoxSession {
  readonly endpoint: ProxmoxEndpoint
  /** The host that answered (the domain, or the IP after falling back). */
  readonly host: string
  /** Cluster name; the node name of a standalone host; domain or IP when restricted. */
  readonly name: string
  readonly mode: SessionMode
  readonly authMode: Credentials["mode"]
  readonly version: Version
  /** GET /cluster/status as read at connect time; empty when restricted. */
  readonly status: ReadonlyArray<ClusterStatusItem>
  /** Node names known from the status (all members of a cluster, or the standalone node). */
  readonly nodeNames: ReadonlyArray<string>
  /** GET `path` (relative to /api2/json), the `data` of the envelope as it came. */
  readonly get: (path: string, query?: Query) => Effect.Effect<unknown, ProxmoxError>
  /** GET and decode with a (tolerant) Schema; an undecodable body is a ProxmoxApiError. */
  readonly read: <A, I>(schema: Schema.Schema<A, I>, path: string, query?: Query) => Effect.Effect<A, ProxmoxError>
}

/** Data envelope PVE wraps every answer in; `message`/`errors` explain failures. */
const Envelope = Schema.Struct({
  data: Schema.optional(Schema.Unknown),
  message: Schema.optional(Schema.String),
  errors: Schema.optional(Schema.Unknown)
})

const TicketData = Schema.Struct({ ticket: Schema.String, CSRFPreventionToken: Schema.String })

const isTransient = (e: ProxmoxError) =>
  e._tag === "ProxmoxUnreachable" || (e._tag === "ProxmoxApiError" && [408, 429, 502, 503, 504].includes(e.status))

const reasonOf = (body: typeof Envelope.Type | undefined, fallback: string) => {
  if (body?.errors !== undefined && body.errors !== null) {
    return typeof body.errors === "string" ? body.errors : JSON.stringify(body.errors)
  }
  return body?.message?.trim() || fallback
}

/** One connection attempt's plumbing for a host: URL prefix, auth headers, error mapping. */
const makeCaller = (
  settings: ProxmoxClientSettings,
  http: HttpClient.HttpClient,
  endpoint: ProxmoxEndpoint,
  host: string,
  permits: Effect.Semaphore
) => {
  const base = `${settings.scheme}://${host.includes(":") ? `[${host}]` : host}:${endpoint.port}/api2/json`
  const unreachable = (reason: string) => new ProxmoxUnreachable({ endpoint: endpoint.name, host, reason })

  return (
    method: "GET" | "POST",
    path: string,
    opts: { readonly query?: Query | undefined; readonly form?: Record<string, string>; readonly auth: (r: HttpClientRequest.HttpClientRequest) => HttpClientRequest.HttpClientRequest; readonly authMode: Credentials["mode"] }
  ): Effect.Effect<unknown, ProxmoxError> => {
    const rel = path.startsWith("/") ? path : `/${path}`
    let request = HttpClientRequest.make(method)(base + rel).pipe(HttpClientRequest.acceptJson, opts.auth)
    if (opts.query) {
      for (const [k, v] of Object.entries(opts.query)) {
        if (v !== undefined) request = HttpClientRequest.setUrlParam(request, k, typeof v === "boolean" ? (v ? "1" : "0") : String(v))
      }
    }
    if (opts.form) request = HttpClientRequest.bodyUrlParams(request, opts.form)

    const decodeBody = (res: HttpClientResponse.HttpClientResponse) =>
      res.json.pipe(
        Effect.flatMap(Schema.decodeUnknown(Envelope)),
        Effect.orElseSucceed(() => undefined)
      )

    const once = http.execute(request).pipe(
      Effect.mapError((e) => unreachable(e.reason === "Transport" ? String(e.cause ?? e.message) : e.message)),
      Effect.flatMap((res) =>
        Effect.flatMap(decodeBody(res), (body): Effect.Effect<unknown, ProxmoxError> => {
          if (res.status === 401) {
            return Effect.fail(new ProxmoxAuthFailed({ endpoint: endpoint.name, host, mode: opts.authMode, reason: reasonOf(body, "401 Unauthorized") }))
          }
          if (res.status < 200 || res.status >= 300) {
            return Effect.fail(new ProxmoxApiError({ endpoint: endpoint.name, method, path: rel, status: res.status, reason: reasonOf(body, `HTTP ${res.status}`) }))
          }
          if (body === undefined) {
            return Effect.fail(new ProxmoxApiError({ endpoint: endpoint.name, method, path: rel, status: res.status, reason: "response is not a JSON envelope" }))
          }
          return Effect.succeed(body.data ?? null)
        })
      ),
      Effect.scoped,
      Effect.timeoutFail({
        duration: settings.requestTimeout,
        onTimeout: () => unreachable(`no answer within ${Duration.format(settings.requestTimeout)}`)
      }),
      permits.withPermits(1)
    )
    // Only reads are retried: a POST may have taken effect before the connection dropped.
    return method === "GET" && settings.retries > 0
      ? Effect.retry(once, {
        while: isTransient,
        schedule: Schedule.exponential(settings.retryBase).pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(settings.retries)))
      })
      : once
  }
}

type Caller = ReturnType<typeof makeCaller>

/** Authenticate on one host; a ticket when there is no token. */
const authenticate = (call: Caller, creds: Credentials, endpoint: string, host: string) => {
  if (creds.mode === "token") {
    const header = Redacted.value(creds.header)
    return Effect.succeed((r: HttpClientRequest.HttpClientRequest) => HttpClientRequest.setHeader(r, "Authorization", header))
  }
  return call("POST", "/access/ticket", {
    form: { username: creds.username, password: Redacted.value(creds.password) },
    auth: (r) => r,
    authMode: "password"
  }).pipe(
    // PVE answers a wrong password with 401; older releases with 500 "authentication failure".
    Effect.catchIf((e): e is ProxmoxApiError => e._tag === "ProxmoxApiError" && /authentication failure/i.test(e.reason), (e) =>
      Effect.fail(new ProxmoxAuthFailed({ endpoint, host, mode: "password", reason: e.reason }))),
    Effect.flatMap((data) =>
      Schema.decodeUnknown(TicketData)(data).pipe(
        Effect.mapError(() => new ProxmoxApiError({ endpoint, method: "POST", path: "/access/ticket", status: 200, reason: "ticket missing from the answer" }))
      )
    ),
    Effect.map(({ CSRFPreventionToken, ticket }) => (r: HttpClientRequest.HttpClientRequest) =>
      HttpClientRequest.setHeaders(r, {
        Cookie: `PVEAuthCookie=${encodeURIComponent(ticket)}`,
        ...(r.method === "GET" ? {} : { CSRFPreventionToken })
      })
    )
  )
}

/** Cluster name from a `cluster` row; else the standalone node (the local one when marked). */
export const sessionIdentity = (
  status: ReadonlyArray<ClusterStatusItem>,
  fallbackName: string
): { readonly mode: SessionMode; readonly name: string; readonly nodeNames: ReadonlyArray<string> } => {
  const nodes = status.filter((s) => s.type === "node").map((s) => s.name)
  const cluster = status.find((s) => s.type === "cluster")
  if (cluster) return { mode: "cluster", name: cluster.name, nodeNames: nodes }
  const local = status.find((s) => s.type === "node" && s.local === 1) ?? status.find((s) => s.type === "node")
  return local ? { mode: "standalone", name: local.name, nodeNames: nodes } : { mode: "restricted", name: fallbackName, nodeNames: [] }
}

const connectHost = (
  settings: ProxmoxClientSettings,
  http: HttpClient.HttpClient,
  endpoint: ProxmoxEndpoint,
  creds: Credentials,
  host: string
) =>
  Effect.gen(function*() {
    const permits = yield* Effect.makeSemaphore(settings.maxConcurrentPerEndpoint)
    const call = makeCaller(settings, http, endpoint, host, permits)
    const auth = yield* authenticate(call, creds, endpoint.name, host)
    const get = (path: string, query?: Query) => call("GET", path, { query, auth, authMode: creds.mode })
    const read = <A, I>(schema: Schema.Schema<A, I>, path: string, query?: Query) =>
      get(path, query).pipe(
        Effect.flatMap((data) =>
          Schema.decodeUnknown(schema)(data).pipe(
            Effect.mapError((e) => new ProxmoxApiError({ endpoint: endpoint.name, method: "GET", path, status: 200, reason: `unexpected body: ${e.message}` }))
          )
        )
      )
    const version = yield* read(Version, "/version")
    // A user without Sys.Audit on / cannot read the status: still usable, in restricted mode.
    const status = yield* read(Schema.Array(ClusterStatusItem), "/cluster/status").pipe(
      Effect.catchIf((e) => e._tag === "ProxmoxApiError" && e.isPermissionDenied, () => Effect.succeed([]))
    )
    const identity = sessionIdentity(status, endpoint.domain ?? endpoint.hosts[endpoint.hosts.length - 1]!)
    return { endpoint, host, authMode: creds.mode, version, status, get, read, ...identity } satisfies ProxmoxSession
  })

export class ProxmoxClient extends Context.Tag("proxbox/ProxmoxClient")<ProxmoxClient, {
  /** A connected session for this endpoint, reused while fresh. */
  readonly connect: (endpoint: ProxmoxEndpoint) => Effect.Effect<ProxmoxSession, ProxmoxError>
  /** Forget the cached session (after an auth failure or an endpoint edit/delete). */
  readonly invalidate: (endpoint: ProxmoxEndpoint) => Effect.Effect<void>
}>() {
  static readonly layerWithoutDependencies = Layer.effect(
    ProxmoxClient,
    Effect.gen(function*() {
      const settings = yield* ProxmoxClientConfig
      const { client } = yield* ProxmoxHttp

      // Domain first, the IP when the domain gives no HTTP answer at all (an HTTP error is final).
      const open = (endpoint: ProxmoxEndpoint): Effect.Effect<ProxmoxSession, ProxmoxError> => {
        const creds = credentialsOf(endpoint)
        if (creds === null) {
          return Effect.fail(new ProxmoxAuthFailed({ endpoint: endpoint.name, host: endpoint.hosts[0]!, mode: "password", reason: "no password and no complete API token stored" }))
        }
        const [first, ...rest] = endpoint.hosts
        return rest.reduce<Effect.Effect<ProxmoxSession, ProxmoxError>>(
          (attempt, host) => Effect.catchTag(attempt, "ProxmoxUnreachable", () => connectHost(settings, client(endpoint.verify_ssl), endpoint, creds, host)),
          connectHost(settings, client(endpoint.verify_ssl), endpoint, creds, first!)
        )
      }

      const cache = yield* Cache.makeWith({
        capacity: 1024,
        lookup: open,
        timeToLive: (exit) => (Exit.isSuccess(exit) ? settings.sessionTtl : Duration.zero)
      })
      return {
        connect: (endpoint) =>
          cache.get(endpoint).pipe(
            // A cached ticket may have expired or the password changed: reconnect once.
            Effect.map((session) => withReconnect(session, () => cache.invalidate(endpoint).pipe(Effect.zipRight(cache.get(endpoint)))))
          ),
        invalidate: (endpoint) => cache.invalidate(endpoint)
      }
    })
  )

  static readonly layer = ProxmoxClient.layerWithoutDependencies.pipe(
    Layer.provide(ProxmoxHttp.layer),
    Layer.provideMerge(ProxmoxClientConfig.layer)
  )
}

/** Reads that fail with 401 on a cached session reconnect once and retry on the fresh session. */
const withReconnect = (
  session: ProxmoxSession,
  reconnect: () => Effect.Effect<ProxmoxSession, ProxmoxError>
): ProxmoxSession => ({
  ...session,
  get: (path, query) =>
    session.get(path, query).pipe(Effect.catchTag("ProxmoxAuthFailed", () => Effect.flatMap(reconnect(), (s) => s.get(path, query)))),
  read: (schema, path, query) =>
    session.read(schema, path, query).pipe(Effect.catchTag("ProxmoxAuthFailed", () => Effect.flatMap(reconnect(), (s) => s.read(schema, path, query))))
})
