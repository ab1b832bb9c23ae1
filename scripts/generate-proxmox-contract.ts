/**
 * Proxmox contract generator.
 *
 *   node --import tsx scripts/generate-proxmox-contract.ts --shipped [--reference-dir DIR] [--out-dir DIR]
 *       regenerates every version we ship (and `latest`) from ../shared/reference/proxmox
 *   node --import tsx scripts/generate-proxmox-contract.ts --input <apidoc.js|tree.json|checkpoint.json|URL>
 *       --tag <version-tag> [--schema-version <pve version>] [--out-dir DIR]
 *
 * Output: <out-dir>/<tag>/openapi.json (default out-dir generated/proxmox). Same input, same bytes.
 */
import { FileSystem } from "@effect/platform"
import { NodeContext, NodeRuntime } from "@effect/platform-node"
import { Console, Effect, Either } from "effect"
import { parseArgs } from "node:util"
import { generateFromText, isValidVersionTag, writeDocument } from "../src/contract/generator/generate.ts"

/** The versions we ship: directory tag, reference file, and the PVE release it describes. */
export const SHIPPED = [
  { tag: "latest", file: "pve-9.1.2-apidoc.json", schemaVersion: "9.1.2" },
  { tag: "8.1", file: "pve-8.1.0-apidoc.json", schemaVersion: "8.1.0" },
  { tag: "8.2", file: "pve-8.2.2-apidoc.json", schemaVersion: "8.2.2" },
  { tag: "8.3", file: "pve-8.3.0-apidoc.json", schemaVersion: "8.3.0" },
  { tag: "8.4", file: "pve-8.4.17-apidoc.json", schemaVersion: "8.4.17" },
  { tag: "9.1", file: "pve-9.1.2-apidoc.json", schemaVersion: "9.1.2" }
] as const

const { values } = parseArgs({
  options: {
    shipped: { type: "boolean", default: false },
    "reference-dir": { type: "string", default: "../shared/reference/proxmox" },
    input: { type: "string" },
    tag: { type: "string" },
    "schema-version": { type: "string" },
    "out-dir": { type: "string", default: "generated/proxmox" }
  }
})

const readInput = (input: string) =>
  /^https?:\/\//.test(input)
    ? Effect.tryPromise(() => fetch(input).then((r) => (r.ok ? r.text() : Promise.reject(new Error(`HTTP ${r.status}`)))))
    : Effect.flatMap(FileSystem.FileSystem, (fs) => fs.readFileString(input))

const generateOne = (input: string, tag: string, schemaVersion: string, source: string) =>
  Effect.gen(function*() {
    if (!isValidVersionTag(tag)) return yield* Effect.fail(`invalid version tag '${tag}'`)
    const text = yield* readInput(input)
    const result = yield* Either.mapLeft(generateFromText(text, { schemaVersion, source }), (e) => e.message)
    const file = yield* writeDocument(values["out-dir"], tag, result.text)
    yield* Console.log(`${file}: ${result.pathCount} paths, ${result.operationCount} operations, ${result.text.length} bytes`)
  })

const main = values.shipped
  ? Effect.forEach(SHIPPED, (v) =>
    generateOne(`${values["reference-dir"]}/${v.file}`, v.tag, v.schemaVersion, `reference/proxmox/${v.file}`), { discard: true })
  : values.input !== undefined && values.tag !== undefined
  ? generateOne(values.input, values.tag, values["schema-version"] ?? values.tag, values.input)
  : Effect.fail("usage: --shipped | --input <file|url> --tag <tag> [--schema-version V] [--out-dir DIR]")

main.pipe(
  Effect.tapError((e) => Console.error(String(e))),
  Effect.provide(NodeContext.layer),
  NodeRuntime.runMain
)
