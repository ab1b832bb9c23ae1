// Runs only the contract suite against the real NetBox started by scripts/netbox/start
// (the default vitest.config.ts excludes test/netbox-contract/real/**).
import { defineConfig } from "vitest/config"

export default defineConfig({
  root: new URL("../..", import.meta.url).pathname,
  test: {
    include: ["test/netbox-contract/real/**/*.test.ts"],
    pool: "threads",
    testTimeout: 300_000,
    hookTimeout: 300_000
  }
})
