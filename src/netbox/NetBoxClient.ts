/**
 * The NetBoxClient service and the ways to get one: from explicit options (tests, the real-NetBox harness,
 * embedding), from a NetBoxEndpoint record, or from the stored endpoint (EndpointRepository). Routes that must
 * follow endpoint edits use NetBoxConnector, which rebuilds the client when the stored endpoint changes.
 */
import { Context, Effect, Exit, Layer, Option, Redacted, Ref, Scope } from "effect"
import { createHash } from "node:crypto"
import type { NetBoxEndpoint } from "../domain/endpoint.ts"
import { EndpointRepository } from "../endpoints/EndpointRepository.ts"
import { parseToken, tokenOf } from "./auth.ts"
import { makeNetBoxClient, type NetBoxClientOptions, type NetBoxClientService } from "./client.ts"
import { NetBoxNotConfigured } from "./errors.ts"

export type Tuning = Omit<NetBoxClientOptions, "baseUrl" | "token" | "verifySsl">

export const optionsFromEndpoint = (endpoint: NetBoxEndpoint, tuning: Tuning = {}): NetBoxClientOptions => ({
  ...tuning,
  baseUrl: endpoint.baseUrl,
  token: tokenOf(endpoint),
  verifySsl: endpoint.verify_ssl
})

export class NetBoxClient extends Context.Tag("proxbox/NetBoxClient")<NetBoxClient, NetBoxClientService>() {
  static readonly layer = (options: NetBoxClientOptions) => Layer.scoped(NetBoxClient, makeNetBoxClient(options))

  /** From a URL and one token string (`nbt_<key>.<secret>` is v2, anything else v1). */
  static readonly layerUrl = (baseUrl: string, token: string, tuning: Tuning & { readonly verifySsl?: boolean } = {}) =>
    NetBoxClient.layer({ ...tuning, baseUrl, token: parseToken(token) })

  static readonly layerEndpoint = (endpoint: NetBoxEndpoint, tuning?: Tuning) =>
    NetBoxClient.layer(optionsFromEndpoint(endpoint, tuning))

  /** The stored endpoint, read once when the layer is built. */
  static readonly layerStored = (tuning?: Tuning) =>
    Layer.scoped(
      NetBoxClient,
      Effect.flatMap(EndpointRepository, (repo) => repo.getNetBox).pipe(
        Effect.flatMap(Option.match({
          onNone: () => Effect.fail(new NetBoxNotConfigured()),
          onSome: (endpoint) => makeNetBoxClient(optionsFromEndpoint(endpoint, tuning))
        }))
      )
    )
}

/**
 * The client for whatever NetBox endpoint is stored now. The endpoint row can be edited at any time
 * (PUT /netbox/endpoint/{id}), so each call looks it up and reuses the client while it is unchanged.
 */
export class NetBoxConnector extends Context.Tag("proxbox/NetBoxConnector")<NetBoxConnector, {
  readonly client: Effect.Effect<NetBoxClientService, NetBoxNotConfigured>
}>() {
  static readonly layer = (tuning?: Tuning) =>
    Layer.scoped(
      NetBoxConnector,
      Effect.gen(function*() {
        const repo = yield* EndpointRepository
        const current = yield* Ref.make<Option.Option<{ key: string; scope: Scope.CloseableScope; client: NetBoxClientService }>>(
          Option.none()
        )
        const lock = yield* Effect.makeSemaphore(1)
        yield* Effect.addFinalizer(() =>
          Ref.get(current).pipe(Effect.flatMap(Option.match({
            onNone: () => Effect.void,
            onSome: (c) => Scope.close(c.scope, Exit.void)
          })))
        )
        // A digest, so the plaintext token is not kept around as a cache key.
        const keyOf = (e: NetBoxEndpoint) =>
          createHash("sha256").update(JSON.stringify([e.baseUrl, e.verify_ssl, e.token_version, e.token_key, Redacted.value(e.token)]))
            .digest("hex")
        const client = Effect.gen(function*() {
          const endpoint = yield* repo.getNetBox.pipe(Effect.flatMap(Option.match({
            onNone: () => Effect.fail(new NetBoxNotConfigured()),
            onSome: Effect.succeed
          })))
          const key = keyOf(endpoint)
          const cached = yield* Ref.get(current)
          if (Option.isSome(cached) && cached.value.key === key) return cached.value.client
          if (Option.isSome(cached)) yield* Scope.close(cached.value.scope, Exit.void)
          const scope = yield* Scope.make()
          const made = yield* makeNetBoxClient(optionsFromEndpoint(endpoint, tuning)).pipe(Scope.extend(scope))
          yield* Ref.set(current, Option.some({ key, scope, client: made }))
          return made
        })
        return { client: lock.withPermits(1)(client) }
      })
    )

  /** A connector that always answers with the given client (tests and embedding). */
  static readonly fromClient = (client: NetBoxClientService) =>
    Layer.succeed(NetBoxConnector, { client: Effect.succeed(client) })
}
