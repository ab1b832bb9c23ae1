/**
 * The WebSocket routes (spec §1.14), carrying the same sync Stream as JSON messages (`{event, ...data}`, the
 * objects the SSE frames carry): `/` counts, `/ws/virtual-machines` runs the VM sync once, `/ws` takes the
 * reference's text commands. Query parameters are those of the sync routes.
 */
import { selectStoredEndpoints } from "./selection.ts"
import { HttpLayerRouter, HttpServerRequest, HttpServerResponse, Socket } from "@effect/platform"
import { Effect, Either, Schedule, Schema, Stream } from "effect"
import { EndpointRepository } from "../endpoints/EndpointRepository.ts"
import { NetBoxConnector } from "../netbox/NetBoxClient.ts"
import type { Stage } from "../sync/events.ts"
import { SyncOrchestrator } from "../sync/SyncOrchestrator.ts"
import { runMessages } from "./sse.ts"
import { baseRequest } from "./sync/common.ts"
import { SyncQuery } from "./sync/Api.ts"

const VALID = "Valid commands: 'Sync Nodes', 'Sync Virtual Machines', 'Full Update Sync'"
const NO_NETBOX = "Error: NetBox session is not available. Check database connectivity and NetBox endpoint configuration."

/** The socket's writer, the decoded query, and `sync(stage)` sending the run's messages; false when it failed. */
const session = Effect.gen(function*() {
  const request = yield* HttpServerRequest.HttpServerRequest
  const socket = yield* request.upgrade
  const write = yield* socket.writer
  const params = Object.fromEntries(new URL(request.url, "http://x").searchParams)
  const query = Schema.decodeUnknownEither(SyncQuery)(params)
  const orchestrator = yield* SyncOrchestrator
  const repo = yield* EndpointRepository
  const sync = (stage: Stage) =>
    Effect.gen(function*() {
      if (Either.isLeft(query)) return yield* Effect.as(write(`Error: ${query.left.message}`), false)
      const endpoints = yield* Effect.either(Effect.provideService(selectStoredEndpoints(query.right), EndpointRepository, repo))
      if (Either.isLeft(endpoints)) return yield* Effect.as(write(`Error: ${endpoints.left.message}`), false)
      let ok = true
      yield* runMessages(orchestrator.run(baseRequest(stage, query.right, endpoints.right))).pipe(
        Stream.runForEach((m) => {
          if (m.event === "complete" && m.data["ok"] === false) ok = false
          return write(JSON.stringify({ event: m.event, ...m.data }))
        })
      )
      return ok
    })
  return { socket, write, sync }
})

/**
 * Completes when the client goes away, whatever the close code: `runRaw` fails on codes other than 1000 and
 * 1006 (1001 is what a browser sends), and a failed side of `Effect.race` would leave the other one running,
 * writing to a closed socket (those writes wait forever).
 */
const clientGone = (socket: Socket.Socket) => Effect.ignore(socket.runRaw(() => Effect.void))

/** `/`: "Message: 1" on accept, then "Message: 2", ... every 2 s until the client goes away. */
const counter = (request: HttpServerRequest.HttpServerRequest) =>
  Effect.gen(function*() {
    const socket = yield* request.upgrade
    const write = yield* socket.writer
    let n = 0
    yield* Effect.suspend(() => write(`Message: ${++n}`)).pipe(
      Effect.repeat(Schedule.spaced("2 seconds")),
      Effect.race(clientGone(socket)),
      Effect.catchAll(() => Effect.void)
    )
    return HttpServerResponse.empty()
  })

/**
 * `GET /` is also the service's JSON root (src/api/root), and the router holds one handler per method and
 * path: WebSocket upgrades of `/` are taken here, before routing. The server runs middleware
 * uninterruptibly (only routes are made interruptible by the router), so the counter opts in: otherwise
 * it would outlive its client and block shutdown.
 */
export const CounterSocket = HttpLayerRouter.middleware((app) =>
  Effect.flatMap(HttpServerRequest.HttpServerRequest, (request) =>
    request.url.split("?")[0] === "/" && request.headers["upgrade"]?.toLowerCase() === "websocket"
      ? Effect.interruptible(Effect.orDie(Effect.scoped(counter(request))))
      : app), { global: true })

export const VirtualMachinesSocketRoute = HttpLayerRouter.add(
  "GET",
  "/ws/virtual-machines",
  Effect.gen(function*() {
    const { socket, sync, write } = yield* session
    const connector = yield* NetBoxConnector
    yield* Effect.gen(function*() {
      yield* write("Connected!")
      const configured = yield* Effect.either(connector.client)
      if (Either.isLeft(configured)) {
        yield* write(NO_NETBOX)
        return yield* write(new Socket.CloseEvent(1011, "NetBox session is not available"))
      }
      yield* sync("virtual-machines")
      yield* write(new Socket.CloseEvent(1000))
    }).pipe(Effect.race(clientGone(socket)), Effect.catchAll(() => Effect.void))
    return HttpServerResponse.empty()
  })
)

export const CommandSocketRoute = HttpLayerRouter.add(
  "GET",
  "/ws",
  Effect.gen(function*() {
    const { socket, sync, write } = yield* session
    // one command at a time, in arrival order
    const lock = yield* Effect.makeSemaphore(1)
    const command = (text: string) =>
      lock.withPermits(1)(Effect.gen(function*() {
        yield* write(`Received message: ${text}`)
        switch (text) {
          case "Full Update Sync":
          case "Full Update": {
            if (yield* sync("devices")) yield* sync("virtual-machines")
            return
          }
          case "Sync Nodes":
            yield* write("Sync Nodes")
            yield* sync("devices")
            return
          case "Sync Virtual Machines":
            yield* sync("virtual-machines")
            return
          default:
            yield* write(`Invalid command: ${text}`)
            yield* write(VALID)
        }
      }))
    yield* socket.runRaw(
      (raw) => command(typeof raw === "string" ? raw : new TextDecoder().decode(raw)),
      { onOpen: Effect.ignore(Effect.zipRight(write("Connected!"), write("Connected 2!"))) }
    ).pipe(Effect.catchAll(() => Effect.void))
    return HttpServerResponse.empty()
  })
)
