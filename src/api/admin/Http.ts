import { HttpApiBuilder, HttpLayerRouter, HttpServerResponse } from "@effect/platform"
import { Effect } from "effect"
import { EndpointRepository } from "../../endpoints/EndpointRepository.ts"
import { LogBuffer } from "../../observability/LogBuffer.ts"
import { ProxboxApi } from "../Api.ts"
import { renderAdminPage } from "./page.ts"

/** Naive date-times are UTC, as in the reference. */
const parseSince = (s: string) => new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(s) ? s : `${s}Z`)

export const HttpAdminLive = HttpApiBuilder.group(ProxboxApi, "admin", (handlers) =>
  Effect.gen(function*() {
    const ring = yield* LogBuffer
    return handlers.handle("logs", ({ urlParams: q }) =>
      Effect.sync(() => {
        const since = q.since === undefined ? undefined : parseSince(q.since)
        return {
          ...ring.query({ ...q, since }),
          active_filters: {
            level: q.level ?? null,
            operation_id: q.operation_id ?? null,
            since: since?.toISOString() ?? null,
            errors_only: q.errors_only ?? false
          }
        }
      }))
  }))

/** GET /admin/ — an HTML dashboard, outside the OpenAPI document like the reference's. */
export const AdminPageRoute = HttpLayerRouter.add(
  "GET",
  "/admin/",
  Effect.gen(function*() {
    const repo = yield* EndpointRepository
    const [netbox, proxmox] = yield* Effect.all([repo.listNetBox(), repo.listProxmox()])
    return HttpServerResponse.html(renderAdminPage(netbox, proxmox))
  })
)
