/**
 * The one global middleware: CORS outside, then the API-key check, a body-size cap, and the JSON error edge
 * (unknown routes and defects become `{detail, message}` JSON, never HTML or a stack trace).
 */
import { HttpIncomingMessage, HttpLayerRouter, HttpServerRequest, HttpServerResponse } from "@effect/platform"
import { Cause, Effect, Option } from "effect"
import { AppConfig } from "../config.ts"
import { makeKeyCheck, presentedKey, requiresKey, unauthorized } from "./auth.ts"
import { corsMiddleware, CorsOrigins } from "./cors.ts"

const json = (status: number, detail: string) =>
  HttpServerResponse.unsafeJson({ detail, message: detail }, { status })

export const GlobalMiddleware = HttpLayerRouter.middleware(
  Effect.gen(function*() {
    const config = yield* AppConfig
    const origins = yield* CorsOrigins
    const keysConfigured = config.apiKeys.length > 0
    const check = makeKeyCheck(config.apiKeys)
    const cors = corsMiddleware(origins)
    const maxBody = Option.some(config.maxBodySize)
    const tooLarge = json(413, `Request body larger than ${config.maxBodySize} bytes`)

    return (app) =>
      cors(Effect.gen(function*() {
        const request = yield* HttpServerRequest.HttpServerRequest
        if (requiresKey(request, keysConfigured)) {
          const key = presentedKey(request.headers)
          if (!check(key)) {
            const { _tag, detail, message } = unauthorized(key !== undefined)
            return HttpServerResponse.unsafeJson({ _tag, detail, message }, { status: 401 })
          }
        }
        // Refuse a declared oversize body before reading it; chunked bodies are capped while reading.
        if (Number(request.headers["content-length"] ?? 0) > config.maxBodySize) return tooLarge
        return yield* HttpIncomingMessage.withMaxBodySize(app, maxBody)
      }).pipe(
        Effect.catchAllCause((cause) => {
          if (Cause.isInterruptedOnly(cause)) return Effect.failCause(cause)
          // HttpApi dies with the RequestError of an unreadable body, so look at defects as well as failures.
          const error = Cause.squash(cause) as { _tag?: string; cause?: unknown }
          if (error?._tag === "RouteNotFound") return Effect.succeed(json(404, "Not Found"))
          if (error?._tag === "RequestError") {
            return Effect.succeed(
              String(error.cause).includes("maxBytes exceeded") ? tooLarge : json(400, "Request body is not valid JSON")
            )
          }
          return Effect.as(
            Effect.logError("Unhandled error", cause),
            HttpServerResponse.unsafeJson(
              { message: "Internal server error", detail: "An unexpected error occurred." },
              { status: 500 }
            )
          )
        })
      )) as any
  }),
  { global: true }
)

