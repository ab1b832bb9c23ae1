/** /rpc on the app's router: WebSocket at /rpc (upgrade), plain HTTP POST at /rpc/http; NDJSON both ways. */
import { RpcSerialization, RpcServer } from "@effect/rpc"
import { Layer } from "effect"
import { ProxboxRpcsLive } from "./handlers.ts"
import { ProxboxRpcs } from "./ProxboxRpcs.ts"

export const RpcRoutes = Layer.mergeAll(
  RpcServer.layerHttpRouter({ group: ProxboxRpcs, path: "/rpc", protocol: "websocket" }),
  RpcServer.layerHttpRouter({ group: ProxboxRpcs, path: "/rpc/http", protocol: "http" })
).pipe(Layer.provide([ProxboxRpcsLive, RpcSerialization.layerNdjson]))
