import { describe, expect, it } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { ProxmoxEndpoint, type ProxmoxEndpointId } from "../../src/domain/endpoint.ts"
import { ProxmoxClient } from "../../src/proxmox/ProxmoxClient.ts"
import * as Reads from "../../src/proxmox/reads.ts"
import { ProxmoxSimulator } from "../../src/testing/proxmox/ProxmoxSimulator.ts"
import { ProxmoxSimulatorTest } from "../../src/testing/proxmox/layers.ts"

describe("typed reads against the simulator", () => {
  it.live("guests, configs, snapshots, agent interfaces, storage, network, jobs, tasks", () =>
    Effect.gen(function*() {
      const sim = yield* ProxmoxSimulator
      const s = yield* Effect.flatMap(ProxmoxClient, (c) => c.connect(sim.endpoint()))
      expect((yield* Reads.guests(s, "pve1", "qemu")).map((g) => g.vmid)).toEqual([100, 101, 102])
      expect((yield* Reads.guests(s, "pve1", "lxc")).map((g) => g.vmid)).toEqual([103])
      expect(yield* Reads.guestConfig(s, "pve1", "qemu", 100)).toMatchObject({ name: "vm-100", cores: 2 })
      expect((yield* Reads.snapshots(s, "pve1", "qemu", 100)).map((x) => x.name)).toEqual(["current", "before-upgrade"])
      const nics = yield* Reads.agentInterfaces(s, "pve1", 101)
      expect(nics.map((n) => [n.name, n["ip-addresses"].map((a) => a["ip-address"])])).toEqual([["lo", ["127.0.0.1"]], ["eth0", ["10.0.0.101"]]])
      const backups = yield* Reads.storageContent(s, "pve1", "local", { content: "backup" })
      expect(backups.map((b) => b.vmid)).toEqual([100, 102])
      expect((yield* Reads.network(s, "pve1")).map((i) => i.iface)).toContain("vmbr0")
      expect((yield* Reads.replicationJobs(s)).map((j) => j.id)).toEqual(["100-0"])
      expect((yield* Reads.backupJobs(s)).map((j) => j.id)).toEqual(["backup-daily", "backup-weekly"])
      expect((yield* Reads.tasks(s, "pve2"))[0]).toMatchObject({ type: "vzdump", status: "OK" })
      expect((yield* Reads.storage(s)).map((x) => x.storage)).toEqual(["local", "local-lvm", "nfs-backups"])
    }).pipe(Effect.provide(ProxmoxSimulatorTest())))
})

const endpoint = new ProxmoxEndpoint({
  id: 1 as ProxmoxEndpointId, name: "odd", ip_address: "10.0.0.1", domain: null, port: 8006, username: "root@pam",
  password: Redacted.make("x"), verify_ssl: true, token_name: null, token_value: null, netbox_id: null
})

describe("rows that cannot be identified", () => {
  it.effect("are skipped; their neighbours, odd fields and all, are kept", () =>
    Effect.gen(function*() {
      const s = yield* Effect.flatMap(ProxmoxClient, (c) => c.connect(endpoint))
      const vms = yield* Reads.guests(s, "n1", "qemu")
      expect(vms).toEqual([{ vmid: 100, name: "ok", cpus: undefined }, { vmid: 102, name: "42" }])
      const notAList = yield* Reads.nodes(s).pipe(Effect.flip)
      expect(notAList).toMatchObject({ _tag: "ProxmoxApiError", reason: "expected a list" })
    }).pipe(Effect.provide(ProxmoxClient.layerTest((_e, req) => {
      switch (req.path) {
        case "/version": return Effect.succeed({ version: "8.4.17", release: "8.4" })
        case "/cluster/status": return Effect.succeed([{ type: "node", name: "n1", local: 1 }])
        case "/nodes/n1/qemu": return Effect.succeed([{ vmid: "100", name: "ok", cpus: "many" }, { name: "no vmid" }, { vmid: 102, name: 42 }])
        default: return Effect.succeed({ not: "a list" })
      }
    }))))
})
