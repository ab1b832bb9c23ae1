/**
 * Tunables of the Proxmox client. Defaults fit a LAN cluster; the environment can override them.
 * The reference's 5 s timeout silently dropped guest-agent data, hence 20 s here.
 */
import { Config, Context, Duration, Effect, Layer } from "effect"

export interface ProxmoxClientSettings {
  /** Proxmox always serves https; the simulator may be run on plain http in tests. */
  readonly scheme: "https" | "http"
  readonly requestTimeout: Duration.Duration
  /** Extra attempts for idempotent reads after a transient failure (no answer, 408/429/502/503/504). */
  readonly retries: number
  /** First backoff delay; doubles per attempt, jittered. */
  readonly retryBase: Duration.Duration
  /** Requests in flight per endpoint (and undici connections per origin). */
  readonly maxConcurrentPerEndpoint: number
  /** How long a connected session (ticket, mode, name) is reused before re-authenticating. */
  readonly sessionTtl: Duration.Duration
}

export const defaultSettings: ProxmoxClientSettings = {
  scheme: "https",
  requestTimeout: Duration.seconds(20),
  retries: 2,
  retryBase: Duration.millis(200),
  maxConcurrentPerEndpoint: 8,
  sessionTtl: Duration.minutes(5)
}

export class ProxmoxClientConfig extends Context.Tag("proxbox/ProxmoxClientConfig")<
  ProxmoxClientConfig,
  ProxmoxClientSettings
>() {
  /** From PROXBOX_PROXMOX_TIMEOUT (s), PROXBOX_PROXMOX_RETRIES, PROXBOX_PROXMOX_FETCH_CONCURRENCY, PROXBOX_PROXMOX_SESSION_TTL (s). */
  static readonly layer = Layer.effect(
    ProxmoxClientConfig,
    Effect.gen(function*() {
      const timeout = yield* Config.number("PROXBOX_PROXMOX_TIMEOUT").pipe(Config.withDefault(20))
      const retries = yield* Config.integer("PROXBOX_PROXMOX_RETRIES").pipe(Config.withDefault(defaultSettings.retries))
      const concurrency = yield* Config.integer("PROXBOX_PROXMOX_FETCH_CONCURRENCY").pipe(
        Config.withDefault(defaultSettings.maxConcurrentPerEndpoint)
      )
      const ttl = yield* Config.number("PROXBOX_PROXMOX_SESSION_TTL").pipe(Config.withDefault(300))
      return {
        ...defaultSettings,
        requestTimeout: Duration.seconds(timeout > 0 ? timeout : 20),
        retries: Math.max(0, retries),
        maxConcurrentPerEndpoint: Math.max(1, concurrency),
        sessionTtl: Duration.seconds(Math.max(0, ttl))
      }
    })
  )

  static readonly make = (overrides: Partial<ProxmoxClientSettings> = {}) =>
    Layer.succeed(ProxmoxClientConfig, { ...defaultSettings, ...overrides })
}
