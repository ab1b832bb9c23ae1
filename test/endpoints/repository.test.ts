/** The repository suite, run on embedded SQLite and on a fresh PostgreSQL database. */
import { SqlClient } from "@effect/sql"
import { describe, expect, layer } from "@effect/vitest"
import { Effect, Layer, Option, Redacted } from "effect"
import { EndpointRepository, type ProxmoxEndpointFields } from "../../src/endpoints/EndpointRepository.ts"
import { SecretBox } from "../../src/endpoints/SecretBox.ts"
import { PgTestDb, SqliteTestDb } from "../support/database.ts"

const pve = (name: string, overrides: Partial<ProxmoxEndpointFields> = {}): ProxmoxEndpointFields => ({
  name,
  ip_address: "10.0.0.1",
  domain: null,
  port: 8006,
  username: "root@pam",
  password: Redacted.make("pve-password-secret"),
  verify_ssl: false,
  token_name: null,
  token_value: null,
  netbox_id: null,
  ...overrides
})

const suite = (label: string, db: Layer.Layer<SqlClient.SqlClient>) =>
  layer(EndpointRepository.layer.pipe(Layer.provideMerge(Layer.merge(db, SecretBox.layerTest()))), { timeout: 60_000 })(
    `EndpointRepository on ${label}`,
    (it) => {
      it.effect("round-trips a Proxmox endpoint and seals its secrets at rest", () =>
        Effect.gen(function*() {
          const repo = yield* EndpointRepository
          const sql = yield* SqlClient.SqlClient
          const created = yield* repo.insertProxmox(pve("seal", {
            token_name: "sync",
            token_value: Redacted.make("token-value-secret"),
            netbox_id: 4
          }))
          const read = Option.getOrThrow(yield* repo.getProxmox(created.id))
          expect(read.name).toBe("seal")
          expect(read.verify_ssl).toBe(false)
          expect(read.netbox_id).toBe(4)
          expect(read.authMode).toBe("token")
          expect(Redacted.value(read.password!)).toBe("pve-password-secret")
          expect(Redacted.value(read.token_value!)).toBe("token-value-secret")
          const raw = JSON.stringify(yield* sql`SELECT * FROM proxmox_endpoints WHERE id = ${created.id}`)
          expect(raw).not.toContain("pve-password-secret")
          expect(raw).not.toContain("token-value-secret")
          expect(raw).toContain("enc:v1:")
        }))

      it.effect("reports a duplicate name as a typed conflict, on insert and on rename", () =>
        Effect.gen(function*() {
          const repo = yield* EndpointRepository
          yield* repo.insertProxmox(pve("dup-a"))
          const b = yield* repo.insertProxmox(pve("dup-b"))
          const again = yield* Effect.flip(repo.insertProxmox(pve("dup-a")))
          expect(again._tag).toBe("EndpointConflict")
          const rename = yield* Effect.flip(repo.updateProxmox(b.id, pve("dup-a")))
          expect(rename._tag).toBe("EndpointConflict")
        }))

      it.effect("updates and deletes; unknown ids are None/false", () =>
        Effect.gen(function*() {
          const repo = yield* EndpointRepository
          const e = yield* repo.insertProxmox(pve("upd"))
          const updated = yield* repo.updateProxmox(e.id, pve("upd", { port: 8443, password: null, token_name: "t", token_value: Redacted.make("v") }))
          expect(Option.getOrThrow(updated).port).toBe(8443)
          expect(Option.getOrThrow(updated).password).toBeNull()
          expect(Option.isNone(yield* repo.updateProxmox(999_999, pve("ghost")))).toBe(true)
          expect(yield* repo.deleteProxmox(e.id)).toBe(true)
          expect(yield* repo.deleteProxmox(e.id)).toBe(false)
          expect(Option.isNone(yield* repo.getProxmox(e.id))).toBe(true)
        }))

      it.effect("keeps the NetBox id the plugin sends, or picks the next free one", () =>
        Effect.gen(function*() {
          const repo = yield* EndpointRepository
          const fields = {
            name: "nb",
            ip_address: "10.0.0.2",
            domain: "netbox.local",
            port: 443,
            token_version: "v2" as const,
            token_key: "abc",
            token: Redacted.make("netbox-secret"),
            verify_ssl: true,
            netbox_id: 42
          }
          const given = yield* repo.insertNetBox(42, fields)
          expect(given.id).toBe(42)
          const next = yield* repo.insertNetBox(null, { ...fields, name: "nb-2", netbox_id: null })
          expect(next.id).toBe(43)
          expect(Option.getOrThrow(yield* repo.getNetBox).id).toBe(42)
          expect(Redacted.value(Option.getOrThrow(yield* repo.getNetBoxById(42)).token)).toBe("netbox-secret")
          expect((yield* Effect.flip(repo.insertNetBox(null, fields)))._tag).toBe("EndpointConflict")
          yield* repo.deleteNetBox(42)
          yield* repo.deleteNetBox(43)
        }))

      // The plugin PUTs every endpoint every 30 s while syncs read them; the reference hit "database is locked".
      it.effect("50 concurrent updates during reads: no error, nothing lost", () =>
        Effect.gen(function*() {
          const repo = yield* EndpointRepository
          const rows = yield* Effect.forEach(Array.from({ length: 50 }, (_, i) => `load-${i}`), (n) => repo.insertProxmox(pve(n)))
          const updates = Effect.forEach(rows, (row, i) => repo.updateProxmox(row.id, pve(row.name, { port: 10_000 + i })), {
            concurrency: "unbounded"
          })
          const reads = Effect.forEach(rows, () => repo.listProxmox(), { concurrency: "unbounded" })
          const [updated, read] = yield* Effect.all([updates, reads], { concurrency: "unbounded" })
          expect(updated.every(Option.isSome)).toBe(true)
          expect(read.every((list) => list.length >= rows.length)).toBe(true)
          const after = yield* repo.listProxmox()
          for (const [i, row] of rows.entries()) {
            expect(after.find((e) => e.id === row.id)!.port).toBe(10_000 + i)
          }
        }))
    }
  )

describe("EndpointRepository", () => {
  suite("SQLite", SqliteTestDb)
  suite("PostgreSQL", PgTestDb)
})
