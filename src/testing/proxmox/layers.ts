/**
 * Test wiring: the real ProxmoxClient (real HTTP, real undici agents) pointed at the simulator.
 * HTTPS like the simulator (plain http when the simulator runs with `tls: false`), quick retries,
 * so failure-path tests stay fast.
 */
import { Duration, Layer } from "effect"
import { ProxmoxClientConfig, type ProxmoxClientSettings } from "../../proxmox/config.ts"
import { ProxmoxClient } from "../../proxmox/ProxmoxClient.ts"
import { ProxmoxHttp } from "../../proxmox/ProxmoxHttp.ts"
import { ProxmoxSimulator, type SimulatorOptions } from "./ProxmoxSimulator.ts"

export const ProxmoxClientTest = (settings: Partial<ProxmoxClientSettings> = {}) =>
  ProxmoxClient.layerWithoutDependencies.pipe(
    Layer.provide(ProxmoxHttp.layer),
    Layer.provideMerge(ProxmoxClientConfig.make({ retryBase: Duration.millis(5), ...settings }))
  )

/** Simulator + a client configured for it, as one layer. */
export const ProxmoxSimulatorTest = (options: SimulatorOptions = {}, settings: Partial<ProxmoxClientSettings> = {}) =>
  Layer.merge(ProxmoxSimulator.layer(options), ProxmoxClientTest({ ...(options.tls === false ? { scheme: "http" as const } : {}), ...settings }))
