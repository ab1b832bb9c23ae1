/**
 * The typed RPC surface for Effect clients (served at /rpc over WebSocket and /rpc/http over HTTP): the same
 * operations and Schemas as REST, with errors as the same tagged types. Sync stages stream the same `SyncEvent`s
 * the SSE routes render.
 */
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { NetBoxEndpointPublic, ProxmoxEndpointPublic } from "../api/endpoints/Api.ts"
import { Health } from "../api/root/Api.ts"
import { DryRunReport } from "../api/sync/Api.ts"
import { BadRequest, NotFound, UpstreamError } from "../domain/errors.ts"
import { SyncEvent, SyncFailure } from "../sync/events.ts"
import { ApiKeyAuth } from "./ApiKeyAuth.ts"

export const EndpointListing = Schema.Struct({
  netbox: Schema.Array(NetBoxEndpointPublic),
  proxmox: Schema.Array(ProxmoxEndpointPublic)
})

/** The stages a whole-scope sync can run (the per-VM stage is REST's `/{netbox_vm_id}/create`). */
export const RpcStage = Schema.Literal("cluster-types", "clusters", "devices", "virtual-machines")

/** Which endpoints and how: the REST query parameters, typed. */
export const SyncOptions = Schema.Struct({
  stage: RpcStage,
  source: Schema.optionalWith(Schema.Literal("database", "netbox"), { default: () => "database" as const }),
  name: Schema.optional(Schema.String),
  domain: Schema.optional(Schema.String),
  ip_address: Schema.optional(Schema.String),
  endpoint_ids: Schema.optional(Schema.Array(Schema.Int)),
  proxmox_endpoint_ids: Schema.optional(Schema.Array(Schema.Int)),
  fetch_max_concurrency: Schema.optionalWith(Schema.Int.pipe(Schema.greaterThanOrEqualTo(1)), { default: () => 8 }),
  dry_run: Schema.optionalWith(Schema.Boolean, { default: () => false }),
  delete_orphans: Schema.optionalWith(Schema.Boolean, { default: () => false })
})

export class ProxboxRpcs extends RpcGroup.make(
  Rpc.make("Health", { success: Health }),
  Rpc.make("ListEndpoints", { success: EndpointListing }),
  /** A sync stage as its events; stage-fatal failures end the stream with SyncFailure. */
  Rpc.make("Sync", { payload: SyncOptions, success: SyncEvent, error: Schema.Union(SyncFailure, BadRequest), stream: true }),
  /** The dry-run plan as a value: every planned action with its reason, nothing written. */
  Rpc.make("Plan", {
    payload: SyncOptions.omit("dry_run"),
    success: DryRunReport,
    error: Schema.Union(BadRequest, NotFound, UpstreamError)
  })
).middleware(ApiKeyAuth) {}
