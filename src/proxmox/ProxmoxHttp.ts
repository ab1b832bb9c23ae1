/**
 * The HttpClients the Proxmox client talks through. Proxmox clusters mostly run self-signed
 * certificates, so endpoints with `verify_ssl=false` get a client whose own undici Agent skips
 * verification; that relaxation never leaks into the app-wide HttpClient (STACK.md §3.7).
 */
import { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import * as Undici from "@effect/platform-node/Undici"
import { Context, Effect, Layer } from "effect"
import { ProxmoxClientConfig } from "./config.ts"

export class ProxmoxHttp extends Context.Tag("proxbox/ProxmoxHttp")<ProxmoxHttp, {
  readonly client: (verifySsl: boolean) => HttpClient.HttpClient
}>() {
  /** Two dispatchers (verifying, relaxed), each capped at the per-endpoint concurrency. */
  static readonly layer = Layer.scoped(
    ProxmoxHttp,
    Effect.gen(function*() {
      const { maxConcurrentPerEndpoint } = yield* ProxmoxClientConfig
      const agent = (connect: Undici.Agent.Options["connect"]) =>
        Effect.acquireRelease(
          Effect.sync(() => new Undici.Agent({ connect: connect!, connections: maxConcurrentPerEndpoint })),
          (d) => Effect.promise(() => d.destroy())
        ).pipe(Effect.map(NodeHttpClient.makeUndici))
      const verifying = yield* agent({})
      const relaxed = yield* agent({ rejectUnauthorized: false })
      return { client: (verifySsl) => (verifySsl ? verifying : relaxed) }
    })
  )
}
