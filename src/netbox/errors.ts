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

/** 400: NetBox refused the payload. `body` is NetBox's JSON (object, or a list for bulk calls). */
export class NetBoxValidation extends Schema.TaggedError<NetBoxValidation>()("NetBoxValidation", {
  ...where,
  body: Schema.Unknown,
  /** Index of the first item of the chunk this body refers to (bulk calls are chunked). */
  offset: Schema.Int
}) {
  override get message() {
    return `NetBox rejected ${this.method} ${this.path}: ${summarise(this.body)}`
  }
  /** Per-item errors of a bulk call, indexed by the caller's item position (items without errors left out). */
  get itemErrors(): ReadonlyArray<{ readonly index: number; readonly errors: unknown }> {
    if (!Array.isArray(this.body)) return [{ index: this.offset, errors: this.body }]
    return this.body.flatMap((errors, i) =>
      errors && typeof errors === "object" && Object.keys(errors).length > 0 ? [{ index: this.offset + i, errors }] : []
    )
  }
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
  override get message() {
    return "No NetBox endpoint is configured."
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
    if (typeof o["detail"] === "string") return o["detail"]
    if (typeof o["error"] === "string") return `${o["exception"] ?? "error"}: ${o["error"]}`
    return Object.entries(o).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.map(String).join(" ") : JSON.stringify(v)}`)
      .join("; ")
  }
  return String(body)
}
