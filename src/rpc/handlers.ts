/** Server side of ProxboxRpcs: thin adapters over the services the REST handlers use. */
import { Effect, Layer } from "effect"
import { netboxPublic, proxmoxPublic } from "../api/endpoints/Http.ts"
import { healthReport } from "../api/root/health.ts"
import { EndpointRepository } from "../endpoints/EndpointRepository.ts"
import { ApiKeyAuthLive } from "./ApiKeyAuth.ts"
import { ProxboxRpcs } from "./ProxboxRpcs.ts"

export const ProxboxRpcsLive = ProxboxRpcs.toLayer(
  Effect.gen(function*() {
    const repo = yield* EndpointRepository
    const context = yield* Effect.context<Effect.Effect.Context<typeof healthReport>>()
    return {
      Health: () => Effect.provide(healthReport, context),
      ListEndpoints: () =>
        Effect.all({
          netbox: Effect.map(repo.listNetBox(), (rows) => rows.map(netboxPublic)),
          proxmox: Effect.map(repo.listProxmox(), (rows) => rows.map(proxmoxPublic))
        })
    }
  })
).pipe(Layer.provideMerge(ApiKeyAuthLive))
