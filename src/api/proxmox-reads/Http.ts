/**
 * Handlers of the /proxmox read routes. Each request selects endpoints from the query, connects
 * (sessions are cached by ProxmoxClient), reads, and shapes the answer (shape.ts).
 */
import { HttpApiBuilder } from "@effect/platform"
import { Effect, Either, Schema } from "effect"
import type { ProxmoxEndpoint } from "../../domain/endpoint.ts"
import { badRequest, notFound, UpstreamError } from "../../domain/errors.ts"
import { EndpointRepository } from "../../endpoints/EndpointRepository.ts"
import type { ProxmoxError } from "../../proxmox/errors.ts"
import type { ProxmoxSession } from "../../proxmox/ProxmoxClient.ts"
import { ClusterStatusItem } from "../../proxmox/schemas.ts"
import { connectAll, selectEndpoints } from "../../proxmox/selection.ts"
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

/** The reference's text for a failed connection; the cause goes in `detail`. */
const connectMessage = (endpoint: ProxmoxEndpoint, e: ProxmoxError) =>
  e._tag === "ProxmoxApiError"
    ? e.message
    : `Error trying to initialize Proxmox API connection to '${e.host}:${endpoint.port}' using ${endpoint.authMode} authentication`

const ids = (values: ReadonlyArray<string> | undefined) => {
  if (values === undefined) return Either.right(undefined)
  const parsed = values.map(Number)
  return parsed.every(Number.isInteger)
    ? Either.right(parsed)
    : Either.left("Invalid Proxmox endpoint_ids query parameter")
}

const isMissing = (e: ProxmoxError) => e._tag === "ProxmoxApiError" && /does not exist|not found/i.test(e.reason)

const perSession = <A>(sessions: ReadonlyArray<ProxmoxSession>, f: (s: ProxmoxSession) => Effect.Effect<A, ProxmoxError>) =>
  Effect.forEach(sessions, (s) => Effect.map(f(s), (value) => ({ [s.name]: value })), { concurrency: "unbounded" }).pipe(
    Effect.mapError((e) => upstream(e))
  )

export const HttpProxmoxReadLive = HttpApiBuilder.group(ProxboxApi, "proxmox", (handlers) =>
  Effect.gen(function*() {
    const repo = yield* EndpointRepository

    const selected = (q: SessionQuery) =>
      Effect.gen(function*() {
        const endpointIds = yield* ids(q.endpoint_ids).pipe(Either.mapLeft(badRequest))
        const netboxIds = yield* ids(q.proxmox_endpoint_ids).pipe(Either.mapLeft(badRequest))
        const all = yield* repo.listProxmox()
        return yield* selectEndpoints(all, { ...q, endpoint_ids: endpointIds, proxmox_endpoint_ids: netboxIds }).pipe(
          Either.mapLeft(badRequest)
        )
      })

    /** Every selected endpoint connected; the first failure fails the request (as the reference). */
    const sessions = (q: SessionQuery) =>
      Effect.flatMap(selected(q), connectAll).pipe(
        Effect.flatMap((conns) =>
          Effect.forEach(conns, (c) => Either.mapLeft(c.session, (e) => upstream(e, connectMessage(c.endpoint, e))))
        )
      )

    /** The session holding `node`; with one session only, that one (a restricted user cannot list nodes). */
    const sessionForNode = (all: ReadonlyArray<ProxmoxSession>, node: string) =>
      all.find((s) => s.nodeNames.includes(node)) ?? (all.length === 1 ? all[0] : undefined)

    /** By `cluster_name` when given, else by the node (the reference demanded cluster_name with several). */
    const sessionFor = (q: SessionQuery & { readonly cluster_name?: string | undefined }, node: string) =>
      Effect.flatMap(sessions(q), (all) => {
        if (q.cluster_name !== undefined) {
          const hit = all.find((s) => s.name.toLowerCase() === q.cluster_name!.toLowerCase())
          return hit ? Effect.succeed(hit) : Effect.fail(badRequest(`No Proxmox session found for cluster: ${q.cluster_name}`))
        }
        const hit = sessionForNode(all, node)
        return hit
          ? Effect.succeed(hit)
          : Effect.fail(badRequest("Multiple Proxmox sessions configured; provide cluster_name for node network."))
      })

    return handlers
      .handle("sessions", ({ urlParams }) =>
        Effect.map(sessions(urlParams), (all) =>
          all.map((s) => ({
            ip_address: s.endpoint.ip_address,
            domain: s.endpoint.domain,
            http_port: s.endpoint.port,
            user: s.endpoint.username,
            name: s.name,
            mode: s.mode
          }))))
      .handle("version", ({ urlParams }) =>
        Effect.gen(function*() {
          const all = yield* sessions(urlParams)
          if (all.length === 0) {
            return yield* Effect.fail(notFound("No Proxmox active connections found, not able to retrieve version information"))
          }
          return yield* perSession(all, (s) => s.get("/version"))
        }))
      .handle("home", ({ urlParams }) =>
        Effect.flatMap(sessions(urlParams), (all) =>
          perSession(all, (s) =>
            Effect.all({
              access: Effect.map(s.get("/access"), indexNames),
              cluster: Effect.map(s.get("/cluster"), indexNames),
              nodes: s.get("/nodes"),
              pools: s.get("/pools"),
              storage: s.get("/storage"),
              version: s.get("/version")
            }, { concurrency: "unbounded" }))).pipe(
          Effect.map((clusters) => ({
            message: "Proxmox API",
            proxmox_api_viewer: "https://pve.proxmox.com/pve-docs/api-viewer/",
            github: {
              netbox: "https://github.com/netbox-community/netbox",
              "netbox-proxbox": "https://github.com/netdevopsbr/netbox-proxbox",
              "proxbox-api": "https://github.com/emersonfelipesp/proxbox-api"
            },
            clusters
          }))
        ))
      .handle("storage", ({ urlParams }) =>
        Effect.flatMap(sessions(urlParams), (all) =>
          perSession(all, (s) => Effect.map(s.get("/storage"), (data) => rows(data).map((r) => pick(r, STORAGE_KEYS))))))
      .handle("storageContent", ({ path, urlParams }) =>
        Effect.gen(function*() {
          const session = sessionForNode(yield* sessions(urlParams), path.node)
          if (!session) return yield* Effect.fail(notFound("Node or Storage not found"))
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
        Effect.flatMap(sessions(urlParams), (all) =>
          Effect.forEach(all, (s) =>
            // read afresh: the session's copy is as old as the session (online flags change)
            (s.mode === "restricted" ? Effect.succeed([]) : s.read(Schema.Array(ClusterStatusItem), "/cluster/status")).pipe(
              Effect.map((status) => clusterStatus(s, status)),
              Effect.mapError((e) => upstream(e))
            ), { concurrency: "unbounded" })))
      .handle("clusterResources", ({ urlParams }) =>
        Effect.flatMap(sessions(urlParams), (all) =>
          perSession(all, (s) => Effect.map(s.get("/cluster/resources", { type: urlParams.type }), (data) => rows(data).map(withoutNulls)))))
      .handle("clusterBackup", ({ urlParams }) =>
        // One unreachable cluster does not hide the others' jobs: it adds an error row instead.
        Effect.flatMap(Effect.flatMap(selected(urlParams), connectAll), (conns) =>
          Effect.forEach(conns, ({ endpoint, session }) =>
            Either.match(session, {
              onLeft: (e) => Effect.succeed([{ cluster_name: endpoint.name, error: e.message }]),
              onRight: (s) =>
                s.get("/cluster/backup").pipe(
                  Effect.map((data) => rows(data).map((job) => ({ ...job, cluster_name: s.name }))),
                  Effect.catchAll((e) => Effect.succeed([{ cluster_name: s.name, error: e.message }]))
                )
            }), { concurrency: "unbounded" }).pipe(Effect.map((lists) => lists.flat()))))
      .handle("nodes", ({ urlParams }) =>
        // The reference returned only the first node; one `{name: node}` entry per node keeps its shape.
        Effect.flatMap(sessions(urlParams), (all) =>
          Effect.forEach(all, (s) => Effect.map(s.get("/nodes"), (data) => rows(data).map((n) => ({ [s.name]: n }))), {
            concurrency: "unbounded"
          }).pipe(Effect.map((lists) => lists.flat()), Effect.mapError((e) => upstream(e)))))
      .handle("nodeNetwork", ({ path, urlParams }) =>
        Effect.flatMap(sessionFor(urlParams, path.node), (s) =>
          s.get(`/nodes/${encodeURIComponent(path.node)}/network`, { type: urlParams.type }).pipe(
            Effect.map((data) => rows(data).map(networkInterface)),
            Effect.mapError((e) => upstream(e))
          )))
      .handle("nodeQemu", ({ path, urlParams }) =>
        Effect.flatMap(sessionFor(urlParams, path.node), (s) =>
          perSession([s], (s) => s.get(`/nodes/${encodeURIComponent(path.node)}/qemu`))))
      .handle("replication", ({ urlParams }) =>
        Effect.flatMap(Effect.flatMap(selected(urlParams), connectAll), (conns) =>
          Effect.forEach(conns, ({ endpoint, session }) =>
            Either.match(session, {
              onLeft: (e) => Effect.succeed([{ cluster_name: endpoint.name, status: "error", error: e.message }]),
              onRight: (s) =>
                s.get("/cluster/replication").pipe(
                  Effect.map((data) => rows(data).map((job) => replicationJob(s.name, job))),
                  Effect.catchAll((e) => Effect.succeed([{ cluster_name: s.name, status: "error", error: e.message }]))
                )
            }), { concurrency: "unbounded" }).pipe(Effect.map((lists) => lists.flat()))))
      .handle("topLevel", ({ path, urlParams }) =>
        Effect.flatMap(sessions(urlParams), (all) => perSession(all, (s) => s.get(`/${path.top_level}`))))
      .handle("vmConfig", ({ path, urlParams }) =>
        Effect.gen(function*() {
          if (path.type !== "qemu" && path.type !== "lxc") return yield* Effect.fail(badRequest("Invalid VM Type. Use 'qemu' or 'lxc'."))
          const session = sessionForNode(yield* sessions(urlParams), path.node)
          if (!session) return yield* Effect.fail(notFound("VM Config not found."))
          const data = yield* session.get(`/nodes/${encodeURIComponent(path.node)}/${path.type}/${path.vmid}/config`).pipe(
            Effect.catchIf(isMissing, () => Effect.fail(notFound("VM Config not found."))),
            Effect.mapError((e) => (e._tag === "NotFound" ? e : upstream(e, "Error getting VM Config")))
          )
          return typeof data === "object" && data !== null && !Array.isArray(data)
            ? (data as Record<string, unknown>)
            : yield* Effect.fail(notFound("VM Config not found."))
        }))
  }))
