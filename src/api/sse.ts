/**
 * The SSE rendering of a sync run (spec §2, ROUTES.md decision 6, plugin contract §1.5): only `event:` and
 * `data:` lines, one JSON object per frame; `step` frames for progress (per-item failures are `step`
 * frames with status "warning"), `error` only for a stage-fatal failure, and exactly one `complete` at the
 * end. A `: connected` comment goes first (Node sends headers with the first chunk) and `: ping` comments
 * keep quiet streams alive through proxies. No `id:` or `retry:` lines.
 */
import { Headers, HttpServerResponse } from "@effect/platform"
import { Duration, Stream } from "effect"
import type { ItemEvent, StageCompleted, SyncEvent, SyncFailure } from "../sync/events.ts"
import { COMPLETE_MESSAGE } from "../sync/pipeline.ts"

export const frame = (event: "step" | "error" | "complete", data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`

const FINISHED: Record<StageCompleted["stage"], string> = {
  "cluster-types": "Cluster types synchronization finished.",
  clusters: "Clusters synchronization finished.",
  devices: "Devices synchronization finished.",
  "virtual-machines": "Virtual machines synchronization finished.",
  "virtual-machine": "Virtual machine synchronization finished."
}

/** The bridge's frame shape: `{step, status, message, rowid, payload}`, payload as the reference's WebSocket message. */
export const itemPayload = (e: ItemEvent) => ({
  object: e.kind,
  type: e.action,
  data: {
    completed: e.status === "completed",
    sync_status: e.status === "warning" ? "warning" : e.status === "completed" ? "completed" : "syncing",
    rowid: e.name,
    name: e.name,
    key: e.key,
    netbox_id: e.netbox_id,
    ...(e.status === "warning" ? { warning: e.message } : {}),
    ...(e.changes ? { changes: e.changes } : {})
  }
})

/** `complete.result`: the device list for devices (as the reference), counts otherwise. */
export const completeResult = (e: StageCompleted) =>
  e.stage === "devices" && !e.dry_run ? e.records : { count: e.count, ...e.counts[e.kind], dry_run: e.dry_run }

export type Message = { readonly event: "step" | "error" | "complete"; readonly data: Record<string, unknown> }

/** The messages an event becomes: SSE frames here, WebSocket JSON messages in ws.ts. */
export const messagesOf = (e: SyncEvent): ReadonlyArray<Message> => {
  switch (e._tag) {
    case "StageStarted":
      return [{ event: "step", data: { step: e.stage, status: "started", message: e.message, ...(e.operation_id ? { operation_id: e.operation_id } : {}) } }]
    case "StageNote":
      return [{ event: "step", data: { step: e.stage, status: e.status, message: e.message } }]
    case "ItemEvent":
      return [{ event: "step", data: { step: e.kind, status: e.status, message: e.message, rowid: e.name, payload: itemPayload(e) } }]
    case "StageCompleted":
      return [
        { event: "step", data: { step: e.stage, status: "completed", message: FINISHED[e.stage], result: { count: e.count } } },
        { event: "complete", data: { ok: true, message: COMPLETE_MESSAGE[e.stage], result: completeResult(e) } }
      ]
  }
}

export const failureMessages = (f: SyncFailure): ReadonlyArray<Message> => [
  { event: "error", data: { step: f.stage, status: "failed", error: f.message, detail: f.detail } },
  { event: "complete", data: { ok: false, message: f.message, errors: [{ detail: f.detail }] } }
]

/** Messages of a run; a failure becomes `error` + `complete {ok:false}` and ends the stream normally. */
export const runMessages = (events: Stream.Stream<SyncEvent, SyncFailure>): Stream.Stream<Message> =>
  events.pipe(
    Stream.mapConcat(messagesOf),
    Stream.catchAll((f) => Stream.fromIterable(failureMessages(f)))
  )

export const sseFrames = (events: Stream.Stream<SyncEvent, SyncFailure>): Stream.Stream<string> =>
  Stream.map(runMessages(events), (m) => frame(m.event, m.data))

export const SSE_HEADERS = Headers.fromInput({ "cache-control": "no-cache", "x-accel-buffering": "no", connection: "keep-alive" })

export const sseResponse = (events: Stream.Stream<SyncEvent, SyncFailure>, heartbeat: Duration.DurationInput = "15 seconds") =>
  HttpServerResponse.stream(
    Stream.encodeText(Stream.concat(
      Stream.make(": connected\n\n"),
      Stream.merge(sseFrames(events), Stream.tick(heartbeat).pipe(Stream.drop(1), Stream.as(": ping\n\n")), { haltStrategy: "left" })
    )),
    { contentType: "text/event-stream", headers: SSE_HEADERS }
  )
