/**
 * Scenarios: several simulated Proxmox endpoints described by name and seed, started together in
 * the enclosing Scope, each with a ready ProxmoxEndpoint record pointing at it.
 */
import { Effect } from "effect"
import type { ProxmoxEndpoint } from "../../domain/endpoint.ts"
import { type SeedOptions, seedInventory } from "./inventory.ts"
import { ProxmoxSimulator, type ProxmoxSimulatorService } from "./ProxmoxSimulator.ts"

export interface EndpointSpec {
  /** The endpoint record's name (the session is named after the cluster or node). */
  readonly name: string
  readonly seed?: SeedOptions
  readonly auth?: "token" | "password"
  readonly latencyMs?: number
}

export interface ScenarioEndpoint {
  readonly spec: EndpointSpec
  readonly sim: ProxmoxSimulatorService
  readonly endpoint: ProxmoxEndpoint
}

/** The sync engine's usual world: 3-node cluster "lab" (42 guests) and a standalone host (8 guests). */
export const STANDARD_SCENARIO: ReadonlyArray<EndpointSpec> = [
  { name: "lab", seed: { clusterName: "lab", nodes: 3, guestsPerNode: 14 } },
  { name: "solo", seed: { clusterName: null, nodes: 1, guestsPerNode: 8, firstVmid: 900 } }
]

/** 10,000 guests on one 8-node cluster, for benchmarks. */
export const LARGE_SCENARIO: ReadonlyArray<EndpointSpec> = [
  { name: "big", seed: { clusterName: "big", nodes: 8, guestsPerNode: 1250 } }
]

/** Endpoint ids are 1, 2, ... in spec order. */
export const startScenario = (specs: ReadonlyArray<EndpointSpec>) =>
  Effect.forEach(specs, (spec, i) =>
    Effect.map(
      ProxmoxSimulator.make({ inventory: seedInventory(spec.seed), ...(spec.latencyMs ? { latencyMs: spec.latencyMs } : {}) }),
      (sim): ScenarioEndpoint => ({ spec, sim, endpoint: sim.endpoint({ id: i + 1, name: spec.name, auth: spec.auth ?? "token" }) })
    ))
