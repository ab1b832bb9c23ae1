/**
 * Which Proxmox endpoint a generated route talks to (reference-behaviour §1.8): the first given selector
 * in the order ip_address, domain, name decides (the shared `selectEndpoints` rules); without one, the
 * only configured endpoint is used.
 */
import { Effect, Either } from "effect"
import type { ProxmoxEndpoint } from "../domain/endpoint.ts"
import { BadRequest, badRequest } from "../domain/errors.ts"
import { EndpointRepository } from "../endpoints/EndpointRepository.ts"
import { selectEndpoints } from "../proxmox/selection.ts"

export interface TargetSelector {
  /** `database`: every stored endpoint; `netbox`: those mirrored from the NetBox plugin (they carry its id). */
  readonly source: "database" | "netbox"
  readonly target_name?: string | undefined
  readonly target_domain?: string | undefined
  readonly target_ip_address?: string | undefined
}

export const pickEndpoint = (
  endpoints: ReadonlyArray<ProxmoxEndpoint>,
  selector: TargetSelector
): ProxmoxEndpoint | BadRequest => {
  const pool = selector.source === "netbox" ? endpoints.filter((e) => e.netbox_id !== null) : endpoints
  const selected = selectEndpoints(pool, {
    source: "database",
    ip_address: selector.target_ip_address,
    domain: selector.target_domain,
    name: selector.target_name
  })
  if (Either.isLeft(selected)) return badRequest(selected.left)
  // a selector leaves exactly the endpoint it matched; none leaves the whole pool
  const [first, ...more] = selected.right
  if (first === undefined) return badRequest("No Proxmox endpoints found for generated proxy route.")
  if (more.length > 0) return badRequest("Multiple Proxmox endpoints configured; provide name, domain, or ip_address.")
  return first
}

export const selectEndpoint = (selector: TargetSelector): Effect.Effect<ProxmoxEndpoint, BadRequest, EndpointRepository> =>
  Effect.flatMap(EndpointRepository, (repo) => repo.listProxmox()).pipe(
    Effect.flatMap((all) => {
      const picked = pickEndpoint(all, selector)
      return picked instanceof BadRequest ? Effect.fail(picked) : Effect.succeed(picked)
    })
  )
