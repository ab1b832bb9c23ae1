/**
 * Bundles src/main.ts into dist/main.mjs for `npm start` (STACK.md §4: start-up drops from ~3.5 s under tsx
 * to ~1 s). Native and optional modules stay external; CommonJS dependencies get a real `require`.
 * The bundle reads generated/proxmox from the working directory, like the sources.
 *
 *   node scripts/build.mjs [--metafile]   # --metafile also writes dist/meta.json (bundle composition)
 */
import { build } from "esbuild"

const started = performance.now()
const result = await build({
  entryPoints: ["src/main.ts"],
  outfile: "dist/main.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  metafile: process.argv.includes("--metafile"),
  external: ["better-sqlite3", "pg", "pg-native", "@parcel/watcher", "msgpackr-extract"],
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: "warning"
})
if (result.metafile) {
  const { writeFile } = await import("node:fs/promises")
  await writeFile("dist/meta.json", JSON.stringify(result.metafile))
}
console.log(`built dist/main.mjs in ${Math.round(performance.now() - started)} ms`)
