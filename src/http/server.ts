/**
 * Everything served on one port through one HttpLayerRouter: the HttpApi groups (and /openapi.json), Swagger
 * UI at /docs, the raw routes (admin page, SSE, WebSocket), and the generated Proxmox surface.
 * `AppServices` are the services the routes need, apart from those talking to the outside (ProxmoxClient,
 * NetBoxClient): `serveApp` takes those as a parameter so tests can plug simulators or mocks in, and the server.
 */
import { HttpLayerRouter, HttpServer } from "@effect/platform"
import { NodeContext, NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { HttpAdminLive, AdminPageRoute } from "../api/admin/Http.ts"
import { ProxboxApi } from "../api/Api.ts"
import { HttpNetBoxEndpointLive, HttpProxmoxEndpointsLive } from "../api/endpoints/Http.ts"
import { HttpProxmoxReadLive } from "../api/proxmox-reads/Http.ts"
import { HttpExtrasLive, HttpNetBoxLive } from "../api/netbox/Http.ts"
import { HttpViewerLive } from "../api/viewer/Http.ts"
import { HttpRootLive } from "../api/root/Http.ts"
import { HttpDcimLive, HttpVirtualizationLive } from "../api/sync/Http.ts"
import { HttpSyncIndividualLive } from "../api/sync/Individual.ts"
import { CommandSocketRoute, CounterSocket, VirtualMachinesSocketRoute } from "../api/ws.ts"
import { AppConfig } from "../config.ts"
import { GeneratedRoutes } from "../contract/GeneratedRoutes.ts"
import { GeneratedProxmoxRoutes } from "../contract/layer.ts"
import { DatabaseLive } from "../endpoints/Database.ts"
import { EndpointRepository } from "../endpoints/EndpointRepository.ts"
import { SecretBox } from "../endpoints/SecretBox.ts"
import { NetBoxBootstrap } from "../netbox/bootstrap.ts"
import { NetBoxConnector } from "../netbox/NetBoxClient.ts"
import { AppCache } from "../observability/Cache.ts"
import { LogBuffer } from "../observability/LogBuffer.ts"
import { SyncOrchestrator } from "../sync/SyncOrchestrator.ts"
import { RpcRoutes } from "../rpc/routes.ts"
import { CorsOrigins } from "./cors.ts"
import { DocsRoute, OpenApiRoute } from "./docs.ts"
import { GlobalMiddleware } from "./middleware.ts"

/** Handler Layers of every HttpApi group in ProxboxApi. */
const ApiHandlers = Layer.mergeAll(
  HttpRootLive,
  HttpAdminLive,
  HttpNetBoxEndpointLive,
  HttpNetBoxLive,
  HttpExtrasLive,
  HttpProxmoxEndpointsLive,
  HttpProxmoxReadLive,
  HttpViewerLive,
  HttpDcimLive,
  HttpVirtualizationLive,
  HttpSyncIndividualLive
)

const ApiRoutes = HttpLayerRouter.addHttpApi(ProxboxApi).pipe(
  Layer.provide(ApiHandlers)
)

/** Every route of the service. */
// The generated Proxmox routes forward through the ProxmoxClient that `upstream` provides.
export const AppRoutes = Layer.mergeAll(
  ApiRoutes,
  OpenApiRoute,
  DocsRoute,
  AdminPageRoute,
  GeneratedProxmoxRoutes,
  RpcRoutes,
  VirtualMachinesSocketRoute,
  CommandSocketRoute,
  CounterSocket,
  GlobalMiddleware
)

/** Database, repository and in-process services; needs AppConfig and the LogBuffer fed by the logger. */
export const AppServices = Layer.mergeAll(
  CorsOrigins.layer,
  AppCache.layer,
  // The client for the stored NetBox endpoint, rebuilt when the endpoint is edited.
  NetBoxConnector.layer(),
  NetBoxBootstrap.layer,
  // Every generated/proxmox/<tag>/openapi.json, read at start-up.
  GeneratedRoutes.layer().pipe(Layer.provide(NodeContext.layer))
).pipe(
  Layer.provideMerge(EndpointRepository.layer),
  Layer.provideMerge(Layer.mergeAll(DatabaseLive, SecretBox.layer))
)

/**
 * The served application on `server` (Node on a port, or the test server). The application is built before the
 * server: Node accepts connections as soon as it listens, and a request that arrives before the handler is attached
 * is never answered, so the port opens only once every route and service is ready. (`HttpLayerRouter.serve` needs
 * the HttpServer first, hence the same steps spelled out in the other order.)
 */
export const serveApp = <Upstream, E, S>(
  upstream: Layer.Layer<Upstream, E, AppConfig | EndpointRepository>,
  server: Layer.Layer<S | HttpServer.HttpServer, unknown>
) =>
  Layer.unwrapScoped(Effect.map(HttpLayerRouter.HttpRouter, (router) =>
    HttpServer.serve(router.asHttpEffect()).pipe(Layer.provideMerge(server)))).pipe(
    Layer.provideMerge(AppRoutes),
    Layer.provide(HttpLayerRouter.layer),
    // the sync engine runs on the upstream clients given here
    Layer.provide(SyncOrchestrator.layer.pipe(Layer.provideMerge(upstream))),
    // HttpPlatform, FileSystem, Path and Etag for the routes, which are built before the server provides them
    Layer.provide(NodeHttpServer.layerContext),
    Layer.provideMerge(AppServices)
  ) as Layer.Layer<EndpointRepository | S | HttpServer.HttpServer, unknown, AppConfig | LogBuffer>
