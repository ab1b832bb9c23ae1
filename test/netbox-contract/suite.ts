/**
 * The NetBox contract: one suite, run against the simulator (simulator.test.ts, every `npm test`) and against a
 * real NetBox (real/real.test.ts, `npm run test:netbox`). Every object it creates carries a per-run name prefix
 * and is deleted by a finalizer, so it can run again and again against a persistent NetBox. Where the two
 * targets disagree, the simulator is wrong.
 */
import { expect, layer } from "@effect/vitest"
import { Effect, type Layer, Option } from "effect"
import { randomBytes } from "node:crypto"
import { parseToken } from "../../src/netbox/auth.ts"
import { live } from "../netbox/live.ts"
import { makeNetBoxClient, type NetBoxClientService, type NetBoxPayload, type NetBoxRecord } from "../../src/netbox/client.ts"
import { ContractTarget } from "./target.ts"

const run = `ct${randomBytes(4).toString("hex")}`
const slug = (s: string) => `${run}-${s}`

const client = (token?: (t: ContractTarget["Type"]) => string) =>
  Effect.flatMap(ContractTarget, (t) =>
    makeNetBoxClient({ baseUrl: t.url, token: parseToken(token ? token(t) : t.tokenV2), retryBase: "50 millis" }))

/** Created now, deleted (in reverse order of creation) when the test's scope closes. */
const owned = (nb: NetBoxClientService, path: string, items: ReadonlyArray<NetBoxPayload>) =>
  Effect.acquireRelease(nb.create(path, items), (objs) => nb.delete(path, objs.map((o) => o.id)).pipe(Effect.orDie))
const one = (nb: NetBoxClientService, path: string, item: NetBoxPayload) => Effect.map(owned(nb, path, [item]), (xs) => xs[0]!)

const countOf = (nb: NetBoxClientService, key: string) => Effect.map(nb.requestCounts.get, (m) => m.get(key) ?? 0)

const nested = (o: unknown) => o as Record<string, unknown>

/** A VM with its cluster, cluster type and tag: the frame most checks hang from. */
const vmFrame = (nb: NetBoxClientService, name: string) =>
  Effect.gen(function*() {
    const tag = yield* one(nb, "extras/tags", { name: slug(`${name}-tag`), slug: slug(`${name}-tag`) })
    const type = yield* one(nb, "virtualization/cluster-types", { name: slug(`${name}-type`), slug: slug(`${name}-type`) })
    const cluster = yield* one(nb, "virtualization/clusters", { name: slug(`${name}-cluster`), type: type.id })
    const vm = yield* one(nb, "virtualization/virtual-machines", { name: slug(`${name}-vm`), cluster: cluster.id, tags: [tag.id] })
    return { tag, type, cluster, vm }
  })

export const contractSuite = (target: Layer.Layer<ContractTarget>) =>
  layer(target, { timeout: "300 seconds" })("NetBox REST contract", (it) => {
    live(it, "status answers with the NetBox version", () =>
      Effect.gen(function*() {
        const nb = yield* client()
        const status = (yield* nb.status) as Record<string, unknown>
        expect(String(status["netbox-version"])).toMatch(/^4\.\d+/)
      }))

    live(it, "v2 and v1 tokens work; a wrong token is a typed auth error", () =>
      Effect.gen(function*() {
        const t = yield* ContractTarget
        expect(yield* Effect.map((yield* client()).count("dcim/sites"), (n) => n >= 0)).toBe(true)
        if (Option.isSome(t.tokenV1)) {
          const v1 = yield* client(() => t.tokenV1.pipe(Option.getOrThrow))
          expect(yield* Effect.map(v1.count("dcim/sites"), (n) => n >= 0)).toBe(true)
        }
        const [key] = t.tokenV2.replace(/^nbt_/, "").split(".")
        const wrongV2 = yield* (yield* client(() => `nbt_${key}.wrong-secret`)).count("dcim/sites").pipe(Effect.flip)
        expect(wrongV2._tag).toBe("NetBoxAuthFailed")
        expect(wrongV2).toMatchObject({ status: 403 })
        const wrongV1 = yield* (yield* client(() => "0123456789abcdef0123456789abcdef01234567")).status.pipe(Effect.flip)
        expect(wrongV1._tag).toBe("NetBoxAuthFailed")
      }))

    live(it, "dcim: sites, manufacturers, device types and roles, devices, interfaces, MAC address objects", () =>
      Effect.gen(function*() {
        const nb = yield* client()
        const site = yield* one(nb, "dcim/sites", { name: slug("site"), slug: slug("site"), status: "active" })
        expect(site["status"]).toEqual({ value: "active", label: "Active" })
        const maker = yield* one(nb, "dcim/manufacturers", { name: slug("maker"), slug: slug("maker") })
        const dtype = yield* one(nb, "dcim/device-types", { manufacturer: maker.id, model: slug("model"), slug: slug("model") })
        expect(nested(dtype["manufacturer"])).toMatchObject({ id: maker.id, name: slug("maker"), slug: slug("maker") })
        const role = yield* one(nb, "dcim/device-roles", { name: slug("role"), slug: slug("role"), color: "ff5722" })
        const device = yield* one(nb, "dcim/devices", {
          name: slug("node"), device_type: dtype.id, role: { slug: slug("role") }, site: site.id, status: "active"
        })
        expect(nested(device["role"])["id"]).toBe(role.id)
        expect(nested(device["site"])).toMatchObject({ id: site.id, url: expect.stringContaining(`/api/dcim/sites/${site.id}/`) })

        // Since 4.2 an interface's MAC is a MACAddress object. In 4.7 `mac_address` on the interface is a
        // shortcut again: writing it creates that MAC address object on the interface and makes it primary.
        const iface = yield* one(nb, "dcim/interfaces", { device: device.id, name: "vmbr0", type: "bridge", mac_address: "aa:bb:cc:00:00:01" })
        expect(iface["type"]).toEqual({ value: "bridge", label: "Bridge" })
        expect(iface["mac_address"]).toBe("AA:BB:CC:00:00:01")
        const [first] = yield* nb.list("dcim/mac-addresses", { interface_id: iface.id })
        expect(first).toMatchObject({ mac_address: "AA:BB:CC:00:00:01", assigned_object_type: "dcim.interface", assigned_object_id: iface.id })
        expect(nested(iface["primary_mac_address"])).toMatchObject({ id: first!.id, mac_address: "AA:BB:CC:00:00:01" })
        expect((iface["mac_addresses"] as Array<Record<string, unknown>>).map((m) => m["id"])).toEqual([first!.id])
        const mac = yield* one(nb, "dcim/mac-addresses", {
          mac_address: "aa:bb:cc:00:00:02", assigned_object_type: "dcim.interface", assigned_object_id: iface.id
        })
        expect(mac["mac_address"]).toBe("AA:BB:CC:00:00:02")
        expect(nested(mac["assigned_object"])["id"]).toBe(iface.id)
        const [updated] = yield* nb.update("dcim/interfaces", [{ id: iface.id, primary_mac_address: mac.id }])
        expect(updated!["mac_address"]).toBe("AA:BB:CC:00:00:02")
        expect(nested(updated!["primary_mac_address"])["id"]).toBe(mac.id)
        const byIface = yield* nb.list("dcim/mac-addresses", { interface_id: iface.id })
        expect(byIface.map((m) => m.id).sort((a, b) => a - b)).toEqual([first!.id, mac.id])
        // The shortcut finds an address already on the interface rather than adding another.
        const [again] = yield* nb.update("dcim/interfaces", [{ id: iface.id, mac_address: "AA:BB:CC:00:00:01" }])
        expect(nested(again!["primary_mac_address"])["id"]).toBe(first!.id)
        expect(yield* nb.count("dcim/mac-addresses", { interface_id: iface.id })).toBe(2)
        const conflict = yield* nb.update("dcim/interfaces", [{ id: iface.id, mac_address: "AA:BB:CC:00:00:01", primary_mac_address: mac.id }])
          .pipe(Effect.flip)
        expect(conflict._tag === "NetBoxValidation" && conflict.itemErrors).toEqual([{
          index: 0, id: iface.id, errors: { __all__: ["The provided 'mac_address' and 'primary_mac_address' values conflict."] }
        }])

        const got = yield* nb.get("dcim/devices", device.id)
        expect(got["name"]).toBe(slug("node"))
      }))

    live(it, "virtualization: cluster types, clusters, VMs, VM interfaces, virtual disks, IPs, VLANs, VRFs, prefixes", () =>
      Effect.gen(function*() {
        const nb = yield* client()
        const { cluster, tag, vm } = yield* vmFrame(nb, "virt")
        expect(vm["status"]).toEqual({ value: "active", label: "Active" })
        expect(nested(vm["cluster"])).toMatchObject({ id: cluster.id, name: slug("virt-cluster") })
        expect((vm["tags"] as Array<Record<string, unknown>>).map((t) => t["slug"])).toEqual([tag["slug"]])
        const [patched] = yield* nb.update("virtualization/virtual-machines", [{ id: vm.id, status: "offline", memory: 2048, vcpus: 2 }])
        expect(patched!["status"]).toEqual({ value: "offline", label: "Offline" })
        expect(patched!["memory"]).toBe(2048)
        expect(Number(patched!["vcpus"])).toBe(2)

        const vrf = yield* one(nb, "ipam/vrfs", { name: slug("vrf") })
        const vlan = yield* one(nb, "ipam/vlans", { vid: 100, name: slug("vlan") })
        const iface = yield* one(nb, "virtualization/interfaces", { virtual_machine: vm.id, name: "net0", untagged_vlan: vlan.id, mode: "access" })
        expect(nested(iface["virtual_machine"])["id"]).toBe(vm.id)
        expect(iface["mode"]).toEqual({ value: "access", label: "Access" })
        const mac = yield* one(nb, "dcim/mac-addresses", {
          mac_address: "BC:24:11:00:00:01", assigned_object_type: "virtualization.vminterface", assigned_object_id: iface.id
        })
        expect(nested(mac["assigned_object"])["id"]).toBe(iface.id)
        const disk = yield* one(nb, "virtualization/virtual-disks", { virtual_machine: vm.id, name: "scsi0", size: 32768 })
        expect(disk["size"]).toBe(32768)
        const prefix = yield* one(nb, "ipam/prefixes", { prefix: "10.251.0.0/24", vrf: vrf.id })
        expect(prefix["family"]).toEqual({ value: 4, label: "IPv4" })
        const ip = yield* one(nb, "ipam/ip-addresses", {
          address: "10.251.0.10/24", vrf: vrf.id, assigned_object_type: "virtualization.vminterface", assigned_object_id: iface.id
        })
        expect(ip["assigned_object_type"]).toBe("virtualization.vminterface")
        expect(yield* Effect.map(nb.list("ipam/ip-addresses", { virtual_machine_id: vm.id }), (xs) => xs.map((x) => x.id))).toEqual([ip.id])
        const [primary] = yield* nb.update("virtualization/virtual-machines", [{ id: vm.id, primary_ip4: ip.id }])
        expect(nested(primary!["primary_ip4"])["id"]).toBe(ip.id)
        yield* nb.update("virtualization/virtual-machines", [{ id: vm.id, primary_ip4: null }])
      }))

    live(it, "extras: tags, custom fields (values, cf_ filters), journal entries", () =>
      Effect.gen(function*() {
        const nb = yield* client()
        const cfName = `${run}_vmid`
        yield* one(nb, "extras/custom-fields", {
          name: cfName, type: "integer", object_types: ["virtualization.virtualmachine"], ui_editable: "hidden", group_name: "Proxmox"
        }).pipe(Effect.tap((cf) => expect(cf["type"]).toEqual({ value: "integer", label: "Integer" })))
        const { vm } = yield* vmFrame(nb, "cf")
        expect(nested(vm["custom_fields"])[cfName]).toBeNull()
        const [withCf] = yield* nb.update("virtualization/virtual-machines", [{ id: vm.id, custom_fields: { [cfName]: 101 } }])
        expect(nested(withCf!["custom_fields"])[cfName]).toBe(101)
        expect((yield* nb.list("virtualization/virtual-machines", { [`cf_${cfName}`]: 101 })).map((v) => v.id)).toEqual([vm.id])
        expect(yield* nb.list("virtualization/virtual-machines", { [`cf_${cfName}`]: 102 })).toEqual([])

        const bad = yield* nb.update("virtualization/virtual-machines", [{ id: vm.id, custom_fields: { [`${run}_nope`]: 1 } }]).pipe(Effect.flip)
        expect(bad._tag === "NetBoxValidation" && bad.itemErrors).toEqual([{
          index: 0, id: vm.id, errors: { custom_fields: { [`${run}_nope`]: `Custom field '${run}_nope' does not exist for this object type.` } }
        }])

        const entry = yield* one(nb, "extras/journal-entries", {
          assigned_object_type: "virtualization.virtualmachine", assigned_object_id: vm.id, kind: "info", comments: "contract"
        })
        expect(entry["kind"]).toEqual({ value: "info", label: "Info" })
        expect(entry["assigned_object_id"]).toBe(vm.id)
      }))

    live(it, "bulk create, update and delete are one request each; bulk errors are aligned per item", () =>
      Effect.gen(function*() {
        const nb = yield* client()
        const sites = yield* owned(nb, "dcim/sites", [1, 2, 3].map((i) => ({ name: slug(`bulk${i}`), slug: slug(`bulk${i}`) })))
        expect(sites.map((s) => s["name"])).toEqual([1, 2, 3].map((i) => slug(`bulk${i}`)))
        expect(yield* countOf(nb, "POST /api/dcim/sites/")).toBe(1)
        // NetBox answers a bulk update in the model's ordering; the client gives the results in the caller's order.
        const reversed = [...sites].reverse()
        const updated = yield* nb.update("dcim/sites", reversed.map((s) => ({ id: s.id, description: `bulk ${s.id}` })))
        expect(updated.map((s) => [s.id, s["description"]])).toEqual(reversed.map((s) => [s.id, `bulk ${s.id}`]))
        expect(yield* countOf(nb, "PATCH /api/dcim/sites/")).toBe(1)

        // 4.7: `{detail, errors: [{id, errors}]}`; the whole batch is refused.
        const badUpdate = yield* nb.update("dcim/sites", [{ id: sites[0]!.id, description: "x" }, { id: sites[1]!.id, status: "sideways" }])
          .pipe(Effect.flip)
        expect(badUpdate._tag === "NetBoxValidation" && badUpdate.itemErrors).toEqual([
          { index: 1, id: sites[1]!.id, errors: { status: ["sideways is not a valid choice."] } }
        ])
        expect((yield* nb.get("dcim/sites", sites[0]!.id))["description"]).toBe(`bulk ${sites[0]!.id}`)
        // Ids that do not exist refuse a bulk update or delete (400) before anything is written.
        for (const write of [
          nb.update("dcim/sites", [{ id: sites[0]!.id, description: "y" }, { id: 999_999_999, description: "y" }]),
          nb.delete("dcim/sites", [sites[0]!.id, 999_999_999])
        ]) {
          const missing = yield* Effect.flip(write)
          expect(missing._tag === "NetBoxValidation" && missing.itemErrors).toEqual([
            { index: 1, id: 999_999_999, errors: { id: ["Object with ID 999999999 does not exist"] } }
          ])
          expect(missing.message).toContain("1 of 2 objects could not be found.")
        }
        expect((yield* nb.get("dcim/sites", sites[0]!.id))["description"]).toBe(`bulk ${sites[0]!.id}`)
        // A bad choice in a filter is refused, not ignored.
        const badFilter = yield* nb.list("dcim/sites", { status: "sideways" }).pipe(Effect.flip)
        expect(badFilter._tag === "NetBoxValidation" && badFilter.body).toEqual({
          status: ["Select a valid choice. sideways is not one of the available choices."]
        })

        const failed = yield* nb.create("dcim/sites", [
          { name: slug("bulk4"), slug: slug("bulk4") },
          { name: slug("bulk1"), slug: slug("bulk1-again") },
          { name: slug("bulk5"), slug: slug("bulk5"), status: "sideways" }
        ]).pipe(Effect.flip)
        expect(failed._tag).toBe("NetBoxValidation")
        if (failed._tag !== "NetBoxValidation") return
        expect(failed.itemErrors.map((e) => e.index)).toEqual([1, 2])
        expect(failed.itemErrors[0]!.errors).toEqual({ name: ["site with this name already exists."] })
        expect(nested(failed.itemErrors[1]!.errors)["status"]).toEqual(["sideways is not a valid choice."])
        expect(failed.message).toContain("2 of 3 objects could not be created.")
        expect(yield* nb.list("dcim/sites", { name: slug("bulk4") })).toEqual([]) // all or nothing
      }))

    live(it, "uniqueness and validation errors keep NetBox's 400 body", () =>
      Effect.gen(function*() {
        const nb = yield* client()
        const { cluster, vm } = yield* vmFrame(nb, "uniq")
        const dup = yield* nb.create("virtualization/virtual-machines", [{ name: String(vm["name"]), cluster: cluster.id }]).pipe(Effect.flip)
        expect(dup._tag === "NetBoxValidation" && dup.itemErrors).toEqual([
          { index: 0, errors: { __all__: ["Virtual machine name must be unique per cluster and tenant."] } }
        ])
        const missing = yield* nb.create("virtualization/virtual-disks", [{ virtual_machine: vm.id, name: "scsi9" }]).pipe(Effect.flip)
        expect(missing._tag === "NetBoxValidation" && missing.itemErrors).toEqual([{ index: 0, errors: { size: ["This field is required."] } }])
        const noRelated = yield* nb.create("virtualization/virtual-disks", [{ virtual_machine: { name: slug("no-such-vm") }, name: "x", size: 1 }])
          .pipe(Effect.flip)
        expect(JSON.stringify(noRelated._tag === "NetBoxValidation" ? noRelated.body : null)).toContain("Related object not found using the provided attributes")
        const got = yield* nb.get("virtualization/virtual-machines", 999_999_999).pipe(Effect.flip)
        expect(got._tag).toBe("NetBoxNotFound")
        const protectedDelete = yield* nb.delete("virtualization/cluster-types", [nested(cluster["type"])["id"] as number]).pipe(Effect.flip)
        expect(protectedDelete).toMatchObject({ _tag: "NetBoxRequestFailed", status: 409 })
      }))

    live(it, "filters: id lists, tag, name lookups (__ic, __n, __isw), relations, brief and fields", () =>
      Effect.gen(function*() {
        const nb = yield* client()
        const { cluster, tag, vm } = yield* vmFrame(nb, "flt")
        const others = yield* owned(nb, "virtualization/virtual-machines", ["a", "b"].map((x) => ({ name: slug(`fltx-${x}`), cluster: cluster.id })))
        const ids = (xs: ReadonlyArray<NetBoxRecord>) => xs.map((x) => x.id).sort((a, b) => a - b)
        const all = [vm, ...others]
        expect(ids(yield* nb.list("virtualization/virtual-machines", { cluster_id: cluster.id }))).toEqual(ids(all))
        expect(ids(yield* nb.list("virtualization/virtual-machines", { id: all.map((v) => v.id) }))).toEqual(ids(all))
        expect(ids(yield* nb.list("virtualization/virtual-machines", { tag: String(tag["slug"]) }))).toEqual([vm.id])
        expect(ids(yield* nb.list("virtualization/virtual-machines", { name__ic: slug("FLTX-A").toUpperCase() }))).toEqual([others[0]!.id])
        expect(ids(yield* nb.list("virtualization/virtual-machines", { cluster_id: cluster.id, name__n: slug("fltx-a") }))).toEqual(ids([vm, others[1]!]))
        expect(ids(yield* nb.list("virtualization/virtual-machines", { name__isw: slug("fltx-") }))).toEqual(ids(others))
        expect(ids(yield* nb.list("virtualization/virtual-machines", { cluster_id: cluster.id, tag__n: String(tag["slug"]) }))).toEqual(ids(others))
        const brief = yield* nb.list("virtualization/virtual-machines", { id: vm.id }, { brief: true })
        expect(Object.keys(brief[0]!)).toEqual(expect.arrayContaining(["id", "url", "display", "name"]))
        expect(brief[0]).not.toHaveProperty("status")
        const fields = yield* nb.list("virtualization/virtual-machines", { id: vm.id }, { fields: ["id", "name"] })
        expect(fields).toEqual([{ id: vm.id, name: vm["name"] }])
      }))

    live(it, "pagination: past 1,000 objects, lists follow `next` (2,500 in 3 requests on the simulator); 500 are created in 1", () =>
      Effect.gen(function*() {
        const t = yield* ContractTarget
        const nb = yield* client()
        const n = t.paginationObjects
        // Cluster types: among the cheapest objects for a real NetBox to create and delete (tags take 250 ms each to delete).
        const items = Array.from({ length: n }, (_, i) => ({ name: slug(`p${i}`), slug: slug(`p${i}`) }))
        const made = yield* owned(nb, "virtualization/cluster-types", items)
        expect(made).toHaveLength(n)
        expect(yield* countOf(nb, "POST /api/virtualization/cluster-types/")).toBe(Math.ceil(n / 500))
        const listed = yield* nb.list("virtualization/cluster-types", { name__isw: `${run}-p` })
        expect(listed).toHaveLength(n)
        expect(new Set(listed.map((x) => x.id)).size).toBe(n)
        expect(yield* countOf(nb, "GET /api/virtualization/cluster-types/")).toBe(Math.ceil(n / 1000))
        expect(yield* nb.count("virtualization/cluster-types", { name__isw: `${run}-p` })).toBe(n)
        // A page asked above MAX_PAGE_SIZE is capped, and `next` is set.
        const page = (yield* nb.request("GET", "virtualization/cluster-types", { query: { name__isw: `${run}-p`, limit: 5000 } })) as Record<string, unknown>
        expect((page["results"] as Array<unknown>).length).toBe(1000)
        expect(page["next"]).toEqual(expect.stringContaining("offset=1000"))
      }))

    live(it, "plugin models: storage, backups, snapshots, task history, replications", () =>
      Effect.gen(function*() {
        const t = yield* ContractTarget
        if (!t.plugin) return
        const nb = yield* client()
        const { cluster, vm } = yield* vmFrame(nb, "plug")
        const storage = yield* one(nb, "plugins/proxbox/storage", { cluster: cluster.id, name: "local", storage_type: "dir", content: "backup,iso" })
        expect(nested(storage["cluster"])["id"]).toBe(cluster.id)
        const backup = yield* one(nb, "plugins/proxbox/backups", {
          proxmox_storage: storage.id, storage: "local", virtual_machine: vm.id, subtype: "qemu", format: "tzst",
          creation_time: "2026-01-02T03:04:05Z", size: 1024, volume_id: `local:backup/${run}.tar.zst`, vmid: 101
        })
        expect(backup["subtype"]).toEqual(expect.objectContaining({ value: "qemu" }))
        expect(backup["format"]).toEqual(expect.objectContaining({ value: "tzst" }))
        expect(yield* Effect.map(nb.list("plugins/proxbox/backups", { virtual_machine_id: vm.id }), (xs) => xs.map((x) => x.id))).toEqual([backup.id])
        const snapshot = yield* one(nb, "plugins/proxbox/snapshots", {
          virtual_machine: vm.id, name: "before-upgrade", vmid: 101, node: slug("node"), subtype: "qemu", status: "active"
        })
        expect(snapshot["status"]).toEqual(expect.objectContaining({ value: "active" }))
        const task = yield* one(nb, "plugins/proxbox/task-history", {
          virtual_machine: vm.id, upid: `UPID:${run}:0001`, node: slug("node"), task_type: "qmstart", username: "root@pam",
          start_time: "2026-01-02T03:04:05Z", description: "start", status: "OK"
        })
        expect(task["upid"]).toBe(`UPID:${run}:0001`)
        const dupTask = yield* nb.create("plugins/proxbox/task-history", [{
          virtual_machine: vm.id, upid: `UPID:${run}:0001`, node: "n", task_type: "x", username: "u", start_time: "2026-01-02T03:04:05Z", description: "d", status: "OK"
        }]).pipe(Effect.flip)
        expect(dupTask._tag).toBe("NetBoxValidation")
        const replication = yield* one(nb, "plugins/proxbox/replications", {
          replication_id: `${run}-101-0`, virtual_machine: vm.id, guest: 101, target: "pve2", jobnum: 0, disable: false
        })
        expect(replication["replication_id"]).toBe(`${run}-101-0`)
      }))
  })
