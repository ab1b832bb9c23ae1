import { describe, expect, it } from "@effect/vitest"
import { Either } from "effect"
import { readFileSync } from "node:fs"
import { parseApidoc } from "../../src/contract/generator/apidoc.ts"
import { generateFromText } from "../../src/contract/generator/generate.ts"
import { operationIdOf, perlPatternToJs } from "../../src/contract/generator/openapi.ts"

const tree = [{
  path: "/nodes",
  text: "nodes",
  leaf: 0,
  info: { GET: { method: "GET", name: "index", description: "Cluster node index.", parameters: { additionalProperties: 0 }, returns: { type: "array", items: { type: "object", properties: { node: { type: "string" } } } } } },
  children: [{
    path: "/nodes/{node}/hardware/pci/{pci-id-or-mapping}",
    text: "{pci-id-or-mapping}",
    leaf: 1,
    info: {
      PUT: {
        method: "PUT",
        name: "set",
        description: "Set.",
        permissions: { check: ["perm", "/", ["Sys.Modify"]] },
        parameters: {
          additionalProperties: 0,
          properties: {
            node: { type: "string", format: "pve-node" },
            "pci-id-or-mapping": { type: "string", pattern: "(?^i:[a-z]+)" },
            source: { type: "integer", optional: 1, minimum: 1 }
          }
        },
        returns: { type: "null" }
      }
    }
  }]
}]

/** The same API as a crawl checkpoint (Format B): viewer fields, boolean optional, wrapped check. */
const checkpoint = {
  captured_endpoints: 2,
  endpoints: {
    "/nodes": { path: "/nodes", methods: { GET: { method: "GET", method_name: "index", description: "Cluster node index.", parameters: { additionalProperties: 0 }, returns: { type: "array", items: { type: "object", properties: { node: { id: "pmx-param-schema-1", name: "node", type: "string", optional: false } } } }, permissions: {}, protected: null, unstable: null } } },
    "/nodes/{node}/hardware/pci/{pci-id-or-mapping}": {
      path: "/nodes/{node}/hardware/pci/{pci-id-or-mapping}",
      methods: {
        PUT: {
          method: "PUT",
          method_name: "set",
          description: "Set.",
          permissions: { check: [["perm", "/", ["Sys.Modify"]]] },
          parameters: {
            additionalProperties: 0,
            properties: {
              node: { id: "pmx-param-schema-2", name: "node", type: "string", format: "pve-node", optional: false },
              "pci-id-or-mapping": { id: "pmx-param-schema-3", name: "pci-id-or-mapping", type: "string", pattern: "(?^i:[a-z]+)", optional: false },
              source: { id: "pmx-param-schema-4", name: "source", type: "integer", optional: true, minimum: 1 }
            }
          },
          returns: { type: "null" }
        }
      }
    }
  }
}

const generate = (text: string) => Either.getOrThrow(generateFromText(text, { schemaVersion: "9.9.9" }))

describe("contract generator", () => {
  it("is deterministic, and the committed output is what it generates", () => {
    const text = readFileSync("../shared/reference/proxmox/pve-8.4.17-apidoc.json", "utf8")
    const options = { schemaVersion: "8.4.17", source: "reference/proxmox/pve-8.4.17-apidoc.json" }
    const a = Either.getOrThrow(generateFromText(text, options))
    expect(Either.getOrThrow(generateFromText(text, options)).text).toBe(a.text)
    expect(a.operationCount).toBe(605)
    expect(a.text).toBe(readFileSync("generated/proxmox/8.4/openapi.json", "utf8"))
  })

  it("reads apidoc trees, apidoc.js text and crawl checkpoints into the same document", () => {
    const fromTree = generate(JSON.stringify(tree)).text
    expect(generate(`// viewer\nconst apiSchema = ${JSON.stringify(tree, null, 1)};\nlet x = ["]"];`).text).toBe(fromTree)
    expect(generate(JSON.stringify(checkpoint)).text).toBe(fromTree)
  })

  it("writes OpenAPI 3.1 with operation ids, path/query/body parameters, returns and permissions", () => {
    const doc = generate(JSON.stringify(tree)).document
    const put = doc.paths["/nodes/{node}/hardware/pci/{pci-id-or-mapping}"]!.put!
    expect(doc.openapi).toBe("3.1.0")
    expect(doc.info.version).toBe("9.9.9")
    expect(put.operationId).toBe("put_nodes_node_hardware_pci_pci_id_or_mapping")
    expect(put.parameters.map((p) => [p.name, p.in, p.required])).toEqual([["node", "path", true], ["pci-id-or-mapping", "path", true]])
    expect(put.parameters[1]!.schema).toMatchObject({ pattern: "^(?:(?:[a-z]+))$", "x-proxmox-pattern-flags": "i" })
    expect(put.requestBody!.content["application/json"].schema).toMatchObject({ type: "object", properties: { source: { type: "integer", minimum: 1 } }, additionalProperties: false })
    expect(put["x-proxmox"]).toMatchObject({ name: "set", permissions: { check: ["perm", "/", ["Sys.Modify"]] } })
    expect(doc.paths["/nodes"]!.get!.responses["200"]!.content!["application/json"]!.schema).toMatchObject({ type: "array", items: { properties: { node: { type: "string" } }, required: ["node"] } })
  })

  it("rejects inputs that describe no API", () => {
    expect(Either.isLeft(parseApidoc("<html>not an apidoc</html>"))).toBe(true)
    expect(Either.isLeft(parseApidoc("[]"))).toBe(true)
  })

  it("translates Perl patterns to anchored JavaScript ones", () => {
    expect(perlPatternToJs("(?^:[A-Za-z][A-Za-z0-9\\.\\-_]+)")).toEqual({ source: "^(?:(?:[A-Za-z][A-Za-z0-9\\.\\-_]+))$", flags: "" })
    expect(perlPatternToJs("[a-z]+\\z")!.source).toBe("^(?:[a-z]+$)$")
    expect(perlPatternToJs("(unclosed")).toBeUndefined()
    expect(operationIdOf("get", "/nodes/{node}/qemu/{vmid}/config")).toBe("get_nodes_node_qemu_vmid_config")
  })
})
