import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { AppConfig } from "../../config.ts"
import { EndpointRepository } from "../../endpoints/EndpointRepository.ts"
import { AppCache } from "../../observability/Cache.ts"
import { ProxboxApi } from "../Api.ts"
import { SERVICE_VERSION } from "../../version.ts"
import { healthReport } from "./health.ts"

export const HttpRootLive = HttpApiBuilder.group(ProxboxApi, "root", (handlers) =>
  Effect.gen(function*() {
    const cache = yield* AppCache
    const context = yield* Effect.context<AppConfig | EndpointRepository>()
    const health = Effect.provide(healthReport, context)
    return handlers
      .handle("root", () =>
        Effect.succeed({
          message: "Proxbox Backend (TypeScript on Effect)",
          version: SERVICE_VERSION,
          proxbox: { github: "https://github.com/netdevopsbr/netbox-proxbox", docs: "https://docs.netbox.dev.br" },
          links: { docs: "/docs", openapi: "/openapi.json", health: "/health", admin: "/admin/" }
        }))
      .handle("version", () => Effect.succeed({ version: SERVICE_VERSION }))
      .handle("health", () => health)
      .handle("cache", () => cache.snapshot)
      .handle("clearCache", () => Effect.as(cache.clear, { message: "Cache cleared" }))
  }))
