/**
 * The HttpClients the Proxmox client talks through, one undici Agent per TLS policy, so a relaxed
 * or pinned policy never leaks into the app-wide HttpClient (STACK.md §3.7). Proxmox clusters
 * mostly run self-signed certificates: `verify_ssl=false` skips verification unless a fingerprint
 * is pinned for the endpoint; `verify_ssl=true` verifies against the system CAs or a given CA.
 */
import type { HttpClient } from "@effect/platform"
import { NodeHttpClient } from "@effect/platform-node"
import * as Undici from "@effect/platform-node/Undici"
import { Context, Effect, Layer } from "effect"
import type { TLSSocket } from "node:tls"
import type { ProxmoxEndpoint } from "../domain/endpoint.ts"
import { ProxmoxClientConfig, type TlsPolicy } from "./config.ts"

/** Normalised `AA:BB:...` upper case, so pins pasted from the PVE GUI or openssl compare equal. */
export const normaliseFingerprint = (fp: string) =>
  fp.replace(/^sha256\s*fingerprint\s*=/i, "").replace(/[^0-9a-f]/gi, "").toUpperCase().match(/../g)?.join(":") ?? ""

/**
 * NB: Node skips checkServerIdentity when chain verification already failed, so a pin on a
 * self-signed certificate must be checked on the socket after the handshake.
 */
const connectFor = (policy: TlsPolicy): Undici.Agent.Options["connect"] => {
  if (policy === "verify") return {}
  if (policy === "insecure") return { rejectUnauthorized: false }
  if ("ca" in policy) return { ca: policy.ca }
  const pin = normaliseFingerprint(policy.fingerprint256)
  // No TLS session resumption: a resumed socket shows no peer certificate to compare.
  const base = Undici.buildConnector({ rejectUnauthorized: false, maxCachedSessions: 0 })
  return (opts, cb) =>
    base(opts, (err, socket) => {
      if (err !== null) return cb(err, null)
      const seen = (socket as TLSSocket).getPeerCertificate().fingerprint256 ?? ""
      if (normaliseFingerprint(seen) !== pin) {
        socket.destroy()
        return cb(new Error(`TLS fingerprint mismatch: ${seen}`), null)
      }
      cb(null, socket)
    })
}

const keyOf = (policy: TlsPolicy) =>
  typeof policy === "string" ? policy : "ca" in policy ? `ca:${policy.ca}` : `fp:${normaliseFingerprint(policy.fingerprint256)}`

export class ProxmoxHttp extends Context.Tag("proxbox/ProxmoxHttp")<ProxmoxHttp, {
  readonly client: (endpoint: ProxmoxEndpoint) => HttpClient.HttpClient
}>() {
  static readonly layer = Layer.scoped(
    ProxmoxHttp,
    Effect.gen(function*() {
      const { maxConcurrentPerEndpoint, tlsPolicy } = yield* ProxmoxClientConfig
      const agents = new Map<string, { agent: Undici.Agent; client: HttpClient.HttpClient }>()
      yield* Effect.addFinalizer(() => Effect.promise(() => Promise.all([...agents.values()].map((a) => a.agent.destroy()))))
      return {
        client: (endpoint) => {
          const policy = tlsPolicy(endpoint)
          const key = keyOf(policy)
          let entry = agents.get(key)
          if (!entry) {
            const agent = new Undici.Agent({ connect: connectFor(policy)!, connections: maxConcurrentPerEndpoint })
            entry = { agent, client: NodeHttpClient.makeUndici(agent) }
            agents.set(key, entry)
          }
          return entry.client
        }
      }
    })
  )
}
