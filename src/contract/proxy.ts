/**
 * Serving a generated route: `/proxmox/api2/<tag>/<proxmox path>` (and `/proxmox/api2/<proxmox path>`
 * for `latest`): match, check the request, pick the endpoint, forward, check the answer.
 * A response that does not fit the contract is logged and returned as it came: Proxmox's data is
 * the truth, the contract a description of it.
 */
import { HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Effect, Either, ParseResult } from "effect"
import { type BadRequest, badRequest, NotFound, UpstreamError } from "../domain/errors.ts"
import type { ProxmoxError } from "../proxmox/errors.ts"
import { ProxmoxClient, type ProxmoxRequest } from "../proxmox/ProxmoxClient.ts"
import { ALIAS_VERSION_TAG, GeneratedRoutes, type MountedVersion } from "./GeneratedRoutes.ts"
import type { Operation } from "./operation.ts"
import { proxyDocument } from "./proxyDocument.ts"
import { selectEndpoint, type TargetSelector } from "./target.ts"

export const PROXY_PREFIX = "/proxmox/api2"

type Query = Record<string, string | Array<string>>

const json = (body: unknown, status = 200) => HttpServerResponse.unsafeJson(body ?? null, { status })
const errorJson = (e: { readonly _tag: string; readonly detail: unknown; readonly message: string }, status: number, extra: object = {}) =>
  json({ _tag: e._tag, detail: e.detail, message: e.message, ...extra }, status)

const queryOf = (params: URLSearchParams): Query => {
  const q: Query = {}
  for (const [k, v] of params) {
    const prev = q[k]
    q[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v]
  }
  return q
}

const single = (v: string | Array<string> | undefined): string | undefined => {
  const s = Array.isArray(v) ? v[0] : v
  return s === undefined || s.trim() === "" ? undefined : s.trim()
}

const selectorOf = (q: Query): TargetSelector | BadRequest => {
  const source = single(q.source) ?? "database"
  if (source !== "database" && source !== "netbox") return badRequest(`source must be 'database' or 'netbox', got '${source}'`)
  return { source, target_name: single(q.target_name), target_domain: single(q.target_domain), target_ip_address: single(q.target_ip_address) }
}

/** The version a request path names, and the Proxmox path segments after it. */
export const resolveVersion = (versions: ReadonlyArray<MountedVersion>, pathname: string) => {
  const segments = pathname.slice(PROXY_PREFIX.length).split("/").filter((s) => s !== "")
  const named = versions.find((v) => v.tag === segments[0])
  if (named !== undefined) return { version: named, segments: segments.slice(1), alias: false }
  const latest = versions.find((v) => v.tag === ALIAS_VERSION_TAG)
  return latest === undefined ? undefined : { version: latest, segments, alias: true }
}

const readBody = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.flatMap(Effect.orElseSucceed(request.text, () => ""), (text) => {
    if (text.trim() === "") return Effect.succeed<Record<string, unknown>>({})
    try {
      const parsed: unknown = JSON.parse(text)
      if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return Effect.succeed(parsed as Record<string, unknown>)
    } catch {
      // reported below
    }
    return Effect.fail(badRequest("The request body must be a JSON object."))
  })

/** Proxmox parameter values by Proxmox name: body fields overlaid by query values (nulls dropped). */
const paramsOf = (op: Operation, query: Query, body: Record<string, unknown>) => {
  const out: Record<string, unknown> = {}
  for (const f of op.params) {
    const b = body[f.name]
    if (b !== undefined && b !== null) out[f.name] = b
    const q = query[f.exposed]
    if (q !== undefined) out[f.name] = q
  }
  return out
}

export const renderPath = (op: Operation, pathValues: Record<string, string>) =>
  op.path.replace(/\{([^}]+)\}/g, (_, name: string) => encodeURIComponent(pathValues[name] ?? ""))

const upstreamFailure = (op: Operation, e: ProxmoxError) =>
  new UpstreamError({
    upstream: "proxmox",
    ...(e._tag === "ProxmoxApiError" ? { status: e.status } : {}),
    message: `Generated Proxmox proxy request failed for ${op.method} ${op.path}.`,
    detail: `Operation ID: ${op.operationId}. ${e.message}`
  })

const serveOperation = (op: Operation, pathValues: Record<string, string>, query: Query, request: HttpServerRequest.HttpServerRequest) =>
  Effect.gen(function*() {
    const selector = selectorOf(query)
    if ("_tag" in selector) return errorJson(selector, 400)
    const body = op.carriesBody ? yield* readBody(request) : {}
    const params = paramsOf(op, query, body)
    const checked = op.checkRequest(pathValues, params)
    if (Either.isLeft(checked)) {
      return json({
        _tag: "BadRequest",
        message: `Invalid parameters for ${op.method} ${op.path}.`,
        // An optional field's union adds "Expected undefined" beside the real complaint: drop it.
        detail: ParseResult.ArrayFormatter.formatErrorSync(checked.left)
          .filter((i, _, all) => !i.message.startsWith("Expected undefined") || all.filter((j) => j.path.join() === i.path.join()).length === 1)
          .map((i) => ({ loc: i.path.slice(1), message: i.message }))
      }, 400)
    }
    const endpoint = yield* selectEndpoint(selector)
    const client = yield* ProxmoxClient
    const req: ProxmoxRequest = {
      method: op.method,
      path: renderPath(op, pathValues),
      ...(op.carriesBody
        ? Object.keys(params).length > 0 ? { body: params } : {}
        : Object.keys(params).length > 0 ? { query: params as Query } : {})
    }
    const data = yield* client.request(endpoint, req).pipe(Effect.mapError((e) => upstreamFailure(op, e)))
    const fits = op.checkResponse(data)
    if (Either.isLeft(fits)) {
      yield* Effect.logWarning(
        `Generated Proxmox proxy response validation failed for ${op.method} ${op.path} (${op.tag}, ${op.operationId}); returning the data as received: ${fits.left.slice(0, 2000)}`
      )
    }
    return json(data)
  }).pipe(
    Effect.catchTags({
      BadRequest: (e) => Effect.succeed(errorJson(e, 400)),
      UpstreamError: (e) => Effect.succeed(errorJson(e, 502, { upstream: e.upstream, ...(e.status !== undefined ? { status: e.status } : {}) }))
    })
  )

/** The handler behind every generated route. */
export const handleGenerated = Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  const { current } = yield* GeneratedRoutes
  const state = yield* current
  const url = new URL(request.url, "http://localhost")
  const notFound = () =>
    errorJson(new NotFound({ message: "Not Found", detail: `No generated Proxmox route for ${request.method} ${url.pathname}` }), 404)

  const resolved = resolveVersion(state.versions, url.pathname)
  if (resolved === undefined) return notFound()
  const { alias, segments, version } = resolved
  if (segments.length === 1 && segments[0] === "openapi.json" && request.method === "GET") {
    return json(proxyDocument(version, alias))
  }
  let decoded: Array<string>
  try {
    decoded = segments.map(decodeURIComponent)
  } catch {
    return errorJson(badRequest("The request path is not valid percent-encoding."), 400)
  }
  const match = version.table.match(request.method, decoded)
  if (match._tag === "NotFound") return notFound()
  if (match._tag === "MethodNotAllowed") {
    const detail = `Method ${request.method} is not allowed here; allowed: ${match.allowed.join(", ")}`
    return json({ _tag: "MethodNotAllowed", message: "Method Not Allowed", detail }, 405).pipe(
      HttpServerResponse.setHeader("Allow", match.allowed.join(", "))
    )
  }
  return yield* serveOperation(match.operation, match.pathValues, queryOf(url.searchParams), request)
})
