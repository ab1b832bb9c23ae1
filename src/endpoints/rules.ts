/**
 * The endpoint rules as pure functions (property-tested): which credential combinations are valid, how NetBox
 * tokens are normalised, and how a stored secret survives a PUT that echoes the redaction marker back.
 * Texts are the reference's, so the plugin shows the same messages.
 */
import { Either, Redacted } from "effect"

/** What responses show instead of a stored secret (ROUTES.md decision 4). */
export const REDACTED = "********"

/** Empty or whitespace-only strings mean "not given". */
export const blankToNull = (s: string | null | undefined): string | null =>
  s === null || s === undefined || s.trim() === "" ? null : s.trim()

/** A secret field of a PUT: undefined or the marker keeps the stored value; null or "" clears it. */
export const mergeSecret = (
  incoming: string | null | undefined,
  stored: Redacted.Redacted<string> | null
): Redacted.Redacted<string> | null => {
  if (incoming === undefined || incoming === REDACTED) return stored
  const value = blankToNull(incoming)
  return value === null ? null : Redacted.make(value)
}

export const ProxmoxAuthErrors = {
  pair: "token_name and token_value must be provided together",
  missing: "Provide password or both token_name/token_value"
} as const

/** Password, or both token parts; one token part alone is an error even when a password exists. */
export const checkProxmoxAuth = (c: {
  readonly password: unknown | null
  readonly token_name: string | null
  readonly token_value: unknown | null
}): Either.Either<void, string> => {
  const hasName = c.token_name !== null
  const hasValue = c.token_value !== null
  if (hasName !== hasValue) return Either.left(ProxmoxAuthErrors.pair)
  if (c.password === null && !hasName) return Either.left(ProxmoxAuthErrors.missing)
  return Either.void
}

/** The plugin names endpoints "<name> (nb:<pk>)"; the pk is the NetBox id (ROUTES.md decision 2). */
export const netboxIdFromName = (name: string): number | null => {
  const m = /\(nb:(\d+)\)\s*$/.exec(name)
  return m ? Number(m[1]) : null
}

/** The name without its "(nb:N)" suffix, for `name=` matching. */
export const bareName = (name: string): string => name.replace(/\s*\(nb:\d+\)\s*$/, "")

export const NetBoxTokenErrors = {
  v1: "token is required for NetBox API token v1",
  v2: "token_key and token (secret) must both be set for NetBox API token v2"
} as const

export interface NetBoxTokenInput {
  readonly token_version: string | null | undefined
  readonly token_key: string | null | undefined
  readonly token: Redacted.Redacted<string> | null
}

/**
 * v1/v2 normalisation (decision 5): unknown versions become v1; v1 drops the key; v2 keys lose an `nbt_` prefix;
 * a v2 secret given as the whole `nbt_<key>.<secret>` string is split.
 */
export const normaliseNetBoxToken = (
  input: NetBoxTokenInput
): Either.Either<{ token_version: "v1" | "v2"; token_key: string | null; token: Redacted.Redacted<string> }, string> => {
  const version = input.token_version?.trim().toLowerCase() === "v2" ? "v2" : "v1"
  const secret = input.token === null ? null : blankToNull(Redacted.value(input.token))
  if (version === "v1") {
    return secret === null
      ? Either.left(NetBoxTokenErrors.v1)
      : Either.right({ token_version: "v1", token_key: null, token: Redacted.make(secret) })
  }
  let key = blankToNull(input.token_key)
  let value = secret
  const whole = value !== null ? /^(?:Bearer\s+)?nbt_([^.\s]+)\.(\S+)$/.exec(value) : null
  if (whole) {
    key = key ?? whole[1]!
    value = whole[2]!
  }
  if (key !== null) key = key.replace(/^nbt_/, "")
  if (key === null || key === "" || value === null) return Either.left(NetBoxTokenErrors.v2)
  return Either.right({ token_version: "v2", token_key: key, token: Redacted.make(value) })
}

/** The Authorization header value for a NetBox endpoint. */
export const netboxAuthorization = (t: {
  readonly token_version: "v1" | "v2"
  readonly token_key: string | null
  readonly token: Redacted.Redacted<string>
}): string =>
  t.token_version === "v2"
    ? `Bearer nbt_${t.token_key}.${Redacted.value(t.token)}`
    : `Token ${Redacted.value(t.token)}`
