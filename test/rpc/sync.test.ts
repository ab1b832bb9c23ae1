/** Sync through the RPC client: the same events, in the same order, as the SSE route; the plan as a typed value. */
import { HttpServer } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Chunk, Effect, Layer, Stream } from "effect"
import { messagesOf } from "../../src/api/sse.ts"
import { ProxboxRpcClient } from "../../src/rpc/client.ts"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"
import { ProxmoxClientTest } from "../../src/testing/proxmox/layers.ts"
import { call, registerEndpoints, TestApp } from "../support/app.ts"
import { parseSse } from "../sync/sse-client.ts"
import { startProxmox } from "../sync/world.ts"

const App = TestApp({ upstream: ProxmoxClientTest({ retries: 0 }) }).pipe(Layer.provideMerge(NetBoxSimulator.layer()))

const WithClient = Layer.unwrapEffect(Effect.map(HttpServer.HttpServer, ({ address }) =>
  ProxboxRpcClient.layer({ url: `http://127.0.0.1:${address._tag === "TcpAddress" ? address.port : 0}` })
)).pipe(Layer.provideMerge(App))

/** What a plugin sees of a run, without the run's own operation id (comments are already gone). */
const comparable = (messages: ReadonlyArray<{ event: string; data: Record<string, unknown> }>) =>
  messages.map(({ event, data: { operation_id: _id, ...data } }) => ({ event, data }))

describe("sync over RPC", () => {
  it.scopedLive("a VM sync streams the events the SSE route renders, in the same order", () =>
    Effect.gen(function*() {
      const px = yield* startProxmox
      yield* registerEndpoints(px.endpoints)
      const client = yield* ProxboxRpcClient

      // Dry runs write nothing, so both transports see the same NetBox state and must tell the same story.
      const rpcEvents = Chunk.toReadonlyArray(
        yield* Stream.runCollect(client.Sync({ stage: "virtual-machines", dry_run: true, fetch_max_concurrency: 1 }))
      )
      const sse = parseSse((yield* call("GET", "/virtualization/virtual-machines/create/stream?dry_run=true&fetch_max_concurrency=1")).text)
      expect(rpcEvents.length).toBeGreaterThan(50)
      expect(comparable(rpcEvents.flatMap(messagesOf))).toEqual(comparable(sse))

      // A real run streams typed events and ends with StageCompleted; the plan afterwards is empty.
      const run = Chunk.toReadonlyArray(yield* Stream.runCollect(client.Sync({ stage: "virtual-machines" })))
      const last = run[run.length - 1]!
      expect(last._tag).toBe("StageCompleted")
      if (last._tag === "StageCompleted") expect(last.counts["virtual_machine"]).toMatchObject({ created: 50 })
      // Steady state, written for real: both transports again tell the same (zero-write) story.
      const rpcAgain = Chunk.toReadonlyArray(yield* Stream.runCollect(client.Sync({ stage: "virtual-machines", fetch_max_concurrency: 1 })))
      const sseAgain = parseSse((yield* call("GET", "/virtualization/virtual-machines/create/stream?fetch_max_concurrency=1")).text)
      expect(comparable(rpcAgain.flatMap(messagesOf))).toEqual(comparable(sseAgain))
      const plan = yield* client.Plan({ stage: "virtual-machines" })
      expect(plan.dry_run).toBe(true)
      expect(plan.plan.filter((p) => p.action !== "noop")).toEqual([])
    }).pipe(Effect.provide(WithClient)))

  it.scopedLive("a bad selection is the typed BadRequest of REST", () =>
    Effect.gen(function*() {
      const client = yield* ProxboxRpcClient
      const error = yield* Effect.flip(client.Plan({ stage: "devices", name: "nope" }))
      expect(error).toMatchObject({ _tag: "BadRequest", message: "No result found for Proxmox Sessions based on the provided name" })
      const streamed = yield* Effect.flip(Stream.runDrain(client.Sync({ stage: "devices", name: "nope" })))
      expect(streamed._tag).toBe("BadRequest")
    }).pipe(Effect.provide(WithClient)))
})
