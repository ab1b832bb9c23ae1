/**
 * The one place the generated routes call Proxmox. The agreed interface is
 * `ProxmoxClient.request(endpoint, req)` for every verb (/tmp/pxiface.md); the client in
 * src/proxmox exposes reads only (`connect(endpoint)` -> `session.get`). Until it grows `request`,
 * GETs go through the session and other verbs answer a typed 501; swapping in `client.request`
 * is then a one-line change in `layer`.
 */
import { Context, type Duration, Effect, Layer } from "effect"
import type { ProxmoxEndpoint } from "../domain/endpoint.ts"
import { ProxmoxClient } from "../proxmox/ProxmoxClient.ts"
import { ProxmoxApiError, type ProxmoxError } from "../proxmox/errors.ts"

export interface ProxmoxRequest {
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  /** Relative to /api2/json, starts with "/", placeholder values already percent-encoded. */
  readonly path: string
  readonly query?: Readonly<Record<string, string | ReadonlyArray<string>>>
  readonly body?: Readonly<Record<string, unknown>>
  readonly timeout?: Duration.DurationInput
}

export type Forward = (endpoint: ProxmoxEndpoint, req: ProxmoxRequest) => Effect.Effect<unknown, ProxmoxError>

export class ProxmoxForwarder extends Context.Tag("proxbox/contract/ProxmoxForwarder")<ProxmoxForwarder, {
  readonly request: Forward
}>() {
  static readonly layer: Layer.Layer<ProxmoxForwarder, never, ProxmoxClient> = Layer.effect(
    ProxmoxForwarder,
    Effect.map(ProxmoxClient, (client) => ({
      request: (endpoint, req) => {
        if (req.method !== "GET") {
          return Effect.fail(new ProxmoxApiError({ endpoint: endpoint.name, method: req.method, path: req.path, status: 501, reason: "the Proxmox client does not forward writes yet" }))
        }
        // The session's query takes one value per key; repeated keys are joined the way PVE lists are.
        const query = Object.fromEntries(Object.entries(req.query ?? {}).map(([k, v]) => [k, typeof v === "string" ? v : v.join(",")]))
        return Effect.flatMap(client.connect(endpoint), (session) => session.get(req.path, query))
      }
    }))
  )

  /** Every call goes to `handler` (tests, simulators). */
  static readonly layerTest = (handler: Forward): Layer.Layer<ProxmoxForwarder> => Layer.succeed(ProxmoxForwarder, { request: handler })
}
