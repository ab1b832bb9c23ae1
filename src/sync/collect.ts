/**
 * Collect: read one Proxmox endpoint into a CollectedCluster. One `/cluster/resources` call gives nodes and
 * guests; each guest's config is read with at most `concurrency` calls in flight (the `fetch_max_concurrency`
 * query parameter). A guest whose config cannot be read is left out with a warning and marks the read
 * incomplete (no orphan deletion for that endpoint); the endpoint's own failure is the Effect's error.
 */
import { Effect, Either, Schema } from "effect"
import type { ProxmoxError } from "../proxmox/errors.ts"
import type { ProxmoxSession } from "../proxmox/ProxmoxClient.ts"
import { ClusterResource, GuestConfig } from "../proxmox/schemas.ts"
import type { CollectedCluster, CollectedGuest, CollectedNode } from "./model.ts"

/** `1`, `"1"`, `true`, `"on"`, and property strings whose first item is true (`"1,fstrim_cloned_disks=1"`, `"enabled=1"`). */
export const truthy = (u: unknown): boolean => {
  if (typeof u === "boolean") return u
  if (typeof u === "number") return u !== 0
  if (typeof u !== "string") return false
  const first = u.split(",")[0]!.trim().toLowerCase()
  const value = first.startsWith("enabled=") ? first.slice("enabled=".length) : first
  return ["1", "true", "yes", "on"].includes(value)
}

export interface GuestRef {
  readonly type: "qemu" | "lxc"
  readonly vmid: number
  readonly name: string
  readonly node: string
}

export interface CollectOptions {
  readonly concurrency: number
  /** Only these guests (a filtered run; the read is then never complete). */
  readonly guestFilter?: (guest: GuestRef, cluster: string) => boolean
  /** Read guests at all (the devices stage does not need them). */
  readonly guests: boolean
}

export interface GuestFailure {
  readonly guest: GuestRef
  readonly error: ProxmoxError
}

const num = (u: unknown) => (typeof u === "number" && Number.isFinite(u) ? u : 0)

export const collectCluster = (
  session: ProxmoxSession,
  options: CollectOptions
): Effect.Effect<{ readonly cluster: CollectedCluster; readonly failures: ReadonlyArray<GuestFailure> }, ProxmoxError> =>
  Effect.gen(function*() {
    const resources = yield* session.read(Schema.Array(ClusterResource), "/cluster/resources")
    const statusRows = new Map(session.status.filter((s) => s.type === "node").map((s) => [s.name, s]))
    const nodeRows = resources.filter((r) => r.type === "node" && r.node !== undefined)
    const nodes: Array<CollectedNode> = nodeRows.map((r) => ({
      name: r.node!,
      online: r.status === "online",
      ip: statusRows.get(r.node!)?.ip ?? null
    }))
    const listed = resources.flatMap((r): Array<GuestRef & { readonly resource: ClusterResource }> =>
      (r.type === "qemu" || r.type === "lxc") && r.vmid !== undefined && r.node !== undefined
        ? [{ type: r.type, vmid: r.vmid, name: r.name ?? `${r.type}-${r.vmid}`, node: r.node, resource: r }]
        : []
    )
    const wanted = options.guests ? listed.filter((g) => options.guestFilter?.(g, session.name) ?? true) : []
    const read = yield* Effect.forEach(
      wanted,
      (g) =>
        Effect.either(session.read(GuestConfig, `/nodes/${encodeURIComponent(g.node)}/${g.type}/${g.vmid}/config`)).pipe(
          Effect.map(Either.map((config): CollectedGuest => {
            const r = g.resource
            return {
              type: g.type,
              vmid: g.vmid,
              name: g.name,
              node: g.node,
              status: r.status ?? "unknown",
              template: num(r.template) === 1,
              cpus: num(r.maxcpu),
              maxmem: num(r.maxmem),
              maxdisk: num(r.maxdisk),
              tags: r.tags ?? "",
              onboot: truthy(config["onboot"]),
              agent: truthy(config["agent"]),
              unprivileged: truthy(config["unprivileged"]),
              searchdomain: typeof config["searchdomain"] === "string" ? config["searchdomain"] : null
            }
          })),
          Effect.map(Either.mapLeft((error): GuestFailure => ({ guest: { type: g.type, vmid: g.vmid, name: g.name, node: g.node }, error })))
        ),
      { concurrency: options.concurrency }
    )
    const guests = read.flatMap((e) => (Either.isRight(e) ? [e.right] : []))
    const failures = read.flatMap((e) => (Either.isLeft(e) ? [e.left] : []))
    const filtered = options.guestFilter !== undefined
    return {
      cluster: {
        endpointId: session.endpoint.id,
        name: session.name,
        mode: session.mode,
        nodes,
        guests,
        complete: failures.length === 0 && !filtered && nodes.length > 0
      },
      failures
    }
  })
