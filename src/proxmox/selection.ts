/**
 * Which stored endpoints a request means (the reference's "Proxmox sessions dependency"), and
 * connecting to them. Shared by the /proxmox read routes and the sync routes, which take the same
 * query parameters.
 */
import { Effect, Either } from "effect"
import type { ProxmoxEndpoint } from "../domain/endpoint.ts"
import { bareName } from "../endpoints/rules.ts"
import type { ProxmoxError } from "./errors.ts"
import { ProxmoxClient, type ProxmoxSession } from "./ProxmoxClient.ts"

export interface SessionCriteria {
  /** "netbox": ids are the NetBox plugin's primary keys (the plugin mirrors its endpoints to us). */
  readonly source: "database" | "netbox"
  readonly endpoint_ids?: ReadonlyArray<number> | undefined
  /** Always NetBox primary keys (ROUTES.md decision 2). */
  readonly proxmox_endpoint_ids?: ReadonlyArray<number> | undefined
  readonly ip_address?: string | undefined
  readonly domain?: string | undefined
  readonly name?: string | undefined
}

const stripMask = (ip: string) => ip.split("/")[0]!.trim()

/**
 * Filter by ids, then (as the reference) keep the first endpoint matching `ip_address`, else
 * `domain`, else `name` (stored name or the name without its " (nb:N)" suffix). Left: the
 * reference's error text when a given field matches nothing.
 */
export const selectEndpoints = (
  all: ReadonlyArray<ProxmoxEndpoint>,
  c: SessionCriteria
): Either.Either<ReadonlyArray<ProxmoxEndpoint>, string> => {
  const ours = c.source === "database" ? c.endpoint_ids : undefined
  const netbox = [...(c.proxmox_endpoint_ids ?? []), ...(c.source === "netbox" ? c.endpoint_ids ?? [] : [])]
  let pool = all
  if (ours !== undefined && ours.length > 0) pool = pool.filter((e) => ours.includes(e.id))
  if (netbox.length > 0) pool = pool.filter((e) => e.netbox_id !== null && netbox.includes(e.netbox_id))

  const pick = (field: string, match: (e: ProxmoxEndpoint) => boolean) => {
    const hit = pool.find(match)
    return hit ? Either.right([hit]) : Either.left(`No result found for Proxmox Sessions based on the provided ${field}`)
  }
  if (c.ip_address) return pick("ip_address", (e) => stripMask(e.ip_address) === stripMask(c.ip_address!))
  if (c.domain) return pick("domain", (e) => e.domain !== null && e.domain.toLowerCase() === c.domain!.toLowerCase())
  if (c.name) return pick("name", (e) => e.name === c.name || bareName(e.name) === bareName(c.name!))
  return Either.right(pool)
}

/** The query as routes receive it: ids still as strings, so a bad one gets the reference's 400 text. */
export interface SelectionQuery extends Omit<SessionCriteria, "endpoint_ids" | "proxmox_endpoint_ids"> {
  readonly endpoint_ids?: ReadonlyArray<string> | undefined
  readonly proxmox_endpoint_ids?: ReadonlyArray<string> | undefined
}

const ids = (values: ReadonlyArray<string> | undefined): Either.Either<ReadonlyArray<number> | undefined, string> => {
  if (values === undefined) return Either.right(undefined)
  const parsed = values.map(Number)
  return parsed.every(Number.isInteger) ? Either.right(parsed) : Either.left("Invalid Proxmox endpoint_ids query parameter")
}

/** `selectEndpoints` from a route's query. Left: the reference's 400 text. */
export const selectFromQuery = (all: ReadonlyArray<ProxmoxEndpoint>, q: SelectionQuery) =>
  Either.gen(function*() {
    const endpointIds = yield* ids(q.endpoint_ids)
    const netboxIds = yield* ids(q.proxmox_endpoint_ids)
    return yield* selectEndpoints(all, { ...q, endpoint_ids: endpointIds, proxmox_endpoint_ids: netboxIds })
  })

/** One endpoint's result: the session's name when it connected, else the endpoint's. */
export interface Outcome<A> {
  readonly endpoint: ProxmoxEndpoint
  readonly name: string
  readonly result: Either.Either<A, ProxmoxError>
}

/**
 * Connect to every endpoint and run `f` on each session (bounded), keeping each outcome: one
 * unreachable cluster never hides the others; callers decide what a failure means.
 */
export const acrossEndpoints = <A>(
  endpoints: ReadonlyArray<ProxmoxEndpoint>,
  f: (session: ProxmoxSession) => Effect.Effect<A, ProxmoxError>,
  concurrency = 8
) =>
  Effect.flatMap(ProxmoxClient, (client) =>
    Effect.forEach(
      endpoints,
      (endpoint) =>
        Effect.either(client.connect(endpoint)).pipe(
          Effect.flatMap((connected): Effect.Effect<Outcome<A>> =>
            Either.match(connected, {
              onLeft: (e) => Effect.succeed({ endpoint, name: endpoint.name, result: Either.left(e) }),
              onRight: (session) => Effect.map(Effect.either(f(session)), (result) => ({ endpoint, name: session.name, result }))
            })
          )
        ),
      { concurrency }
    ))
