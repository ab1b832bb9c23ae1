/**
 * The whole service in-process for route tests: the real HttpApi handlers, middleware and repository (in-memory
 * SQLite), on NodeHttpServer.layerTest (an ephemeral port with an HttpClient pointed at it). Upstream clients
 * default to a ProxmoxClient that fails every call; pass simulators or mocks when a test needs them.
 */
import { HttpClient, HttpClientRequest } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { AppConfigTest, type AppConfigShape } from "../../src/config.ts"
import type { ProxmoxEndpoint } from "../../src/domain/endpoint.ts"
import { EndpointRepository } from "../../src/endpoints/EndpointRepository.ts"
import { serveApp } from "../../src/http/server.ts"
import { LogBuffer } from "../../src/observability/LogBuffer.ts"
import { ProxmoxClient } from "../../src/proxmox/ProxmoxClient.ts"
import { ProxmoxUnreachable } from "../../src/proxmox/errors.ts"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"

export const unreachableProxmox = ProxmoxClient.layerTest((endpoint) =>
  Effect.fail(new ProxmoxUnreachable({ endpoint: endpoint.name, host: endpoint.hosts[0]!, reason: "no Proxmox in this test" }))
)

export const TestApp = (options: {
  readonly config?: Partial<AppConfigShape>
  readonly upstream?: Layer.Layer<any, any, any>
} = {}) =>
  serveApp(options.upstream ?? unreachableProxmox, NodeHttpServer.layerTest).pipe(
    Layer.provideMerge(LogBuffer.logger.pipe(Layer.provideMerge(LogBuffer.layer()))),
    Layer.provideMerge(AppConfigTest(options.config))
  )

export interface Reply {
  readonly status: number
  readonly body: any
  readonly text: string
  readonly headers: Readonly<Record<string, string>>
}

/** One request through the test server; the body is parsed when it is JSON. */
export const call = (method: "GET" | "POST" | "PUT" | "DELETE" | "OPTIONS", url: string, options: {
  readonly json?: unknown
  readonly raw?: string
  readonly headers?: Record<string, string>
} = {}) =>
  Effect.gen(function*() {
    let request = HttpClientRequest.make(method)(url).pipe(HttpClientRequest.setHeaders(options.headers ?? {}))
    if (options.json !== undefined) request = yield* HttpClientRequest.bodyJson(request, options.json)
    if (options.raw !== undefined) request = HttpClientRequest.bodyText(request, options.raw, "application/json")
    const response = yield* HttpClient.execute(request)
    const text = yield* response.text
    let body: unknown = undefined
    try {
      body = text === "" ? undefined : JSON.parse(text)
    } catch {
      body = undefined
    }
    const reply: Reply = { status: response.status, body, text, headers: response.headers }
    return reply
  }).pipe(Effect.scoped, Effect.orDie)

/** Stores Proxmox endpoints and registers the NetBox simulator as the plugin would (POST /netbox/endpoint, v2 token). */
export const registerEndpoints = (proxmox: ReadonlyArray<ProxmoxEndpoint>) =>
  Effect.gen(function*() {
    const repo = yield* EndpointRepository
    for (const { id: _id, ...fields } of proxmox) yield* repo.insertProxmox(fields)
    const nb = yield* NetBoxSimulator
    const [key, secret] = nb.tokenV2.replace(/^nbt_/, "").split(".") as [string, string]
    const reg = yield* call("POST", "/netbox/endpoint", {
      json: {
        name: "sim",
        ip_address: "127.0.0.1",
        domain: "127.0.0.1",
        port: Number(new URL(nb.url).port),
        token_version: "v2",
        token_key: key,
        token: secret,
        verify_ssl: false
      }
    })
    if (reg.status !== 200) return yield* Effect.dieMessage(`NetBox registration failed: ${reg.text}`)
  })
