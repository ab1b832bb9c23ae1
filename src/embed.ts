/**
 * The sync engine for Effect programs that embed it without HTTP: give it a ProxmoxClient and a NetBoxClient
 * (live Layers or the simulators' test Layers) and it provides the SyncOrchestrator, with the NetBox schema
 * bootstrap and cache it needs.
 */
import { Effect, Layer } from "effect"
import { NetBoxBootstrap } from "./netbox/bootstrap.ts"
import { NetBoxClient, NetBoxConnector } from "./netbox/NetBoxClient.ts"
import { AppCache } from "./observability/Cache.ts"
import { SyncOrchestrator, type SyncSettings } from "./sync/SyncOrchestrator.ts"

export const SyncEngine = (settings: SyncSettings = {}) =>
  SyncOrchestrator.layerWith(settings).pipe(
    Layer.provide(Layer.mergeAll(
      Layer.unwrapEffect(Effect.map(NetBoxClient, NetBoxConnector.fromClient)),
      NetBoxBootstrap.layer,
      AppCache.layer
    ))
  )
