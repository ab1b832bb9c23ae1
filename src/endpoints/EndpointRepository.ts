/**
 * Persistence of the NetBox and Proxmox endpoints. Secrets are sealed with SecretBox before they reach SQL and
 * come back as `Redacted`. Rule checking (auth combinations, singleton, token normalisation) lives in rules.ts
 * and the handlers; this module only stores and reports constraint conflicts as typed errors.
 */
import { SqlClient, SqlError } from "@effect/sql"
import { Context, Effect, Layer, Option, Redacted, Schema } from "effect"
import { AppConfigTest } from "../config.ts"
import {
  NetBoxEndpoint,
  NetBoxEndpointId,
  ProxmoxEndpoint,
  ProxmoxEndpointId
} from "../domain/endpoint.ts"
import { databaseFor } from "./Database.ts"
import { SecretBox } from "./SecretBox.ts"

/** A unique constraint was hit (duplicate endpoint name). */
export class EndpointConflict extends Schema.TaggedError<EndpointConflict>()("EndpointConflict", {
  field: Schema.String
}) {}

export type ProxmoxEndpointFields = Omit<ProxmoxEndpoint, "id" | "authMode" | "hosts">
export type NetBoxEndpointFields = Omit<NetBoxEndpoint, "id" | "baseUrl"> & { readonly netbox_id: number | null }

export interface Page {
  readonly offset: number
  readonly limit: number
}

export class EndpointRepository extends Context.Tag("proxbox/EndpointRepository")<EndpointRepository, {
  readonly listProxmox: (page?: Page) => Effect.Effect<ReadonlyArray<ProxmoxEndpoint>>
  readonly getProxmox: (id: number) => Effect.Effect<Option.Option<ProxmoxEndpoint>>
  readonly insertProxmox: (fields: ProxmoxEndpointFields) => Effect.Effect<ProxmoxEndpoint, EndpointConflict>
  readonly updateProxmox: (
    id: number,
    fields: ProxmoxEndpointFields
  ) => Effect.Effect<Option.Option<ProxmoxEndpoint>, EndpointConflict>
  readonly deleteProxmox: (id: number) => Effect.Effect<boolean>

  readonly listNetBox: (page?: Page) => Effect.Effect<ReadonlyArray<NetBoxEndpoint>>
  readonly getNetBoxById: (id: number) => Effect.Effect<Option.Option<NetBoxEndpoint>>
  /** The endpoint every NetBox call uses: the first (and normally only) row. */
  readonly getNetBox: Effect.Effect<Option.Option<NetBoxEndpoint>>
  /** `id` is the plugin's primary key when it sends one; otherwise the next free id. */
  readonly insertNetBox: (id: number | null, fields: NetBoxEndpointFields) => Effect.Effect<NetBoxEndpoint, EndpointConflict>
  readonly updateNetBox: (
    id: number,
    fields: NetBoxEndpointFields
  ) => Effect.Effect<Option.Option<NetBoxEndpoint>, EndpointConflict>
  readonly deleteNetBox: (id: number) => Effect.Effect<boolean>
}>() {
  /** Needs a migrated SqlClient and a SecretBox. */
  static layer = Layer.effect(EndpointRepository, Effect.suspend(() => make))

  /** In-memory SQLite with a fixed test key: a complete, real repository for tests and embedding. */
  static layerTest = EndpointRepository.layer.pipe(
    Layer.provide(databaseFor({ _tag: "sqlite", filename: ":memory:" })),
    Layer.provide(SecretBox.layerTest()),
    Layer.provide(AppConfigTest()),
    Layer.orDie
  )
}

// A unique violation is a typed conflict; anything else is a defect (the database is ours and local).
const isUniqueViolation = (error: SqlError.SqlError) => {
  const cause = error.cause as { code?: string } | undefined
  return cause?.code === "SQLITE_CONSTRAINT_UNIQUE" || cause?.code === "23505"
}
const conflictOnName = <A>(effect: Effect.Effect<A, SqlError.SqlError>) =>
  effect.pipe(
    Effect.catchAll((e) => isUniqueViolation(e) ? Effect.fail(new EndpointConflict({ field: "name" })) : Effect.die(e))
  )

const make = Effect.gen(function*() {
  const sql = yield* SqlClient.SqlClient
  const box = yield* SecretBox
  const seal = (secret: Redacted.Redacted<string> | null) => secret === null ? null : box.seal(secret)
  const open = (sealed: unknown) => typeof sealed === "string" ? box.open(sealed) : null
  const bool = (v: unknown) => v === true || v === 1 || v === "1" || v === "t"
  const nullableInt = (v: unknown) => v === null || v === undefined ? null : Number(v)

  const toProxmox = (r: any) =>
    new ProxmoxEndpoint({
      id: ProxmoxEndpointId.make(Number(r.id)),
      name: r.name,
      ip_address: r.ip_address,
      domain: r.domain ?? null,
      port: Number(r.port),
      username: r.username,
      password: open(r.password_sealed),
      verify_ssl: bool(r.verify_ssl),
      token_name: r.token_name ?? null,
      token_value: open(r.token_value_sealed),
      netbox_id: nullableInt(r.netbox_id)
    })
  const toNetBox = (r: any) =>
    new NetBoxEndpoint({
      id: NetBoxEndpointId.make(Number(r.id)),
      name: r.name,
      ip_address: r.ip_address,
      domain: r.domain,
      port: Number(r.port),
      token_version: r.token_version === "v2" ? "v2" : "v1",
      token_key: r.token_key ?? null,
      token: open(r.token_sealed)!,
      verify_ssl: bool(r.verify_ssl)
    })

  const proxmoxRow = (f: ProxmoxEndpointFields) => ({
    name: f.name,
    ip_address: f.ip_address,
    domain: f.domain,
    port: f.port,
    username: f.username,
    password_sealed: seal(f.password),
    verify_ssl: f.verify_ssl ? 1 : 0,
    token_name: f.token_name,
    token_value_sealed: seal(f.token_value),
    netbox_id: f.netbox_id
  })
  const netboxRow = (f: NetBoxEndpointFields) => ({
    name: f.name,
    ip_address: f.ip_address,
    domain: f.domain,
    port: f.port,
    token_version: f.token_version,
    token_key: f.token_key,
    token_sealed: box.seal(f.token),
    verify_ssl: f.verify_ssl ? 1 : 0,
    netbox_id: f.netbox_id
  })
  const paged = (page: Page | undefined) =>
    page ? sql`LIMIT ${page.limit} OFFSET ${page.offset}` : sql``

  const getProxmox = (id: number) =>
    sql`SELECT * FROM proxmox_endpoints WHERE id = ${id}`.pipe(
      Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toProxmox)),
      Effect.orDie
    )
  const getNetBoxById = (id: number) =>
    sql`SELECT * FROM netbox_endpoints WHERE id = ${id}`.pipe(
      Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toNetBox)),
      Effect.orDie
    )

  return EndpointRepository.of({
    listProxmox: (page) =>
      sql`SELECT * FROM proxmox_endpoints ORDER BY id ${paged(page)}`.pipe(Effect.map((rs) => rs.map(toProxmox)), Effect.orDie),
    getProxmox,
    insertProxmox: (fields) =>
      sql`INSERT INTO proxmox_endpoints ${sql.insert(proxmoxRow(fields))} RETURNING *`.pipe(
        conflictOnName,
        Effect.map((rows) => toProxmox(rows[0]))
      ),
    updateProxmox: (id, fields) =>
      sql`UPDATE proxmox_endpoints SET ${sql.update(proxmoxRow(fields))} WHERE id = ${id} RETURNING *`.pipe(
        conflictOnName,
        Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toProxmox))
      ),
    deleteProxmox: (id) =>
      sql`DELETE FROM proxmox_endpoints WHERE id = ${id} RETURNING id`.pipe(Effect.map((rows) => rows.length > 0), Effect.orDie),

    listNetBox: (page) =>
      sql`SELECT * FROM netbox_endpoints ORDER BY id ${paged(page)}`.pipe(Effect.map((rs) => rs.map(toNetBox)), Effect.orDie),
    getNetBoxById,
    getNetBox: sql`SELECT * FROM netbox_endpoints ORDER BY id LIMIT 1`.pipe(
      Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toNetBox)),
      Effect.orDie
    ),
    insertNetBox: (id, fields) =>
      sql.withTransaction(Effect.gen(function*() {
        const next = id ?? Number((yield* sql`SELECT COALESCE(MAX(id), 0) + 1 AS next FROM netbox_endpoints`)[0]!.next)
        const rows = yield* sql`INSERT INTO netbox_endpoints ${sql.insert({ id: next, ...netboxRow(fields) })} RETURNING *`
        return toNetBox(rows[0])
      })).pipe(conflictOnName),
    updateNetBox: (id, fields) =>
      sql`UPDATE netbox_endpoints SET ${sql.update(netboxRow(fields))} WHERE id = ${id} RETURNING *`.pipe(
        conflictOnName,
        Effect.map((rows) => Option.map(Option.fromNullable(rows[0]), toNetBox))
      ),
    deleteNetBox: (id) =>
      sql`DELETE FROM netbox_endpoints WHERE id = ${id} RETURNING id`.pipe(Effect.map((rows) => rows.length > 0), Effect.orDie)
  })
})
