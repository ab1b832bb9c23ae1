/**
 * The WebSocket routes (spec §1.14, plugin contract §1.9) over a real connection with the `ws` client:
 * the counter on `/`, the one-shot VM sync on `/ws/virtual-machines`, the text commands of `/ws`, and
 * the API-key rule on upgrades.
 */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer, Redacted, TestClock } from "effect"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"
import { ProxmoxClientTest } from "../../src/testing/proxmox/layers.ts"
import { call, TestApp } from "../support/app.ts"
import { connectWs, isComplete, json } from "./clients.ts"
import { parseSse } from "./sse-client.ts"
import { registeredWorld } from "./world.ts"

const App = (apiKeys: ReadonlyArray<string> = []) =>
  TestApp({ upstream: ProxmoxClientTest({ retries: 0 }), config: { apiKeys: apiKeys.map((k) => Redacted.make(k)) } }).pipe(
    Layer.provideMerge(NetBoxSimulator.layer())
  )

const world = registeredWorld

const VALID = "Valid commands: 'Sync Nodes', 'Sync Virtual Machines', 'Full Update Sync'"

describe("WebSocket routes", () => {
  it.scoped("/ sends Message: 1 on accept, then one more every 2 s of Effect time", () =>
    Effect.gen(function*() {
      const ws = yield* connectWs("/")
      expect(yield* ws.next).toBe("Message: 1")
      for (const n of [2, 3, 4]) {
        yield* TestClock.adjust("2 seconds")
        expect(yield* ws.next).toBe(`Message: ${n}`)
      }
    }).pipe(Effect.scoped, Effect.provide(TestApp())))

  it.scopedLive("/ws/virtual-machines sends Connected!, the sync as JSON messages, then closes with 1000", () =>
    Effect.gen(function*() {
      yield* world
      const ws = yield* connectWs("/ws/virtual-machines?fetch_max_concurrency=4")
      expect(yield* ws.next).toBe("Connected!")
      const messages = (yield* ws.until(isComplete)).map((m) => json(m)!)
      expect(messages[0]).toMatchObject({ event: "step", step: "virtual-machines", status: "started" })
      expect(messages.filter((m) => m["step"] === "virtual_machine" && m["status"] === "completed")).toHaveLength(50)
      expect(messages.at(-1)).toMatchObject({ event: "complete", ok: true, result: { count: 50, created: 50, failed: 0 } })
      expect(yield* ws.closed).toBe(1000)
      const sim = yield* NetBoxSimulator
      expect(sim.store.all(sim.store.byType.get("virtualization.virtualmachine")!)).toHaveLength(50)
    }).pipe(Effect.scoped, Effect.provide(App())))

  it.scopedLive("/ws/virtual-machines carries exactly the SSE route's events, as {event, ...data} messages", () =>
    Effect.gen(function*() {
      yield* world
      // a dry run writes nothing, so both transports see the same NetBox and plan the same
      const frames = parseSse((yield* call("GET", "/virtualization/virtual-machines/create/stream?dry_run=true")).text)
      const ws = yield* connectWs("/ws/virtual-machines?dry_run=true")
      expect(yield* ws.next).toBe("Connected!")
      // each run has its own operation_id; everything else is identical
      const { operation_id: _ws, ...wsStart } = json(yield* ws.next)!
      const { operation_id: _sse, ...sseStart }: Record<string, unknown> = { event: frames[0]!.event, ...frames[0]!.data }
      expect(wsStart).toEqual(sseStart)
      const messages = (yield* ws.until(isComplete)).map((m) => json(m))
      expect(messages).toEqual(frames.slice(1).map((f) => ({ event: f.event, ...f.data })))
      expect(messages.length).toBeGreaterThan(50)
    }).pipe(Effect.scoped, Effect.provide(App())))

  it.scopedLive("/ws: greetings, echo, invalid commands, Sync Nodes, Sync Virtual Machines, Full Update", () =>
    Effect.gen(function*() {
      yield* world
      const ws = yield* connectWs("/ws")
      expect([yield* ws.next, yield* ws.next]).toEqual(["Connected!", "Connected 2!"])

      yield* ws.send("hello")
      expect([yield* ws.next, yield* ws.next, yield* ws.next]).toEqual(["Received message: hello", "Invalid command: hello", VALID])

      yield* ws.send("Sync Nodes")
      const nodes = yield* ws.until(isComplete)
      expect(nodes.slice(0, 2)).toEqual(["Received message: Sync Nodes", "Sync Nodes"])
      expect(json(nodes[2]!)).toMatchObject({ event: "step", step: "devices", status: "started" })
      const devices = json(nodes.at(-1)!)!
      expect(devices).toMatchObject({ event: "complete", ok: true, message: "Devices sync completed." })
      expect((devices["result"] as Array<{ name: string }>).map((d) => d.name).sort()).toEqual(["pve", "pve1", "pve2", "pve3"])

      yield* ws.send("Sync Virtual Machines")
      const vms = yield* ws.until(isComplete)
      expect(vms[0]).toBe("Received message: Sync Virtual Machines")
      expect(json(vms.at(-1)!)).toMatchObject({ ok: true, result: { count: 50, created: 50 } })

      // devices first, then (devices succeeded) VMs; nothing left to write
      for (const command of ["Full Update", "Full Update Sync"]) {
        yield* ws.send(command)
        expect(yield* ws.next).toBe(`Received message: ${command}`)
        const first = json((yield* ws.until(isComplete)).at(-1)!)!
        expect(first).toMatchObject({ ok: true, message: "Devices sync completed." })
        const second = json((yield* ws.until(isComplete)).at(-1)!)!
        expect(second).toMatchObject({ ok: true, message: "Virtual machines sync completed.", result: { count: 50, created: 0, unchanged: 50 } })
      }
    }).pipe(Effect.scoped, Effect.provide(App())))

  it.scopedLive("/ws: a failed device sync (no Proxmox reachable) ends Full Update before the VM sync", () =>
    Effect.gen(function*() {
      const { lab, solo } = yield* world
      for (const sim of [lab, solo]) sim.inject({ path: "/", kind: { status: 500, message: "down" } })
      const ws = yield* connectWs("/ws")
      yield* ws.until((m) => m === "Connected 2!")
      yield* ws.send("Full Update")
      const out = yield* ws.until(isComplete)
      expect(json(out.at(-2)!)).toMatchObject({ event: "error", step: "devices", status: "failed" })
      expect(json(out.at(-1)!)).toMatchObject({ event: "complete", ok: false })
      // the next message answers the next command: no VM sync was started in between
      yield* ws.send("again")
      expect(yield* ws.next).toBe("Received message: again")
    }).pipe(Effect.scoped, Effect.provide(App())))
})

describe("WebSocket routes and the API key (ROUTES.md decision 8)", () => {
  it.scopedLive("with keys configured, /ws and /ws/virtual-machines refuse an upgrade without a valid key (401 JSON)", () =>
    Effect.gen(function*() {
      for (const path of ["/ws", "/ws/virtual-machines"]) {
        const missing = yield* Effect.flip(connectWs(path))
        expect(missing.status).toBe(401)
        expect(JSON.parse(missing.body)).toMatchObject({ detail: "Missing API key" })
        const wrong = yield* Effect.flip(connectWs(path, { authorization: "Bearer nope" }))
        expect(JSON.parse(wrong.body)).toMatchObject({ detail: "Invalid API key" })
      }
    }).pipe(Effect.scoped, Effect.provide(App(["s3cret"]))))

  it.scopedLive("with a key in Authorization or X-Proxbox-API-Key the upgrade succeeds; / stays open", () =>
    Effect.gen(function*() {
      const bearer = yield* connectWs("/ws", { authorization: "Bearer s3cret" })
      expect(yield* bearer.next).toBe("Connected!")
      const header = yield* connectWs("/ws", { "x-proxbox-api-key": "s3cret" })
      expect(yield* header.next).toBe("Connected!")
      const counter = yield* connectWs("/")
      expect(yield* counter.next).toBe("Message: 1")
    }).pipe(Effect.scoped, Effect.provide(App(["s3cret"]))))
})
