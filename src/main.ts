/**
 * Process entry: read the configuration (one clear line and exit 1 when a value is bad), open the database,
 * serve on HOST:PORT, log how long start-up took, and shut down gracefully on SIGTERM/SIGINT.
 */
import { HttpServer } from "@effect/platform"
import { NodeHttpServer, NodeRuntime } from "@effect/platform-node"
import { ConfigError, Effect, Layer, Logger } from "effect"
import { createServer } from "node:http"
import { AppConfig, appConfig, describeConfigError } from "./config.ts"
import { serveApp } from "./http/server.ts"
import { LogBuffer } from "./observability/LogBuffer.ts"
import { UpstreamLive } from "./upstream.ts"

const announceReady = Layer.effectDiscard(Effect.gen(function*() {
  const { address } = yield* HttpServer.HttpServer
  const { database } = yield* AppConfig
  const where = address._tag === "TcpAddress" ? `${address.hostname}:${address.port}` : address.path
  yield* Effect.logInfo(
    `proxbox-api listening on ${where} (${database._tag}); ready ${Math.round(process.uptime() * 1000)} ms after process start`
  )
}))

const program = Effect.gen(function*() {
  const config = yield* appConfig
  if (config.apiKeys.length === 0) {
    yield* Effect.logWarning("PROXBOX_API_KEYS is not set: the API is open to anyone who can reach it")
  }
  const logging = LogBuffer.logger.pipe(
    Layer.provideMerge(LogBuffer.layer()),
    Layer.provideMerge(Logger.minimumLogLevel(config.logLevel))
  )
  return yield* announceReady.pipe(
    Layer.provideMerge(serveApp(UpstreamLive, NodeHttpServer.layer(createServer, { port: config.port, host: config.host }))),
    Layer.provide(logging),
    Layer.provide(Layer.succeed(AppConfig, config)),
    Layer.launch
  )
})

program.pipe(
  Effect.catchIf(ConfigError.isConfigError, (error) =>
    Effect.sync(() => {
      console.error(`proxbox-api: invalid configuration: ${describeConfigError(error)}`)
      process.exitCode = 1
    })),
  NodeRuntime.runMain
)
