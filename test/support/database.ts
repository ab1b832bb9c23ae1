/**
 * Databases for the repository suite: in-memory SQLite, and a fresh PostgreSQL database per layer (created on the
 * server at PROXBOX_TEST_PG_URL, default the local trust-auth server, dropped when the layer closes).
 */
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { Effect, Layer, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { databaseFor } from "../../src/endpoints/Database.ts"

export const PG_ADMIN_URL = process.env.PROXBOX_TEST_PG_URL ?? "postgres://postgres@127.0.0.1:5432/postgres"

const adminClient = PgClient.layer({ url: Redacted.make(PG_ADMIN_URL), maxConnections: 1 })

/** Creates `t_<random>` and yields its URL; drops it (forcing connections closed) when the scope ends. */
export const scopedPgDatabase = Effect.acquireRelease(
  Effect.gen(function*() {
    const sql = yield* SqlClient.SqlClient
    const name = `proxbox_t_${randomBytes(6).toString("hex")}`
    yield* sql.unsafe(`CREATE DATABASE ${name}`)
    const url = new URL(PG_ADMIN_URL)
    url.pathname = `/${name}`
    return { name, url: url.toString() }
  }).pipe(Effect.provide(adminClient), Effect.orDie),
  ({ name }) => Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).pipe(
    Effect.provide(adminClient),
    Effect.orDie
  )
)

export const SqliteTestDb = databaseFor({ _tag: "sqlite", filename: ":memory:" }).pipe(Layer.orDie)

export const PgTestDb = Layer.unwrapScoped(
  Effect.map(scopedPgDatabase, ({ url }) => databaseFor({ _tag: "postgres", url: Redacted.make(url) }))
).pipe(Layer.orDie)
