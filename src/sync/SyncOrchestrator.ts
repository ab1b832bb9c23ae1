/**
 * The sync engine as a service: `run(request)` is the one Stream of SyncEvents every transport renders.
 * Single flight: a writing run holds a lock per (NetBox target, Proxmox endpoint) for its whole duration,
 * taken in a fixed order; a second run on any of the same endpoints (same stage or another one, since
 * stages share objects) WAITS for the first to finish, says so in a `StageNote`, then runs against the
 * state the first left (normally: zero writes). Dry runs write nothing and take no lock.
 * The stream is backpressured: the run only advances as its consumer reads, and when the consumer goes
 * away the run is interrupted after the write batch in flight (apply.ts).
 */
import { randomUUID } from "node:crypto"
import { Context, DateTime, Effect, Exit, Fiber, Layer, Queue, Stream, Take } from "effect"
import { NetBoxBootstrap } from "../netbox/bootstrap.ts"
import type { NetBoxClientService } from "../netbox/client.ts"
import { NetBoxNotConfigured } from "../netbox/errors.ts"
import { NetBoxConnector } from "../netbox/NetBoxClient.ts"
import { AppCache } from "../observability/Cache.ts"
import { ProxmoxClient } from "../proxmox/ProxmoxClient.ts"
import { type StageCompleted, StageNote, StageStarted, type SyncEvent, SyncFailure } from "./events.ts"
import { logEvent } from "./journal.ts"
import { runStage, type SyncRequest } from "./pipeline.ts"

export type { SyncRequest } from "./pipeline.ts"

const START_MESSAGE: Record<SyncRequest["stage"], string> = {
  "cluster-types": "Starting cluster types synchronization.",
  clusters: "Starting clusters synchronization.",
  devices: "Starting devices synchronization.",
  "virtual-machines": "Starting virtual machines synchronization.",
  "virtual-machine": "Starting virtual machine synchronization."
}

export interface SyncOrchestratorService {
  /** The run as events; fails with SyncFailure when the stage cannot run. Ends after a StageCompleted. */
  readonly run: (request: SyncRequest) => Stream.Stream<SyncEvent, SyncFailure>
  /** Runs to completion and returns the final event (JSON routes). */
  readonly runToCompletion: (request: SyncRequest) => Effect.Effect<{ readonly completed: StageCompleted; readonly events: ReadonlyArray<SyncEvent> }, SyncFailure>
}

export interface SyncSettings {
  /** Objects per NetBox bulk write (and per uninterruptible batch). Default 200. */
  readonly batchSize?: number
}

export class SyncOrchestrator extends Context.Tag("proxbox/SyncOrchestrator")<SyncOrchestrator, SyncOrchestratorService>() {
  /** Needs ProxmoxClient, NetBoxConnector, NetBoxBootstrap and AppCache (live or test layers of each). */
  static readonly layerWith = (settings: SyncSettings = {}) => Layer.effect(SyncOrchestrator, Effect.suspend(() => make(settings)))
  static readonly layer = SyncOrchestrator.layerWith()
}

const make = (settings: SyncSettings) =>
  Effect.gen(function*() {
    const proxmox = yield* ProxmoxClient
    const connector = yield* NetBoxConnector
    const bootstrap = yield* NetBoxBootstrap
    const cache = yield* AppCache
    const batchSize = settings.batchSize ?? 200

    const locks = new Map<string, Effect.Semaphore>()
    const busy = new Set<string>()
    const lockOf = (key: string) => {
      const existing = locks.get(key)
      if (existing) return Effect.succeed(existing)
      return Effect.map(Effect.makeSemaphore(1), (s) => (locks.set(key, s), s))
    }
    /** All locks of the run, in sorted order (no deadlock between overlapping runs); released with the scope. */
    const hold = (keys: ReadonlyArray<string>, stage: SyncRequest["stage"], emit: (e: SyncEvent) => Effect.Effect<void>) =>
      Effect.gen(function*() {
        const sorted = [...new Set(keys)].sort()
        if (sorted.some((k) => busy.has(k))) {
          yield* emit(new StageNote({ stage, status: "progress", message: "Waiting for a running sync of the same endpoints to finish." }))
        }
        for (const key of sorted) {
          const lock = yield* lockOf(key)
          yield* Effect.acquireRelease(
            Effect.zipRight(lock.take(1), Effect.sync(() => busy.add(key))),
            () => Effect.zipRight(Effect.sync(() => busy.delete(key)), lock.release(1))
          )
        }
      })

    const resolveNetBox = (stage: SyncRequest["stage"]): Effect.Effect<NetBoxClientService, SyncFailure> =>
      connector.client.pipe(Effect.mapError(() =>
        new SyncFailure({ stage, message: NetBoxNotConfigured.text, detail: NetBoxNotConfigured.detail, status: 400 })
      ))

    const execute = (request: SyncRequest, send: (e: SyncEvent) => Effect.Effect<void>) => {
      const operationId = randomUUID()
      const emit = (e: SyncEvent) => Effect.zipRight(logEvent(e, request.dryRun), send(e))
      return Effect.gen(function*() {
        yield* emit(new StageStarted({ stage: request.stage, message: START_MESSAGE[request.stage], operation_id: operationId }))
        const nb = yield* resolveNetBox(request.stage)
        if (!request.dryRun) yield* hold(request.endpoints.map((e) => `${nb.baseUrl}|${e.id}`), request.stage, emit)
        const now = DateTime.formatIso(yield* DateTime.now)
        const completed = yield* runStage(nb, request, { batchSize, now }, emit)
        // the reference cleared its cache after device and VM syncs
        if (!request.dryRun) yield* cache.clear
        yield* emit(completed)
        return completed
      }).pipe(
        Effect.tapError((failure) => Effect.logError(`${failure.message}: ${failure.detail}`)),
        Effect.scoped,
        Effect.annotateLogs({ operation_id: operationId, operation: `${request.stage} sync` }),
        Effect.provideService(ProxmoxClient, proxmox),
        Effect.provideService(NetBoxBootstrap, bootstrap)
      )
    }

    const run = (request: SyncRequest): Stream.Stream<SyncEvent, SyncFailure> =>
      Stream.unwrapScoped(Effect.gen(function*() {
        const queue = yield* Queue.bounded<Take.Take<SyncEvent, SyncFailure>>(64)
        let ended = false
        const fiber = yield* execute(request, (e) => Queue.offer(queue, Take.of(e))).pipe(
          Effect.exit,
          Effect.flatMap((exit) =>
            Effect.zipRight(Effect.sync(() => (ended = true)), Queue.offer(queue, Exit.isSuccess(exit) ? Take.end : Take.failCause(exit.cause)))
          ),
          Effect.forkScoped
        )
        // Added after forkScoped, so it runs before forkScoped's own interruption of the run.
        yield* Effect.addFinalizer(() => (ended ? Effect.void : abandon(request.stage, fiber)))
        return Stream.fromQueue(queue).pipe(Stream.flattenTake)
      }))

    /**
     * The consumer went away (client disconnected) before the run ended: interrupt it, which takes effect
     * once the write batch in flight has finished (apply.ts), say so, and wait for it to stop.
     */
    const abandon = (stage: SyncRequest["stage"], fiber: Fiber.RuntimeFiber<unknown>) =>
      Effect.gen(function*() {
        yield* Fiber.interruptAsFork(fiber, yield* Effect.fiberId)
        yield* Effect.logWarning(`${stage} sync: the client went away; the NetBox write in flight finishes, nothing after it starts`)
        yield* Fiber.await(fiber)
        yield* Effect.logInfo(`${stage} sync stopped after its client went away`)
      })

    const runToCompletion: SyncOrchestratorService["runToCompletion"] = (request) =>
      Effect.gen(function*() {
        const events: Array<SyncEvent> = []
        const completed = yield* execute(request, (e) => Effect.sync(() => void events.push(e)))
        return { completed, events }
      })

    return { run, runToCompletion } satisfies SyncOrchestratorService
  })
