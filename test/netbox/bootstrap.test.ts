import { expect, layer } from "@effect/vitest"
import { Effect, Ref } from "effect"
import { CUSTOM_FIELDS, ensureProxboxSchema, NetBoxBootstrap } from "../../src/netbox/bootstrap.ts"
import { NetBoxClient } from "../../src/netbox/NetBoxClient.ts"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"
import { live } from "./live.ts"

const writes = (counts: ReadonlyMap<string, number>) =>
  [...counts].filter(([k]) => !k.startsWith("GET ")).reduce((n, [, c]) => n + c, 0)

layer(NetBoxSimulator.layerWithClient())(
  "custom fields and the proxbox tag",
  (it) => {
    live(it, "first run creates everything in bulk, a second run writes nothing, drift is patched", () =>
      Effect.gen(function*() {
        const nb = yield* NetBoxClient
        const first = yield* ensureProxboxSchema(nb)
        expect(first.tag).toMatchObject({ slug: "proxbox", color: "ff5722" })
        expect(first.customFields.map((cf) => cf["name"])).toEqual(CUSTOM_FIELDS.map((f) => f.name))
        expect(first.customFields.flatMap((cf) => cf["object_types"] as Array<string>)).not.toContain("virtualization.vmmigration")
        const afterFirst = yield* nb.requestCounts.get
        expect(afterFirst.get("POST /api/extras/custom-fields/")).toBe(1)

        yield* Ref.set(nb.requestCounts, new Map())
        yield* ensureProxboxSchema(nb)
        expect(writes(yield* nb.requestCounts.get)).toBe(0)

        // Someone relabels a field and scopes another one wider: ours is restored, theirs is kept.
        const vmid = first.customFields[0]!
        yield* nb.update("extras/custom-fields", [{ id: vmid.id, label: "changed", object_types: ["virtualization.virtualmachine", "dcim.device"] }])
        yield* Ref.set(nb.requestCounts, new Map())
        const third = yield* ensureProxboxSchema(nb)
        expect((yield* nb.requestCounts.get).get("PATCH /api/extras/custom-fields/")).toBe(1)
        expect(third.customFields[0]).toMatchObject({ label: "VM ID" })
        expect([...(third.customFields[0]!["object_types"] as Array<string>)].sort()).toEqual(["dcim.device", "virtualization.virtualmachine"])
      }))

    live(it, "the cached bootstrap costs no request once it succeeded", () =>
      Effect.gen(function*() {
        const nb = yield* NetBoxClient
        const cached = yield* Effect.provide(
          Effect.gen(function*() {
            const bootstrap = yield* NetBoxBootstrap
            yield* bootstrap.ensure(nb)
            yield* Ref.set(nb.requestCounts, new Map())
            return yield* bootstrap.ensure(nb)
          }),
          NetBoxBootstrap.layer
        )
        expect(cached.customFields).toHaveLength(CUSTOM_FIELDS.length)
        expect((yield* nb.requestCounts.get).size).toBe(0)
      }))
  }
)
