/**
 * What the contract suite runs against: a base URL and tokens. The simulator provides one in-process; the
 * real-NetBox harness provides NETBOX_URL, NETBOX_TOKEN (v2, `nbt_<key>.<secret>`) and optionally
 * NETBOX_TOKEN_V1.
 */
import { Config, Context, Effect, Layer, Option } from "effect"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"

export interface Target {
  readonly name: string
  readonly url: string
  readonly tokenV2: string
  readonly tokenV1: Option.Option<string>
  /** Whether /api/plugins/proxbox/ is served (decided from /api/status/ for a real NetBox). */
  readonly plugin: boolean
  /**
   * Objects the pagination test creates, past MAX_PAGE_SIZE (1,000) either way: 2,500 on the simulator (the
   * issue's figure); 1,100 on a real NetBox, where a bulk create costs about 35 ms and a delete 16 ms an object.
   */
  readonly paginationObjects: number
}

export class ContractTarget extends Context.Tag("test/ContractTarget")<ContractTarget, Target>() {}

export const simulatorTarget = Layer.effect(
  ContractTarget,
  Effect.map(NetBoxSimulator, (sim) => ({
    name: "simulator",
    url: sim.url,
    tokenV2: sim.tokenV2,
    tokenV1: Option.some(sim.tokenV1),
    plugin: true,
    paginationObjects: 2500
  }))
).pipe(Layer.provide(NetBoxSimulator.layer()))

/** From the environment; fails loudly when the harness did not set it up (never a silent skip). */
export const envTarget = Layer.effect(
  ContractTarget,
  Effect.gen(function*() {
    const url = yield* Config.string("NETBOX_URL")
    const tokenV2 = yield* Config.string("NETBOX_TOKEN")
    const tokenV1 = yield* Config.option(Config.string("NETBOX_TOKEN_V1"))
    const status = yield* Effect.tryPromise(() =>
      fetch(`${url.replace(/\/+$/, "")}/api/status/`, { headers: { authorization: `Bearer ${tokenV2}` } }).then((r) => r.json())
    )
    const plugins = (status as { plugins?: Record<string, unknown> }).plugins ?? {}
    return { name: "real NetBox", url, tokenV2, tokenV1, plugin: "netbox_proxbox" in plugins, paginationObjects: 1100 }
  }).pipe(Effect.orDie)
)
