/** The health report, shared by GET /health and the RPC `Health` procedure. */
import { Effect, Option } from "effect"
import { AppConfig } from "../../config.ts"
import { EndpointRepository } from "../../endpoints/EndpointRepository.ts"
import { SERVICE_VERSION } from "../../version.ts"

// Ready as soon as the database answers; NetBox is never awaited (decision 1).
export const healthReport = Effect.gen(function*() {
  const config = yield* AppConfig
  const repo = yield* EndpointRepository
  const netbox = yield* repo.getNetBox
  const proxmox = yield* repo.listProxmox()
  return {
    status: "ready" as const,
    init_ok: true,
    version: SERVICE_VERSION,
    database: config.database._tag,
    netbox_endpoint_configured: Option.isSome(netbox),
    proxmox_endpoint_count: proxmox.length,
    uptime_seconds: Math.round(process.uptime() * 1000) / 1000
  }
})
