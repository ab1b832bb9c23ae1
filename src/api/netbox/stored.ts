/** The stored NetBox endpoint's client at the HTTP edge: none stored is the reference's 400. */
import { Effect } from "effect"
import { BadRequest } from "../../domain/errors.ts"
import { NetBoxNotConfigured } from "../../netbox/errors.ts"

export const orNoNetBox = <A, R>(client: Effect.Effect<A, NetBoxNotConfigured, R>): Effect.Effect<A, BadRequest, R> =>
  Effect.mapError(client, () => new BadRequest({ message: NetBoxNotConfigured.text, detail: NetBoxNotConfigured.detail }))
