/**
 * Every generated operation of every shipped version (and the unversioned `latest` alias) against
 * a mocked Proxmox: the route exists, a valid request reaches the client with Proxmox's own
 * parameter names and the answer comes back unchanged, and invalid parameters answer 400.
 */
import { NodeContext } from "@effect/platform-node"
import { Effect, FastCheck } from "effect"
import { afterAll, beforeAll, describe, expect, it } from "vitest"
import type { JsonSchema } from "../../src/contract/generator/openapi.ts"
import { DEFAULT_GENERATED_DIR, loadVersion, type MountedVersion } from "../../src/contract/GeneratedRoutes.ts"
import type { Field, Operation } from "../../src/contract/operation.ts"
import { makeHarness, type Harness } from "./harness.ts"

const SHIPPED = ["latest", "8.1", "8.2", "8.3", "8.4", "9.1"]

const samples = new Map<string, string>()

/** A value the schema accepts, as text (path/query) — deterministic. */
const validText = (s: JsonSchema): string => {
  if (Array.isArray(s.enum)) return String(s.enum[0])
  switch (s.type) {
    case "integer":
    case "number":
      return String(typeof s.minimum === "number" ? s.minimum : typeof s.maximum === "number" ? Math.min(1, s.maximum) : 1)
    case "boolean":
      return "1"
    case "array":
      return validText((s.items ?? {}) as JsonSchema)
    case "string": {
      if (typeof s.pattern === "string") {
        const min = typeof s.minLength === "number" ? s.minLength : 1
        const max = typeof s.maxLength === "number" ? s.maxLength : Infinity
        const key = `${s.pattern} ${min} ${max}`
        let fit = samples.get(key)
        if (fit === undefined) {
          // Sampled without the `i` flag (fast-check cannot): a case-sensitive match also matches with it.
          const candidates = FastCheck.sample(FastCheck.stringMatching(new RegExp(s.pattern)), { seed: 42, numRuns: 200 })
          fit = candidates.find((c) => c.length >= min && c.length <= max && c.trim() === c)
          if (fit === undefined) throw new Error(`no sample for pattern ${s.pattern}`)
          samples.set(key, fit)
        }
        return fit
      }
      return "x".repeat(typeof s.minLength === "number" ? Math.max(s.minLength, 1) : 3)
    }
    default:
      return "x"
  }
}

/** A value the schema rejects, or undefined when any text is acceptable. */
const invalidText = (s: JsonSchema): string | undefined => {
  if (Array.isArray(s.enum)) return "not-one-of-the-enum"
  if (s.type === "integer" || s.type === "number") return "not-a-number"
  if (s.type === "boolean") return "maybe"
  if (s.type === "string" && typeof s.maxLength === "number") return "x".repeat(s.maxLength + 1)
  return undefined
}

/** A valid Proxmox answer for a `returns` schema. */
const sampleAnswer = (s: JsonSchema): unknown => {
  switch (s.type) {
    case "array":
      return [sampleAnswer((s.items ?? {}) as JsonSchema)]
    case "object": {
      const props = (s.properties ?? {}) as Record<string, JsonSchema>
      const req = new Set((s.required ?? []) as Array<string>)
      return Object.fromEntries(Object.entries(props).filter(([k]) => req.has(k)).map(([k, p]) => [k, sampleAnswer(p)]))
    }
    case "integer":
    case "number":
      return 1
    case "boolean":
      return 1
    case "string":
      return "ok"
    default:
      return null
  }
}

const fill = (fields: ReadonlyArray<Field>) => Object.fromEntries(fields.filter((f) => f.required).map((f) => [f.name, validText(f.schema)]))

const urlOf = (prefix: string, op: Operation, pathValues: Record<string, string>, query: Record<string, string>) => {
  const path = op.path.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(pathValues[n]!))
  const exposed = new Map(op.params.map((f) => [f.name, f.exposed]))
  const qs = new URLSearchParams(Object.entries(query).map(([k, v]) => [exposed.get(k) ?? k, v])).toString()
  return `${prefix}${path}${qs ? `?${qs}` : ""}`
}

let h: Harness
let versions: ReadonlyArray<MountedVersion>

beforeAll(async () => {
  h = await makeHarness()
  // The same documents the server mounted, loaded by the same code, to enumerate the operations.
  versions = await Effect.runPromise(
    Effect.forEach(SHIPPED, (tag) => loadVersion(DEFAULT_GENERATED_DIR, tag)).pipe(Effect.provide(NodeContext.layer))
  )
}, 60_000)
afterAll(() => h.dispose())

describe("route walk", () => {
  it("mounts every shipped version, each with its own document", async () => {
    for (const tag of SHIPPED) {
      const res = await h.fetch(`/proxmox/api2/${tag}/openapi.json`)
      expect(res.status).toBe(200)
      const doc = (await res.json()) as { servers: Array<{ url: string }>; paths: object }
      expect(doc.servers[0]!.url).toBe(`/proxmox/api2/${tag}`)
      expect(Object.keys(doc.paths).length).toBe(versions.find((v) => v.tag === tag)!.pathCount)
    }
  })

  for (const tag of SHIPPED) {
    for (const alias of tag === "latest" ? [false, true] : [false]) {
      it(`serves every operation of ${alias ? "the unversioned alias" : tag}`, async () => {
        const version = versions.find((v) => v.tag === tag)!
        const prefix = alias ? "/proxmox/api2" : `/proxmox/api2/${tag}`
        const ops: Array<Operation> = []
        collect(version, ops)
        expect(ops.length).toBe(version.methodCount)
        let invalidChecked = 0
        for (const op of ops) {
          const where = `${op.method} ${prefix}${op.path}`
          const pathValues = fill(op.pathParams)
          const params = fill(op.params)
          const answer = sampleAnswer(op.source.responses["200"]?.content?.["application/json"]?.schema ?? {})
          expect(op.checkResponse(answer)._tag, where).toBe("Right")
          h.answer = { _tag: "data", data: answer }
          const before = h.calls.length
          const init: RequestInit = { method: op.method }
          const res = await h.fetch(urlOf(prefix, op, pathValues, op.carriesBody ? {} : params), op.carriesBody
            ? { ...init, body: JSON.stringify(params), headers: { "content-type": "application/json" } }
            : init)
          expect(res.status, `${where}: ${await res.clone().text()}`).toBe(200)
          expect(await res.json(), where).toEqual(answer)
          expect(h.calls.length, where).toBe(before + 1)
          const call = h.calls[h.calls.length - 1]!
          expect(call.req.method).toBe(op.method)
          // Path values reach the client in Proxmox's own placeholders, original names included.
          expect(call.req.path, where).toBe(op.path.replace(/\{([^}]+)\}/g, (_, n: string) => encodeURIComponent(pathValues[n]!)))
          const sent = op.carriesBody ? call.req.body ?? {} : call.req.query ?? {}
          expect(sent, where).toEqual(params)

          // Invalid: a bad value for the first constrained field, else a missing required one.
          const victim = [...op.pathParams, ...op.params].find((f) => invalidText(f.schema) !== undefined)
          const missing = op.params.find((f) => f.required)
          if (victim !== undefined || missing !== undefined) {
            invalidChecked++
            const badPath = { ...pathValues }
            const badParams: Record<string, string> = { ...params }
            if (victim !== undefined) {
              if (op.pathParams.includes(victim)) badPath[victim.name] = invalidText(victim.schema)!
              else badParams[victim.name] = invalidText(victim.schema)!
            } else delete badParams[missing!.name]
            const bad = await h.fetch(urlOf(prefix, op, badPath, badParams), { method: op.method })
            expect(bad.status, `${where} invalid`).toBe(400)
            expect(h.calls.length, `${where} invalid must not reach Proxmox`).toBe(before + 1)
          }
        }
        expect(invalidChecked).toBeGreaterThan(ops.length / 2)
      }, 120_000)
    }
  }
})

const collect = (version: MountedVersion, out: Array<Operation>) => {
  for (const [path, item] of Object.entries(version.document.paths)) {
    for (const method of ["GET", "POST", "PUT", "DELETE"] as const) {
      if (item[method.toLowerCase() as "get"] === undefined) continue
      const segments = path.split("/").filter((s) => s !== "").map((s) => (s.startsWith("{") ? "v" : s))
      const m = version.table.match(method, segments)
      if (m._tag !== "Found") throw new Error(`${method} ${path} not in the route table`)
      out.push(m.operation)
    }
  }
}
