/**
 * The typed RPC surface for Effect clients (served at /rpc over HTTP and WebSocket): the same operations and
 * Schemas as REST, with errors as the same tagged types.
 */
import { Rpc, RpcGroup } from "@effect/rpc"
import { Schema } from "effect"
import { NetBoxEndpointPublic, ProxmoxEndpointPublic } from "../api/endpoints/Api.ts"
import { Health } from "../api/root/Api.ts"
import { ApiKeyAuth } from "./ApiKeyAuth.ts"

export const EndpointListing = Schema.Struct({
  netbox: Schema.Array(NetBoxEndpointPublic),
  proxmox: Schema.Array(ProxmoxEndpointPublic)
})

export class ProxboxRpcs extends RpcGroup.make(
  Rpc.make("Health", { success: Health }),
  Rpc.make("ListEndpoints", { success: EndpointListing })
).middleware(ApiKeyAuth) {}
