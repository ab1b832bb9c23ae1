import { describe, expect, it, layer } from "@effect/vitest"
import { Effect } from "effect"
import { parseToken } from "../../src/netbox/auth.ts"
import { makeNetBoxClient } from "../../src/netbox/client.ts"
import { NetBoxValidation, summarise } from "../../src/netbox/errors.ts"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"
import { live } from "./live.ts"

const where = { method: "POST", path: "/api/dcim/sites/" }

describe("NetBoxValidation.itemErrors", () => {
  it("a list aligned with the items (NetBox < 4.7), shifted by the chunk's offset", () => {
    const e = new NetBoxValidation({ ...where, offset: 500, body: [{}, { name: ["site with this name already exists."] }, {}] })
    expect(e.itemErrors).toEqual([{ index: 501, errors: { name: ["site with this name already exists."] } }])
  })
  it("4.7's {detail, errors} by index, and by id placed through the chunk's ids", () => {
    const created = new NetBoxValidation({
      ...where, offset: 500,
      body: { detail: "2 of 3 objects could not be created.", errors: [{ index: 0, errors: { a: ["x"] } }, { index: 2, errors: { b: ["y"] } }] }
    })
    expect(created.itemErrors).toEqual([{ index: 500, errors: { a: ["x"] } }, { index: 502, errors: { b: ["y"] } }])
    const updated = new NetBoxValidation({
      method: "PATCH", path: where.path, offset: 100, ids: [7, 8, 9],
      body: { detail: "1 of 3 objects could not be updated.", errors: [{ id: 9, errors: { status: ["sideways is not a valid choice."] } }] }
    })
    expect(updated.itemErrors).toEqual([{ index: 102, id: 9, errors: { status: ["sideways is not a valid choice."] } }])
    expect(updated.message).toBe(
      "NetBox rejected PATCH /api/dcim/sites/: 1 of 3 objects could not be updated. [id 9] status: sideways is not a valid choice."
    )
  })
  it("one object's field errors are the chunk's first item; nested custom field errors are summarised", () => {
    const body = { custom_fields: { x: "Custom field 'x' does not exist for this object type." } }
    expect(new NetBoxValidation({ ...where, offset: 0, body }).itemErrors).toEqual([{ index: 0, errors: body }])
    expect(summarise(body)).toBe("custom_fields: x: Custom field 'x' does not exist for this object type.")
  })
})

layer(NetBoxSimulator.layer())("bulk deletes against the simulator", (it) => {
  live(it, "are chunked by deleteChunkSize; a missing id refuses its chunk and is reported at the caller's index", () =>
    Effect.gen(function*() {
      const sim = yield* NetBoxSimulator
      const nb = yield* makeNetBoxClient({ baseUrl: sim.url, token: parseToken(sim.tokenV2), deleteChunkSize: 2 })
      const tags = yield* nb.create("extras/tags", [1, 2, 3, 4, 5].map((i) => ({ name: `d${i}`, slug: `d${i}` })))
      const ids = tags.map((t) => t.id)
      const failed = yield* nb.delete("extras/tags", [ids[0]!, ids[1]!, ids[2]!, 999_999]).pipe(Effect.flip)
      expect(failed._tag === "NetBoxValidation" && failed.itemErrors).toEqual([
        { index: 3, id: 999_999, errors: { id: ["Object with ID 999999 does not exist"] } }
      ])
      // The first chunk went through; the refused one deleted nothing.
      expect((yield* nb.list("extras/tags")).map((t) => t.id)).toEqual(ids.slice(2))
      yield* nb.delete("extras/tags", ids.slice(2))
      expect((yield* nb.requestCounts.get).get("DELETE /api/extras/tags/")).toBe(4)
      expect(yield* nb.count("extras/tags")).toBe(0)
    }))
})
