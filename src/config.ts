/**
 * Typed configuration read once at start-up. A bad value stops start-up with one line naming the variable
 * (see `describeConfigError`).
 */
import { Config, ConfigError, Context, Either, Layer, LogLevel, Option, Redacted } from "effect"

export type DatabaseTarget =
  | { readonly _tag: "sqlite"; readonly filename: string }
  | { readonly _tag: "postgres"; readonly url: Redacted.Redacted<string> }

export interface AppConfigShape {
  readonly port: number
  readonly host: string
  readonly database: DatabaseTarget
  readonly logLevel: LogLevel.LogLevel
  /** Raw key material; when none, a key file is generated beside the database (see endpoints/crypto). */
  readonly encryptionKey: Option.Option<Redacted.Redacted<string>>
  /** Where the generated key lives when PROXBOX_ENCRYPTION_KEY is unset. */
  readonly keyFile: string
  readonly apiKeys: ReadonlyArray<Redacted.Redacted<string>>
  readonly corsExtraOrigins: ReadonlyArray<string>
  /** Limit for request bodies, in bytes. */
  readonly maxBodySize: number
}

export class AppConfig extends Context.Tag("proxbox/AppConfig")<AppConfig, AppConfigShape>() {}

const DEFAULT_SQLITE = "./data/proxbox.db"

/** `postgres://` and `postgresql://` select PostgreSQL; `sqlite:<path>`, `file:<path>` or a bare path select SQLite. */
export const parseDatabaseUrl = (raw: string): DatabaseTarget | undefined => {
  const value = raw.trim()
  if (/^postgres(ql)?:\/\//i.test(value)) return { _tag: "postgres", url: Redacted.make(value) }
  const file = value.replace(/^(sqlite|file):(\/\/)?/i, "")
  if (file === "" || /^[a-z][a-z0-9+.-]*:\/\//i.test(file)) return undefined
  return { _tag: "sqlite", filename: file }
}


const list = (name: string) =>
  Config.string(name).pipe(
    Config.withDefault(""),
    Config.map((s) => s.split(",").map((x) => x.trim()).filter((x) => x !== ""))
  )

export const appConfig: Config.Config<AppConfigShape> = Config.all({
  // 0 asks the OS for a free port (tests, side-by-side runs).
  port: Config.integer("PORT").pipe(
    Config.validate({ message: "Expected a port number between 0 and 65535", validation: (n) => n >= 0 && n <= 65535 }),
    Config.withDefault(8800)
  ),
  host: Config.string("HOST").pipe(Config.withDefault("0.0.0.0")),
  database: Config.string("DATABASE_URL").pipe(
    Config.withDefault(DEFAULT_SQLITE),
    Config.mapOrFail((raw) => {
      const parsed = parseDatabaseUrl(raw)
      return parsed
        ? Either.right(parsed)
        : Either.left(ConfigError.InvalidData(["DATABASE_URL"], `expected postgres://..., sqlite:<path> or a file path, got ${JSON.stringify(raw.replace(/\/\/[^@/]*@/, "//***@"))}`))
    })
  ),
  logLevel: Config.logLevel("LOG_LEVEL").pipe(Config.withDefault(LogLevel.Info)),
  encryptionKey: Config.option(Config.redacted("PROXBOX_ENCRYPTION_KEY")),
  keyFile: Config.string("PROXBOX_KEY_FILE").pipe(Config.withDefault("")),
  apiKeys: list("PROXBOX_API_KEYS").pipe(Config.map((keys) => keys.map((k) => Redacted.make(k)))),
  corsExtraOrigins: list("PROXBOX_CORS_EXTRA_ORIGINS").pipe(Config.map((os) => os.map((o) => o.replace(/\/+$/, "")))),
  maxBodySize: Config.integer("PROXBOX_MAX_BODY_BYTES").pipe(
    Config.withDefault(1024 * 1024),
    Config.validate({ message: "must be a positive number of bytes", validation: (n) => n > 0 })
  )
}).pipe(
  Config.map((c) => ({
    ...c,
    // The key file sits beside the SQLite database; with PostgreSQL it goes to ./data.
    keyFile: c.keyFile !== "" ? c.keyFile : keyFileBeside(c.database)
  }))
)

const keyFileBeside = (db: DatabaseTarget): string => {
  if (db._tag === "postgres" || db.filename === ":memory:") return "./data/proxbox.key"
  const slash = db.filename.lastIndexOf("/")
  return `${slash >= 0 ? db.filename.slice(0, slash) : "."}/proxbox.key`
}

/** One line naming the variable, e.g. `PORT: Expected a valid port ... but received abc`. */
export const describeConfigError = (error: ConfigError.ConfigError): string =>
  ConfigError.reduceWithContext(error, undefined, {
    andCase: (_, l, r) => [l, r].join("; "),
    orCase: (_, l, r) => [l, r].join("; "),
    invalidDataCase: (_, path, message) => `${path.join(".")}: ${message}`,
    missingDataCase: (_, path, message) => `${path.join(".")}: ${message}`,
    sourceUnavailableCase: (_, path, message) => `${path.join(".")}: ${message}`,
    unsupportedCase: (_, path, message) => `${path.join(".")}: ${message}`
  })

export const AppConfigLive = Layer.effect(AppConfig, appConfig)

/** For tests and embedding: a config from explicit values (defaults otherwise). */
export const AppConfigTest = (overrides: Partial<AppConfigShape> = {}) =>
  Layer.succeed(AppConfig, {
    port: 0,
    host: "127.0.0.1",
    database: { _tag: "sqlite", filename: ":memory:" },
    logLevel: LogLevel.Info,
    encryptionKey: Option.some(Redacted.make("test-key")),
    keyFile: "./data/proxbox.key",
    apiKeys: [],
    corsExtraOrigins: [],
    maxBodySize: 1024 * 1024,
    ...overrides
  })
