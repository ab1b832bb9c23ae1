/**
 * Wiring of the generated Proxmox routes into the one HttpLayerRouter (STACK.md §3.4 variant B):
 * one catch-all route per prefix dispatches through the mounted versions' tables, so a refresh
 * swaps whole versions while the server runs.
 */
import { HttpLayerRouter } from "@effect/platform"
import { Effect } from "effect"
import { EndpointRepository } from "../endpoints/EndpointRepository.ts"
import { ProxmoxClient } from "../proxmox/ProxmoxClient.ts"
import { GeneratedRoutes } from "./GeneratedRoutes.ts"
import { handleGenerated, PROXY_PREFIX } from "./proxy.ts"

/** The routes; needs GeneratedRoutes, EndpointRepository and ProxmoxClient. */
export const GeneratedProxmoxRoutes = HttpLayerRouter.use((router) =>
  Effect.gen(function*() {
    const context = yield* Effect.context<GeneratedRoutes | EndpointRepository | ProxmoxClient>()
    const handler = Effect.provide(handleGenerated, context)
    yield* router.add("*", PROXY_PREFIX, handler)
    yield* router.add("*", `${PROXY_PREFIX}/*`, handler)
  })
)
