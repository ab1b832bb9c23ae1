/**
 * The mounted generated Proxmox versions: loaded from generated/proxmox/<tag>/openapi.json at
 * start-up, swapped atomically on refresh, and recorded in the route-state manifest
 * (generated/proxmox/runtime_generated_routes_cache.json) after each registration.
 * Start-up always reads the generated artifacts (the manifest is a record, not an input), so a newly
 * generated version is served after a restart without a refresh.
 */
import { FileSystem, Path } from "@effect/platform"
import { Context, Effect, Layer, Ref } from "effect"
import { resolve } from "node:path"
import { type BadRequest, badRequest } from "../domain/errors.ts"
import { isValidVersionTag } from "./generator/generate.ts"
import type { OpenApiDocument } from "./generator/openapi.ts"
import { operationsOf } from "./operation.ts"
import { RouteTable } from "./routeTable.ts"

export const ALIAS_VERSION_TAG = "latest"
/** Relative to the working directory (the package root), so a bundled build finds it too. */
export const DEFAULT_GENERATED_DIR = resolve("generated/proxmox")

export interface MountedVersion {
  readonly tag: string
  readonly schemaVersion: string
  readonly file: string
  readonly document: OpenApiDocument
  readonly table: RouteTable
  readonly pathCount: number
  readonly methodCount: number
  /** Routes served for this version: its operations, twice for `latest` (the unversioned alias). */
  readonly routeCount: number
}

export interface RouteState {
  /** `latest` first, then lexical. */
  readonly versions: ReadonlyArray<MountedVersion>
  readonly cacheSource: "generated-artifacts" | "explicit"
}

export interface VersionSummary {
  readonly route_count: number
  readonly path_count: number
  readonly method_count: number
  readonly schema_version: string
}

export interface StateSummary {
  readonly mounted_versions: ReadonlyArray<string>
  readonly alias_version_tag: string
  readonly cache_path: string
  readonly cache_enabled: true
  readonly loaded_from_cache: false
  readonly route_count: number
  readonly versions: Record<string, VersionSummary>
}

export interface RegistrationSummary extends Omit<StateSummary, "cache_enabled" | "loaded_from_cache"> {
  readonly message: string
  readonly cache_source: RouteState["cacheSource"]
  readonly state: StateSummary
}

export interface GeneratedRoutesOptions {
  /** Directory holding `<tag>/openapi.json`. */
  readonly dir: string
  /** Where the route-state manifest is written; `undefined` to not write one. */
  readonly manifestPath: string | undefined
}

export const versionOf = (tag: string, file: string, document: OpenApiDocument): MountedVersion => {
  const operations = operationsOf(tag, document)
  return {
    tag,
    schemaVersion: document.info.version,
    file,
    document,
    table: new RouteTable(operations),
    pathCount: Object.keys(document.paths).length,
    methodCount: operations.length,
    routeCount: operations.length * (tag === ALIAS_VERSION_TAG ? 2 : 1)
  }
}

const byMountOrder = (a: string, b: string) =>
  a === ALIAS_VERSION_TAG ? -1 : b === ALIAS_VERSION_TAG ? 1 : a < b ? -1 : a > b ? 1 : 0

const notFound = (detail: string) => badRequest("Generated Proxmox OpenAPI schema not found.", detail)

/** Versions present on disk: subdirectories with an openapi.json, not `__*`, in mount order. */
export const discoverTags = (dir: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const names = yield* fs.readDirectory(dir).pipe(Effect.orElseSucceed(() => [] as Array<string>))
    const tags: Array<string> = []
    for (const name of names) {
      if (name.startsWith("__")) continue
      if (yield* fs.exists(path.join(dir, name, "openapi.json")).pipe(Effect.orElseSucceed(() => false))) tags.push(name)
    }
    return tags.sort(byMountOrder)
  })

export const loadVersion = (dir: string, tag: string): Effect.Effect<MountedVersion, BadRequest, FileSystem.FileSystem | Path.Path> =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const file = path.join(dir, tag, "openapi.json")
    const missing = notFound(`Missing or unreadable schema for version tag '${tag}'`)
    const text = yield* fs.readFileString(file).pipe(Effect.mapError(() => missing))
    const doc = yield* Effect.try({ try: () => JSON.parse(text) as OpenApiDocument, catch: () => missing })
    if (typeof doc !== "object" || doc === null || typeof doc.paths !== "object" || Object.keys(doc.paths).length === 0) {
      return yield* Effect.fail(missing)
    }
    return versionOf(tag, file, doc)
  })

export const summarize = (state: RouteState, cachePath: string): StateSummary => {
  const versions: Record<string, VersionSummary> = {}
  for (const v of state.versions) {
    versions[v.tag] = { route_count: v.routeCount, path_count: v.pathCount, method_count: v.methodCount, schema_version: v.schemaVersion }
  }
  return {
    mounted_versions: state.versions.map((v) => v.tag),
    alias_version_tag: ALIAS_VERSION_TAG,
    cache_path: cachePath,
    cache_enabled: true,
    loaded_from_cache: false,
    route_count: state.versions.reduce((n, v) => n + v.routeCount, 0),
    versions
  }
}

const registration = (state: RouteState, cachePath: string): RegistrationSummary => {
  const s = summarize(state, cachePath)
  return {
    message: "Generated Proxmox live routes registered.",
    mounted_versions: s.mounted_versions,
    alias_version_tag: s.alias_version_tag,
    cache_path: s.cache_path,
    cache_source: state.cacheSource,
    route_count: s.route_count,
    versions: s.versions,
    state: s
  }
}

/** Pretty JSON with sorted keys, as the reference wrote its manifest. */
const sortedJson = (value: unknown): string =>
  JSON.stringify(value, (_, v) =>
    typeof v === "object" && v !== null && !Array.isArray(v)
      ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]]))
      : v, 2)

export class GeneratedRoutes extends Context.Tag("proxbox/GeneratedRoutes")<GeneratedRoutes, {
  readonly current: Effect.Effect<RouteState>
  readonly summary: Effect.Effect<StateSummary>
  readonly dir: string
  /** Rebuild every version on disk, or only `versionTag` (the others are unmounted). */
  readonly refresh: (versionTag?: string) => Effect.Effect<RegistrationSummary, BadRequest>
}>() {
  static readonly make = (options: GeneratedRoutesOptions) =>
    Effect.gen(function*() {
      const fs = yield* FileSystem.FileSystem
      const context = yield* Effect.context<FileSystem.FileSystem | Path.Path>()
      const cachePath = options.manifestPath ?? ""

      const writeManifest = (state: RouteState) =>
        options.manifestPath === undefined
          ? Effect.void
          : fs.writeFileString(options.manifestPath, `${sortedJson({
            cache_format: 1,
            generated_at: new Date().toISOString(),
            alias_version_tag: ALIAS_VERSION_TAG,
            mounted_versions: state.versions.map((v) => v.tag),
            cache_source: state.cacheSource,
            versions: Object.fromEntries(state.versions.map((v) => [v.tag, {
              file: v.file,
              schema_version: v.schemaVersion,
              path_count: v.pathCount,
              method_count: v.methodCount,
              route_count: v.routeCount
            }]))
          })}\n`).pipe(Effect.catchAll((e) => Effect.logWarning(`could not write the generated route manifest: ${e.message}`)))

      const mount = (tags: ReadonlyArray<string>, cacheSource: RouteState["cacheSource"]) =>
        Effect.forEach(tags, (tag) => loadVersion(options.dir, tag), { concurrency: "unbounded" }).pipe(
          Effect.map((versions): RouteState => ({ versions, cacheSource }))
        )

      const mountAll = Effect.flatMap(discoverTags(options.dir), (tags) =>
        tags.length === 0
          ? Effect.fail(notFound("Run /proxmox/viewer/generate first."))
          : mount(tags, "generated-artifacts"))

      const started = performance.now()
      const initial = yield* mountAll.pipe(
        Effect.catchAll((e) =>
          Effect.logWarning(`generated Proxmox routes not mounted: ${e.message} ${String(e.detail)}`).pipe(
            Effect.as<RouteState>({ versions: [], cacheSource: "generated-artifacts" })
          )
        )
      )
      const ref = yield* Ref.make(initial)
      yield* writeManifest(initial)
      const s = summarize(initial, cachePath)
      yield* Effect.logInfo(
        `generated Proxmox routes: ${s.route_count} routes for ${s.mounted_versions.join(", ") || "no versions"} ` +
          `(${Object.entries(s.versions).map(([t, v]) => `${t}=${v.method_count}`).join(" ")}) mounted in ` +
          `${Math.round(performance.now() - started)} ms, process uptime ${Math.round(process.uptime() * 1000)} ms`
      )

      const lock = yield* Effect.makeSemaphore(1)
      const refresh = (versionTag?: string) =>
        lock.withPermits(1)(
          Effect.gen(function*() {
            if (versionTag !== undefined && !isValidVersionTag(versionTag)) {
              return yield* Effect.fail(notFound(`Missing or unreadable schema for version tag '${versionTag}'`))
            }
            const state = versionTag === undefined ? yield* mountAll : yield* mount([versionTag], "generated-artifacts")
            yield* Ref.set(ref, state)
            yield* writeManifest(state)
            return registration(state, cachePath)
          })
        ).pipe(Effect.provide(context))

      return GeneratedRoutes.of({
        current: Ref.get(ref),
        summary: Effect.map(Ref.get(ref), (state) => summarize(state, cachePath)),
        dir: options.dir,
        refresh
      })
    })

  static readonly layer = (options: Partial<GeneratedRoutesOptions> = {}) => {
    const dir = options.dir ?? DEFAULT_GENERATED_DIR
    return Layer.effect(
      GeneratedRoutes,
      GeneratedRoutes.make({ dir, manifestPath: "manifestPath" in options ? options.manifestPath : `${dir}/runtime_generated_routes_cache.json` })
    )
  }
}
