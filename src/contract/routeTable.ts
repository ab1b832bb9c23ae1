/**
 * Path matching for one mounted version: a segment trie (literal segments win over placeholders, as in
 * find-my-way). It is our own rather than the HttpLayerRouter's because a refresh swaps a version's
 * whole table while the server runs, and routes cannot be removed from the router.
 * Matching works on decoded segments, so a value may hold `:`, `.` or an encoded `/`.
 */
import type { Operation, Verb } from "./operation.ts"

interface Node {
  readonly literal: Map<string, Node>
  placeholder: Node | undefined
  readonly operations: Map<Verb, Operation>
}

const node = (): Node => ({ literal: new Map(), placeholder: undefined, operations: new Map() })

export type Match =
  | { readonly _tag: "Found"; readonly operation: Operation; readonly pathValues: Record<string, string> }
  | { readonly _tag: "MethodNotAllowed"; readonly allowed: ReadonlyArray<Verb> }
  | { readonly _tag: "NotFound" }

const templateSegments = (path: string) => path.split("/").filter((s) => s !== "")

export class RouteTable {
  private readonly root = node()
  readonly size: number

  constructor(operations: ReadonlyArray<Operation>) {
    for (const op of operations) {
      let at = this.root
      for (const seg of templateSegments(op.path)) {
        if (/^\{[^}]+\}$/.test(seg)) at = at.placeholder ??= node()
        else {
          let next = at.literal.get(seg)
          if (next === undefined) at.literal.set(seg, (next = node()))
          at = next
        }
      }
      at.operations.set(op.method, op)
    }
    this.size = operations.length
  }

  /** `segments` are decoded path segments after the version prefix. */
  match(method: string, segments: ReadonlyArray<string>): Match {
    const values: Array<string> = []
    const found = this.walk(this.root, segments, 0, values)
    if (found === undefined) return { _tag: "NotFound" }
    const operation = found.operations.get(method as Verb)
    if (operation === undefined) return { _tag: "MethodNotAllowed", allowed: [...found.operations.keys()] }
    // Placeholder values come in path order; the operation names them with Proxmox's own names.
    const pathValues: Record<string, string> = {}
    operation.pathParams.forEach((p, i) => {
      pathValues[p.name] = values[i]!
    })
    return { _tag: "Found", operation, pathValues }
  }

  private walk(at: Node, segments: ReadonlyArray<string>, i: number, values: Array<string>): Node | undefined {
    if (i === segments.length) return at.operations.size > 0 ? at : undefined
    const seg = segments[i]!
    const lit = at.literal.get(seg)
    if (lit !== undefined) {
      const hit = this.walk(lit, segments, i + 1, values)
      if (hit !== undefined) return hit
    }
    if (at.placeholder !== undefined && seg !== "") {
      values.push(seg)
      const hit = this.walk(at.placeholder, segments, i + 1, values)
      if (hit !== undefined) return hit
      values.pop()
    }
    return undefined
  }
}
