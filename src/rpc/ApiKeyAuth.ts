/**
 * The API-key rule of REST (decision 8) applied per RPC call, so an Effect client gets the typed `Unauthorized`
 * instead of a transport error. The HTTP middleware leaves `/rpc` to this check.
 */
import { Headers } from "@effect/platform"
import { RpcMiddleware } from "@effect/rpc"
import { Effect, Layer, Redacted } from "effect"
import { AppConfig } from "../config.ts"
import { Unauthorized } from "../domain/errors.ts"
import { makeKeyCheck, presentedKey, unauthorized } from "../http/auth.ts"

export class ApiKeyAuth extends RpcMiddleware.Tag<ApiKeyAuth>()("proxbox/rpc/ApiKeyAuth", {
  failure: Unauthorized,
  requiredForClient: true
}) {}

export const ApiKeyAuthLive = Layer.effect(
  ApiKeyAuth,
  Effect.map(AppConfig, (config) => {
    const check = makeKeyCheck(config.apiKeys)
    return ({ headers }) => {
      if (config.apiKeys.length === 0) return Effect.void
      const key = presentedKey(headers)
      if (check(key)) return Effect.void
      return Effect.fail(unauthorized(key !== undefined))
    }
  })
)

/** Client side: every call carries the key (or nothing, for a service without keys). */
export const apiKeyClient = (apiKey: Redacted.Redacted<string> | undefined) =>
  RpcMiddleware.layerClient(ApiKeyAuth, ({ request }) =>
    Effect.succeed(
      apiKey === undefined
        ? request
        : { ...request, headers: Headers.set(request.headers, "x-proxbox-api-key", Redacted.value(apiKey)) }
    ))
