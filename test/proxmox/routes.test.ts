import { HttpApi, HttpClient, HttpLayerRouter } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { describe, expect, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { ProxmoxEndpoint } from "../../src/domain/endpoint.ts"
import { ProxmoxReadGroup } from "../../src/api/proxmox-reads/Api.ts"
import { EndpointRepository } from "../../src/endpoints/EndpointRepository.ts"
import { HttpProxmoxReadLive } from "../../src/api/proxmox-reads/Http.ts"
import { seedInventory } from "../../src/testing/proxmox/inventory.ts"
import { ProxmoxSimulator } from "../../src/testing/proxmox/ProxmoxSimulator.ts"
import { ProxmoxClientTest } from "../../src/testing/proxmox/layers.ts"

// Only the /proxmox read group, under the same API id as ProxboxApi so its handler layer fits.
const Api = HttpApi.make("proxbox").add(ProxmoxReadGroup)

/** Stores an endpoint through the real (in-memory SQLite) repository, as POST /proxmox/endpoints does. */
const addEndpoint = ({ id: _id, ...fields }: ProxmoxEndpoint) => Effect.flatMap(EndpointRepository, (repo) => repo.insertProxmox(fields))

const Server = HttpLayerRouter.serve(
  HttpLayerRouter.addHttpApi(Api).pipe(Layer.provide(HttpProxmoxReadLive)),
  { disableLogger: true, disableListenLog: true }
).pipe(
  Layer.provide(ProxmoxClientTest({ retries: 0 })),
  Layer.provideMerge(EndpointRepository.layerTest),
  Layer.provideMerge(NodeHttpServer.layerTest)
)

const get = (url: string) =>
  HttpClient.get(url).pipe(
    Effect.flatMap((res) => Effect.map(res.json, (body) => ({ status: res.status, body: body as any }))),
    Effect.scoped
  )

/** Two Proxmox endpoints: cluster "lab" (3 nodes, stored as the plugin names it) and a standalone host. */
const twoEndpoints = Effect.gen(function*() {
  const lab = yield* ProxmoxSimulator.make()
  const solo = yield* ProxmoxSimulator.make({ inventory: seedInventory({ clusterName: null, nodes: 1, guestsPerNode: 2 }) })
  yield* addEndpoint(new ProxmoxEndpoint({ ...lab.endpoint({ id: 1, name: "Lab (nb:7)" }), netbox_id: 7 }))
  yield* addEndpoint(solo.endpoint({ id: 2, name: "solo" }))
  return { lab, solo }
})

describe("/proxmox read routes against two simulated endpoints", () => {
  it.scoped("sessions, version, selection by name/netbox id, bad ids", () =>
    Effect.gen(function*() {
      yield* twoEndpoints
      const all = yield* get("/proxmox/sessions")
      expect(all.status).toBe(200)
      expect(all.body.map((s: any) => [s.name, s.mode])).toEqual([["lab", "cluster"], ["pve", "standalone"]])
      expect(all.body[0]).toMatchObject({ ip_address: "127.0.0.1", domain: null, user: "root@pam" })

      const version = yield* get("/proxmox/version?name=Lab")
      expect(version.body).toEqual([{ lab: { version: "8.4.17", release: "8.4", repoid: "c3a4b5d6" } }])
      expect((yield* get("/proxmox/version?proxmox_endpoint_ids=7")).body.map(Object.keys)).toEqual([["lab"]])

      const none = yield* get("/proxmox/version?name=nope")
      expect(none).toEqual({ status: 400, body: expect.objectContaining({ detail: "No result found for Proxmox Sessions based on the provided name" }) })
      const badIds = yield* get("/proxmox/sessions?endpoint_ids=1,x")
      expect(badIds.status).toBe(400)
      expect(badIds.body.message).toBe("Invalid Proxmox endpoint_ids query parameter")
    }).pipe(Effect.provide(Server)))

  it.scoped("version with no endpoints is the reference's 404", () =>
    Effect.gen(function*() {
      const res = yield* get("/proxmox/version")
      expect(res.status).toBe(404)
      expect(res.body.detail).toBe("No Proxmox active connections found, not able to retrieve version information")
    }).pipe(Effect.provide(Server)))

  it.scoped("cluster status, resources and nodes cover every node, standalone hosts included", () =>
    Effect.gen(function*() {
      yield* twoEndpoints
      const status = yield* get("/proxmox/cluster/status")
      expect(status.body).toHaveLength(2)
      expect(status.body[0]).toMatchObject({ name: "lab", type: "cluster", mode: "cluster", nodes: 3, quorate: 1 })
      expect(status.body[0].node_list.map((n: any) => n.name)).toEqual(["pve1", "pve2", "pve3"])
      expect(status.body[1]).toMatchObject({ name: "pve", type: "cluster", mode: "standalone", nodes: 1, node_list: [expect.objectContaining({ name: "pve", type: "node" })] })

      const vms = yield* get("/proxmox/cluster/resources?type=vm")
      expect(vms.body.map((e: any) => [Object.keys(e)[0], Object.values(e)[0] as Array<unknown>].map((x) => (Array.isArray(x) ? x.length : x))))
        .toEqual([["lab", 12], ["pve", 2]])
      expect((yield* get("/proxmox/cluster/resources?type=bogus")).status).toBe(400)

      const nodes = yield* get("/proxmox/nodes/")
      expect(nodes.body.map((e: any) => `${Object.keys(e)[0]}:${(Object.values(e)[0] as any).node}`)).toEqual(["lab:pve1", "lab:pve2", "lab:pve3", "pve:pve"])
    }).pipe(Effect.provide(Server)))

  it.scoped("node network: session by node or cluster_name, vlan keys renamed, unknown cluster is 400", () =>
    Effect.gen(function*() {
      yield* twoEndpoints
      const net = yield* get("/proxmox/nodes/pve2/network")
      const vlan = net.body.find((i: any) => i.iface === "vmbr0.20")
      expect(vlan).toMatchObject({ vlan_id: "20", vlan_raw_device: "vmbr0", type: "vlan" })
      expect(vlan).not.toHaveProperty("vlan-id")
      const bridges = yield* get("/proxmox/nodes/pve/network?cluster_name=PVE&type=bridge")
      expect(bridges.body.map((i: any) => i.iface)).toEqual(["vmbr0"])
      const unknown = yield* get("/proxmox/nodes/pve2/network?cluster_name=other")
      expect(unknown.status).toBe(400)
      expect(unknown.body.detail).toBe("No Proxmox session found for cluster: other")
      const ghost = yield* get("/proxmox/nodes/ghost/network")
      expect(ghost.body.detail).toBe("Multiple Proxmox sessions configured; provide cluster_name for node network.")

      const qemu = yield* get("/proxmox/nodes/pve1/qemu")
      expect(Object.keys(qemu.body[0])).toEqual(["lab"])
      expect(qemu.body[0].lab.map((g: any) => g.vmid)).toEqual([100, 101, 102])
    }).pipe(Effect.provide(Server)))

  it.scoped("storage and storage content keep the reference's keys; unknown node is 404", () =>
    Effect.gen(function*() {
      yield* twoEndpoints
      const storage = yield* get("/proxmox/storage")
      const local = storage.body[0].lab.find((s: any) => s.storage === "local-lvm")
      expect(local).toEqual({ type: "lvmthin", storage: "local-lvm", content: "images,rootdir", digest: "bb22", shared: 0 })

      const content = yield* get("/proxmox/nodes/pve1/storage/local/content?content=backup")
      expect(content.body.length).toBeGreaterThan(0)
      expect(content.body.every((c: any) => c.content === "backup" && c.verification.state === "ok")).toBe(true)
      const missing = yield* get("/proxmox/nodes/ghost/storage/local/content")
      expect(missing).toEqual({ status: 404, body: expect.objectContaining({ detail: "Node or Storage not found" }) })
      const noStorage = yield* get("/proxmox/nodes/pve1/storage/nope/content")
      expect(noStorage.status).toBe(404)
    }).pipe(Effect.provide(Server)))

  it.scoped("VM config is returned whole (virtio, efidisk, ipconfig keys included)", () =>
    Effect.gen(function*() {
      yield* twoEndpoints
      const config = yield* get("/proxmox/pve1/qemu/100/config?name=Lab")
      expect(config.status).toBe(200)
      expect(config.body).toMatchObject({ name: "vm-100", virtio1: expect.any(String), efidisk0: expect.any(String), ipconfig0: expect.any(String) })
      const lxc = yield* get("/proxmox/pve/lxc/103/config?name=solo")
      expect(lxc.status).toBe(404) // seeded standalone has qemu 100, 101 only
      const ct = yield* get("/proxmox/pve1/lxc/103/config")
      expect(ct.body).toMatchObject({ hostname: "ct-103" })
      const badType = yield* get("/proxmox/pve1/kvm/100/config")
      expect(badType).toEqual({ status: 400, body: expect.objectContaining({ detail: "Invalid VM Type. Use 'qemu' or 'lxc'." }) })
      const missing = yield* get("/proxmox/pve1/qemu/999/config")
      expect(missing).toEqual({ status: 404, body: expect.objectContaining({ detail: "VM Config not found." }) })
    }).pipe(Effect.provide(Server)))

  it.scoped("top-level reads and the /proxmox/ overview", () =>
    Effect.gen(function*() {
      yield* twoEndpoints
      const access = yield* get("/proxmox/access?name=solo")
      expect(access.body[0].pve.map((r: any) => r.subdir)).toContain("users")
      expect((yield* get("/proxmox/pools")).status).toBe(400) // not one of access, cluster, nodes, storage, version
      const home = yield* get("/proxmox/?name=Lab")
      expect(home.body.message).toBe("Proxmox API")
      expect(home.body.clusters[0].lab.access).toContain("users")
      expect(home.body.clusters[0].lab.cluster).toContain("resources")
      expect(home.body.clusters[0].lab.version.release).toBe("8.4")
    }).pipe(Effect.provide(Server)))

  it.scoped("an unreachable endpoint is an error entry beside the others; alone, it is a 502", () =>
    Effect.gen(function*() {
      const { lab } = yield* twoEndpoints
      yield* addEndpoint(new ProxmoxEndpoint({ ...lab.endpoint({ id: 3, name: "down" }), port: 1 })) // nothing listens on 127.0.0.1:1

      const sessions = yield* get("/proxmox/sessions")
      expect(sessions.status).toBe(200)
      expect(sessions.body.map((s: any) => `${s.name}:${s.mode}`)).toEqual(["lab:cluster", "pve:standalone", "down:unreachable"])
      expect(sessions.body[2].error).toContain("Proxmox down unreachable at 127.0.0.1")
      expect(JSON.stringify(sessions.body)).not.toContain("11111111-2222") // the token secret

      const version = yield* get("/proxmox/version")
      expect(version.body.map((e: any) => Object.keys(e)[0])).toEqual(["lab", "pve", "down"])
      expect(version.body[2].down.error).toContain("unreachable")
      const status = yield* get("/proxmox/cluster/status")
      expect(status.body[2]).toEqual({ name: "down", error: expect.stringContaining("unreachable") })

      // The plugin's keepalive probes one endpoint: it must see it down.
      const alone = yield* get("/proxmox/version?name=down")
      expect(alone.status).toBe(502)
      expect(alone.body.message).toBe("Error trying to initialize Proxmox API connection to '127.0.0.1:1' using token authentication")
      expect(alone.body.detail).toContain("Proxmox down unreachable at 127.0.0.1")

      // A node no connected session has may be behind the endpoint that is down: 502, not 404.
      const ghost = yield* get("/proxmox/pve9/qemu/100/config")
      expect(ghost.status).toBe(502)

      const replication = yield* get("/proxmox/replication")
      expect(replication.body).toEqual([
        { cluster_name: "lab", status: "ok", id: "100-0", guest: 100, jobnum: 0, type: "local", source: "pve1", target: "pve2", schedule: "*/15", rate: 10, comment: "seeded", disable: null, remove_job: null },
        { cluster_name: "down", status: "error", error: expect.stringContaining("unreachable") }
      ])
      const aloneReplication = yield* get("/proxmox/replication?name=down")
      expect(aloneReplication).toEqual({ status: 200, body: [{ cluster_name: "down", status: "error", error: expect.any(String) }] })
      const backup = yield* get("/proxmox/cluster/backup")
      expect(backup.body.filter((j: any) => j.cluster_name === "lab").map((j: any) => j.id)).toEqual(["backup-daily", "backup-weekly"])
      expect(backup.body.find((j: any) => j.cluster_name === "down").error).toContain("unreachable")
    }).pipe(Effect.provide(Server)))

  it.scoped("a Proxmox error on one endpoint's read is reported, not a 500", () =>
    Effect.gen(function*() {
      const { lab } = yield* twoEndpoints
      lab.inject({ path: "/storage", kind: { status: 500, message: "storage config locked" } })
      const storage = yield* get("/proxmox/storage")
      expect(storage.status).toBe(200)
      expect(storage.body[0].lab.error).toContain("storage config locked")
      expect(storage.body[1].pve.length).toBeGreaterThan(0)
      const onlyLab = yield* get("/proxmox/storage?name=Lab")
      expect(onlyLab.status).toBe(502)
      expect(onlyLab.body).toMatchObject({ status: 500, message: expect.stringContaining("storage config locked") })
    }).pipe(Effect.provide(Server)))
})
