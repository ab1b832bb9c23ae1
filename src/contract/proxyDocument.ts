/**
 * OpenAPI documents for the proxy surface, one per mounted version, served at
 * `/proxmox/api2/<tag>/openapi.json` (and `/proxmox/api2/openapi.json` for the `latest` alias) and
 * linked from the main `/openapi.json` (see `openApiLinks`). Kept out of the main document because
 * six multi-MB surfaces in one document blank Swagger UI (reference-behaviour §0).
 * Paths keep Proxmox's own placeholder names; built on first request and memoised per mount.
 */
import type { JsonSchema, OpenApiDocument, OpenApiOperation, OpenApiParameter } from "./generator/openapi.ts"
import type { MountedVersion } from "./GeneratedRoutes.ts"
import { CONTROL_PARAMS, exposedName } from "./operation.ts"

const CONTROL_DESCRIPTIONS: Record<(typeof CONTROL_PARAMS)[number], string> = {
  source: "Where the Proxmox endpoints come from: `database` (default) or `netbox` (endpoints mirrored from the NetBox plugin).",
  target_name: "Select the Proxmox endpoint by name (needed when more than one is configured).",
  target_domain: "Select the Proxmox endpoint by domain.",
  target_ip_address: "Select the Proxmox endpoint by IP address."
}

const controlParameters: ReadonlyArray<OpenApiParameter> = CONTROL_PARAMS.map((name) => ({
  name,
  in: "query",
  required: false,
  description: CONTROL_DESCRIPTIONS[name],
  schema: name === "source" ? { type: "string", enum: ["database", "netbox"], default: "database" } : { type: "string" }
}))

const errorBody: JsonSchema = {
  type: "object",
  properties: { _tag: { type: "string" }, message: { type: "string" }, detail: {} },
  required: ["message", "detail"]
}
const errorResponse = (description: string) => ({ description, content: { "application/json": { schema: errorBody } } })

const proxyOperation = (tag: string, op: OpenApiOperation): OpenApiOperation => ({
  ...op,
  operationId: `${tag}_${op.operationId}`,
  tags: [`proxmox / live-generated / ${tag}`],
  parameters: [
    ...op.parameters.map((p) => (p.in === "query" ? { ...p, name: exposedName(p.name) } : p)),
    ...controlParameters
  ],
  responses: {
    ...op.responses,
    "400": errorResponse("Invalid parameters, or no single Proxmox endpoint selected."),
    "502": errorResponse("Proxmox failed or could not be reached.")
  }
})

const memo = new WeakMap<MountedVersion, Map<boolean, OpenApiDocument>>()

export const proxyDocument = (version: MountedVersion, alias: boolean): OpenApiDocument => {
  let byAlias = memo.get(version)
  if (byAlias === undefined) memo.set(version, (byAlias = new Map()))
  const cached = byAlias.get(alias)
  if (cached !== undefined) return cached
  const tag = alias ? "alias" : version.tag
  const paths: OpenApiDocument["paths"] = {}
  for (const [path, item] of Object.entries(version.document.paths)) {
    const out: Record<string, OpenApiOperation> = {}
    for (const [method, op] of Object.entries(item)) if (op !== undefined) out[method] = proxyOperation(tag, op)
    paths[path] = out
  }
  const doc: OpenApiDocument = {
    openapi: "3.1.0",
    info: {
      title: `Proxmox VE API ${version.schemaVersion} through proxbox (${alias ? "latest, unversioned alias" : version.tag})`,
      version: version.schemaVersion,
      description: "Every Proxmox VE API operation of this version, forwarded to a configured Proxmox endpoint. " +
        "Requests are checked against the Proxmox contract; responses are the `data` member of Proxmox's answer. " +
        "Use `target_name`, `target_domain` or `target_ip_address` when more than one endpoint is configured; " +
        "a Proxmox query parameter named like one of those is spelled `op_<name>`."
    },
    servers: [{ url: alias ? "/proxmox/api2" : `/proxmox/api2/${version.tag}` }],
    paths
  }
  byAlias.set(alias, doc)
  return doc
}

/**
 * For the main document (an `OpenApi.Transform` on the hand-written HttpApi): where the generated
 * surfaces are described, and the two route shapes they are served under.
 */
export const openApiLinks = (spec: Record<string, any>): Record<string, any> => ({
  ...spec,
  info: {
    ...spec.info,
    "x-proxmox-generated-openapi": {
      source: "generated/proxmox/latest/openapi.json",
      version_tag: "latest",
      document: "/proxmox/api2/{version_tag}/openapi.json",
      latest: "/proxmox/api2/latest/openapi.json",
      versions: "/proxmox/viewer/integration/contracts"
    }
  },
  paths: {
    ...spec.paths,
    "/proxmox/api2/{version_tag}/openapi.json": {
      get: {
        operationId: "proxmox_generated_openapi",
        tags: ["proxmox / live-generated"],
        summary: "OpenAPI document of one generated Proxmox version (every operation it serves)",
        description: "The generated Proxmox routes are documented per version so that /docs stays usable. " +
          "Mounted versions: GET /proxmox/viewer/integration/contracts. `latest` is also served unversioned under /proxmox/api2/*.",
        parameters: [{ name: "version_tag", in: "path", required: true, schema: { type: "string" } }],
        responses: { "200": { description: "OpenAPI 3.1 document", content: { "application/json": { schema: { type: "object" } } } } }
      }
    }
  }
})
