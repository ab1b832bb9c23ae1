/**
 * SSE heartbeat (DESIGN: a `: ping` comment at least every 20 s; the code sends one every 15 s of quiet):
 * the response body of `sseResponse` read on Effect's TestClock, with a run that goes quiet until the test
 * lets it finish; and the VM stream route on the TestClock, quiet while the NetBox simulator holds a write.
 */
import { HttpServerResponse } from "@effect/platform"
import { describe, expect, it } from "@effect/vitest"
import { Deferred, Effect, Layer, Queue, Stream, TestClock } from "effect"
import { sseResponse } from "../../src/api/sse.ts"
import { StageCompleted, StageStarted, type SyncEvent, SyncFailure } from "../../src/sync/events.ts"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"
import { ProxmoxClientTest } from "../../src/testing/proxmox/layers.ts"
import { registerEndpoints, TestApp } from "../support/app.ts"
import { openSse } from "./clients.ts"
import { outcome, parseSse } from "./sse-client.ts"
import { startProxmox } from "./world.ts"

const started = new StageStarted({ stage: "devices", message: "Starting devices synchronization." })
const completed = new StageCompleted({
  stage: "virtual-machines",
  kind: "virtual_machine",
  message: "Virtual machines sync completed.",
  dry_run: false,
  count: 0,
  counts: {},
  records: []
})

/** A run that starts, stays quiet until `go`, then ends with `last` (or fails). */
const quietRun = (go: Deferred.Deferred<void>, last: "complete" | "fail") =>
  Stream.concat(
    Stream.make<Array<SyncEvent>>(started),
    Stream.unwrap(Effect.as(
      Deferred.await(go),
      last === "complete"
        ? Stream.make<Array<SyncEvent>>(completed)
        : Stream.fail(new SyncFailure({ stage: "devices", message: "NetBox refused", detail: "injected", status: 502 }))
    ))
  )

/** The response body as its text chunks, read by a forked fiber into a queue. */
const readBody = (response: HttpServerResponse.HttpServerResponse) =>
  Effect.gen(function*() {
    if (response.body._tag !== "Stream") return yield* Effect.dieMessage("not a streamed body")
    const chunks = yield* Queue.unbounded<string>()
    const all: Array<string> = []
    const reader = yield* response.body.stream.pipe(
      Stream.decodeText(),
      Stream.runForEach((c) => Effect.zipRight(Effect.sync(() => all.push(c)), Queue.offer(chunks, c))),
      Effect.orDie,
      Effect.fork
    )
    return { chunks, all, reader }
  })

describe("SSE heartbeat", () => {
  it.scoped("a `: ping` after each 15 s of quiet, none before; frames stay event/data lines; one complete, last", () =>
    Effect.gen(function*() {
      const go = yield* Deferred.make<void>()
      const { all, chunks, reader } = yield* readBody(sseResponse(quietRun(go, "complete")))
      expect(yield* Queue.take(chunks)).toBe(": connected\n\n")
      expect(yield* Queue.take(chunks)).toMatch(/^event: step\ndata: \{"step":"devices","status":"started"/)

      // TestClock.adjust first waits until every fiber of the test is suspended, so nothing due is missed
      yield* TestClock.adjust("14 seconds")
      expect(yield* Queue.size(chunks)).toBe(0)
      yield* TestClock.adjust("1 second")
      expect(yield* Queue.take(chunks)).toBe(": ping\n\n")
      yield* TestClock.adjust("45 seconds")
      expect(yield* Queue.takeAll(chunks)).toHaveLength(3)

      yield* Deferred.succeed(go, undefined)
      yield* reader.await
      // nothing after the end, however long we wait
      yield* TestClock.adjust("1 minute")
      const text = all.join("")
      expect(text.match(/^: ping$/gm)).toHaveLength(4)
      expect(text.split("\n").filter((l) => l !== "" && !/^(event|data): /.test(l) && !l.startsWith(":"))).toEqual([])
      expect(text).not.toMatch(/^(id|retry):/m)
      const frames = parseSse(text)
      expect(frames.map((f) => f.event)).toEqual(["step", "step", "complete"])
      expect(frames.at(-1)!.data).toMatchObject({ ok: true })
      expect(text.endsWith("\n\n")).toBe(true)
    }))

  it.scoped("quiet periods of any length: pings at most 20 s apart (every 15 s), a failure still ends with one complete", () =>
    Effect.gen(function*() {
      for (const quietSeconds of [0, 14, 15, 29, 31, 100]) {
        const go = yield* Deferred.make<void>()
        const { all, reader } = yield* readBody(sseResponse(quietRun(go, "fail")))
        yield* TestClock.adjust(`${quietSeconds} seconds`)
        yield* Deferred.succeed(go, undefined)
        yield* reader.await
        const text = all.join("")
        expect(text.match(/^: ping$/gm) ?? []).toHaveLength(Math.floor(quietSeconds / 15))
        const frames = parseSse(text)
        expect(frames.map((f) => f.event)).toEqual(["step", "error", "complete"])
        expect(frames.at(-1)!.data).toMatchObject({ ok: false })
      }
    }))

  it.scoped("the VM stream route pings while a NetBox write is held, then ends with one complete", () =>
    Effect.gen(function*() {
      const px = yield* startProxmox
      yield* registerEndpoints(px.endpoints)
      const sim = yield* NetBoxSimulator
      const held = yield* sim.hold({ method: "POST", path: "/api/virtualization/virtual-machines/" })
      const stored = Effect.sync(() => sim.store.all(sim.store.byType.get("virtualization.virtualmachine")!).length)
      const sse = yield* openSse("/virtualization/virtual-machines/create/stream")
      yield* held.arrived
      yield* TestClock.adjust("15 seconds")
      // chunks may coalesce on the way, so look at the text received so far
      let text = ""
      while (!/^: ping$/m.test(text)) text += yield* Queue.take(sse.chunks)
      // the write is still held: the ping came during the quiet period
      expect(yield* stored).toBe(0)
      yield* held.release
      while (!text.includes("event: complete")) text += yield* Queue.take(sse.chunks)
      expect(text.split("\n").filter((l) => l !== "" && !/^(event|data): /.test(l) && !l.startsWith(":"))).toEqual([])
      const frames = parseSse(text)
      expect(frames.filter((f) => f.event === "complete")).toHaveLength(1)
      expect(outcome(frames)).toMatchObject({ ok: true, result: { count: 50, created: 50 } })
    }).pipe(
      Effect.scoped,
      Effect.provide(TestApp({ upstream: ProxmoxClientTest({ retries: 0 }) }).pipe(Layer.provideMerge(NetBoxSimulator.layer())))
    ))
})
