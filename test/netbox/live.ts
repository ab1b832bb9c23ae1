import type { Vitest } from "@effect/vitest"
import { type Effect, type Scope, TestServices } from "effect"

/**
 * `it.scoped` on the real clock: the NetBox client's retries back off in real time against a real server,
 * which the TestClock would hold forever (scopedLive does not see a `layer(...)`'s services).
 */
export const live = <R>(
  it: Vitest.MethodsNonLive<R>,
  name: string,
  body: () => Effect.Effect<unknown, unknown, R | Scope.Scope>
) => it.scoped(name, () => TestServices.provideLive(body()))
