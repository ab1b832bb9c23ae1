/**
 * Handlers of the /proxmox read routes. Each request selects endpoints from the query, runs its read
 * on every selected session (sessions are cached by ProxmoxClient) and shapes the answer
 * (shape.ts). A failing endpoint becomes an error entry beside the others' data; only when every
 * selected endpoint fails is the request a 502, so a keepalive probe of one endpoint sees it down.
 */
import { HttpApiBuilder } from "@effect/platform"
import { Effect, Either, Schema } from "effect"
import type { ProxmoxEndpoint } from "../../domain/endpoint.ts"
import { type BadRequest, badRequest, notFound, UpstreamError } from "../../domain/errors.ts"
import { EndpointRepository } from "../../endpoints/EndpointRepository.ts"
import type { ProxmoxError } from "../../proxmox/errors.ts"
import { ProxmoxClient, type ProxmoxSession } from "../../proxmox/ProxmoxClient.ts"
import { ClusterStatusItem } from "../../proxmox/schemas.ts"
import { acrossEndpoints, type Outcome } from "../../proxmox/selection.ts"
import { selectStoredEndpoints } from "../selection.ts"
import { ProxboxApi } from "../Api.ts"
import type { SessionQuery } from "./Api.ts"
import {
  clusterStatus,
  CONTENT_KEYS,
  indexNames,
  networkInterface,
  pick,
  replicationJob,
  rows,
  STORAGE_KEYS,
  withoutNulls
} from "./shape.ts"

/** A Proxmox failure at the edge: 502 naming the endpoint; the cause's text, never a secret. */
export const upstream = (e: ProxmoxError, message?: string) =>
  new UpstreamError({
    upstream: "proxmox",
    message: message ?? e.message,
    detail: e.message,
    ...(e._tag === "ProxmoxApiError" ? { status: e.status } : {})
  })

/** The reference's text for a connection that could not be made; other failures speak for themselves. */
const failureMessage = (endpoint: ProxmoxEndpoint, e: ProxmoxError) =>
  e._tag === "ProxmoxApiError"
    ? e.message
    : `Error trying to initialize Proxmox API connection to '${e.host}:${endpoint.port}' using ${endpoint.authMode} authentication`

const isMissing = (e: ProxmoxError) => e._tag === "ProxmoxApiError" && /does not exist|not found/i.test(e.reason)

const failures = <A>(outcomes: ReadonlyArray<Outcome<A>>) =>
  outcomes.flatMap((o) => (Either.isLeft(o.result) ? [{ endpoint: o.endpoint, error: o.result.left }] : []))

/** `[{<name>: value}]`, a failed endpoint as `{<name>: {error}}`. */
const keyed = <A>(outcomes: ReadonlyArray<Outcome<A>>) =>
  outcomes.map((o) => ({ [o.name]: Either.match(o.result, { onLeft: (e) => ({ error: e.message }), onRight: (v) => v }) }))

/** Flat rows; a failed endpoint as one `{cluster_name, ...errorRow}`. */
const flat = (
  outcomes: ReadonlyArray<Outcome<ReadonlyArray<Record<string, unknown>>>>,
  errorRow: (e: ProxmoxError) => Record<string, unknown>
): Array<Record<string, unknown>> =>
  outcomes.flatMap((o) => Either.match(o.result, { onLeft: (e) => [{ cluster_name: o.name, ...errorRow(e) }], onRight: (rs) => [...rs] }))

export const HttpProxmoxReadLive = HttpApiBuilder.group(ProxboxApi, "proxmox", (handlers) =>
  Effect.gen(function*() {
    const repo = yield* EndpointRepository
    const client = yield* ProxmoxClient

    const selected = (q: SessionQuery) => Effect.provideService(selectStoredEndpoints(q), EndpointRepository, repo)

    /** `f` on every selected session; 502 when all of them failed (errors kept when `tolerateAll`). */
    const across = <A>(q: SessionQuery, f: (s: ProxmoxSession) => Effect.Effect<A, ProxmoxError>, tolerateAll = false) =>
      Effect.flatMap(selected(q), (endpoints) => acrossEndpoints(endpoints, f)).pipe(
        Effect.provideService(ProxmoxClient, client),
        Effect.flatMap((outcomes) => {
          const failed = failures(outcomes)
          const first = failed[0]
          return !tolerateAll && first && failed.length === outcomes.length
            ? Effect.fail(upstream(first.error, failureMessage(first.endpoint, first.error)))
            : Effect.succeed(outcomes)
        })
      )

    /**
     * The session holding `node` (by `cluster_name` when given). When no connected session has it
     * and an endpoint failed, the node may be behind that endpoint: 502, not "not found".
     */
    const sessionFor = <E>(q: SessionQuery & { readonly cluster_name?: string | undefined }, node: string, missing: () => E) =>
      Effect.flatMap(across(q, Effect.succeed), (outcomes): Effect.Effect<ProxmoxSession, E | UpstreamError | BadRequest> => {
        const sessions = outcomes.flatMap((o) => (Either.isRight(o.result) ? [o.result.right] : []))
        if (q.cluster_name !== undefined) {
          const hit = sessions.find((s) => s.name.toLowerCase() === q.cluster_name!.toLowerCase())
          return hit ? Effect.succeed(hit) : Effect.fail(badRequest(`No Proxmox session found for cluster: ${q.cluster_name}`))
        }
        // a restricted user cannot list nodes: with one endpoint selected, that one is meant
        const hit = sessions.find((s) => s.nodeNames.includes(node)) ?? (outcomes.length === 1 ? sessions[0] : undefined)
        if (hit) return Effect.succeed(hit)
        const down = failures(outcomes)[0]
        return Effect.fail(down ? upstream(down.error, failureMessage(down.endpoint, down.error)) : missing())
      })

    return handlers
      .handle("sessions", ({ urlParams }) =>
        Effect.map(across(urlParams, Effect.succeed), (outcomes) =>
          outcomes.map(({ endpoint, name, result }) => ({
            ip_address: endpoint.ip_address,
            domain: endpoint.domain,
            http_port: endpoint.port,
            user: endpoint.username,
            name,
            ...Either.match(result, {
              onLeft: (e) => ({ mode: "unreachable" as const, error: e.message }),
              onRight: (s) => ({ mode: s.mode })
            })
          }))))
      .handle("version", ({ urlParams }) =>
        Effect.gen(function*() {
          const outcomes = yield* across(urlParams, (s) => s.get("/version"))
          if (outcomes.length === 0) {
            return yield* Effect.fail(notFound("No Proxmox active connections found, not able to retrieve version information"))
          }
          return keyed(outcomes)
        }))
      .handle("home", ({ urlParams }) =>
        Effect.map(
          across(urlParams, (s) =>
            Effect.all({
              access: Effect.map(s.get("/access"), indexNames),
              cluster: Effect.map(s.get("/cluster"), indexNames),
              nodes: s.get("/nodes"),
              pools: s.get("/pools"),
              storage: s.get("/storage"),
              version: s.get("/version")
            }, { concurrency: "unbounded" })),
          (outcomes) => ({
            message: "Proxmox API",
            proxmox_api_viewer: "https://pve.proxmox.com/pve-docs/api-viewer/",
            github: {
              netbox: "https://github.com/netbox-community/netbox",
              "netbox-proxbox": "https://github.com/netdevopsbr/netbox-proxbox",
              "proxbox-api": "https://github.com/emersonfelipesp/proxbox-api"
            },
            clusters: keyed(outcomes)
          })
        ))
      .handle("storage", ({ urlParams }) =>
        Effect.map(across(urlParams, (s) => Effect.map(s.get("/storage"), (data) => rows(data).map((r) => pick(r, STORAGE_KEYS)))), keyed))
      .handle("storageContent", ({ path, urlParams }) =>
        Effect.gen(function*() {
          const session = yield* sessionFor(urlParams, path.node, () => notFound("Node or Storage not found"))
          const data = yield* session.get(`/nodes/${encodeURIComponent(path.node)}/storage/${encodeURIComponent(path.storage)}/content`, {
            vmid: urlParams.vmid,
            content: urlParams.content
          }).pipe(
            Effect.catchIf(isMissing, () => Effect.fail(notFound("Node or Storage not found"))),
            Effect.mapError((e) => (e._tag === "NotFound" ? e : upstream(e)))
          )
          return rows(data).map((r) => pick(r, CONTENT_KEYS))
        }))
      .handle("clusterStatus", ({ urlParams }) =>
        Effect.map(
          across(urlParams, (s) =>
            // read afresh: the session's copy is as old as the session (online flags change)
            (s.mode === "restricted" ? Effect.succeed([]) : s.read(Schema.Array(ClusterStatusItem), "/cluster/status")).pipe(
              Effect.map((status) => clusterStatus(s, status))
            )),
          (outcomes) =>
            outcomes.map((o) => Either.match(o.result, { onLeft: (e) => ({ name: o.name, error: e.message }), onRight: (v) => v }))
        ))
      .handle("clusterResources", ({ urlParams }) =>
        Effect.map(across(urlParams, (s) => Effect.map(s.get("/cluster/resources", { type: urlParams.type }), (data) => rows(data).map(withoutNulls))), keyed))
      .handle("clusterBackup", ({ urlParams }) =>
        Effect.map(
          across(urlParams, (s) => Effect.map(s.get("/cluster/backup"), (data) => rows(data).map((job) => ({ ...job, cluster_name: s.name }))), true),
          (outcomes) => flat(outcomes, (e) => ({ error: e.message }))
        ))
      .handle("nodes", ({ urlParams }) =>
        // The reference returned only the first node; one `{name: node}` entry per node keeps its shape.
        Effect.map(across(urlParams, (s) => Effect.map(s.get("/nodes"), rows)), (outcomes) =>
          outcomes.flatMap((o) =>
            Either.match(o.result, { onLeft: (e) => [{ [o.name]: { error: e.message } }], onRight: (nodes) => nodes.map((n) => ({ [o.name]: n })) })
          )))
      .handle("nodeNetwork", ({ path, urlParams }) =>
        Effect.flatMap(
          sessionFor(urlParams, path.node, () => badRequest("Multiple Proxmox sessions configured; provide cluster_name for node network.")),
          (s) =>
            s.get(`/nodes/${encodeURIComponent(path.node)}/network`, { type: urlParams.type }).pipe(
              Effect.map((data) => rows(data).map(networkInterface)),
              Effect.mapError((e) => upstream(e))
            )
        ))
      .handle("nodeQemu", ({ path, urlParams }) =>
        Effect.flatMap(
          sessionFor(urlParams, path.node, () => badRequest("Multiple Proxmox sessions configured; provide cluster_name for node network.")),
          (s) => Effect.map(s.get(`/nodes/${encodeURIComponent(path.node)}/qemu`), (data) => [{ [s.name]: data }]).pipe(Effect.mapError((e) => upstream(e)))
        ))
      .handle("replication", ({ urlParams }) =>
        Effect.map(
          across(urlParams, (s) => Effect.map(s.get("/cluster/replication"), (data) => rows(data).map((job) => replicationJob(s.name, job))), true),
          (outcomes) => flat(outcomes, (e) => ({ status: "error", error: e.message }))
        ))
      .handle("topLevel", ({ path, urlParams }) => Effect.map(across(urlParams, (s) => s.get(`/${path.top_level}`)), keyed))
      .handle("vmConfig", ({ path, urlParams }) =>
        Effect.gen(function*() {
          if (path.type !== "qemu" && path.type !== "lxc") return yield* Effect.fail(badRequest("Invalid VM Type. Use 'qemu' or 'lxc'."))
          const session = yield* sessionFor(urlParams, path.node, () => notFound("VM Config not found."))
          const data = yield* session.get(`/nodes/${encodeURIComponent(path.node)}/${path.type}/${path.vmid}/config`).pipe(
            Effect.catchIf(isMissing, () => Effect.fail(notFound("VM Config not found."))),
            Effect.mapError((e) => (e._tag === "NotFound" ? e : upstream(e, "Error getting VM Config")))
          )
          return typeof data === "object" && data !== null && !Array.isArray(data)
            ? (data as Record<string, unknown>)
            : yield* Effect.fail(notFound("VM Config not found."))
        }))
  }))
