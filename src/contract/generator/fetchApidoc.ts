/**
 * The apidoc.js a configured Proxmox endpoint serves (unauthenticated, from pveproxy). The URL is
 * built from the stored endpoint only (scheme https, its host and port, a fixed path): callers
 * cannot point the service at an arbitrary address.
 */
import { Data, Effect } from "effect"
import { request } from "node:https"
import type { ProxmoxEndpoint } from "../../domain/endpoint.ts"

export class ApidocFetchError extends Data.TaggedError("ApidocFetchError")<{ readonly message: string }> {}

const APIDOC_PATH = "/pve-docs/api-viewer/apidoc.js"
const MAX_BYTES = 32 * 1024 * 1024

export const apidocUrl = (endpoint: ProxmoxEndpoint): string => {
  const host = endpoint.hosts[0]!
  return `https://${host.includes(":") ? `[${host}]` : host}:${endpoint.port}${APIDOC_PATH}`
}

export const fetchApidoc = (endpoint: ProxmoxEndpoint, timeoutMs = 30_000): Effect.Effect<string, ApidocFetchError> =>
  Effect.async<string, ApidocFetchError>((resume, signal) => {
    const fail = (message: string) => resume(Effect.fail(new ApidocFetchError({ message: `${apidocUrl(endpoint)}: ${message}` })))
    const req = request(apidocUrl(endpoint), { rejectUnauthorized: endpoint.verify_ssl, timeout: timeoutMs, signal }, (res) => {
      if (res.statusCode !== 200) {
        res.resume()
        return fail(`HTTP ${res.statusCode}`)
      }
      const chunks: Array<Buffer> = []
      let size = 0
      res.on("data", (c: Buffer) => {
        size += c.length
        if (size > MAX_BYTES) req.destroy(new Error("apidoc larger than 32 MiB"))
        else chunks.push(c)
      })
      res.on("end", () => resume(Effect.succeed(Buffer.concat(chunks).toString("utf8"))))
    })
    req.on("timeout", () => req.destroy(new Error("timed out")))
    req.on("error", (e) => fail(e.message))
    req.end()
  })
