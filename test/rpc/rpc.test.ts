/** The RPC surface through the exported client, over WebSocket and plain HTTP, with the API-key rule. */
import { HttpServer } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { ProxboxRpcClient } from "../../src/rpc/client.ts"
import { call, TestApp } from "../support/app.ts"

/** The app plus a client pointed at it. */
const withClient = (transport: "websocket" | "http", apiKey?: string, keys: ReadonlyArray<string> = []) =>
  Layer.unwrapEffect(Effect.gen(function*() {
    const { address } = yield* HttpServer.HttpServer
    const port = address._tag === "TcpAddress" ? address.port : 0
    return ProxboxRpcClient.layer({
      url: `http://127.0.0.1:${port}`,
      transport,
      apiKey: apiKey === undefined ? undefined : Redacted.make(apiKey)
    })
  })).pipe(Layer.provideMerge(TestApp({ config: { apiKeys: keys.map((k) => Redacted.make(k)) } })))

describe("ProxboxRpcClient", () => {
  for (const transport of ["websocket", "http"] as const) {
    it.scoped(`${transport}: Health and ListEndpoints answer what REST answers`, () =>
      Effect.gen(function*() {
        yield* call("POST", "/proxmox/endpoints", {
          json: { name: "lab", ip_address: "10.0.0.1", username: "root@pam", password: "rpc-secret-pw" }
        })
        const client = yield* ProxboxRpcClient
        const health = yield* client.Health()
        expect(health).toMatchObject({ status: "ready", proxmox_endpoint_count: 1 })
        const listing = yield* client.ListEndpoints()
        const rest = yield* call("GET", "/proxmox/endpoints")
        expect(listing.proxmox).toEqual(rest.body)
        expect(JSON.stringify(listing)).not.toContain("rpc-secret-pw")
      }).pipe(Effect.provide(withClient(transport))))

    it.scoped(`${transport}: a wrong or missing key is the typed Unauthorized, as through REST`, () =>
      Effect.gen(function*() {
        const client = yield* ProxboxRpcClient
        const error = yield* Effect.flip(client.ListEndpoints())
        expect(error).toMatchObject({ _tag: "Unauthorized", detail: "Invalid API key" })
        const rest = yield* call("GET", "/proxmox/endpoints", { headers: { authorization: "Bearer wrong" } })
        expect(rest).toMatchObject({ status: 401, body: { _tag: "Unauthorized", detail: "Invalid API key" } })
      }).pipe(Effect.provide(withClient(transport, "wrong", ["right"]))))

    it.scoped(`${transport}: the right key passes`, () =>
      Effect.gen(function*() {
        const client = yield* ProxboxRpcClient
        expect((yield* client.Health()).status).toBe("ready")
      }).pipe(Effect.provide(withClient(transport, "right", ["right"]))))
  }
})
