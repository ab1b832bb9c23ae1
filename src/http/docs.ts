/**
 * /openapi.json and /docs (Swagger UI), built on their first request instead of at start-up: deriving the
 * document from ProxboxApi and rendering the Swagger page (a 1.5 MB HTML page with the document inlined) cost
 * about a quarter of a second of start-up CPU that no request needs until someone opens the docs.
 */
import { HttpApiSwagger, HttpLayerRouter, HttpServerResponse, OpenApi } from "@effect/platform"
import { Effect, Layer, Scope } from "effect"
import { ProxboxApi } from "../api/Api.ts"

export const OpenApiRoute = HttpLayerRouter.use((router) =>
  Effect.gen(function*() {
    const document = yield* Effect.cached(Effect.sync(() => HttpServerResponse.unsafeJson(OpenApi.fromApi(ProxboxApi))))
    yield* router.add("GET", "/openapi.json", document)
  })
)

// The Swagger page is only reachable through its own router layer: that router is built on the first request,
// with a memo map of its own (the inherited one would hand back the service's router, which has /docs already).
export const DocsRoute = HttpLayerRouter.use((router) =>
  Effect.gen(function*() {
    const scope = yield* Effect.scope
    const swagger = yield* Effect.cached(
      HttpLayerRouter.toHttpEffect(HttpApiSwagger.layerHttpLayerRouter({ api: ProxboxApi, path: "/docs" })).pipe(
        Effect.provideServiceEffect(Layer.CurrentMemoMap, Layer.makeMemoMap),
        Scope.extend(scope)
      )
    )
    yield* router.add("GET", "/docs", Effect.flatten(swagger))
  })
)
