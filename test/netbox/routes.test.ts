import { HttpApi, HttpClient, HttpLayerRouter } from "@effect/platform"
import { NodeHttpServer } from "@effect/platform-node"
import { expect, layer } from "@effect/vitest"
import { Context, Effect, Layer, Option, Redacted, Ref } from "effect"
import { ExtrasGroup, NetBoxGroup } from "../../src/api/netbox/Api.ts"
import { HttpExtrasLive, HttpNetBoxLive } from "../../src/api/netbox/Http.ts"
import { NetBoxEndpoint, NetBoxEndpointId } from "../../src/domain/endpoint.ts"
import { EndpointRepository } from "../../src/endpoints/EndpointRepository.ts"
import { CUSTOM_FIELDS, NetBoxBootstrap } from "../../src/netbox/bootstrap.ts"
import { NetBoxConnector } from "../../src/netbox/NetBoxClient.ts"
import { NetBoxSimulator } from "../../src/testing/netbox/index.ts"
import { live } from "./live.ts"

// Retries off: the server fibers run on the layer's TestClock, where a backoff would never end.
// Only the NetBox groups, under ProxboxApi's id so their handler layers fit.
const Api = HttpApi.make("proxbox").add(NetBoxGroup).add(ExtrasGroup)

/** The routes read the stored endpoint through `getNetBox` only. */
class Stored extends Context.Tag("test/StoredNetBox")<Stored, Ref.Ref<Option.Option<NetBoxEndpoint>>>() {}
const notHere = () => Effect.dieMessage("not used by the NetBox routes")
const RepoStub = Layer.effect(
  EndpointRepository,
  Effect.map(Stored, (stored) => ({
    listProxmox: notHere, getProxmox: notHere, insertProxmox: notHere, updateProxmox: notHere, deleteProxmox: notHere,
    listNetBox: notHere, getNetBoxById: notHere, insertNetBox: notHere, updateNetBox: notHere, deleteNetBox: notHere,
    getNetBox: Ref.get(stored)
  }))
).pipe(Layer.provideMerge(Layer.effect(Stored, Ref.make(Option.none<NetBoxEndpoint>()))))

const Server = HttpLayerRouter.serve(
  HttpLayerRouter.addHttpApi(Api).pipe(Layer.provide([HttpNetBoxLive, HttpExtrasLive])),
  { disableLogger: true, disableListenLog: true }
).pipe(
  Layer.provide([NetBoxConnector.layer({ retries: 0 }), NetBoxBootstrap.layer]),
  Layer.provideMerge(RepoStub),
  Layer.provideMerge(NodeHttpServer.layerTest),
  Layer.provideMerge(NetBoxSimulator.layer())
)

const get = (url: string) =>
  HttpClient.get(url).pipe(
    Effect.flatMap((res) => Effect.map(res.json, (body) => ({ status: res.status, body: body as any }))),
    Effect.scoped
  )

/** Stores the simulator as the NetBox endpoint, with a v2 key given without its `nbt_` prefix. */
const storeSimulator = Effect.gen(function*() {
  const sim = yield* NetBoxSimulator
  const [key, secret] = sim.tokenV2.replace(/^nbt_/, "").split(".") as [string, string]
  const port = Number(new URL(sim.url).port)
  yield* Effect.flatMap(Stored, (s) => Ref.set(s, Option.some(new NetBoxEndpoint({
    id: NetBoxEndpointId.make(1), name: "sim", ip_address: "127.0.0.1", domain: "127.0.0.1", port,
    token_version: "v2", token_key: key, token: Redacted.make(secret), verify_ssl: false
  }))))
})

layer(Server)("NetBox routes", (it) => {
  live(it, "without a stored endpoint they answer 400 with a clear text", () =>
    Effect.gen(function*() {
      const res = yield* get("/netbox/status")
      expect(res.status).toBe(400)
      expect(res.body).toMatchObject({ message: "No NetBox endpoint found", detail: "Please add a NetBox endpoint in the database" })
    }))

  live(it, "status and openapi pass NetBox's answers through", () =>
    Effect.gen(function*() {
      yield* storeSimulator
      const status = yield* get("/netbox/status")
      expect(status.status).toBe(200)
      expect(status.body["netbox-version"]).toMatch(/^4\./)
      const openapi = yield* get("/netbox/openapi")
      expect(openapi.body.openapi).toBe("3.0.3")
    }))

  live(it, "NetBox failures are 502 with the reference's text and the cause in detail", () =>
    Effect.gen(function*() {
      yield* storeSimulator
      const sim = yield* NetBoxSimulator
      yield* sim.injectFault({ path: "/api/status/", status: 503 })
      const res = yield* get("/netbox/status")
      expect(res.status).toBe(502)
      expect(res.body.message).toBe("Error fetching status from NetBox API.")
      expect(res.body.detail).toContain("503")
    }))

  live(it, "custom-fields/create ensures every field and the tag; a second call writes nothing", () =>
    Effect.gen(function*() {
      yield* storeSimulator
      const sim = yield* NetBoxSimulator
      const first = yield* get("/extras/extras/custom-fields/create")
      expect(first.status).toBe(200)
      expect(first.body.map((cf: any) => cf.name)).toEqual(CUSTOM_FIELDS.map((f) => f.name))
      expect(sim.store.all(sim.store.byType.get("extras.tag")!).map((t) => t["slug"])).toContain("proxbox")
      yield* sim.resetRequestCounts
      const second = yield* get("/extras/extras/custom-fields/create")
      expect(second.body).toHaveLength(CUSTOM_FIELDS.length)
      expect((yield* sim.requestCounts).size).toBe(0)
    }))
})
