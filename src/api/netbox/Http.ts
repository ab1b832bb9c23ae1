/** Handlers of the NetBox pass-through routes and the custom-field bootstrap. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { UpstreamError } from "../../domain/errors.ts"
import { NetBoxBootstrap } from "../../netbox/bootstrap.ts"
import type { NetBoxError } from "../../netbox/errors.ts"
import { NetBoxConnector } from "../../netbox/NetBoxClient.ts"
import { ProxboxApi } from "../Api.ts"
import { orNoNetBox } from "./stored.ts"

/** A NetBox failure at the edge: the reference's sentence in `message`, the cause in `detail` (502). */
export const netboxUpstream = (message: string) => (e: NetBoxError) =>
  new UpstreamError({
    upstream: "netbox",
    message,
    detail: e.message,
    ...("status" in e && typeof e.status === "number" ? { status: e.status } : {})
  })

const record = (body: unknown) => (body && typeof body === "object" && !Array.isArray(body) ? body as Record<string, unknown> : { value: body })

export const HttpNetBoxLive = HttpApiBuilder.group(ProxboxApi, "netbox", (handlers) =>
  Effect.gen(function*() {
    const connector = yield* NetBoxConnector
    const pass = (call: "status" | "openapi", message: string) =>
      connector.client.pipe(
        orNoNetBox,
        Effect.flatMap((nb) => Effect.mapError(nb[call], netboxUpstream(message))),
        Effect.map(record)
      )
    return handlers
      .handle("status", () => pass("status", "Error fetching status from NetBox API."))
      .handle("openapi", () => pass("openapi", "Error fetching OpenAPI documentation from NetBox API."))
  }))

export const HttpExtrasLive = HttpApiBuilder.group(ProxboxApi, "extras", (handlers) =>
  Effect.gen(function*() {
    const connector = yield* NetBoxConnector
    const bootstrap = yield* NetBoxBootstrap
    return handlers.handle("createCustomFields", () =>
      connector.client.pipe(
        orNoNetBox,
        Effect.flatMap((nb) => Effect.mapError(bootstrap.ensure(nb), netboxUpstream("Error creating custom fields in NetBox."))),
        Effect.map((r) => r.customFields.map((cf) => ({ ...cf })))
      ))
  }))
