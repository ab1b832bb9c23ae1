/**
 * The Proxmox VE client. Everything is built on one primitive, `request(endpoint, req)`: a call
 * through the endpoint's cached transport (chosen host + API token or ticket), returning the `data`
 * of PVE's envelope. `connect(endpoint)` derives the session identity (version; cluster, standalone
 * or restricted; name; nodes) from `request`, so `layerTest(handler)` is a complete client.
 */
import { Cache, Context, Duration, Effect, Exit, Layer, Schema } from "effect"
import type { ProxmoxEndpoint } from "../domain/endpoint.ts"
import { credentialsOf } from "./auth.ts"
import { ProxmoxClientConfig } from "./config.ts"
import { ProxmoxApiError, ProxmoxAuthFailed, type ProxmoxError } from "./errors.ts"
import { ProxmoxHttp } from "./ProxmoxHttp.ts"
import { ClusterStatusItem, Version } from "./schemas.ts"
import { openTransport, type Transport } from "./transport.ts"

export type SessionMode = "cluster" | "standalone" | "restricted"

export interface ProxmoxRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  /** Relative to /api2/json, starts with "/". */
  readonly path: string
  readonly query?: Readonly<Record<string, string | ReadonlyArray<string>>>
  readonly body?: Readonly<Record<string, unknown>>
  readonly timeout?: Duration.DurationInput
}

export type RequestFn = (endpoint: ProxmoxEndpoint, req: ProxmoxRequest) => Effect.Effect<unknown, ProxmoxError>

/** Query values as callers have them; undefined entries are left out. */
export type Query = Readonly<Record<string, string | number | boolean | undefined>>

export interface ProxmoxSession {
  readonly endpoint: ProxmoxEndpoint
  /** The host that answered (the domain, or the IP after falling back). */
  readonly host: string
  /** Cluster name; the node name of a standalone host; domain or IP when restricted. */
  readonly name: string
  readonly mode: SessionMode
  readonly version: Version
  /** GET /cluster/status as read at connect time; empty when restricted. */
  readonly status: ReadonlyArray<ClusterStatusItem>
  /** Node names known from the status (all members of a cluster, or the standalone node). */
  readonly nodeNames: ReadonlyArray<string>
  /** GET `path`, the `data` of the envelope as it came. */
  readonly get: (path: string, query?: Query) => Effect.Effect<unknown, ProxmoxError>
  /** GET and decode with a (tolerant) Schema; an undecodable body is a ProxmoxApiError. */
  readonly read: <A, I>(schema: Schema.Schema<A, I>, path: string, query?: Query) => Effect.Effect<A, ProxmoxError>
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

const toQuery = (q: Query | undefined): Record<string, string> | undefined =>
  q === undefined
    ? undefined
    : Object.fromEntries(
      Object.entries(q).flatMap(([k, v]) => (v === undefined ? [] : [[k, typeof v === "boolean" ? (v ? "1" : "0") : String(v)]]))
    )

/** The session of an endpoint, every read going through `request`. */
const makeSession = (request: RequestFn, endpoint: ProxmoxEndpoint, host: string) =>
  Effect.gen(function*() {
    const get = (path: string, query?: Query) => {
      const q = toQuery(query)
      return request(endpoint, { method: "GET", path, ...(q ? { query: q } : {}) })
    }
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
    return { endpoint, host, version, status, get, read, ...identity } satisfies ProxmoxSession
  })

export interface ProxmoxClientService {
  /** Any verb, through the endpoint's cached, authenticated transport. */
  readonly request: RequestFn
  /** The endpoint's session (identity + reads), reused for `sessionTtl`. */
  readonly connect: (endpoint: ProxmoxEndpoint) => Effect.Effect<ProxmoxSession, ProxmoxError>
  /** Forget cached transport and session (after an endpoint edit or delete). */
  readonly invalidate: (endpoint: ProxmoxEndpoint) => Effect.Effect<void>
}

/** Sessions cached per endpoint record (an edited record is another key); failures are not cached. */
const withSessions = (
  request: RequestFn,
  hostOf: (endpoint: ProxmoxEndpoint) => Effect.Effect<string, ProxmoxError>,
  ttl: Duration.Duration,
  forget: (endpoint: ProxmoxEndpoint) => Effect.Effect<void>
) =>
  Effect.map(
    Cache.makeWith({
      capacity: 1024,
      lookup: (endpoint: ProxmoxEndpoint) => Effect.flatMap(hostOf(endpoint), (host) => makeSession(request, endpoint, host)),
      timeToLive: (exit) => (Exit.isSuccess(exit) ? ttl : Duration.zero)
    }),
    (sessions): ProxmoxClientService => ({
      request,
      connect: (endpoint) => sessions.get(endpoint),
      invalidate: (endpoint) => Effect.zipRight(sessions.invalidate(endpoint), forget(endpoint))
    })
  )

export class ProxmoxClient extends Context.Tag("proxbox/ProxmoxClient")<ProxmoxClient, ProxmoxClientService>() {
  static readonly layerWithoutDependencies = Layer.effect(
    ProxmoxClient,
    Effect.gen(function*() {
      const settings = yield* ProxmoxClientConfig
      const http = yield* ProxmoxHttp
      // A transport lives until its ticket is due for renewal (PVE tickets expire after 2 h).
      const transports = yield* Cache.makeWith({
        capacity: 1024,
        lookup: (endpoint: ProxmoxEndpoint): Effect.Effect<Transport, ProxmoxError> => {
          const creds = credentialsOf(endpoint)
          return creds === null
            ? Effect.fail(new ProxmoxAuthFailed({ endpoint: endpoint.name, host: endpoint.hosts[0]!, mode: "password", reason: "no password and no complete API token stored" }))
            : openTransport(settings, http.client(endpoint), endpoint, creds)
        },
        timeToLive: (exit) => (Exit.isSuccess(exit) ? settings.ticketRenewal : Duration.zero)
      })
      // A 401 on a cached transport (ticket revoked, password changed): log in again once.
      const request: RequestFn = (endpoint, req) =>
        Effect.flatMap(transports.get(endpoint), (t) => t.call(req)).pipe(
          Effect.catchTag("ProxmoxAuthFailed", () =>
            transports.invalidate(endpoint).pipe(
              Effect.zipRight(transports.get(endpoint)),
              Effect.flatMap((t) => t.call(req))
            ))
        )
      return yield* withSessions(
        request,
        (endpoint) => Effect.map(transports.get(endpoint), (t) => t.host),
        settings.sessionTtl,
        (endpoint) => transports.invalidate(endpoint)
      )
    })
  )

  static readonly layer = ProxmoxClient.layerWithoutDependencies.pipe(
    Layer.provide(ProxmoxHttp.layer),
    Layer.provideMerge(ProxmoxClientConfig.layer)
  )

  /** Every call goes to `handler`; sessions and typed reads are derived from it (not cached). */
  static readonly layerTest = (handler: RequestFn): Layer.Layer<ProxmoxClient> =>
    Layer.effect(ProxmoxClient, withSessions(handler, (e) => Effect.succeed(e.hosts[0]!), Duration.zero, () => Effect.void))
}
