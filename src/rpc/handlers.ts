/** Server side of ProxboxRpcs: thin adapters over the services the REST handlers use (no second implementation). */
import { selectStoredEndpoints } from "../api/selection.ts"
import { Effect, Layer, Stream } from "effect"
import { netboxPublic, proxmoxPublic } from "../api/endpoints/Http.ts"
import { healthReport } from "../api/root/health.ts"
import { baseRequest, jsonAnswer, toHttpError } from "../api/sync/common.ts"
import { EndpointRepository } from "../endpoints/EndpointRepository.ts"
import { SyncOrchestrator } from "../sync/SyncOrchestrator.ts"
import { ApiKeyAuthLive } from "./ApiKeyAuth.ts"
import { ProxboxRpcs, type SyncOptions } from "./ProxboxRpcs.ts"

const ids = (xs: ReadonlyArray<number> | undefined) => xs?.map(String)

export const ProxboxRpcsLive = ProxboxRpcs.toLayer(
  Effect.gen(function*() {
    const repo = yield* EndpointRepository
    const sync = yield* SyncOrchestrator
    const context = yield* Effect.context<Effect.Effect.Context<typeof healthReport>>()

    /** The same SyncRequest the REST route builds from its query. */
    const requestOf = (o: Omit<typeof SyncOptions.Type, "dry_run">, dryRun: boolean) =>
      Effect.gen(function*() {
        const query = { ...o, endpoint_ids: ids(o.endpoint_ids), proxmox_endpoint_ids: ids(o.proxmox_endpoint_ids), dry_run: dryRun }
        return baseRequest(o.stage, query, yield* selectStoredEndpoints(query))
      }).pipe(
        Effect.provideService(EndpointRepository, repo)
      )

    return {
      Health: () => Effect.provide(healthReport, context),
      ListEndpoints: () =>
        Effect.all({
          netbox: Effect.map(repo.listNetBox(), (rows) => rows.map(netboxPublic)),
          proxmox: Effect.map(repo.listProxmox(), (rows) => rows.map(proxmoxPublic))
        }),
      Sync: (options) => Stream.unwrap(Effect.map(requestOf(options, options.dry_run), sync.run)),
      Plan: (options) =>
        requestOf(options, true).pipe(
          Effect.flatMap((request) => Effect.mapError(sync.runToCompletion(request), toHttpError)),
          Effect.map(jsonAnswer),
          // a dry run always answers the report, never records
          Effect.map((answer) => answer as Extract<typeof answer, { readonly dry_run: true }>)
        )
    }
  })
).pipe(Layer.provideMerge(ApiKeyAuthLive))
