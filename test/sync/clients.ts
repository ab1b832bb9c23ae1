/**
 * Raw clients for the streaming transports of the test server, and log signals for the sync's
 * "client went away" path. WebSockets use the `ws` package (Node 20 has no global WebSocket); SSE uses
 * node:http so a test can drop the connection at a chosen moment.
 */
import { HttpServer } from "@effect/platform"
import { Deferred, Effect, Exit, FiberId, Layer, Logger, Queue } from "effect"
import { get } from "node:http"
import WebSocket from "ws"

/** The test server's port (NodeHttpServer.layerTest listens on an ephemeral one). */
export const serverPort = Effect.map(HttpServer.HttpServer, ({ address }) => (address._tag === "TcpAddress" ? address.port : 0))

export interface WsClient {
  /** The next text message (waits for it). */
  readonly next: Effect.Effect<string>
  /** Messages up to and including the first that satisfies `last`. */
  readonly until: (last: (message: string) => boolean) => Effect.Effect<ReadonlyArray<string>>
  readonly send: (text: string) => Effect.Effect<void>
  readonly close: (code: number) => Effect.Effect<void>
  /** Completes with the close code once the connection is closed. */
  readonly closed: Effect.Effect<number>
}

/** The upgrade was refused with an HTTP response. */
export interface Refused {
  readonly status: number
  readonly body: string
}

/** Opens a WebSocket to the test server, closed with the scope; fails with the HTTP answer when refused. */
export const connectWs = (path: string, headers: Record<string, string> = {}) =>
  Effect.gen(function*() {
    const port = yield* serverPort
    const messages = yield* Queue.unbounded<string>()
    const closed = yield* Deferred.make<number>()
    const ws = yield* Effect.acquireRelease(
      Effect.async<WebSocket, Refused>((resume) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}${path}`, { headers })
        ws.on("message", (data) => void Queue.unsafeOffer(messages, String(data)))
        ws.on("close", (code) => void Deferred.unsafeDone(closed, Exit.succeed(code)))
        ws.once("open", () => resume(Effect.succeed(ws)))
        ws.once("unexpected-response", (request, response) => {
          let body = ""
          response.setEncoding("utf8")
          response.on("data", (c: string) => (body += c))
          response.on("end", () => {
            request.destroy()
            resume(Effect.fail({ status: response.statusCode ?? 0, body }))
          })
        })
      }),
      (ws) => Effect.sync(() => ws.terminate())
    )
    const next = Queue.take(messages)
    const until = (last: (message: string) => boolean) =>
      Effect.gen(function*() {
        const out: Array<string> = []
        while (true) {
          const m = yield* next
          out.push(m)
          if (last(m)) return out
        }
      })
    return {
      next,
      until,
      send: (text) => Effect.async<void>((resume) => ws.send(text, () => resume(Effect.void))),
      close: (code) => Effect.sync(() => ws.close(code)),
      closed: Deferred.await(closed)
    } satisfies WsClient
  })

/** A JSON message of the sync (the WebSocket rendering of a frame), or undefined for plain text. */
export const json = (message: string): Record<string, unknown> | undefined => {
  if (!message.startsWith("{")) return undefined
  return JSON.parse(message) as Record<string, unknown>
}

export const isComplete = (message: string) => json(message)?.["event"] === "complete"

/** A GET held open on node:http: its body chunks as they come, and a way to drop the connection. */
export const openSse = (path: string) =>
  Effect.gen(function*() {
    const port = yield* serverPort
    const chunks = yield* Queue.unbounded<string>()
    const request = yield* Effect.acquireRelease(
      Effect.async<ReturnType<typeof get>>((resume) => {
        const request = get({ host: "127.0.0.1", port, path }, (response) => {
          response.setEncoding("utf8")
          response.on("data", (c: string) => void Queue.unsafeOffer(chunks, c))
          resume(Effect.succeed(request))
        })
        // a dropped connection ends the test's interest in it; nothing to report
        request.on("error", () => undefined)
      }),
      (request) => Effect.sync(() => request.destroy())
    )
    return { chunks, disconnect: Effect.sync(() => void request.destroy()) }
  })

/**
 * Signals from the orchestrator's log when a run loses its consumer: `wentAway` once the run has been told
 * to stop (the write in flight may still be running), `stopped` once it has. `logger` must be provided
 * around the app (or the consumer) so the server's fibers log through it.
 */
export const abandonSignals = () => {
  const wentAway = Deferred.unsafeMake<void>(FiberId.none)
  const stopped = Deferred.unsafeMake<void>(FiberId.none)
  const logger = Logger.make(({ message }) => {
    const text = (Array.isArray(message) ? message : [message]).map(String).join(" ")
    if (text.includes("the client went away")) Deferred.unsafeDone(wentAway, Exit.void)
    if (text.includes("stopped after its client went away")) Deferred.unsafeDone(stopped, Exit.void)
  })
  return {
    wentAway: Deferred.await(wentAway),
    stopped: Deferred.await(stopped),
    logger: Logger.add(logger) as Layer.Layer<never>
  }
}
