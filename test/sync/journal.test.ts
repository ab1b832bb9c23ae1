/** A sync's trail in /admin/logs: every line of the run carries the operation_id its `started` frame announced. */
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"
import { ProxmoxClientTest } from "../../src/testing/proxmox/layers.ts"
import { call, registerEndpoints, TestApp } from "../support/app.ts"
import { parseSse } from "./sse-client.ts"
import { startProxmox } from "./world.ts"

const App = TestApp({ upstream: ProxmoxClientTest({ retries: 0 }) }).pipe(Layer.provideMerge(NetBoxSimulator.layer()))

describe("sync journal", () => {
  it.scopedLive("/admin/logs?operation_id= returns the run's start, warnings and completion, and nothing else", () =>
    Effect.gen(function*() {
      const { lab, endpoints } = yield* startProxmox
      yield* registerEndpoints(endpoints)
      lab.inject({ path: "/nodes/pve2/", kind: { status: 500, message: "injected" } })
      const frames = parseSse((yield* call("GET", "/virtualization/virtual-machines/create/stream")).text)
      const operationId = String(frames[0]!.data["operation_id"])
      expect(operationId).toMatch(/^[0-9a-f-]{36}$/)

      const logs = (yield* call("GET", `/admin/logs?operation_id=${operationId}&limit=5000`)).body
      const lines = logs.logs as ReadonlyArray<Record<string, unknown>>
      expect(lines[0]).toMatchObject({ level: "INFO", phase: "start", operation: "virtual-machines sync" })
      expect(lines.filter((l) => l["level"] === "WARNING" && l["resource_type"] === "virtual_machine")).toHaveLength(14)
      expect(lines[lines.length - 1]).toMatchObject({ level: "INFO", phase: "complete" })
      expect(lines.every((l) => l["operation_id"] === operationId)).toBe(true)

      const other = parseSse((yield* call("GET", "/dcim/devices/create/stream")).text)
      expect(other[0]!.data["operation_id"]).not.toBe(operationId)
      expect((yield* call("GET", `/admin/logs?operation_id=${operationId}&limit=5000`)).body.total).toBe(logs.total)
    }).pipe(Effect.provide(App)))
})
