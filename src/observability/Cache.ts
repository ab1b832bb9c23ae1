/** The small in-process key/value cache behind `/cache` and `/clear-cache` (sync stages record state here). */
import { Context, Effect, Layer, Ref } from "effect"

export class AppCache extends Context.Tag("proxbox/AppCache")<AppCache, {
  readonly snapshot: Effect.Effect<Record<string, unknown>>
  readonly set: (key: string, value: unknown) => Effect.Effect<void>
  readonly get: (key: string) => Effect.Effect<unknown>
  readonly clear: Effect.Effect<void>
}>() {
  static layer = Layer.effect(
    AppCache,
    Effect.map(Ref.make(new Map<string, unknown>()), (ref) => ({
      snapshot: Effect.map(Ref.get(ref), (m) => Object.fromEntries(m)),
      set: (key, value) => Ref.update(ref, (m) => new Map(m).set(key, value)),
      get: (key) => Effect.map(Ref.get(ref), (m) => m.get(key)),
      clear: Ref.set(ref, new Map())
    }))
  )
}
