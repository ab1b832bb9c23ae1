// Run by `npm run test:netbox`: issue 6's sync scenario (test/sync/vms.e2e.test.ts, ownership.test.ts) against the
// real NetBox the harness started (NETBOX_URL / NETBOX_TOKEN), with the Proxmox simulators. That NetBox persists
// between tests and other suites use it: every cluster, node and slug carries a per-run prefix, and each test
// deletes what it created (also on failure) through a scope finalizer.
import { describe, expect, it } from "@effect/vitest"
import { Config, Duration, Effect, Layer } from "effect"
import type { NetBoxClientService, NetBoxRecord } from "../../../src/netbox/client.ts"
import { NetBoxClient } from "../../../src/netbox/NetBoxClient.ts"
import { DEVICE_TYPE, MANUFACTURER, NODE_ROLE, siteSlug, VM_ROLES } from "../../../src/sync/clusters.ts"
import type { ItemEvent, SyncEvent } from "../../../src/sync/events.ts"
import { SyncOrchestrator } from "../../../src/sync/SyncOrchestrator.ts"
import { addGuest, migrateGuest, removeGuest, renameGuest } from "../../../src/testing/proxmox/inventory.ts"
import { clientRequests, clientWrites, orchestratorOn, request, resetClientCounts, startProxmoxWith } from "../../sync/world.ts"

const RUN = `e2e${Date.now().toString(36)}${Math.floor(Math.random() * 36 ** 3).toString(36)}`

const RealWorld = orchestratorOn().pipe(Layer.provideMerge(Layer.unwrapEffect(
  Effect.map(Config.all([Config.string("NETBOX_URL"), Config.string("NETBOX_TOKEN")]), ([url, token]) =>
    NetBoxClient.layerUrl(url, token))
)))

const items = (events: ReadonlyArray<SyncEvent>) => events.filter((e): e is ItemEvent => e._tag === "ItemEvent")
const planOf = (events: ReadonlyArray<SyncEvent>) =>
  items(events).filter((e) => e.action !== "skip").map((e) => `${e.action} ${e.kind} ${e.key}${e.changes ? ` [${e.changes.map((c) => c.field).join(",")}]` : ""}`).sort()
const ids = (rs: ReadonlyArray<NetBoxRecord>) => rs.map((r) => r.id)
const elapsed = <A, E, R>(self: Effect.Effect<A, E, R>) =>
  Effect.map(Effect.timed(self), ([d, a]) => [Math.round(Duration.toMillis(d)), a] as const)

/** The dependency objects the sync shares across clusters (fixed slugs): deleted afterwards only if this test made them. */
const SHARED = [
  { path: "virtualization/cluster-types", slugs: ["cluster", "standalone"] },
  { path: "dcim/device-types", slugs: [DEVICE_TYPE.slug] },
  { path: "dcim/manufacturers", slugs: [MANUFACTURER.slug] },
  { path: "dcim/device-roles", slugs: [NODE_ROLE.slug, VM_ROLES.qemu.slug, VM_ROLES.lxc.slug] }
] as const

/** Everything a test with this prefix may have created, in dependency order. */
const cleanup = (nb: NetBoxClientService, prefix: string, sharedBefore: ReadonlySet<string>) =>
  Effect.gen(function*() {
    const clusters = yield* nb.list("virtualization/clusters", { name__isw: prefix })
    const sites = yield* nb.list("dcim/sites", { slug: [siteSlug(`${prefix}lab`), siteSlug(`${prefix}pve`), `${prefix}-hq`] })
    const clusterIds = ids(clusters)
    if (clusterIds.length > 0) yield* nb.delete("virtualization/virtual-machines", ids(yield* nb.list("virtualization/virtual-machines", { cluster_id: clusterIds })))
    const devices = yield* nb.list("dcim/devices", { name__isw: prefix })
    if (devices.length > 0) yield* nb.delete("dcim/devices", ids(devices))
    if (clusterIds.length > 0) yield* nb.delete("virtualization/clusters", clusterIds)
    if (sites.length > 0) yield* nb.delete("dcim/sites", ids(sites))
    for (const path of ["dcim/device-types", "dcim/manufacturers", "dcim/device-roles", "extras/tags"]) {
      const mine = yield* nb.list(path, { slug__isw: prefix })
      if (mine.length > 0) yield* nb.delete(path, ids(mine))
    }
    for (const { path, slugs } of SHARED) {
      const made = (yield* nb.list(path, { slug: [...slugs] })).filter((r) => !sharedBefore.has(`${path}|${String(r["slug"])}`))
      // one by one (a bulk delete is all or nothing): another run may be using one by now (409), which then stays
      yield* Effect.forEach(made, (r) => nb.delete(path, [r.id]).pipe(Effect.catchAll(() => Effect.void)), { discard: true })
    }
  })

const sharedNow = (nb: NetBoxClientService) =>
  Effect.map(
    Effect.forEach(SHARED, ({ path, slugs }) => Effect.map(nb.list(path, { slug: [...slugs] }), (rs) => rs.map((r) => `${path}|${String(r["slug"])}`))),
    (xs) => xs.flat().sort()
  )

/** The shared objects there before this file's first test (its last test checks they are all that is left). */
let sharedAtStart: ReadonlyArray<string> | undefined

/**
 * A unique prefix for the test; what it creates is deleted when the test's scope closes, pass or fail. That scope
 * must close before the client's layer (the test body is `Effect.scoped` inside `Effect.provide`).
 */
const scenario = (name: string) =>
  Effect.gen(function*() {
    const nb = yield* NetBoxClient
    const prefix = `${RUN}-${name}-`
    const before = yield* sharedNow(nb)
    sharedAtStart ??= before
    yield* Effect.addFinalizer(() => cleanup(nb, prefix, new Set(before)).pipe(Effect.orDie))
    return prefix
  })

describe("VM sync end to end against the real NetBox (Proxmox simulators → NetBox)", () => {
  it.scopedLive("first run creates everything, the second writes nothing; rename, migration, deletion, a new guest; a user tag survives", () =>
    Effect.gen(function*() {
      const prefix = yield* scenario("vms")
      const { endpoints, lab, names } = yield* startProxmoxWith({ prefix })
      const nb = yield* NetBoxClient
      const sync = yield* SyncOrchestrator

      yield* resetClientCounts
      const [firstMs, first] = yield* elapsed(sync.runToCompletion(request(endpoints)))
      const firstRequests = yield* clientRequests
      const firstWrites = yield* clientWrites
      expect(first.completed.count).toBe(50)
      expect(first.completed.counts["virtual_machine"]).toMatchObject({ created: 50, failed: 0 })
      expect(first.completed.counts["device"]).toMatchObject({ created: 4, failed: 0 })
      expect(first.completed.counts["cluster"]).toMatchObject({ created: 2, failed: 0 })
      const clusters = yield* nb.list("virtualization/clusters", { name: [names.lab, names.solo] })
      const vms = yield* nb.list("virtualization/virtual-machines", { cluster_id: ids(clusters) })
      expect(vms).toHaveLength(50)
      const byName = (n: string) => vms.find((v) => v["name"] === n)!
      expect(byName("ct-103")["custom_fields"]).toMatchObject({ proxmox_vm_id: 103, proxmox_vm_type: "lxc", proxmox_unprivileged_container: true })
      expect(byName("vm-104")["custom_fields"]).toMatchObject({ proxmox_status: "template" })
      expect(byName("vm-105")["status"]).toMatchObject({ value: "offline" })
      expect(byName("vm-101")["device"]).toMatchObject({ name: names.node(1) })

      // one bulk request per kind; the plugin ships proxmox_node and proxmox_storage, which the bootstrap adopts with one PATCH
      // (the tag and custom fields are there already when an earlier run made them: at most one request each)
      const bootstrapWrites = Object.entries(firstWrites).filter(([k]) => k.includes(" /api/extras/"))
      expect(bootstrapWrites.every(([, n]) => n === 1)).toBe(true)
      expect(Object.fromEntries(Object.entries(firstWrites).filter(([k]) => !k.includes(" /api/extras/")))).toEqual({
        ...Object.fromEntries([
          "virtualization/cluster-types", "virtualization/clusters", "dcim/manufacturers", "dcim/device-types", "dcim/device-roles",
          "dcim/sites", "dcim/devices", "virtualization/virtual-machines"
        ].map((p) => [`POST /api/${p}/`, 1]))
      })

      // the second run as after a restart: a new client, bootstrap cache and orchestrator
      const [secondMs, [second, secondRequests, secondWrites]] = yield* elapsed(Effect.gen(function*() {
        const result = yield* (yield* SyncOrchestrator).runToCompletion(request(endpoints))
        return [result, yield* clientRequests, yield* clientWrites] as const
      }).pipe(Effect.provide(RealWorld)))
      expect(secondWrites).toEqual({})
      expect(second.completed.counts["virtual_machine"]).toMatchObject({ created: 0, updated: 0, unchanged: 50 })
      expect(second.completed.counts["device"]).toMatchObject({ created: 0, updated: 0, unchanged: 4 })
      console.log(JSON.stringify({
        netbox: "real", first: { ms: firstMs, requests: firstRequests, writes: firstWrites }, second: { ms: secondMs, requests: secondRequests }
      }))

      // an operator's tag on vm-101, which is then renamed
      const [keep] = yield* nb.create("extras/tags", [{ name: `${prefix}keep`, slug: `${prefix}keep` }])
      const vm101 = byName("vm-101")
      yield* nb.update("virtualization/virtual-machines", [{ id: vm101.id, tags: [...(vm101["tags"] as Array<{ id: number }>).map((t) => t.id), keep!.id] }])
      renameGuest(lab.inventory, 101, "renamed-101")
      migrateGuest(lab.inventory, 102, names.node(3))
      removeGuest(lab.inventory, 103)
      addGuest(lab.inventory, names.node(2), { vmid: 777, name: "newcomer" })

      yield* resetClientCounts
      const dry = yield* sync.runToCompletion(request(endpoints, { dryRun: true }))
      expect(yield* clientWrites).toEqual({})
      expect(planOf(dry.events)).toEqual([
        `create virtual_machine ${names.lab}/qemu/777`,
        `orphan virtual_machine ${names.lab}/lxc/103`,
        `update virtual_machine ${names.lab}/qemu/101 [name]`,
        `update virtual_machine ${names.lab}/qemu/102 [device,description,custom_fields.proxmox_node]`
      ])

      const applied = yield* sync.runToCompletion(request(endpoints, { deleteOrphans: true }))
      expect(planOf(applied.events)).toEqual([
        `create virtual_machine ${names.lab}/qemu/777`,
        `delete virtual_machine ${names.lab}/lxc/103`,
        `update virtual_machine ${names.lab}/qemu/101`,
        `update virtual_machine ${names.lab}/qemu/102`
      ])
      expect(yield* clientWrites).toEqual({
        "POST /api/virtualization/virtual-machines/": 1,
        "PATCH /api/virtualization/virtual-machines/": 1,
        "DELETE /api/virtualization/virtual-machines/": 1
      })
      const after = yield* nb.list("virtualization/virtual-machines", { cluster_id: ids(clusters) })
      const names2 = after.map((v) => v["name"])
      expect(names2).toContain("renamed-101")
      expect(names2).toContain("newcomer")
      expect(names2).not.toContain("vm-101")
      expect(names2).not.toContain("ct-103")
      const renamed = after.find((v) => v.id === vm101.id)!
      expect(renamed["name"]).toBe("renamed-101")
      expect((renamed["tags"] as Array<{ slug: string }>).map((t) => t.slug).sort()).toEqual([`${prefix}keep`, "proxbox"])
      expect(after.find((v) => v["name"] === "vm-102")!["device"]).toMatchObject({ name: names.node(3) })

      yield* resetClientCounts
      yield* sync.runToCompletion(request(endpoints, { deleteOrphans: true }))
      expect(yield* clientWrites).toEqual({})
    }).pipe(Effect.scoped, Effect.provide(RealWorld)))

  it.scopedLive("an untagged same-named device elsewhere is reported, not touched, then adopted once tagged", () =>
    Effect.gen(function*() {
      const prefix = yield* scenario("own")
      const { endpoints, names } = yield* startProxmoxWith({ prefix })
      const nb = yield* NetBoxClient
      const sync = yield* SyncOrchestrator
      const site = (yield* nb.create("dcim/sites", [{ name: `${prefix}hq`, slug: `${prefix}-hq` }]))[0]!
      const mf = (yield* nb.create("dcim/manufacturers", [{ name: `${prefix}acme`, slug: `${prefix}acme` }]))[0]!
      const dt = (yield* nb.create("dcim/device-types", [{ model: `${prefix}box`, slug: `${prefix}box`, manufacturer: mf.id }]))[0]!
      const role = (yield* nb.create("dcim/device-roles", [{ name: `${prefix}server`, slug: `${prefix}server` }]))[0]!
      const theirs = (yield* nb.create("dcim/devices", [{ name: names.node(2), site: site.id, device_type: dt.id, role: role.id, description: "theirs" }]))[0]!

      const first = yield* sync.runToCompletion(request(endpoints))
      const skipped = first.events.find((e) => e._tag === "ItemEvent" && e.kind === "device" && e.action === "skip")
      expect(skipped).toMatchObject({ status: "warning", name: names.node(2), netbox_id: theirs.id })
      expect((yield* nb.get("dcim/devices", theirs.id))["description"]).toBe("theirs")
      const [lab] = yield* nb.list("virtualization/clusters", { name: names.lab })
      const vmOnPve2 = (yield* nb.list("virtualization/virtual-machines", { name: "vm-114", cluster_id: lab!.id }))[0]!
      expect(vmOnPve2["device"]).toBeNull()

      yield* nb.update("dcim/devices", [{ id: theirs.id, tags: [{ slug: "proxbox" }] }])
      yield* sync.runToCompletion(request(endpoints))
      const adopted = yield* nb.get("dcim/devices", theirs.id)
      expect(adopted).toMatchObject({ description: `Proxmox Node ${names.node(2)}`, site: { id: site.id } })
      expect((yield* nb.get("virtualization/virtual-machines", vmOnPve2.id))["device"]).toMatchObject({ id: theirs.id })
    }).pipe(Effect.scoped, Effect.provide(RealWorld)))

  it.effect("the tests left nothing of theirs behind", () =>
    Effect.gen(function*() {
      const nb = yield* NetBoxClient
      const names = (rs: ReadonlyArray<NetBoxRecord>) => rs.map((r) => String(r["slug"] ?? r["name"]))
      for (const path of ["virtualization/clusters", "dcim/devices"]) expect(names(yield* nb.list(path, { name__isw: RUN }))).toEqual([])
      for (const path of ["dcim/sites", "dcim/manufacturers", "dcim/device-types", "dcim/device-roles", "extras/tags"]) {
        expect(names(yield* nb.list(path, { slug__ic: RUN }))).toEqual([])
      }
      expect(sharedAtStart).toBeDefined()
      expect(yield* sharedNow(nb)).toEqual(sharedAtStart)
    }).pipe(Effect.provide(RealWorld)))
})
