/**
 * API-key check (ROUTES.md decision 8): with keys configured, every route except /, /health and /version needs
 * `Authorization: Bearer <key>` (or `Token <key>`, as the plugin may send) or `X-Proxbox-API-Key: <key>`.
 * Keys are compared in constant time.
 * WebSocket upgrades follow the same rule: `/ws` and `/ws/virtual-machines` start syncs that write to NetBox,
 * so they need a key although the plugin's legacy server-side WebSocket client sends none (plugin contract
 * §1.9, off in v0.0.10); the `/` counter stays open (test/sync/websockets.test.ts).
 */
import type { Headers, HttpServerRequest } from "@effect/platform"
import { Redacted } from "effect"
import { createHash, timingSafeEqual } from "node:crypto"
import { Unauthorized } from "../domain/errors.ts"

export const OPEN_PATHS = new Set(["/", "/health", "/version"])

/** RPC calls are checked per call by the RPC middleware (src/rpc/ApiKeyAuth.ts), which answers a typed error. */
export const RPC_PATH = "/rpc"

const digest = (s: string) => createHash("sha256").update(s).digest()

export const presentedKey = (headers: Headers.Headers): string | undefined => {
  const header = headers["x-proxbox-api-key"]
  if (header) return header.trim()
  const auth = headers["authorization"]
  const m = auth ? /^(?:Bearer|Token)\s+(.+)$/i.exec(auth.trim()) : null
  return m ? m[1]!.trim() : undefined
}

export const makeKeyCheck = (keys: ReadonlyArray<Redacted.Redacted<string>>) => {
  const digests = keys.map((k) => digest(Redacted.value(k)))
  return (presented: string | undefined): boolean => {
    if (presented === undefined) return false
    const d = digest(presented)
    // Compare against every key so timing does not reveal which one matched.
    return digests.reduce((ok, k) => timingSafeEqual(k, d) || ok, false)
  }
}

/** Whether this request needs a key at all. */
export const requiresKey = (request: HttpServerRequest.HttpServerRequest, keysConfigured: boolean): boolean => {
  if (!keysConfigured || request.method === "OPTIONS") return false
  const path = request.url.split("?")[0]!
  return !OPEN_PATHS.has(path) && path !== RPC_PATH && !path.startsWith(`${RPC_PATH}/`)
}

/** The refusal, the same typed error for REST (as JSON) and RPC. */
export const unauthorized = (presented: boolean): Unauthorized => {
  const detail = presented ? "Invalid API key" : "Missing API key"
  return new Unauthorized({ detail, message: detail })
}
