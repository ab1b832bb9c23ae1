/**
 * How an endpoint authenticates, derived once from its stored fields. Pure: no I/O here.
 * Operators paste tokens in several shapes; all of them end up as `PVEAPIToken=user!id=secret`.
 */
import { Redacted } from "effect"
import type { ProxmoxEndpoint } from "../domain/endpoint.ts"
import { blankToNull } from "../endpoints/rules.ts"

export type Credentials =
  | { readonly mode: "token"; readonly header: Redacted.Redacted<string> }
  | { readonly mode: "password"; readonly username: string; readonly password: Redacted.Redacted<string> }

/** `user!id` (the part before `!` is a user id only when it contains a realm). */
const splitTokenId = (s: string): { user: string | null; id: string } => {
  const i = s.lastIndexOf("!")
  return i > 0 ? { user: s.slice(0, i), id: s.slice(i + 1) } : { user: null, id: s }
}

/**
 * Accepts token names `id`, `user!id`, `PVEAPIToken=user!id`, and token values `secret` or
 * `[PVEAPIToken=]user!id=secret` (then the name field may be empty). Returns null when no full
 * token can be formed, so the caller falls back to the password.
 */
export const tokenHeader = (
  username: string,
  tokenName: string | null,
  tokenValue: string | null
): string | null => {
  const strip = (s: string | null) => (s === null ? null : s.replace(/^PVEAPIToken=/i, ""))
  let name = strip(blankToNull(tokenName))
  let value = strip(blankToNull(tokenValue))
  if (value !== null) {
    const eq = value.indexOf("=")
    const bang = value.indexOf("!")
    if (eq > 0 && bang > 0 && bang < eq) {
      name = value.slice(0, eq)
      value = value.slice(eq + 1)
    }
  }
  if (name === null || value === null || value === "") return null
  const { id, user } = splitTokenId(name)
  if (id === "") return null
  return `PVEAPIToken=${user ?? username}!${id}=${value}`
}

export const credentialsOf = (endpoint: ProxmoxEndpoint): Credentials | null => {
  const header = tokenHeader(
    endpoint.username,
    endpoint.token_name,
    endpoint.token_value === null ? null : Redacted.value(endpoint.token_value)
  )
  if (header !== null) return { mode: "token", header: Redacted.make(header) }
  if (endpoint.password !== null && Redacted.value(endpoint.password) !== "") {
    return { mode: "password", username: endpoint.username, password: endpoint.password }
  }
  return null
}
