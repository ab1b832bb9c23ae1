/**
 * NetBox API tokens. v1 sends `Token <token>`; v2 sends `Bearer nbt_<key>.<secret>`, whether the
 * stored key carries the `nbt_` prefix or not (ROUTES.md decision 5).
 */
import { Redacted } from "effect"
import type { NetBoxEndpoint } from "../domain/endpoint.ts"

export type NetBoxToken =
  | { readonly version: "v1"; readonly token: Redacted.Redacted<string> }
  | { readonly version: "v2"; readonly key: string; readonly secret: Redacted.Redacted<string> }

export const authorizationHeader = (token: NetBoxToken): Redacted.Redacted<string> =>
  token.version === "v1"
    ? Redacted.make(`Token ${Redacted.value(token.token).trim()}`)
    : Redacted.make(`Bearer nbt_${token.key.trim().replace(/^nbt_/, "")}.${Redacted.value(token.secret).trim()}`)

/**
 * A token from one string: `nbt_<key>.<secret>` (optionally after `Bearer `) is v2, anything else v1.
 * This is how NetBox itself tells them apart, and how NETBOX_TOKEN is given to tests.
 */
export const parseToken = (raw: string): NetBoxToken => {
  const value = raw.trim().replace(/^(Bearer|Token)\s+/i, "")
  const v2 = /^nbt_([^.]+)\.(.+)$/.exec(value)
  return v2 ? { version: "v2", key: v2[1]!, secret: Redacted.make(v2[2]!) } : { version: "v1", token: Redacted.make(value) }
}

export const tokenOf = (endpoint: NetBoxEndpoint): NetBoxToken =>
  endpoint.token_version === "v2"
    ? { version: "v2", key: endpoint.token_key ?? "", secret: endpoint.token }
    : { version: "v1", token: endpoint.token }
