/**
 * Tunables of the Proxmox client. Defaults fit a LAN cluster; the environment can override them.
 * The reference's 5 s timeout silently dropped guest-agent data, hence 20 s here.
 */
import { Config, ConfigError, Context, Duration, Effect, Layer } from "effect"
import { readFileSync } from "node:fs"
import type { ProxmoxEndpoint } from "../domain/endpoint.ts"

/** How an endpoint's certificate is checked. */
export type TlsPolicy = "verify" | "insecure" | { readonly ca: string } | { readonly fingerprint256: string }

export interface ProxmoxClientSettings {
  /** Proxmox always serves https; plain http exists for tests against a plain simulator. */
  readonly scheme: "https" | "http"
  readonly requestTimeout: Duration.Duration
  /** Extra attempts for idempotent reads after a transient failure (no answer, 408/429/502/503/504). */
  readonly retries: number
  /** First backoff delay; doubles per attempt, jittered. */
  readonly retryBase: Duration.Duration
  /** Requests in flight per endpoint (and undici connections per origin). */
  readonly maxConcurrentPerEndpoint: number
  /** How long a session's identity (name, mode, nodes) is reused before it is read again. */
  readonly sessionTtl: Duration.Duration
  /** Log in again after this long; PVE tickets expire after 2 h. */
  readonly ticketRenewal: Duration.Duration
  readonly tlsPolicy: (endpoint: ProxmoxEndpoint) => TlsPolicy
}

export const defaultTlsPolicy = (endpoint: ProxmoxEndpoint): TlsPolicy => (endpoint.verify_ssl ? "verify" : "insecure")

export const defaultSettings: ProxmoxClientSettings = {
  scheme: "https",
  requestTimeout: Duration.seconds(20),
  retries: 2,
  retryBase: Duration.millis(200),
  maxConcurrentPerEndpoint: 8,
  sessionTtl: Duration.minutes(5),
  ticketRenewal: Duration.minutes(100),
  tlsPolicy: defaultTlsPolicy
}

/**
 * `verify_ssl=true` endpoints verify against `caPem` when given; a fingerprint pinned for the
 * endpoint's name, domain or IP wins over both (`name=AA:BB:...`).
 */
export const tlsPolicyFrom = (caPem: string | null, pins: Readonly<Record<string, string>>) => (endpoint: ProxmoxEndpoint): TlsPolicy => {
  const pin = pins[endpoint.name] ?? endpoint.hosts.map((h) => pins[h]).find((p) => p !== undefined)
  if (pin !== undefined) return { fingerprint256: pin }
  if (!endpoint.verify_ssl) return "insecure"
  return caPem === null ? "verify" : { ca: caPem }
}

const parsePins = (raw: string): Record<string, string> =>
  Object.fromEntries(raw.split(",").map((p) => p.trim()).filter((p) => p.includes("=")).map((p) => {
    const i = p.indexOf("=")
    return [p.slice(0, i).trim(), p.slice(i + 1).trim()]
  }))

export class ProxmoxClientConfig extends Context.Tag("proxbox/ProxmoxClientConfig")<
  ProxmoxClientConfig,
  ProxmoxClientSettings
>() {
  /**
   * PROXBOX_PROXMOX_TIMEOUT (s), PROXBOX_PROXMOX_RETRIES, PROXBOX_PROXMOX_FETCH_CONCURRENCY,
   * PROXBOX_PROXMOX_SESSION_TTL (s), PROXBOX_PROXMOX_CA_FILE (PEM path),
   * PROXBOX_PROXMOX_TLS_FINGERPRINTS (`<endpoint name|domain|ip>=<sha256>,...`).
   */
  static readonly layer = Layer.effect(
    ProxmoxClientConfig,
    Effect.gen(function*() {
      const timeout = yield* Config.number("PROXBOX_PROXMOX_TIMEOUT").pipe(Config.withDefault(20))
      const retries = yield* Config.integer("PROXBOX_PROXMOX_RETRIES").pipe(Config.withDefault(defaultSettings.retries))
      const concurrency = yield* Config.integer("PROXBOX_PROXMOX_FETCH_CONCURRENCY").pipe(
        Config.withDefault(defaultSettings.maxConcurrentPerEndpoint)
      )
      const ttl = yield* Config.number("PROXBOX_PROXMOX_SESSION_TTL").pipe(Config.withDefault(300))
      const caFile = yield* Config.string("PROXBOX_PROXMOX_CA_FILE").pipe(Config.withDefault(""))
      const pins = yield* Config.string("PROXBOX_PROXMOX_TLS_FINGERPRINTS").pipe(Config.withDefault(""))
      const caPem = caFile === ""
        ? null
        : yield* Effect.try(() => readFileSync(caFile, "utf8")).pipe(
          Effect.mapError((e) => ConfigError.InvalidData(["PROXBOX_PROXMOX_CA_FILE"], `cannot read ${caFile}: ${String(e.error)}`))
        )
      return {
        ...defaultSettings,
        requestTimeout: Duration.seconds(timeout > 0 ? timeout : 20),
        retries: Math.max(0, retries),
        maxConcurrentPerEndpoint: Math.max(1, concurrency),
        sessionTtl: Duration.seconds(Math.max(0, ttl)),
        tlsPolicy: tlsPolicyFrom(caPem, parsePins(pins))
      }
    })
  )

  static readonly make = (overrides: Partial<ProxmoxClientSettings> = {}) =>
    Layer.succeed(ProxmoxClientConfig, { ...defaultSettings, ...overrides })
}
