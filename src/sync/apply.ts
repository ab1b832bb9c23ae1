/**
 * Apply: write a plan with NetBox bulk requests. Orphan deletes first (dependents before their
 * dependencies), then creates and updates kind by kind in dependency order, references resolved to the ids
 * just created. Each batch is one uninterruptible request: a client that goes away lets the batch in flight
 * finish and nothing after it starts. NetBox refusing a batch (400, 409, 500 integrity) makes us retry its
 * items one by one so the good ones land and each bad one becomes a warning; NetBox unreachable or refusing
 * our token is fatal for the stage.
 */
import { Effect } from "effect"
import type { NetBoxClientService, NetBoxRecord } from "../netbox/client.ts"
import type { NetBoxError } from "../netbox/errors.ts"
import { chunk } from "../netbox/paths.ts"
import { type Counts, emptyCounts, ItemEvent, type Kind, type Stage, type SyncEvent, SyncFailure } from "./events.ts"
import { isRef, type Plan, refKey } from "./model.ts"

export type Emit = (event: SyncEvent) => Effect.Effect<void>

export interface ApplyResult {
  /** Records written, by kind and key. */
  readonly written: ReadonlyMap<Kind, ReadonlyMap<string, NetBoxRecord>>
  readonly counts: Readonly<Record<Kind, { -readonly [K in keyof Counts]: number }>>
}

/** Failures that concern the items of a request rather than NetBox as a whole. */
const itemLevel = (e: NetBoxError) => e._tag === "NetBoxValidation" || e._tag === "NetBoxRequestFailed"

export const fatal = (stage: Stage, e: NetBoxError) =>
  new SyncFailure({
    stage,
    message: "NetBox refused or could not be reached while syncing.",
    detail: e.message,
    status: 502,
    upstream: "netbox"
  })

interface Item<P> {
  readonly key: string
  readonly name: string
  readonly body: P
}

/**
 * Sends `items` in batches; a batch refused for item-level reasons is retried item by item. Returns the
 * results in order: a record, or the error text for that item. A batch, retries included, is one
 * uninterruptible unit: interruption takes effect between batches.
 */
const writeBatches = <P, R>(
  items: ReadonlyArray<Item<P>>,
  size: number,
  send: (bodies: ReadonlyArray<P>) => Effect.Effect<ReadonlyArray<R>, NetBoxError>
): Effect.Effect<ReadonlyArray<{ readonly item: Item<P>; readonly result: R | string }>, NetBoxError> =>
  Effect.forEach(chunk(items, size), (batch) =>
    send(batch.map((i) => i.body)).pipe(
      Effect.map((rs) => batch.map((item, i) => ({ item, result: rs[i] as R }))),
      Effect.catchIf(itemLevel, () =>
        Effect.forEach(batch, (item) =>
          send([item.body]).pipe(
            Effect.map((rs) => ({ item, result: rs[0] as R })),
            Effect.catchIf(itemLevel, (e) => Effect.succeed({ item, result: e.message }))
          ))),
      Effect.uninterruptible
    )).pipe(Effect.map((parts) => parts.flat()))

/** NetBox 4.7 refuses a bulk delete naming an id it no longer has ("Object with ID n does not exist"). */
const alreadyGone = (e: NetBoxError) =>
  e._tag === "NetBoxNotFound" ||
  (e._tag === "NetBoxValidation" && e.itemErrors.length > 0 && e.itemErrors.every((i) => /does not exist|not found/i.test(JSON.stringify(i.errors))))

/**
 * Deletes `ids`; one that is already gone (an operator deleted it meanwhile) has reached the goal. Checked per item:
 * a refused batch is retried item by item (writeBatches), and a single gone item then counts as deleted.
 */
const deleteAll = (nb: NetBoxClientService, path: string, ids: ReadonlyArray<number>) =>
  nb.delete(path, ids).pipe(
    Effect.as(ids.map(() => true)),
    Effect.catchIf((e) => ids.length === 1 && alreadyGone(e), () => Effect.succeed([true]))
  )

export const applyPlan = (
  nb: NetBoxClientService,
  plan: Plan,
  options: { readonly stage: Stage; readonly batchSize: number },
  emit: Emit
): Effect.Effect<ApplyResult, SyncFailure> =>
  Effect.gen(function*() {
    const { batchSize, stage } = options
    const ids = new Map<string, number>()
    for (const k of plan) for (const [key, id] of k.known) ids.set(`${k.kind}:${key}`, id)
    const counts = Object.fromEntries(plan.map((k) => [k.kind, emptyCounts()])) as ApplyResult["counts"]
    const written = new Map<Kind, Map<string, NetBoxRecord>>(plan.map((k) => [k.kind, new Map()]))
    const item = (kind: Kind, action: "create" | "update" | "delete", key: string, name: string, result: unknown) => {
      const ok = typeof result !== "string"
      const verb = { create: "Created", update: "Updated", delete: "Deleted" }[action]
      const label = kind.replace(/_/g, " ")
      return new ItemEvent({
        stage,
        kind,
        action,
        status: ok ? "completed" : "warning",
        key,
        name,
        message: ok ? `${verb} ${label} ${name}` : `Could not ${action} ${label} ${name}: ${result}`,
        netbox_id: ok && typeof result === "object" && result !== null ? (result as NetBoxRecord).id : ids.get(`${kind}:${key}`) ?? null
      })
    }
    const orFatal = <A>(eff: Effect.Effect<A, NetBoxError>) => Effect.mapError(eff, (e) => fatal(stage, e))

    for (const k of [...plan].reverse()) {
      if (k.deletes.length === 0) continue
      const items = k.deletes.map((d) => ({ key: d.key, name: d.name, body: d.id }))
      const results = yield* orFatal(writeBatches(items, batchSize, (bodies) => deleteAll(nb, k.path, bodies)))
      for (const { item: it, result } of results) {
        if (typeof result === "string") counts[k.kind].failed++
        else counts[k.kind].deleted++
        yield* emit(item(k.kind, "delete", it.key, it.name, result))
      }
    }

    for (const k of plan) {
      // A reference whose target failed to be created cannot be written: that item fails too.
      const resolve = (body: Readonly<Record<string, unknown>>): Record<string, unknown> | string => {
        const out: Record<string, unknown> = {}
        for (const [field, v] of Object.entries(body)) {
          if (!isRef(v)) out[field] = v
          else if (ids.has(refKey(v))) out[field] = ids.get(refKey(v))
          else return `its ${v._ref.replace(/_/g, " ")} ${v.key} could not be written`
        }
        return out
      }
      const phases = [
        { action: "create" as const, items: k.creates.map((c) => ({ key: c.key, name: c.name, body: resolve(c.payload) })) },
        { action: "update" as const, items: k.updates.map((u) => ({ key: u.key, name: u.name, body: resolve(u.patch), id: u.id })) }
      ]
      for (const { action, items } of phases) {
        const ready = items.flatMap((i) => (typeof i.body === "string" ? [] : [{ ...i, body: i.body }]))
        for (const blocked of items.filter((i) => typeof i.body === "string")) {
          counts[k.kind].failed++
          yield* emit(item(k.kind, action, blocked.key, blocked.name, blocked.body))
        }
        const send = action === "create"
          ? (bodies: ReadonlyArray<Record<string, unknown>>) => nb.create(k.path, bodies)
          : (bodies: ReadonlyArray<Record<string, unknown>>) => nb.update(k.path, bodies as ReadonlyArray<Record<string, unknown> & { id: number }>)
        const bodies = ready.map((i) => ({ key: i.key, name: i.name, body: "id" in i ? { ...i.body, id: i.id as number } : i.body }))
        const results = yield* orFatal(writeBatches(bodies, batchSize, send))
        for (const { item: it, result } of results) {
          if (typeof result === "string") counts[k.kind].failed++
          else {
            counts[k.kind][action === "create" ? "created" : "updated"]++
            ids.set(`${k.kind}:${it.key}`, result.id)
            written.get(k.kind)!.set(it.key, result)
          }
          yield* emit(item(k.kind, action, it.key, it.name, result))
        }
      }
    }
    for (const k of plan) {
      counts[k.kind].unchanged += k.unchanged.length
      counts[k.kind].skipped += k.skips.length
      counts[k.kind].orphaned += k.orphans.length
    }
    return { written, counts }
  })
