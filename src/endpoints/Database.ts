/**
 * The SQL client chosen by DATABASE_URL (embedded SQLite by default, PostgreSQL on postgres://), with the
 * migrations applied when the layer is built.
 */
import { SqlClient } from "@effect/sql"
import { PgClient } from "@effect/sql-pg"
import { SqliteClient } from "@effect/sql-sqlite-node"
import { Effect, Layer } from "effect"
import { mkdirSync } from "node:fs"
import { dirname } from "node:path"
import { AppConfig, type DatabaseTarget } from "../config.ts"
import { migrate } from "./migrations.ts"

const sqlite = (filename: string): Layer.Layer<SqlClient.SqlClient, unknown> => {
  if (filename !== ":memory:") mkdirSync(dirname(filename), { recursive: true })
  const client = SqliteClient.layer({ filename })
  // WAL (the client's default) lets reads proceed during writes; the busy timeout covers a second process
  // (a CLI, a backup) holding the write lock, where the reference failed with "database is locked".
  const pragmas = Layer.effectDiscard(
    Effect.flatMap(SqlClient.SqlClient, (sql) => sql.unsafe("PRAGMA busy_timeout = 5000"))
  )
  return Layer.provideMerge(pragmas, client)
}

export const sqlLayer = (target: DatabaseTarget): Layer.Layer<SqlClient.SqlClient, unknown> =>
  target._tag === "postgres"
    ? PgClient.layer({ url: target.url, maxConnections: 10 }) as Layer.Layer<SqlClient.SqlClient, unknown>
    : sqlite(target.filename)

/** The configured database, migrated. */
export const DatabaseLive: Layer.Layer<SqlClient.SqlClient, unknown, AppConfig> = Layer.unwrapEffect(
  Effect.map(AppConfig, (config) => databaseFor(config.database))
)

export const databaseFor = (target: DatabaseTarget): Layer.Layer<SqlClient.SqlClient, unknown> =>
  Layer.effectDiscard(migrate).pipe(Layer.provideMerge(sqlLayer(target)))
