/**
 * Which Proxmox endpoint a generated route talks to (reference-behaviour §1.8): the first given selector
 * in the order ip_address, domain, name decides; without one, the only configured endpoint is used.
 */
import { Effect } from "effect"
import type { ProxmoxEndpoint } from "../domain/endpoint.ts"
import { BadRequest, badRequest } from "../domain/errors.ts"
import { EndpointRepository } from "../endpoints/EndpointRepository.ts"

export interface TargetSelector {
  /** `database`: every stored endpoint; `netbox`: those mirrored from the NetBox plugin (they carry its id). */
  readonly source: "database" | "netbox"
  readonly target_name?: string | undefined
  readonly target_domain?: string | undefined
  readonly target_ip_address?: string | undefined
}

const withoutMask = (ip: string) => ip.split("/")[0]!.trim()
/** `"pve (nb:3)"` also answers to `"pve"` (ROUTES.md decision 2). */
const withoutNetBoxSuffix = (name: string) => name.replace(/\s*\(nb:\d+\)\s*$/, "")

export const pickEndpoint = (
  endpoints: ReadonlyArray<ProxmoxEndpoint>,
  selector: TargetSelector
): ProxmoxEndpoint | BadRequest => {
  const pool = selector.source === "netbox" ? endpoints.filter((e) => e.netbox_id !== null) : endpoints
  const by = (field: string, hit: (e: ProxmoxEndpoint) => boolean) =>
    pool.find(hit) ?? badRequest(`No result found for Proxmox Sessions based on the provided ${field}`)
  if (selector.target_ip_address) {
    const ip = withoutMask(selector.target_ip_address)
    return by("ip_address", (e) => withoutMask(e.ip_address) === ip)
  }
  if (selector.target_domain) {
    const domain = selector.target_domain.toLowerCase()
    return by("domain", (e) => e.domain?.toLowerCase() === domain)
  }
  if (selector.target_name) {
    const name = selector.target_name
    return by("name", (e) => e.name === name || withoutNetBoxSuffix(e.name) === name)
  }
  if (pool.length === 0) return badRequest("No Proxmox endpoints found for generated proxy route.")
  if (pool.length > 1) return badRequest("Multiple Proxmox endpoints configured; provide name, domain, or ip_address.")
  return pool[0]!
}

export const selectEndpoint = (selector: TargetSelector): Effect.Effect<ProxmoxEndpoint, BadRequest, EndpointRepository> =>
  Effect.flatMap(EndpointRepository, (repo) => repo.listProxmox()).pipe(
    Effect.flatMap((all) => {
      const picked = pickEndpoint(all, selector)
      return picked instanceof BadRequest ? Effect.fail(picked) : Effect.succeed(picked)
    })
  )
