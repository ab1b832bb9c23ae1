import { describe, expect, it } from "@effect/vitest"
import { FastCheck } from "effect"
import { tokenHeader } from "../../src/proxmox/auth.ts"
import { sessionIdentity } from "../../src/proxmox/ProxmoxClient.ts"

const word = FastCheck.stringMatching(/^[a-z][a-z0-9_-]{0,11}$/)
const secret = FastCheck.uuid()

describe("tokenHeader", () => {
  it.prop("every way operators paste a token gives the same header", [word, word, secret], ([user, id, value]) => {
    const full = `${user}@pam`
    const expected = `PVEAPIToken=${full}!${id}=${value}`
    expect(tokenHeader(full, id, value)).toBe(expected)
    expect(tokenHeader("other@pve", `${full}!${id}`, value)).toBe(expected)
    expect(tokenHeader("other@pve", `PVEAPIToken=${full}!${id}`, value)).toBe(expected)
    expect(tokenHeader("other@pve", null, `${full}!${id}=${value}`)).toBe(expected)
    expect(tokenHeader("other@pve", "", `PVEAPIToken=${full}!${id}=${value}`)).toBe(expected)
  })

  it("no complete token: null (the caller falls back to the password)", () => {
    expect(tokenHeader("root@pam", "id", null)).toBeNull()
    expect(tokenHeader("root@pam", null, "secret")).toBeNull()
    expect(tokenHeader("root@pam", "  ", " ")).toBeNull()
  })
})

describe("sessionIdentity", () => {
  const node = (name: string, local = 0) => ({ type: "node", name, local })
  it("names a cluster after its cluster row, a standalone host after its local node", () => {
    expect(sessionIdentity([{ type: "cluster", name: "c1" }, node("a"), node("b", 1)], "h")).toEqual({ mode: "cluster", name: "c1", nodeNames: ["a", "b"] })
    // a one-node cluster is still a cluster (the reference called it standalone)
    expect(sessionIdentity([{ type: "cluster", name: "c1" }, node("a", 1)], "h").mode).toBe("cluster")
    expect(sessionIdentity([node("x"), node("y", 1)], "h")).toEqual({ mode: "standalone", name: "y", nodeNames: ["x", "y"] })
    expect(sessionIdentity([], "10.0.0.1")).toEqual({ mode: "restricted", name: "10.0.0.1", nodeNames: [] })
  })
})
