/**
 * The live clients of the outside systems, as one Layer for main.ts. Tests replace this with simulators or
 * mocks through `serveApp(upstream)`.
 */
import { ProxmoxClient } from "./proxmox/ProxmoxClient.ts"

export const UpstreamLive = ProxmoxClient.layer
