/**
 * The port opens only once the application can answer. Node accepts connections as soon as it listens, and a
 * request that arrives before the handler is attached is never answered; so while the routes and services are
 * still being built, a connection must be refused, and the first accepted one must be served.
 */
import { describe, expect, it } from "@effect/vitest"
import { NodeHttpServer } from "@effect/platform-node"
import { Deferred, Effect, Layer } from "effect"
import { createServer } from "node:http"
import { connect, createServer as createNetServer } from "node:net"
import { AppConfigTest } from "../../src/config.ts"
import { serveApp } from "../../src/http/server.ts"
import { LogBuffer } from "../../src/observability/LogBuffer.ts"
import { unreachableProxmox } from "../support/app.ts"

const freePort = Effect.async<number>((resume) => {
  const probe = createNetServer().listen(0, "127.0.0.1", () => {
    const { port } = probe.address() as { port: number }
    probe.close(() => resume(Effect.succeed(port)))
  })
})

/** Whether a TCP connection to the port is accepted or refused. */
const tryConnect = (port: number) =>
  Effect.async<"accepted" | "refused">((resume) => {
    const socket = connect(port, "127.0.0.1")
    socket.once("connect", () => {
      socket.destroy()
      resume(Effect.succeed("accepted"))
    })
    socket.once("error", () => resume(Effect.succeed("refused")))
  })

describe("start-up", () => {
  it.scopedLive("nothing listens until the app is built; then the first request is answered", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const building = yield* Deferred.make<void>()
      const release = yield* Deferred.make<void>()
      const ready = yield* Deferred.make<void>()
      // An upstream Layer that holds the app's construction open until the test releases it.
      const slowUpstream = Layer.merge(
        unreachableProxmox,
        Layer.effectDiscard(Deferred.succeed(building, undefined).pipe(Effect.zipRight(Deferred.await(release))))
      )
      const app = serveApp(slowUpstream, NodeHttpServer.layer(createServer, { port, host: "127.0.0.1" })).pipe(
        Layer.provideMerge(LogBuffer.logger.pipe(Layer.provideMerge(LogBuffer.layer()))),
        Layer.provideMerge(AppConfigTest())
      )
      yield* Layer.build(app).pipe(
        Effect.zipRight(Deferred.succeed(ready, undefined)),
        Effect.zipRight(Effect.never),
        Effect.scoped,
        Effect.forkScoped
      )

      yield* Deferred.await(building)
      expect(yield* tryConnect(port)).toBe("refused")

      yield* Deferred.succeed(release, undefined)
      yield* Deferred.await(ready)
      const health = yield* Effect.promise(() => fetch(`http://127.0.0.1:${port}/health`))
      expect(health.status).toBe(200)
      expect(yield* Effect.promise(() => health.json())).toMatchObject({ status: "ready" })
    }))
})
