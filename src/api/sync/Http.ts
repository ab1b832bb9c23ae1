/**
 * Handlers of the /dcim and /virtualization sync routes: each builds a SyncRequest from the query and runs
 * the orchestrator's one Stream, to completion (JSON) or as SSE. The VM read routes answer from NetBox.
 */
import { selectStoredEndpoints } from "../selection.ts"
import { HttpApiBuilder } from "@effect/platform"
import { Effect } from "effect"
import { badRequest, notFound, UpstreamError } from "../../domain/errors.ts"
import type { NetBoxClientService, NetBoxRecord } from "../../netbox/client.ts"
import { NetBoxConnector } from "../../netbox/NetBoxClient.ts"
import { PATHS } from "../../sync/clusters.ts"
import { customField } from "../../sync/model.ts"
import type { SyncRequest } from "../../sync/pipeline.ts"
import { SyncOrchestrator } from "../../sync/SyncOrchestrator.ts"
import { ProxboxApi } from "../Api.ts"
import { orNoNetBox } from "../netbox/stored.ts"
import { sseResponse } from "../sse.ts"
import type { SyncQuery } from "./Api.ts"
import { baseRequest, jsonAnswer, toHttpError } from "./common.ts"

const nameOf = (u: unknown): string | null =>
  typeof u === "object" && u !== null && typeof (u as { name?: unknown }).name === "string" ? (u as { name: string }).name : null

/** Guests behind NetBox VMs: same cluster and vmid (their identity), or, without a vmid, the same name. */
const guestsOf = (vms: ReadonlyArray<NetBoxRecord>): NonNullable<SyncRequest["guestFilter"]> => {
  const wanted = vms.map((vm) => ({ cluster: nameOf(vm["cluster"])?.toLowerCase() ?? null, vmid: customField(vm, "proxmox_vm_id"), name: String(vm["name"] ?? "").toLowerCase() }))
  return (guest, cluster) =>
    wanted.some((w) =>
      (w.cluster === null || w.cluster === cluster.toLowerCase()) &&
      (typeof w.vmid === "number" ? w.vmid === guest.vmid : w.name === guest.name.toLowerCase())
    )
}

export const summaryOf = (vm: NetBoxRecord) => ({
  id: String(vm.id),
  name: String(vm["name"] ?? ""),
  status: String((vm["status"] as { value?: unknown } | null)?.value ?? vm["status"] ?? "unknown"),
  node: nameOf(vm["device"]) ?? (customField(vm, "proxmox_node") as string | null) ?? null,
  cluster: nameOf(vm["cluster"]),
  vcpus: typeof vm["vcpus"] === "number" ? vm["vcpus"] : vm["vcpus"] == null ? null : Number(vm["vcpus"]),
  memory_mb: typeof vm["memory"] === "number" ? vm["memory"] : null,
  disk_mb: typeof vm["disk"] === "number" ? vm["disk"] : null,
  vmid: typeof customField(vm, "proxmox_vm_id") === "number" ? customField(vm, "proxmox_vm_id") as number : null,
  type: typeof customField(vm, "proxmox_vm_type") === "string" ? customField(vm, "proxmox_vm_type") as string : null,
  ip_addresses: [vm["primary_ip4"], vm["primary_ip6"]].flatMap((ip) =>
    typeof ip === "object" && ip !== null && typeof (ip as { address?: unknown }).address === "string" ? [(ip as { address: string }).address] : []
  ),
  tags: Array.isArray(vm["tags"]) ? (vm["tags"] as Array<{ slug?: unknown }>).map((t) => String(t.slug)) : []
})

export const SUMMARY_EXAMPLE = {
  id: "vm-102", name: "db-server-01", status: "active", node: "pve1", cluster: "lab", vcpus: 4, memory_mb: 8192, disk_mb: 102400,
  vmid: 102, type: "qemu", ip_addresses: ["10.0.0.12/24"], tags: ["proxbox", "database"]
}

export const HttpDcimLive = HttpApiBuilder.group(ProxboxApi, "dcim", (handlers) =>
  Effect.gen(function*() {
    const sync = yield* SyncOrchestrator
    const request = (q: SyncQuery) => Effect.map(selectStoredEndpoints(q), (endpoints) => baseRequest("devices", q, endpoints))
    return handlers
      .handle("devices", () => Effect.succeed({ message: "Devices created" }))
      .handle("createDevices", ({ urlParams }) =>
        request(urlParams).pipe(Effect.flatMap((r) => Effect.mapError(sync.runToCompletion(r), toHttpError)), Effect.map(jsonAnswer)))
      .handle("createDevicesStream", ({ urlParams }) => Effect.map(request(urlParams), (r) => sseResponse(sync.run(r))))
  }))

export const HttpVirtualizationLive = HttpApiBuilder.group(ProxboxApi, "virtualization", (handlers) =>
  Effect.gen(function*() {
    const sync = yield* SyncOrchestrator
    const connector = yield* NetBoxConnector
    const netbox = connector.client.pipe(orNoNetBox)
    const nbError = (message: string) => (e: { readonly message: string }) => new UpstreamError({ upstream: "netbox", message, detail: e.message })

    /** A VM by NetBox id: 404 with `missing` when NetBox has none. */
    const vmById = (nb: NetBoxClientService, id: number, missing: string) =>
      nb.get(PATHS.virtual_machine, id).pipe(
        Effect.catchTag("NetBoxNotFound", () => Effect.fail(notFound(missing))),
        Effect.mapError((e) => (e._tag === "NotFound" ? e : nbError("Failed to load virtual machine from NetBox")(e)))
      )

    const vmsRequest = (q: SyncQuery, stage: "virtual-machines" | "clusters" | "cluster-types") =>
      Effect.gen(function*() {
        const endpoints = yield* selectStoredEndpoints(q)
        const base = baseRequest(stage, q, endpoints)
        const ids = (q.netbox_vm_ids ?? []).map(Number).filter(Number.isInteger)
        if (stage !== "virtual-machines" || ids.length === 0) return base
        const nb = yield* netbox
        const vms = yield* nb.list(PATHS.virtual_machine, { id: ids }).pipe(Effect.mapError(nbError("Failed to load virtual machines from NetBox")))
        return { ...base, guestFilter: guestsOf(vms) } satisfies SyncRequest
      })

    const oneVmRequest = (q: SyncQuery, id: number) =>
      Effect.gen(function*() {
        const nb = yield* netbox
        const vm = yield* vmById(nb, id, `Virtual machine id=${id} was not found in NetBox.`)
        const name = String(vm["name"] ?? "")
        if (name === "") return yield* badRequest(`Virtual machine id=${id} has no name to match in Proxmox.`)
        const endpoints = yield* selectStoredEndpoints(q)
        return {
          ...baseRequest("virtual-machine", q, endpoints),
          guestFilter: guestsOf([vm]),
          notFound: `No matching Proxmox VM was found for NetBox virtual machine id=${id} (name='${name}').`
        } satisfies SyncRequest
      })

    const json = (r: SyncRequest) => Effect.map(Effect.mapError(sync.runToCompletion(r), toHttpError), jsonAnswer)

    return handlers
      .handle("createClusterTypes", ({ urlParams }) => Effect.flatMap(vmsRequest(urlParams, "cluster-types"), json))
      .handle("createClusters", ({ urlParams }) => Effect.flatMap(vmsRequest(urlParams, "clusters"), json))
      .handle("createVms", ({ urlParams }) => Effect.flatMap(vmsRequest(urlParams, "virtual-machines"), json))
      .handle("createVmsStream", ({ urlParams }) => Effect.map(vmsRequest(urlParams, "virtual-machines"), (r) => sseResponse(sync.run(r))))
      .handle("createVm", ({ path, urlParams }) => Effect.flatMap(oneVmRequest(urlParams, path.netbox_vm_id), json))
      .handle("createVmStream", ({ path, urlParams }) =>
        Effect.map(oneVmRequest(urlParams, path.netbox_vm_id), (r) => sseResponse(sync.run(r))))
      .handle("listVms", () =>
        Effect.flatMap(netbox, (nb) => nb.list(PATHS.virtual_machine)).pipe(
          Effect.mapError((e) => (e._tag === "BadRequest" ? e : nbError("Failed to load virtual machines from NetBox")(e))),
          Effect.map((vms) => vms.map((vm) => ({ ...vm })))
        ))
      .handle("summaryExample", () => Effect.succeed(SUMMARY_EXAMPLE))
      .handle("getVm", ({ path }) =>
        Effect.flatMap(netbox, (nb) => vmById(nb, path.id, "Virtual machine not found")).pipe(Effect.map((vm) => ({ ...vm }))))
      .handle("vmSummary", ({ path }) =>
        Effect.flatMap(netbox, (nb) => vmById(nb, path.id, "Virtual machine not found")).pipe(Effect.map(summaryOf)))
  }))
