/**
 * Handlers of the viewer group. Generation reads a file from the apidoc directory or a configured
 * endpoint's apidoc; it writes generated/proxmox/<tag>/openapi.json and leaves mounting to
 * POST /proxmox/viewer/routes/refresh (as the reference did).
 */
import { FileSystem, HttpApiBuilder, Path } from "@effect/platform"
import { Effect, Either, Option } from "effect"
import { ALIAS_VERSION_TAG, GeneratedRoutes, loadVersion } from "../../contract/GeneratedRoutes.ts"
import { fetchApidoc } from "../../contract/generator/fetchApidoc.ts"
import { generateFromText, isValidVersionTag, writeDocument } from "../../contract/generator/generate.ts"
import { renderSchemaModule } from "../../contract/schemaModule.ts"
import { badRequest } from "../../domain/errors.ts"
import { EndpointRepository } from "../../endpoints/EndpointRepository.ts"
import { ProxboxApi } from "../Api.ts"

/** Where POST /proxmox/viewer/generate looks for `source_file` (relative names only). */
export const APIDOC_DIR = "data/apidoc"

const generationFailed = (detail: string) => badRequest("Failed to generate Proxmox codegen bundle.", detail)

const storedVersion = (dir: string, tag: string) =>
  (isValidVersionTag(tag)
    ? loadVersion(dir, tag)
    : Effect.fail(badRequest("Generated Proxmox OpenAPI schema not found.", `Missing or unreadable schema for version tag '${tag}'`))
  ).pipe(Effect.mapError((e) => badRequest("Generated Proxmox OpenAPI schema not found.", `${String(e.detail)}. Run /proxmox/viewer/generate first.`)))

export const HttpViewerLive = HttpApiBuilder.group(ProxboxApi, "viewer", (handlers) =>
  Effect.gen(function*() {
    const routes = yield* GeneratedRoutes
    const repo = yield* EndpointRepository
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const context = yield* Effect.context<FileSystem.FileSystem | Path.Path>()
    const stored = (tag: string) => storedVersion(routes.dir, tag).pipe(Effect.provide(context))

    const readSource = (q: { readonly source_file?: string | undefined; readonly endpoint_id?: number | undefined }) => {
      if ((q.source_file === undefined) === (q.endpoint_id === undefined)) {
        return Effect.fail(generationFailed("Give exactly one of source_file (a file in the apidoc directory) or endpoint_id."))
      }
      if (q.source_file !== undefined) {
        const name = q.source_file
        if (name === "" || path.isAbsolute(name) || name.split(/[\\/]/).includes("..")) {
          return Effect.fail(generationFailed("source_file must be a file name inside the apidoc directory."))
        }
        return fs.readFileString(path.join(APIDOC_DIR, name)).pipe(
          Effect.mapError(() => generationFailed(`Cannot read ${name} in ${APIDOC_DIR}.`)),
          Effect.map((text) => ({ text, source: `file:${name}` }))
        )
      }
      return repo.getProxmox(q.endpoint_id!).pipe(
        Effect.flatMap(Option.match({
          onNone: () => Effect.fail(generationFailed(`No Proxmox endpoint with id ${q.endpoint_id}.`)),
          onSome: (endpoint) =>
            fetchApidoc(endpoint).pipe(
              Effect.mapError((e) => generationFailed(e.message)),
              Effect.map((text) => ({ text, source: `endpoint:${endpoint.name}` }))
            )
        }))
      )
    }

    return handlers
      .handle("generate", ({ urlParams: q }) =>
        Effect.gen(function*() {
          if (!isValidVersionTag(q.version_tag) || q.version_tag === ALIAS_VERSION_TAG) {
            return yield* Effect.fail(generationFailed(
              `version_tag '${q.version_tag}' is not usable: letters, digits, '.', '-', '_' only, and '${ALIAS_VERSION_TAG}' is reserved for the shipped contract.`
            ))
          }
          const { source, text } = yield* readSource(q)
          const schemaVersion = q.schema_version ?? q.version_tag
          const result = yield* Either.mapLeft(generateFromText(text, { schemaVersion, source }), (e) => generationFailed(e.message))
          const file = q.persist ? yield* Effect.orDie(writeDocument(routes.dir, q.version_tag, result.text)) : null
          return {
            message: "Generation completed",
            source,
            version_tag: q.version_tag,
            schema_version: schemaVersion,
            generated_at: new Date().toISOString(),
            endpoint_count: result.pathCount,
            operation_count: result.operationCount,
            persisted: q.persist,
            output_dir: file === null ? null : path.dirname(file)
          }
        }))
      .handle("openapi", ({ urlParams }) => Effect.map(stored(urlParams.version_tag), (v) => v.document))
      .handle("openapiEmbedded", ({ urlParams }) => Effect.map(stored(urlParams.version_tag), (v) => v.document))
      .handle("contracts", () =>
        Effect.map(routes.current, (state) => {
          const latest = state.versions.find((v) => v.tag === ALIAS_VERSION_TAG)
          return {
            proxmox_generated_openapi_present: latest !== undefined,
            proxmox_generated_path_count: latest?.pathCount ?? 0,
            // No NetBox schema is downloaded here: the NetBox client works from its own fixed contract.
            netbox_schema_source: "fallback" as const,
            mounted_versions: state.versions.map((v) => v.tag),
            documents: Object.fromEntries(state.versions.map((v) => [v.tag, `/proxmox/api2/${v.tag}/openapi.json`]))
          }
        }))
      .handle("refresh", ({ urlParams }) => routes.refresh(urlParams.version_tag))
      .handle("pydantic", ({ urlParams }) => Effect.map(stored(urlParams.version_tag), (v) => renderSchemaModule(v.document, v.tag)))
  }))
