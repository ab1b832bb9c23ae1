/**
 * In-process server for the generated routes: the real router, the generated documents from
 * generated/proxmox, an in-memory endpoint repository, and a recording Proxmox forwarder.
 */
import { HttpLayerRouter } from "@effect/platform"
import { NodeContext } from "@effect/platform-node"
import { Effect, Layer, Redacted } from "effect"
import { GeneratedRoutes } from "../../src/contract/GeneratedRoutes.ts"
import { GeneratedProxmoxRoutes } from "../../src/contract/layer.ts"
import { ProxmoxEndpoint, ProxmoxEndpointId } from "../../src/domain/endpoint.ts"
import { EndpointRepository } from "../../src/endpoints/EndpointRepository.ts"
import type { ProxmoxError } from "../../src/proxmox/errors.ts"
import { ProxmoxClient, type ProxmoxRequest } from "../../src/proxmox/ProxmoxClient.ts"

export interface Call {
  readonly endpoint: ProxmoxEndpoint
  readonly req: ProxmoxRequest
}

let nextId = 1
export const endpoint = (name: string, ip: string, domain: string | null = null, netbox_id: number | null = null) =>
  new ProxmoxEndpoint({
  id: ProxmoxEndpointId.make(nextId++),
  name,
  ip_address: ip,
  domain,
  port: 8006,
  username: "root@pam",
  password: Redacted.make("secret"),
  verify_ssl: false,
  token_name: null,
  token_value: null,
  netbox_id
})

/** Only `listProxmox` is used by the generated routes; the rest must not be called. */
export const endpointsLayer = (endpoints: ReadonlyArray<ProxmoxEndpoint>) => {
  const unused = () => Effect.dieMessage("not used by the generated routes")
  return Layer.succeed(EndpointRepository, {
    listProxmox: () => Effect.succeed(endpoints),
    getProxmox: unused,
    insertProxmox: unused,
    updateProxmox: unused,
    deleteProxmox: unused,
    listNetBox: unused,
    getNetBoxById: unused,
    getNetBox: unused(),
    insertNetBox: unused,
    updateNetBox: unused,
    deleteNetBox: unused
  })
}

export interface Harness {
  readonly fetch: (path: string, init?: RequestInit) => Promise<Response>
  readonly calls: Array<Call>
  /** What the mocked Proxmox answers next (a value, or a failure). */
  answer: { readonly _tag: "data"; readonly data: unknown } | { readonly _tag: "fail"; readonly error: ProxmoxError }
  readonly dispose: () => Promise<void>
}

export const makeHarness = async (
  options: { readonly endpoints?: ReadonlyArray<ProxmoxEndpoint>; readonly dir?: string; readonly manifestPath?: string } = {}
): Promise<Harness> => {
  const calls: Array<Call> = []
  const harness: { answer: Harness["answer"] } = { answer: { _tag: "data", data: null } }
  const forwarder = ProxmoxClient.layerTest((endpoint, req) => {
    calls.push({ endpoint, req })
    const a = harness.answer
    return a._tag === "data" ? Effect.succeed(a.data) : Effect.fail(a.error)
  })
  const repo = endpointsLayer(options.endpoints ?? [endpoint("pve", "10.0.0.1")])
  const app = GeneratedProxmoxRoutes.pipe(
    Layer.provideMerge(GeneratedRoutes.layer({ ...(options.dir ? { dir: options.dir } : {}), manifestPath: options.manifestPath })),
    Layer.provide(Layer.mergeAll(forwarder, repo, NodeContext.layer))
  )
  const { dispose, handler } = HttpLayerRouter.toWebHandler(app, { disableLogger: true })
  return Object.assign(harness, {
    calls,
    dispose,
    fetch: (path: string, init?: RequestInit) => handler(new Request(`http://localhost${path}`, init))
  }) as Harness
}
