/**
 * Typed failures of the NetBox client. NetBox's own error body is kept as it came (field errors,
 * `__all__`/`non_field_errors`, a list aligned with the items of a bulk call) so the sync can report
 * per-object failures; the `{detail, message}` wire shape is made only at the HTTP edge.
 */
import { Schema } from "effect"

const where = {
  method: Schema.String,
  /** Path and query as sent, without the host. */
  path: Schema.String
}

/**
 * 400: NetBox refused the payload. `body` is NetBox's JSON: field errors for one object; for a bulk call either
 * a list aligned with the items (NetBox < 4.7) or `{detail, errors: [{index | id, errors}]}` (4.7+).
 */
export class NetBoxValidation extends Schema.TaggedError<NetBoxValidation>()("NetBoxValidation", {
  ...where,
  body: Schema.Unknown,
  /** Index of the first item of the chunk this body refers to (bulk calls are chunked). */
  offset: Schema.Int,
  /** The ids of the chunk's items in order (bulk PATCH/DELETE), to place errors NetBox reports by `id`. */
  ids: Schema.optional(Schema.Array(Schema.Int))
}) {
  override get message() {
    return `NetBox rejected ${this.method} ${this.path}: ${summarise(this.body)}`
  }
  /** Per-item errors of a bulk call, indexed by the caller's item position (items without errors left out). */
  get itemErrors(): ReadonlyArray<ItemError> {
    const body = this.body
    if (Array.isArray(body)) {
      return body.flatMap((errors, i) =>
        errors && typeof errors === "object" && Object.keys(errors).length > 0 ? [{ index: this.offset + i, errors }] : []
      )
    }
    const listed = wrappedErrors(body)
    if (!listed) return [{ index: this.offset, errors: body }]
    return listed.map((e) => {
      const at = typeof e.index === "number" ? e.index : typeof e.id === "number" ? this.ids?.indexOf(e.id) ?? -1 : -1
      // An id this chunk did not send cannot be placed: it is reported against the chunk's first item.
      const index = this.offset + Math.max(at, 0)
      return typeof e.id === "number" ? { index, id: e.id, errors: e.errors } : { index, errors: e.errors }
    })
  }
}

export interface ItemError {
  /** Position in the caller's items. */
  readonly index: number
  /** The object's id, when NetBox reported the error by id (bulk update and delete). */
  readonly id?: number
  readonly errors: unknown
}

interface WrappedEntry {
  readonly index?: unknown
  readonly id?: unknown
  readonly errors: unknown
}

/** The entries of NetBox 4.7's bulk error body `{detail, errors: [{index | id, errors}]}`, if it is one. */
const wrappedErrors = (body: unknown): ReadonlyArray<WrappedEntry> | undefined => {
  if (!body || typeof body !== "object") return undefined
  const errors = (body as { errors?: unknown }).errors
  return Array.isArray(errors) && errors.every((e) => e && typeof e === "object" && "errors" in e)
    ? (errors as ReadonlyArray<WrappedEntry>)
    : undefined
}

/** 401/403: the token was refused, expired, lacks write permission, or was not sent. */
export class NetBoxAuthFailed extends Schema.TaggedError<NetBoxAuthFailed>()("NetBoxAuthFailed", {
  ...where,
  status: Schema.Int,
  detail: Schema.String
}) {
  override get message() {
    return `NetBox refused the credentials (${this.status}) on ${this.method} ${this.path}: ${this.detail}`
  }
}

export class NetBoxNotFound extends Schema.TaggedError<NetBoxNotFound>()("NetBoxNotFound", {
  ...where,
  detail: Schema.String
}) {
  override get message() {
    return `NetBox has no ${this.path} (${this.detail})`
  }
}

/** No usable answer: connection failure, timeout, or 429/502/503/504 (after retries where they were safe). */
export class NetBoxUnavailable extends Schema.TaggedError<NetBoxUnavailable>()("NetBoxUnavailable", {
  ...where,
  status: Schema.optional(Schema.Int),
  reason: Schema.String
}) {
  override get message() {
    return `NetBox unavailable on ${this.method} ${this.path}${this.status ? ` (${this.status})` : ""}: ${this.reason}`
  }
}

/** Any other non-2xx answer (409 protected delete, 500 IntegrityError, 405 ...) or an unreadable body. */
export class NetBoxRequestFailed extends Schema.TaggedError<NetBoxRequestFailed>()("NetBoxRequestFailed", {
  ...where,
  status: Schema.Int,
  body: Schema.Unknown
}) {
  override get message() {
    return `NetBox answered ${this.status} to ${this.method} ${this.path}: ${summarise(this.body)}`
  }
}

/** No NetBox endpoint is stored yet. */
export class NetBoxNotConfigured extends Schema.TaggedError<NetBoxNotConfigured>()("NetBoxNotConfigured", {}) {
  /** The reference's texts (its NetBox session dependency), which the plugin shows as they are. */
  static readonly text = "No NetBox endpoint found"
  static readonly detail = "Please add a NetBox endpoint in the database"
  override get message() {
    return NetBoxNotConfigured.text
  }
}

export type NetBoxError = NetBoxValidation | NetBoxAuthFailed | NetBoxNotFound | NetBoxUnavailable | NetBoxRequestFailed

/** One line out of NetBox's error bodies: `field: msg; field: msg`, `detail`, or the raw text. */
export const summarise = (body: unknown): string => {
  if (typeof body === "string") return body.slice(0, 500)
  if (Array.isArray(body)) {
    return body.map((b, i) => [i, b] as const).filter(([, b]) => b && Object.keys(b).length > 0)
      .map(([i, b]) => `[${i}] ${summarise(b)}`).join("; ")
  }
  if (body && typeof body === "object") {
    const o = body as Record<string, unknown>
    const listed = wrappedErrors(body)
    if (listed) {
      const items = listed.map((e) => `[${typeof e.index === "number" ? e.index : `id ${String(e.id)}`}] ${summarise(e.errors)}`)
      return [typeof o["detail"] === "string" ? o["detail"] : "", ...items].filter((x) => x !== "").join(" ")
    }
    if (typeof o["detail"] === "string") return o["detail"]
    if (typeof o["error"] === "string") return `${o["exception"] ?? "error"}: ${o["error"]}`
    return Object.entries(o).map(([k, v]) =>
      `${k}: ${Array.isArray(v) ? v.map((x) => (typeof x === "string" ? x : summarise(x))).join(" ") : v && typeof v === "object" ? summarise(v) : String(v)}`
    ).join("; ")
  }
  return String(body)
}
