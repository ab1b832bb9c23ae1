/**
 * Wiring of the generated Proxmox routes into the one HttpLayerRouter (STACK.md §3.4 variant B):
 * one catch-all route per prefix dispatches through the mounted versions' tables, so a refresh
 * swaps whole versions while the server runs.
 */
import { HttpLayerRouter } from "@effect/platform"
import { Effect, Layer } from "effect"
import { EndpointRepository } from "../endpoints/EndpointRepository.ts"
import { ProxmoxForwarder } from "./forward.ts"
import { GeneratedRoutes } from "./GeneratedRoutes.ts"
import { handleGenerated, PROXY_PREFIX } from "./proxy.ts"

/** The routes; needs GeneratedRoutes, EndpointRepository and ProxmoxForwarder. */
export const GeneratedProxmoxRoutes = HttpLayerRouter.use((router) =>
  Effect.gen(function*() {
    const context = yield* Effect.context<GeneratedRoutes | EndpointRepository | ProxmoxForwarder>()
    const handler = Effect.provide(handleGenerated, context)
    yield* router.add("*", PROXY_PREFIX, handler)
    yield* router.add("*", `${PROXY_PREFIX}/*`, handler)
  })
)

/**
 * Everything the generated surface needs except the endpoint repository: the mounted versions
 * (read from generated/proxmox at start-up) and the forwarder over the live ProxmoxClient.
 */
export const ProxmoxContractLive = (options?: Parameters<typeof GeneratedRoutes.layer>[0]) =>
  GeneratedProxmoxRoutes.pipe(
    Layer.provideMerge(GeneratedRoutes.layer(options)),
    Layer.provide(ProxmoxForwarder.layer)
  )
