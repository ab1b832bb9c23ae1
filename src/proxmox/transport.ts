/**
 * An authenticated line to one endpoint: the host that answered (domain first, the IP when the
 * domain gives no HTTP answer at all), its auth headers, and `call` with per-request timeout,
 * a per-endpoint concurrency bound, and jittered retries for idempotent reads.
 */
import { type HttpClient, HttpClientRequest, type HttpClientResponse } from "@effect/platform"
import { Duration, Effect, Redacted, Schedule, Schema } from "effect"
import type { ProxmoxEndpoint } from "../domain/endpoint.ts"
import type { Credentials } from "./auth.ts"
import type { ProxmoxClientSettings } from "./config.ts"
import { ProxmoxApiError, ProxmoxAuthFailed, type ProxmoxError, ProxmoxUnreachable } from "./errors.ts"
import type { ProxmoxRequest } from "./ProxmoxClient.ts"

export interface Transport {
  readonly host: string
  readonly call: (req: ProxmoxRequest) => Effect.Effect<unknown, ProxmoxError>
}

/** PVE's envelope: `data`, and `message`/`errors` explaining failures. */
const Envelope = Schema.Struct({
  data: Schema.optional(Schema.Unknown),
  message: Schema.optional(Schema.String),
  errors: Schema.optional(Schema.Unknown)
})

const TicketData = Schema.Struct({ ticket: Schema.String, CSRFPreventionToken: Schema.String })

const TLS_FAILURE = /certificate|self[- ]signed|ssl|tls|fingerprint|CERT_|DEPTH_ZERO|UNABLE_TO_VERIFY/i

/** No answer or a busy answer; never a TLS failure (retrying cannot fix a certificate). */
const isTransient = (e: ProxmoxError) =>
  (e._tag === "ProxmoxUnreachable" && !TLS_FAILURE.test(e.reason)) ||
  (e._tag === "ProxmoxApiError" && [408, 429, 502, 503, 504].includes(e.status))

const reasonOf = (body: typeof Envelope.Type | undefined, fallback: string) => {
  if (body?.errors !== undefined && body.errors !== null) {
    return typeof body.errors === "string" ? body.errors : JSON.stringify(body.errors)
  }
  return body?.message?.trim() || fallback
}

const formValue = (v: unknown): string => (typeof v === "boolean" ? (v ? "1" : "0") : typeof v === "object" && v !== null ? JSON.stringify(v) : String(v))

type Auth = (r: HttpClientRequest.HttpClientRequest) => HttpClientRequest.HttpClientRequest

const lineTo = (
  settings: ProxmoxClientSettings,
  http: HttpClient.HttpClient,
  endpoint: ProxmoxEndpoint,
  host: string,
  mode: Credentials["mode"],
  permits: Effect.Semaphore
) => {
  const base = `${settings.scheme}://${host.includes(":") ? `[${host}]` : host}:${endpoint.port}/api2/json`
  const unreachable = (reason: string) => new ProxmoxUnreachable({ endpoint: endpoint.name, host, reason })

  return (req: ProxmoxRequest, auth: Auth): Effect.Effect<unknown, ProxmoxError> => {
    let request = HttpClientRequest.make(req.method)(base + req.path).pipe(HttpClientRequest.acceptJson, auth)
    for (const [k, v] of Object.entries(req.query ?? {})) {
      for (const one of typeof v === "string" ? [v] : v) request = HttpClientRequest.appendUrlParam(request, k, one)
    }
    if (req.body) {
      request = HttpClientRequest.bodyUrlParams(
        request,
        Object.entries(req.body).flatMap(([k, v]) => (v === undefined || v === null ? [] : Array.isArray(v) ? v.map((x) => [k, formValue(x)] as const) : [[k, formValue(v)] as const]))
      )
    }
    const timeout = req.timeout === undefined ? settings.requestTimeout : Duration.decode(req.timeout)

    const decodeBody = (res: HttpClientResponse.HttpClientResponse) =>
      res.json.pipe(Effect.flatMap(Schema.decodeUnknown(Envelope)), Effect.orElseSucceed(() => undefined))

    const once = http.execute(request).pipe(
      Effect.mapError((e) => unreachable(e.reason === "Transport" ? String(e.cause ?? e.message) : e.message)),
      Effect.flatMap((res) =>
        Effect.flatMap(decodeBody(res), (body): Effect.Effect<unknown, ProxmoxError> => {
          const apiError = (reason: string) =>
            new ProxmoxApiError({ endpoint: endpoint.name, method: req.method, path: req.path, status: res.status, reason })
          if (res.status === 401) {
            return Effect.fail(new ProxmoxAuthFailed({ endpoint: endpoint.name, host, mode, reason: reasonOf(body, "401 Unauthorized") }))
          }
          if (res.status < 200 || res.status >= 300) return Effect.fail(apiError(reasonOf(body, `HTTP ${res.status}`)))
          if (body === undefined) return Effect.fail(apiError("response is not a JSON envelope"))
          return Effect.succeed(body.data ?? null)
        })
      ),
      Effect.scoped,
      Effect.timeoutFail({ duration: timeout, onTimeout: () => unreachable(`no answer within ${Duration.format(timeout)}`) }),
      permits.withPermits(1)
    )
    // Only reads are retried: a write may have taken effect before the connection dropped.
    return req.method === "GET" && settings.retries > 0
      ? Effect.retry(once, {
        while: isTransient,
        schedule: Schedule.exponential(settings.retryBase).pipe(Schedule.jittered, Schedule.intersect(Schedule.recurs(settings.retries)))
      })
      : once
  }
}

/** Token: a header, probed with GET /version. Password: POST /access/ticket (the probe itself). */
const authenticate = (
  line: ReturnType<typeof lineTo>,
  creds: Credentials,
  endpoint: ProxmoxEndpoint,
  host: string
): Effect.Effect<Auth, ProxmoxError> => {
  if (creds.mode === "token") {
    const header = Redacted.value(creds.header)
    const auth: Auth = (r) => HttpClientRequest.setHeader(r, "Authorization", header)
    return Effect.as(line({ method: "GET", path: "/version" }, auth), auth)
  }
  return line({ method: "POST", path: "/access/ticket", body: { username: creds.username, password: Redacted.value(creds.password) } }, (r) => r).pipe(
    // PVE answers a wrong password with 401; older releases with 500 "authentication failure".
    Effect.catchIf((e): e is ProxmoxApiError => e._tag === "ProxmoxApiError" && /authentication failure/i.test(e.reason), (e) =>
      Effect.fail(new ProxmoxAuthFailed({ endpoint: endpoint.name, host, mode: "password", reason: e.reason }))),
    Effect.flatMap((data) =>
      Schema.decodeUnknown(TicketData)(data).pipe(
        Effect.mapError(() => new ProxmoxApiError({ endpoint: endpoint.name, method: "POST", path: "/access/ticket", status: 200, reason: "ticket missing from the answer" }))
      )
    ),
    Effect.map(({ CSRFPreventionToken, ticket }): Auth => (r) =>
      HttpClientRequest.setHeaders(r, {
        Cookie: `PVEAuthCookie=${encodeURIComponent(ticket)}`,
        ...(r.method === "GET" ? {} : { CSRFPreventionToken })
      })
    )
  )
}

export const openTransport = (
  settings: ProxmoxClientSettings,
  http: HttpClient.HttpClient,
  endpoint: ProxmoxEndpoint,
  creds: Credentials
): Effect.Effect<Transport, ProxmoxError> =>
  Effect.flatMap(Effect.makeSemaphore(settings.maxConcurrentPerEndpoint), (permits) => {
    const on = (host: string) => {
      const line = lineTo(settings, http, endpoint, host, creds.mode, permits)
      return Effect.map(authenticate(line, creds, endpoint, host), (auth): Transport => ({ host, call: (req) => line(req, auth) }))
    }
    const [first, ...rest] = endpoint.hosts
    return rest.reduce((attempt, host) => Effect.catchTag(attempt, "ProxmoxUnreachable", () => on(host)), on(first!))
  })
