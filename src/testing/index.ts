/**
 * Public test kit (`proxbox-api/testing`): the Proxmox VE and NetBox simulators and client layers wired to them,
 * for your own tests. Kept out of the main entry so production imports never load it.
 */
export * from "./netbox/index.ts"
export {
  type Fault as ProxmoxFault,
  ProxmoxSimulator,
  type ProxmoxSimulatorService,
  SIMULATOR_TLS,
  type SimulatorOptions as ProxmoxSimulatorOptions
} from "./proxmox/ProxmoxSimulator.ts"
export { ProxmoxClientTest, ProxmoxSimulatorTest } from "./proxmox/layers.ts"
export { LARGE_SCENARIO, STANDARD_SCENARIO, startScenario, type EndpointSpec, type ScenarioEndpoint } from "./proxmox/scenario.ts"
export {
  addGuest,
  migrateGuest,
  removeGuest,
  renameGuest,
  seedInventory,
  type SeedOptions,
  type SimInventory
} from "./proxmox/inventory.ts"
