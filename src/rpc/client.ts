/**
 * `ProxboxRpcClient`: a Layer another Effect program provides with the service's URL and key, then
 * `yield* ProxboxRpcClient` for typed calls and Streams.
 *
 *   const program = Effect.gen(function*() {
 *     const proxbox = yield* ProxboxRpcClient
 *     const health = yield* proxbox.Health()
 *   }).pipe(Effect.provide(ProxboxRpcClient.layer({ url: "http://127.0.0.1:8800", apiKey })))
 */
import { FetchHttpClient } from "@effect/platform"
import { NodeSocket } from "@effect/platform-node"
import { RpcClient, RpcSerialization } from "@effect/rpc"
import type { RpcClientError } from "@effect/rpc/RpcClientError"
import { Context, Layer, type Redacted } from "effect"
import { apiKeyClient } from "./ApiKeyAuth.ts"
import { ProxboxRpcs } from "./ProxboxRpcs.ts"

export interface ProxboxRpcClientOptions {
  /** Base URL of the service, e.g. http://127.0.0.1:8800 */
  readonly url: string
  readonly apiKey?: Redacted.Redacted<string> | undefined
  /** WebSocket (default: one connection, streams multiplexed) or plain HTTP requests. */
  readonly transport?: "websocket" | "http"
}

export class ProxboxRpcClient extends Context.Tag("proxbox/ProxboxRpcClient")<
  ProxboxRpcClient,
  RpcClient.FromGroup<typeof ProxboxRpcs, RpcClientError>
>() {
  static layer = (options: ProxboxRpcClientOptions) => {
    const base = options.url.replace(/\/+$/, "")
    const protocol = options.transport === "http"
      ? RpcClient.layerProtocolHttp({ url: `${base}/rpc/http` }).pipe(Layer.provide(FetchHttpClient.layer))
      : RpcClient.layerProtocolSocket({ retryTransientErrors: true }).pipe(
        Layer.provide(NodeSocket.layerWebSocket(`${base.replace(/^http/, "ws")}/rpc`))
      )
    return Layer.scoped(ProxboxRpcClient, RpcClient.make(ProxboxRpcs)).pipe(
      Layer.provide(protocol),
      Layer.provide(RpcSerialization.layerNdjson),
      Layer.provide(apiKeyClient(options.apiKey))
    )
  }
}

export type { RpcClientError }
