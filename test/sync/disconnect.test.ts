/**
 * A client that goes away during a sync must not leave a half-applied write batch: the batch in flight
 * finishes, nothing after it starts. The NetBox simulator holds a chosen write (received, not yet applied),
 * the client goes away, and only once the orchestrator has been told to stop is the write let through; the
 * orchestrator's "stopped" log line marks the end of the run, after which the request counts are final.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Layer, Stream } from "effect"
import { SyncOrchestrator } from "../../src/sync/SyncOrchestrator.ts"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"
import { ProxmoxClientTest } from "../../src/testing/proxmox/layers.ts"
import { registerEndpoints, TestApp } from "../support/app.ts"
import { abandonSignals, connectWs, openSse } from "./clients.ts"
import { request, startProxmox, World, writes } from "./world.ts"

const VM_POST = { method: "POST", path: "/api/virtualization/virtual-machines/" } as const
const DEVICE_POST = { method: "POST", path: "/api/dcim/devices/" } as const

const stored = (type: "virtualization.virtualmachine" | "dcim.device") =>
  Effect.map(NetBoxSimulator, (sim) => sim.store.all(sim.store.byType.get(type)!).length)

describe("a consumer that goes away mid-run (orchestrator stream, batches of 10)", () => {
  it.scopedLive("the VM batch in flight lands whole (20 VMs after two batches), no third batch starts", () => {
    const signals = abandonSignals()
    return Effect.gen(function*() {
      const { endpoints } = yield* startProxmox
      const sim = yield* NetBoxSimulator
      const sync = yield* SyncOrchestrator
      const first = yield* sim.hold(VM_POST)
      const consumer = yield* Effect.fork(Stream.runDrain(sync.run(request(endpoints))))
      yield* first.arrived
      const second = yield* sim.hold(VM_POST)
      yield* first.release
      yield* second.arrived

      yield* Fiber.interruptFork(consumer)
      yield* signals.wentAway
      expect(yield* stored("virtualization.virtualmachine")).toBe(10)
      yield* second.release
      yield* signals.stopped

      expect(yield* stored("virtualization.virtualmachine")).toBe(20)
      const counts = yield* writes
      expect(counts[`POST ${VM_POST.path}`]).toBe(2)
      expect(Object.keys(counts).filter((k) => k.includes("virtual-machines") && !k.startsWith("POST"))).toEqual([])
      expect(Exit.isInterrupted(yield* Fiber.await(consumer))).toBe(true)
    }).pipe(Effect.provide(World({ batchSize: 10 })), Effect.provide(signals.logger))
  })

  it.scopedLive("a refused batch retried item by item is one batch too: all its items are tried, then the run stops", () => {
    const signals = abandonSignals()
    return Effect.gen(function*() {
      const { endpoints } = yield* startProxmox
      const sim = yield* NetBoxSimulator
      const sync = yield* SyncOrchestrator
      const bulk = yield* sim.hold(VM_POST)
      yield* sim.injectFault({ ...VM_POST, status: 400, body: { name: ["refused (injected)"] } })
      const consumer = yield* Effect.fork(Stream.runDrain(sync.run(request(endpoints))))
      yield* bulk.arrived
      const single = yield* sim.hold(VM_POST)
      yield* bulk.release
      // the bulk request was refused; the first item-by-item retry is in flight
      yield* single.arrived
      yield* Fiber.interruptFork(consumer)
      yield* signals.wentAway
      yield* single.release
      yield* signals.stopped

      expect((yield* writes)[`POST ${VM_POST.path}`]).toBe(1 + 10)
      expect(yield* stored("virtualization.virtualmachine")).toBe(10)
    }).pipe(Effect.provide(World({ batchSize: 10 })), Effect.provide(signals.logger))
  })
})

const App = TestApp({ upstream: ProxmoxClientTest({ retries: 0 }) }).pipe(Layer.provideMerge(NetBoxSimulator.layer()))

/** The device batch (4 nodes) is held; the VM batch would come after it. */
const holdDevices = Effect.gen(function*() {
  const px = yield* startProxmox
  yield* registerEndpoints(px.endpoints)
  const sim = yield* NetBoxSimulator
  yield* sim.resetRequestCounts
  return yield* sim.hold(DEVICE_POST)
})

/** After the client went away: the held device batch lands whole once released, no VM write ever starts. */
const checkStopped = (signals: ReturnType<typeof abandonSignals>, held: { readonly release: Effect.Effect<void> }) =>
  Effect.gen(function*() {
    yield* signals.wentAway
    expect(yield* stored("dcim.device")).toBe(0)
    yield* held.release
    yield* signals.stopped
    expect(yield* stored("dcim.device")).toBe(4)
    expect(yield* stored("virtualization.virtualmachine")).toBe(0)
    const counts = yield* writes
    expect(counts[`POST ${DEVICE_POST.path}`]).toBe(1)
    expect(Object.keys(counts).filter((k) => k.includes("virtual-machines"))).toEqual([])
  })

describe("a client that disconnects over HTTP (whole service, NetBox and Proxmox simulators)", () => {
  it.scopedLive("SSE: the device batch in flight lands whole, the VM batch never starts", () => {
    const signals = abandonSignals()
    return Effect.gen(function*() {
      const held = yield* holdDevices
      const sse = yield* openSse("/virtualization/virtual-machines/create/stream")
      yield* held.arrived
      expect(yield* sse.chunks.take).toMatch(/^: connected\n\n/)
      yield* sse.disconnect
      yield* checkStopped(signals, held)
    }).pipe(Effect.scoped, Effect.provide(App), Effect.provide(signals.logger))
  })

  for (const { path, command, code } of [
    { path: "/ws/virtual-machines", command: undefined, code: 1001 },
    { path: "/ws/virtual-machines", command: undefined, code: 1000 },
    { path: "/ws", command: "Sync Virtual Machines", code: 1001 },
    { path: "/ws", command: "Full Update", code: 1000 }
  ]) {
    it.scopedLive(`WebSocket ${path}${command ? ` (${command})` : ""} closed with ${code}: same guarantee`, () => {
      const signals = abandonSignals()
      return Effect.gen(function*() {
        const held = yield* holdDevices
        const ws = yield* connectWs(path)
        if (command) yield* ws.send(command)
        yield* held.arrived
        yield* ws.close(code)
        yield* checkStopped(signals, held)
      }).pipe(Effect.scoped, Effect.provide(App), Effect.provide(signals.logger))
    })
  }
})
