/**
 * A run's trail in the service log (and so in /admin/logs): each event at its level, every line annotated with the
 * run's operation_id, the stage, the phase and the object it is about.
 */
import { Effect } from "effect"
import type { SyncEvent } from "./events.ts"

export const logEvent = (e: SyncEvent, dryRun: boolean): Effect.Effect<void> => {
  switch (e._tag) {
    case "StageStarted":
      return Effect.logInfo(e.message).pipe(Effect.annotateLogs("phase", "start"))
    case "StageNote":
      return (e.status === "warning" ? Effect.logWarning(e.message) : Effect.logInfo(e.message)).pipe(
        Effect.annotateLogs("phase", "collect")
      )
    case "ItemEvent":
      return (e.status === "warning" ? Effect.logWarning(e.message) : Effect.logDebug(e.message)).pipe(
        Effect.annotateLogs({ phase: dryRun ? "plan" : "apply", resource_type: e.kind, resource_id: e.key })
      )
    case "StageCompleted":
      return Effect.logInfo(`${e.message} ${JSON.stringify(e.counts)}`).pipe(Effect.annotateLogs("phase", "complete"))
  }
}
