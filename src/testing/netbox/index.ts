/** Public test kit: the NetBox simulator. */
export { type Fault, type Hold, type Match, NetBoxSimulator, type NetBoxSimulatorOptions, type NetBoxSimulatorService } from "./NetBoxSimulator.ts"
export type { SimulatorToken } from "./server.ts"
