/**
 * The generator pipeline shared by the CLI (scripts/generate-proxmox-contract.ts) and the viewer route:
 * apidoc text -> OpenAPI document -> generated/proxmox/<tag>/openapi.json.
 */
import { FileSystem, Path } from "@effect/platform"
import { Effect, Either } from "effect"
import { parseApidoc } from "./apidoc.ts"
import { generateOpenApi, type OpenApiDocument, serializeDocument } from "./openapi.ts"

/** A version tag names a directory: letters, digits, dots, dashes, underscores; never `__*`. */
export const isValidVersionTag = (tag: string): boolean => /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(tag)

export interface GenerateResult {
  readonly document: OpenApiDocument
  readonly text: string
  readonly pathCount: number
  readonly operationCount: number
}

export const generateFromText = (apidoc: string, options: { readonly schemaVersion: string; readonly source?: string }) =>
  Either.map(parseApidoc(apidoc), (methods) => {
    const document = generateOpenApi(methods, options)
    return {
      document,
      text: serializeDocument(document),
      pathCount: Object.keys(document.paths).length,
      operationCount: methods.length
    } satisfies GenerateResult
  })

/** Write `<outDir>/<tag>/openapi.json` (creating the directory); returns the file path. */
export const writeDocument = (outDir: string, tag: string, text: string) =>
  Effect.gen(function*() {
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const dir = path.join(outDir, tag)
    yield* fs.makeDirectory(dir, { recursive: true })
    const file = path.join(dir, "openapi.json")
    // Write-then-rename: a reader (start-up, refresh) never sees half a document.
    yield* fs.writeFileString(`${file}.tmp`, text)
    yield* fs.rename(`${file}.tmp`, file)
    return file
  })
