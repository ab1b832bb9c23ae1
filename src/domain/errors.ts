/**
 * Tagged errors shared across services. Each carries its HTTP status for HttpApi; the wire body is
 * `{detail, message}` (ROUTES.md decision 7), produced by the error fields themselves.
 */
import { HttpApiSchema } from "@effect/platform"
import { Schema } from "effect"

const body = {
  detail: Schema.Unknown,
  message: Schema.String
}

/** 400: input that passed the schema but breaks a rule (reference's `{"detail": ...}` texts). */
export class BadRequest extends Schema.TaggedError<BadRequest>()("BadRequest", body, HttpApiSchema.annotations({ status: 400 })) {}

export class NotFound extends Schema.TaggedError<NotFound>()("NotFound", body, HttpApiSchema.annotations({ status: 404 })) {}

/** 401: missing or wrong API key for this service. */
export class Unauthorized extends Schema.TaggedError<Unauthorized>()("Unauthorized", body, HttpApiSchema.annotations({ status: 401 })) {}

/** 502: an upstream (Proxmox or NetBox) answered with an error or could not be reached. */
export class UpstreamError extends Schema.TaggedError<UpstreamError>()("UpstreamError", {
  ...body,
  upstream: Schema.Literal("proxmox", "netbox"),
  status: Schema.optional(Schema.Int)
}, HttpApiSchema.annotations({ status: 502 })) {}

/** Helpers building the reference's error texts: `detail` and `message` carry the same sentence. */
export const badRequest = (detail: string, extra?: unknown) =>
  new BadRequest({ detail: extra ?? detail, message: detail })
export const notFound = (detail: string) => new NotFound({ detail, message: detail })
