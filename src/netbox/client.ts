/**
 * The NetBox REST client: one undici Agent per client (TLS switch local to it), a concurrency budget,
 * retries only where they are safe, typed errors, paginated reads that follow `next`, chunked bulk writes
 * and request counting.
 */
import { HttpClientRequest } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import * as Undici from "@effect/platform-node/Undici"
import { Duration, Effect, Redacted, Ref, Schedule, type Scope } from "effect"
import { authorizationHeader, type NetBoxToken } from "./auth.ts"
import {
  type NetBoxError,
  NetBoxAuthFailed,
  NetBoxNotFound,
  NetBoxRequestFailed,
  NetBoxUnavailable,
  NetBoxValidation
} from "./errors.ts"
import { apiPath, chunk, countKey, detailPath, followLink, type Query, queryString } from "./paths.ts"

export interface NetBoxClientOptions {
  /** `https://netbox.example.com` (a sub-path such as `/netbox` is kept); `/api/...` is appended. */
  readonly baseUrl: string
  readonly token: NetBoxToken
  readonly verifySsl?: boolean
  /** Requests in flight at once (NetBox's database pool is the usual bottleneck). Default 4. */
  readonly maxConcurrent?: number
  /** `limit` of list reads; NetBox caps it at MAX_PAGE_SIZE (1000 by default). Default 1000. */
  readonly pageSize?: number
  /** Items per bulk create or update request. Default 500. */
  readonly chunkSize?: number
  /**
   * Items per bulk delete request. Default 100: NetBox deletes (change log, cascades, tag clean-up) are the
   * slowest writes, about 80 ms per tag on 4.7, so 500 at once would run past the timeout.
   */
  readonly deleteChunkSize?: number
  /** Retries of safe requests, exponential from `retryBase` with jitter. Defaults 3 and 200 ms. */
  readonly retries?: number
  readonly retryBase?: Duration.DurationInput
  /** Per attempt. Default 120 s (the reference's PROXBOX_NETBOX_TIMEOUT). */
  readonly timeout?: Duration.DurationInput
  /**
   * Per attempt of a write. Default 300 s (or `timeout` if longer): giving up on a write NetBox is still applying leaves its outcome
   * unknown, so writes get longer than reads (a bulk create of 500 tags takes 15-20 s on NetBox 4.7).
   */
  readonly writeTimeout?: Duration.DurationInput
}

/** A NetBox object as the API returns it. Fields are left undecoded: the sync owns their meaning. */
export type NetBoxRecord = { readonly id: number; readonly [field: string]: unknown }
export type NetBoxPayload = Readonly<Record<string, unknown>>
export type Method = "GET" | "POST" | "PUT" | "PATCH" | "DELETE" | "OPTIONS"

export interface RequestOptions {
  readonly query?: Query
  readonly body?: unknown
  /** Whether repeating the request is harmless. Default: true for GET/PUT/PATCH/DELETE/OPTIONS, false for POST. */
  readonly idempotent?: boolean
}

export interface ListOptions {
  /** `?brief=true`: NetBox's minimal representation. */
  readonly brief?: boolean
  /** `?fields=a,b`: only these fields (NetBox ≥ 4.0). */
  readonly fields?: ReadonlyArray<string>
}

export interface NetBoxClientService {
  readonly baseUrl: string
  /** Any call; the answer body parsed as JSON (`null` for 204). `path` may carry a query string. */
  readonly request: (method: Method, path: string, options?: RequestOptions) => Effect.Effect<unknown, NetBoxError>
  /** Every object matching `query`, following `next` with `limit=pageSize` (never just the first page). */
  readonly list: (path: string, query?: Query, options?: ListOptions) => Effect.Effect<ReadonlyArray<NetBoxRecord>, NetBoxError>
  /** How many objects match, in one request. */
  readonly count: (path: string, query?: Query) => Effect.Effect<number, NetBoxError>
  readonly get: (path: string, id: number, options?: ListOptions) => Effect.Effect<NetBoxRecord, NetBoxError>
  /** Bulk create (list payloads, chunked); results in input order. */
  readonly create: (path: string, items: ReadonlyArray<NetBoxPayload>) => Effect.Effect<ReadonlyArray<NetBoxRecord>, NetBoxError>
  /** Bulk partial update; every item carries its `id`. Results in input order. */
  readonly update: (
    path: string,
    items: ReadonlyArray<NetBoxPayload & { readonly id: number }>
  ) => Effect.Effect<ReadonlyArray<NetBoxRecord>, NetBoxError>
  /** Bulk delete by id. */
  readonly delete: (path: string, ids: ReadonlyArray<number>) => Effect.Effect<void, NetBoxError>
  /** `GET /api/status/`. */
  readonly status: Effect.Effect<unknown, NetBoxError>
  /** `GET /api/schema/?format=json`: NetBox's OpenAPI document. */
  readonly openapi: Effect.Effect<unknown, NetBoxError>
  /** Requests sent (attempts, retries included), keyed `METHOD /api/path/{id}/`. */
  readonly requestCounts: Ref.Ref<ReadonlyMap<string, number>>
}

const SAFE_METHODS = new Set<Method>(["GET", "OPTIONS"])
const RETRYABLE_STATUS = new Set([429, 502, 503, 504])

const parseBody = (text: string): unknown => {
  if (text === "") return null
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

const detailOf = (body: unknown): string =>
  body && typeof body === "object" && typeof (body as { detail?: unknown }).detail === "string"
    ? (body as { detail: string }).detail
    : typeof body === "string" ? body.slice(0, 300) : JSON.stringify(body)

/** Where a bulk chunk sits in the caller's items: its first index, and its ids for PATCH/DELETE. */
interface ChunkPosition {
  readonly offset: number
  readonly ids?: ReadonlyArray<number>
}

const classify = (method: Method, path: string, status: number, body: unknown, at: ChunkPosition): NetBoxError => {
  if (status === 400) return new NetBoxValidation({ method, path, body, ...at })
  if (status === 401 || status === 403) return new NetBoxAuthFailed({ method, path, status, detail: detailOf(body) })
  if (status === 404) return new NetBoxNotFound({ method, path, detail: detailOf(body) })
  if (RETRYABLE_STATUS.has(status)) return new NetBoxUnavailable({ method, path, status, reason: detailOf(body) })
  return new NetBoxRequestFailed({ method, path, status, body })
}

/** Builds a client; the undici Agent lives as long as the scope. */
export const makeNetBoxClient = (options: NetBoxClientOptions): Effect.Effect<NetBoxClientService, never, Scope.Scope> =>
  Effect.gen(function*() {
    const maxConcurrent = options.maxConcurrent ?? 4
    const pageSize = options.pageSize ?? 1000
    const chunkSize = options.chunkSize ?? 500
    const deleteChunkSize = options.deleteChunkSize ?? 100
    const readTimeout = Duration.decode(options.timeout ?? "120 seconds")
    const writeTimeout = Duration.decode(options.writeTimeout ?? Duration.max(readTimeout, Duration.seconds(300)))
    const retrySchedule = Schedule.exponential(options.retryBase ?? "200 millis").pipe(
      Schedule.jittered,
      Schedule.intersect(Schedule.recurs(options.retries ?? 3))
    )
    const base = options.baseUrl.replace(/\/+$/, "")
    const origin = new URL(base).origin
    const authorization = authorizationHeader(options.token)

    const dispatcher = yield* Effect.acquireRelease(
      Effect.sync(() =>
        new Undici.Agent({
          connect: options.verifySsl === false ? { rejectUnauthorized: false } : {},
          connections: maxConcurrent
        })
      ),
      (d) => Effect.promise(() => d.destroy())
    )
    const http = NodeHttpClient.makeUndici(dispatcher)
    const permits = yield* Effect.makeSemaphore(maxConcurrent)
    const requestCounts = yield* Ref.make<ReadonlyMap<string, number>>(new Map())

    /** One attempt. `target` is `/api/...` (relative to the base) or an absolute-path `next` link. */
    const attempt = (method: Method, target: string, url: string, body: unknown, at: ChunkPosition) => {
      const timeout = SAFE_METHODS.has(method) ? readTimeout : writeTimeout
      return Ref.update(requestCounts, (m) => {
        const key = countKey(method, target)
        return new Map(m).set(key, (m.get(key) ?? 0) + 1)
      }).pipe(
        Effect.zipRight(
          http.execute(
            HttpClientRequest.make(method)(url).pipe(
              HttpClientRequest.setHeader("authorization", Redacted.value(authorization)),
              HttpClientRequest.acceptJson,
              body === undefined ? (r) => r : HttpClientRequest.bodyUnsafeJson(body)
            )
          )
        ),
        Effect.flatMap((res) => Effect.map(res.text, (text) => ({ status: res.status, body: parseBody(text) }))),
        Effect.timeoutFail({
          duration: timeout,
          onTimeout: () => new NetBoxUnavailable({ method, path: target, reason: `timed out after ${Duration.format(timeout)}` })
        }),
        Effect.catchTags({
          RequestError: (e) => Effect.fail(new NetBoxUnavailable({ method, path: target, reason: e.message })),
          ResponseError: (e) => Effect.fail(new NetBoxUnavailable({ method, path: target, status: e.response.status, reason: e.message }))
        }),
        Effect.flatMap(({ body, status }): Effect.Effect<unknown, NetBoxError> =>
          status >= 200 && status < 300 ? Effect.succeed(body) : Effect.fail(classify(method, target, status, body, at))
        ),
        permits.withPermits(1)
      )
    }

    /** Reads retry on any unavailability; idempotent writes only on 429/502/503/504 (the request was not applied). */
    const send = (method: Method, target: string, opts: RequestOptions & { readonly at?: ChunkPosition } = {}) => {
      const url = target.startsWith("/api/") ? `${base}${target}` : `${origin}${target}`
      const idempotent = opts.idempotent ?? method !== "POST"
      return attempt(method, target, url, opts.body, opts.at ?? { offset: 0 }).pipe(
        Effect.retry({
          schedule: retrySchedule,
          while: (e) =>
            e._tag === "NetBoxUnavailable" &&
            (SAFE_METHODS.has(method) || (idempotent && e.status !== undefined && RETRYABLE_STATUS.has(e.status)))
        })
      )
    }

    const withQuery = (path: string, query: Query | undefined) => {
      const p = apiPath(path)
      const qs = queryString(query)
      return qs === "" ? p : p.includes("?") ? `${p}&${qs.slice(1)}` : `${p}${qs}`
    }

    const selection = (options: ListOptions | undefined): Query => ({
      ...(options?.brief ? { brief: "true" } : {}),
      ...(options?.fields ? { fields: options.fields.join(",") } : {})
    })

    interface Page {
      readonly count: number
      readonly next: string | null
      readonly results: ReadonlyArray<NetBoxRecord>
    }

    const list: NetBoxClientService["list"] = (path, query, options) =>
      Effect.gen(function*() {
        const out: Array<NetBoxRecord> = []
        let target: string | null = withQuery(path, { limit: pageSize, ...query, ...selection(options) })
        while (target !== null) {
          const page = (yield* send("GET", target)) as Page
          out.push(...page.results)
          target = page.next ? followLink(page.next) : null
        }
        return out
      })

    const bulk = <A extends object>(method: "POST" | "PATCH" | "DELETE", path: string, items: ReadonlyArray<A>) => {
      const size = method === "DELETE" ? deleteChunkSize : chunkSize
      return Effect.forEach(
        chunk(items, size),
        (part, i) => {
          const ids = method === "POST" ? undefined : part.map((p) => Number((p as { id?: unknown }).id))
          return send(method, apiPath(path), { body: part, at: ids ? { offset: i * size, ids } : { offset: i * size } })
        },
        { concurrency: 1 }
      )
    }

    return {
      baseUrl: base,
      request: (method, path, opts) => send(method, withQuery(path, opts?.query), { ...opts }),
      list,
      count: (path, query) => send("GET", withQuery(path, { ...query, limit: 1 })).pipe(Effect.map((p) => (p as Page).count)),
      get: (path, id, options) =>
        send("GET", withQuery(detailPath(path, id), selection(options))).pipe(Effect.map((r) => r as NetBoxRecord)),
      create: (path, items) => bulk("POST", path, items).pipe(Effect.map((parts) => parts.flatMap((p) => p as Array<NetBoxRecord>))),
      // NetBox answers a bulk update in the model's ordering, not the request's.
      update: (path, items) =>
        bulk("PATCH", path, items).pipe(Effect.map((parts) => {
          const byId = new Map(parts.flatMap((p) => p as Array<NetBoxRecord>).map((r) => [r.id, r]))
          return items.map((item) => byId.get(item.id)!)
        })),
      delete: (path, ids) => bulk("DELETE", path, ids.map((id) => ({ id }))).pipe(Effect.asVoid),
      status: send("GET", "/api/status/"),
      openapi: send("GET", "/api/schema/?format=json"),
      requestCounts
    }
  })
