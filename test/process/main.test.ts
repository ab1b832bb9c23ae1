/** The service as a process: restart persistence on both databases, graceful stop, configuration errors. */
import { describe, expect, it } from "@effect/vitest"
import { Effect } from "effect"
import { mkdtempSync, readFileSync, readdirSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { scopedPgDatabase } from "../support/database.ts"
import { failedStart, startService } from "./process.ts"

const json = (url: string, init?: RequestInit) =>
  Effect.promise(() => fetch(url, init).then(async (r) => ({ status: r.status, body: await r.json() as any })))

const post = (url: string, body: unknown) =>
  json(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) })

const PASSWORD = "restart-password-1b2c"

/** Creates endpoints, restarts the process, reads them back. */
const restartRoundTrip = (env: Record<string, string>) =>
  Effect.gen(function*() {
    const first = yield* startService(env)
    const created = yield* post(`${first.url}/proxmox/endpoints`, {
      name: "persist",
      ip_address: "10.1.1.1",
      username: "root@pam",
      password: PASSWORD
    })
    expect(created.status).toBe(200)
    expect((yield* post(`${first.url}/netbox/endpoint`, { id: 5, name: "nb", ip_address: "10.0.0.2", domain: "nb.lab", token: "nb-restart-secret" })).status).toBe(200)
    expect(yield* first.stop).toBe(0)

    const second = yield* startService(env)
    const list = yield* json(`${second.url}/proxmox/endpoints`)
    expect(list.body).toEqual([created.body])
    expect((yield* json(`${second.url}/netbox/endpoint/5`)).body.domain).toBe("nb.lab")
    expect(second.output()).not.toContain(PASSWORD)
    expect(yield* second.stop).toBe(0)
  })

describe("service process", () => {
  it.scoped("SQLite (default kind): endpoints survive a restart; the key file is reused; secrets are not in the file", () =>
    Effect.gen(function*() {
      const dir = mkdtempSync(join(tmpdir(), "proxbox-"))
      yield* restartRoundTrip({ DATABASE_URL: join(dir, "db", "proxbox.db") })
      expect(readdirSync(join(dir, "db"))).toContain("proxbox.key")
      const raw = readdirSync(join(dir, "db")).map((f) => readFileSync(join(dir, "db", f)).toString("latin1")).join("")
      expect(raw).not.toContain(PASSWORD)
      expect(raw).not.toContain("nb-restart-secret")
    }), 120_000)

  it.scoped("PostgreSQL via DATABASE_URL: endpoints survive a restart", () =>
    Effect.gen(function*() {
      const { url } = yield* scopedPgDatabase
      yield* restartRoundTrip({ DATABASE_URL: url, PROXBOX_ENCRYPTION_KEY: "process-test-key" })
    }), 120_000)

  it.effect("a bad value stops start-up with one line naming the variable", () =>
    Effect.gen(function*() {
      for (const [name, value] of [["PORT", "eighty"], ["DATABASE_URL", "mysql://x"], ["LOG_LEVEL", "LOUD"]] as const) {
        const { code, output } = yield* failedStart({ [name]: value })
        expect(code).toBe(1)
        const lines = output.trim().split("\n")
        expect(lines).toHaveLength(1)
        expect(lines[0]).toContain(name)
      }
    }), 120_000)
})
