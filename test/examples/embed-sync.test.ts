/** The README's embedding example runs as documented, and its second run plans nothing. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { ExampleLayers, program } from "../../examples/embed-sync.ts"

describe("examples/embed-sync.ts", () => {
  it.live("plans, applies, and then plans nothing", () =>
    Effect.gen(function*() {
      const { firstPlan, counts, secondPlan } = yield* program
      expect(firstPlan.filter((line) => line.startsWith("create virtual_machine"))).toHaveLength(12)
      expect(counts["virtual_machine"]).toMatchObject({ created: 12, failed: 0 })
      expect(secondPlan).toEqual([])
    }).pipe(Effect.provide(ExampleLayers)))
})
