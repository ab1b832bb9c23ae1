/** Property tests of the endpoint rules: every combination of credential fields gets the right answer. */
import { describe, expect, it } from "@effect/vitest"
import { Either, FastCheck as fc, Redacted } from "effect"
import {
  checkProxmoxAuth,
  mergeSecret,
  netboxAuthorization,
  netboxIdFromName,
  normaliseNetBoxToken,
  ProxmoxAuthErrors,
  REDACTED
} from "../../src/endpoints/rules.ts"

const maybe = fc.option(fc.string({ minLength: 1, maxLength: 12 }).filter((s) => s.trim() !== ""), { nil: null })

describe("Proxmox auth rule", () => {
  it.prop("password, or both token parts; one token part alone is always an error", [maybe, maybe, maybe], ([password, name, value]) => {
    const result = checkProxmoxAuth({ password, token_name: name, token_value: value })
    if ((name === null) !== (value === null)) {
      expect(result).toEqual(Either.left(ProxmoxAuthErrors.pair))
    } else if (password === null && name === null) {
      expect(result).toEqual(Either.left(ProxmoxAuthErrors.missing))
    } else {
      expect(Either.isRight(result)).toBe(true)
    }
  })

  it.prop("a PUT echoing the marker or omitting the field keeps the stored secret", [maybe, fc.constantFrom(undefined, REDACTED)], ([stored, incoming]) => {
    const kept = mergeSecret(incoming, stored === null ? null : Redacted.make(stored))
    expect(kept === null ? null : Redacted.value(kept)).toBe(stored)
  })

  it("null or blank clears a secret, a new value replaces it", () => {
    expect(mergeSecret(null, Redacted.make("x"))).toBeNull()
    expect(mergeSecret("  ", Redacted.make("x"))).toBeNull()
    expect(Redacted.value(mergeSecret("new", Redacted.make("x"))!)).toBe("new")
  })

  it.prop("the NetBox id is read from a \"<name> (nb:<pk>)\" name", [fc.string({ maxLength: 20 }), fc.nat()], ([name, pk]) => {
    expect(netboxIdFromName(`${name} (nb:${pk})`)).toBe(pk)
  })
})

describe("NetBox token normalisation", () => {
  const key = fc.stringMatching(/^[A-Za-z0-9]{4,16}$/)
  const secret = fc.stringMatching(/^[A-Za-z0-9]{8,40}$/)

  it.prop("v2: the header is always Bearer nbt_<key>.<secret>, with or without the nbt_ prefix on the key", [key, secret, fc.boolean(), fc.constantFrom("v2", "V2", " v2 ")], ([k, s, prefixed, version]) => {
    const token = normaliseNetBoxToken({ token_version: version, token_key: prefixed ? `nbt_${k}` : k, token: Redacted.make(s) })
    expect(Either.isRight(token)).toBe(true)
    expect(netboxAuthorization(Either.getOrThrow(token))).toBe(`Bearer nbt_${k}.${s}`)
  })

  it.prop("v2: a whole nbt_<key>.<secret> token is split when no key is given", [key, secret], ([k, s]) => {
    const token = Either.getOrThrow(normaliseNetBoxToken({ token_version: "v2", token_key: null, token: Redacted.make(`nbt_${k}.${s}`) }))
    expect(token.token_key).toBe(k)
    expect(Redacted.value(token.token)).toBe(s)
  })

  it.prop("v1 and unknown versions: Token <token>, key dropped", [secret, fc.constantFrom("v1", "", null, "v3", undefined), fc.option(key, { nil: null })], ([s, version, k]) => {
    const token = Either.getOrThrow(normaliseNetBoxToken({ token_version: version, token_key: k, token: Redacted.make(s) }))
    expect(token.token_version).toBe("v1")
    expect(token.token_key).toBeNull()
    expect(netboxAuthorization(token)).toBe(`Token ${s}`)
  })

  it("missing parts give the reference's texts", () => {
    expect(normaliseNetBoxToken({ token_version: "v1", token_key: null, token: Redacted.make(" ") })).toEqual(
      Either.left("token is required for NetBox API token v1")
    )
    expect(normaliseNetBoxToken({ token_version: "v2", token_key: null, token: Redacted.make("plain") })).toEqual(
      Either.left("token_key and token (secret) must both be set for NetBox API token v2")
    )
  })
})
