import { HttpApiBuilder } from "@effect/platform"
import { Effect, Option } from "effect"
import { AppConfig } from "../../config.ts"
import { EndpointRepository } from "../../endpoints/EndpointRepository.ts"
import { AppCache } from "../../observability/Cache.ts"
import { ProxboxApi } from "../Api.ts"
import { SERVICE_VERSION } from "../../version.ts"

export const HttpRootLive = HttpApiBuilder.group(ProxboxApi, "root", (handlers) =>
  Effect.gen(function*() {
    const config = yield* AppConfig
    const repo = yield* EndpointRepository
    const cache = yield* AppCache
    const startedAt = Date.now()
    return handlers
      .handle("root", () =>
        Effect.succeed({
          message: "Proxbox Backend (TypeScript on Effect)",
          version: SERVICE_VERSION,
          proxbox: { github: "https://github.com/netdevopsbr/netbox-proxbox", docs: "https://docs.netbox.dev.br" },
          links: { docs: "/docs", openapi: "/openapi.json", health: "/health", admin: "/admin/" }
        }))
      .handle("version", () => Effect.succeed({ version: SERVICE_VERSION }))
      // Ready as soon as the database answers; NetBox is never awaited (decision 1).
      .handle("health", () =>
        Effect.gen(function*() {
          const netbox = yield* repo.getNetBox
          const proxmox = yield* repo.listProxmox()
          return {
            status: "ready" as const,
            init_ok: true,
            version: SERVICE_VERSION,
            database: config.database._tag,
            netbox_endpoint_configured: Option.isSome(netbox),
            proxmox_endpoint_count: proxmox.length,
            uptime_seconds: (Date.now() - startedAt) / 1000
          }
        }))
      .handle("cache", () => cache.snapshot)
      .handle("clearCache", () => Effect.as(cache.clear, { message: "Cache cleared" }))
  }))
