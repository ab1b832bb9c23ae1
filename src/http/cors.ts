/**
 * CORS for browser clients: the NetBox UI (the plugin's log view calls /admin/logs from the NetBox origin), local
 * development origins, and PROXBOX_CORS_EXTRA_ORIGINS. Unlike the reference (computed once at start-up), the
 * NetBox origins follow the stored endpoint as the plugin registers or changes it.
 */
import { HttpMiddleware } from "@effect/platform"
import { Context, Effect, Layer } from "effect"
import { AppConfig } from "../config.ts"
import type { NetBoxEndpoint } from "../domain/endpoint.ts"
import { EndpointRepository } from "../endpoints/EndpointRepository.ts"

const FIXED = [
  "https://127.0.0.1:443",
  "http://127.0.0.1:80",
  "http://127.0.0.1:8000",
  "http://localhost:3000",
  "http://127.0.0.1:3000",
  "http://localhost:3001",
  "http://127.0.0.1:3001"
]

/** Every origin a browser on this NetBox may send: the scheme's default port is omitted by browsers. */
export const netboxOrigins = (e: NetBoxEndpoint): ReadonlyArray<string> => {
  const host = e.domain.trim() !== "" ? e.domain.trim() : e.ip_address.split("/")[0]!
  return ["https", "http"].flatMap((scheme) => [
    `${scheme}://${host}`,
    `${scheme}://${host}:${e.port}`,
    `${scheme}://${host}:443`,
    `${scheme}://${host}:80`,
    `${scheme}://${host}:8000`
  ])
}

export class CorsOrigins extends Context.Tag("proxbox/CorsOrigins")<CorsOrigins, {
  readonly isAllowed: (origin: string | undefined) => boolean
  readonly setNetBoxEndpoints: (endpoints: ReadonlyArray<NetBoxEndpoint>) => Effect.Effect<void>
}>() {
  static layer = Layer.effect(
    CorsOrigins,
    Effect.gen(function*() {
      const config = yield* AppConfig
      const repo = yield* EndpointRepository
      const base = new Set([...FIXED, ...config.corsExtraOrigins])
      let allowed = new Set(base)
      const setNetBoxEndpoints = (endpoints: ReadonlyArray<NetBoxEndpoint>) =>
        Effect.sync(() => {
          allowed = new Set([...base, ...endpoints.flatMap(netboxOrigins)])
        })
      yield* Effect.flatMap(repo.listNetBox(), setNetBoxEndpoints)
      // Browsers omit Origin on same-origin GETs; the middleware still asks, with undefined.
      const isAllowed = (origin: string | undefined) => origin !== undefined && allowed.has(origin.replace(/\/+$/, ""))
      return { isAllowed, setNetBoxEndpoints }
    })
  )
}

export const corsMiddleware = (origins: Context.Tag.Service<CorsOrigins>) =>
  HttpMiddleware.cors({
    allowedOrigins: origins.isAllowed,
    credentials: true,
    allowedHeaders: ["authorization", "content-type", "x-proxbox-api-key"],
    allowedMethods: ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
  })
