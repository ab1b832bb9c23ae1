/**
 * proxbox-api as a library: the services with their live Layers, the domain Schemas and errors, the HTTP app, and
 * the typed RPC client. Simulators and test Layers live in `proxbox-api/testing`.
 */
// Configuration and the service as a whole
export { AppConfig, AppConfigLive, AppConfigTest, type AppConfigShape } from "./config.ts"
export { AppRoutes, AppServices, serveApp } from "./http/server.ts"
export { UpstreamLive } from "./upstream.ts"

// Domain
export { NetBoxEndpoint, NetBoxEndpointId, ProxmoxEndpoint, ProxmoxEndpointId } from "./domain/endpoint.ts"
export { BadRequest, NotFound, Unauthorized, UpstreamError } from "./domain/errors.ts"

// Endpoint registry
export { EndpointConflict, EndpointRepository } from "./endpoints/EndpointRepository.ts"
export { DatabaseLive, databaseFor } from "./endpoints/Database.ts"
export { SecretBox } from "./endpoints/SecretBox.ts"

// Proxmox VE
export { ProxmoxClient, type ProxmoxRequest, type ProxmoxSession } from "./proxmox/ProxmoxClient.ts"
export { ProxmoxApiError, ProxmoxAuthFailed, type ProxmoxError, ProxmoxUnreachable } from "./proxmox/errors.ts"

// NetBox
export { NetBoxClient, NetBoxConnector } from "./netbox/NetBoxClient.ts"
export { NetBoxBootstrap } from "./netbox/bootstrap.ts"
export {
  NetBoxAuthFailed,
  type NetBoxError,
  NetBoxNotConfigured,
  NetBoxNotFound,
  NetBoxRequestFailed,
  NetBoxUnavailable,
  NetBoxValidation
} from "./netbox/errors.ts"

// Sync engine
export { SyncEngine } from "./embed.ts"
export { SyncOrchestrator, type SyncRequest, type SyncSettings } from "./sync/SyncOrchestrator.ts"
export { ItemEvent, StageCompleted, StageNote, StageStarted, SyncEvent, SyncFailure } from "./sync/events.ts"

// Observability
export { AppCache } from "./observability/Cache.ts"
export { LogBuffer } from "./observability/LogBuffer.ts"

// Typed RPC
export { ProxboxRpcs } from "./rpc/ProxboxRpcs.ts"
export { ProxboxRpcClient, type ProxboxRpcClientOptions } from "./rpc/client.ts"
