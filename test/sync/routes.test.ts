import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"
import { ProxmoxClientTest } from "../../src/testing/proxmox/layers.ts"
import { call, TestApp } from "../support/app.ts"
import { outcome, parseSse } from "./sse-client.ts"
import { registeredWorld } from "./world.ts"

/** GET through the test server; JSON bodies are read loosely here. */
const get = (url: string) => Effect.map(call("GET", url), (r) => ({ ...r, body: r.body as any }))

const App = TestApp({ upstream: ProxmoxClientTest({ retries: 0 }) }).pipe(Layer.provideMerge(NetBoxSimulator.layer()))

const world = registeredWorld

describe("sync routes over HTTP", () => {
  it.scopedLive("SSE VM sync parsed by the plugin's rules: ok, counts, only event/data lines, one complete", () =>
    Effect.gen(function*() {
      yield* world
      const res = yield* get("/virtualization/virtual-machines/create/stream?fetch_max_concurrency=4")
      expect(res.status).toBe(200)
      expect(res.headers["content-type"]).toContain("text/event-stream")
      expect(res.headers["cache-control"]).toBe("no-cache")
      expect(res.headers["x-accel-buffering"]).toBe("no")
      expect(res.text.startsWith(": connected\n\n")).toBe(true)
      expect(res.text.split("\n").filter((l) => l !== "" && !/^(event|data): /.test(l) && !l.startsWith(":"))).toEqual([])
      const frames = parseSse(res.text)
      expect(frames.filter((f) => f.event === "complete")).toHaveLength(1)
      expect(frames.every((f) => ["step", "complete"].includes(f.event))).toBe(true)
      expect(frames[0]!.data).toMatchObject({ step: "virtual-machines", status: "started" })
      const done = outcome(frames)
      expect(done).toMatchObject({ ok: true, message: "Virtual machines sync completed.", result: { count: 50, created: 50, failed: 0 } })
      const created = frames.filter((f) => f.data["step"] === "virtual_machine" && f.data["status"] === "completed")
      expect(created).toHaveLength(50)

      const again = outcome(parseSse((yield* get("/virtualization/virtual-machines/create/stream")).text))
      expect(again.result).toMatchObject({ count: 50, created: 0, updated: 0, unchanged: 50 })
    }).pipe(Effect.provide(App)))

  it.scopedLive("a Proxmox fault on one node: warnings for its guests, the others synced, complete.ok true", () =>
    Effect.gen(function*() {
      const { lab } = yield* world
      lab.inject({ path: "/nodes/pve2/", kind: { status: 500, message: "injected" } })
      const frames = parseSse((yield* get("/virtualization/virtual-machines/create/stream")).text)
      const warnings = frames.filter((f) => f.event === "step" && f.data["status"] === "warning")
      expect(warnings).toHaveLength(14)
      expect(String(warnings[0]!.data["message"])).toContain("injected")
      expect(frames.some((f) => f.event === "error")).toBe(false)
      expect(outcome(frames)).toMatchObject({ ok: true, result: { count: 36, created: 36 } })
    }).pipe(Effect.provide(App)))

  it.scopedLive("every endpoint failing is stage-fatal: error + complete{ok:false}; JSON route 502", () =>
    Effect.gen(function*() {
      const { lab, solo } = yield* world
      for (const sim of [lab, solo]) sim.inject({ path: "/", kind: { status: 500, message: "down" } })
      const frames = parseSse((yield* get("/dcim/devices/create/stream")).text)
      expect(frames.map((f) => f.event).slice(-2)).toEqual(["error", "complete"])
      expect(outcome(frames)).toMatchObject({ ok: false, status: 503 })
      expect((yield* get("/dcim/devices/create")).status).toBe(502)
    }).pipe(Effect.provide(App)))

  it.scopedLive("JSON routes: /create is the sync (not /{id}), dry run, reads, per-VM sync, individual sync", () =>
    Effect.gen(function*() {
      yield* world
      const dry = yield* get("/virtualization/virtual-machines/create?dry_run=true")
      expect(dry.status).toBe(200)
      expect(dry.body).toMatchObject({ dry_run: true, count: 50 })
      expect(dry.body.plan.filter((p: any) => p.kind === "virtual_machine" && p.action === "create")).toHaveLength(50)

      const devices = yield* get("/dcim/devices/create")
      expect(devices.body.map((d: any) => d.name).sort()).toEqual(["pve", "pve1", "pve2", "pve3"])
      const vms = yield* get("/virtualization/virtual-machines/create")
      expect(vms.body).toHaveLength(50)
      const one = vms.body.find((v: any) => v.name === "vm-101")
      expect((yield* get(`/virtualization/virtual-machines/${one.id}`)).body.name).toBe("vm-101")
      expect((yield* get(`/virtualization/virtual-machines/${one.id}/summary`)).body).toMatchObject({ name: "vm-101", vmid: 101, type: "qemu", cluster: "lab", node: "pve1" })
      expect((yield* get("/virtualization/virtual-machines/999999")).status).toBe(404)
      expect((yield* get("/virtualization/virtual-machines/")).body).toHaveLength(50)
      expect((yield* get("/virtualization/virtual-machines/summary/example")).body.id).toBe("vm-102")
      const perVm = yield* get(`/virtualization/virtual-machines/${one.id}/create`)
      expect(perVm.body.map((v: any) => v.id)).toEqual([one.id])
      const filtered = yield* get(`/virtualization/virtual-machines/create?netbox_vm_ids=${one.id}`)
      expect(filtered.body.map((v: any) => v.id)).toEqual([one.id])

      const vm = yield* get("/sync/individual/vm?cluster_name=LAB&node=pve1&type=qemu&vmid=101")
      expect(vm.body).toMatchObject({ object_type: "vm", action: "noop", error: null, netbox_object: { id: one.id } })
      const byPath = yield* get("/sync/individual/vm/lab/pve1/qemu/101?dry_run=true")
      expect(byPath.body).toMatchObject({ action: "dry_run", dry_run: true })
      expect((yield* get("/sync/individual/cluster?cluster_name=pve")).body).toMatchObject({ object_type: "cluster", action: "noop" })
      expect((yield* get("/sync/individual/node?cluster_name=lab&node_name=pve2")).body).toMatchObject({ object_type: "node", action: "noop" })
      expect((yield* get("/sync/individual/vm?cluster_name=nope&node=a&type=qemu&vmid=1")).body).toEqual({ error: "No Proxmox session found for cluster: nope" })
      const types = yield* get("/virtualization/cluster-types/create")
      expect(types.body.map((t: any) => t.slug).sort()).toEqual(["cluster", "standalone"])
    }).pipe(Effect.provide(App)))
})
