/** Rendering as NetBox's API does: choice fields as {value,label}, nested brief objects for relations, tags, custom fields. */
import type { Model, Stored } from "./schema.ts"
import type { Store } from "./store.ts"

/** DRF renders datetimes as ISO 8601 in UTC with `Z`, microseconds only when non-zero. */
export const renderDatetime = (d: Date) => d.toISOString().replace(/\.000Z$/, "Z").replace(/\.(\d{3})Z$/, ".$1000Z")

/** Full representation, or the brief one (`brief=true`, and nested relations). */
export const render = (store: Store, model: Model, o: Stored, mode: "full" | "brief" = "full"): Record<string, unknown> => {
  const out: Record<string, unknown> = {
    id: o.id,
    url: store.ctx.url(model, o.id),
    ...(mode === "full" ? { display_url: `${store.baseUrl()}/${model.path}/${o.id}/` } : {}),
    display: model.display(o, store.ctx)
  }
  const wanted = mode === "full" ? Object.keys(model.fields) : model.brief.filter((f) => f in model.fields)
  for (const name of wanted) {
    const f = model.fields[name]!
    switch (f.t) {
      case "fk": out[name] = nested(store, f.to, o[name]); break
      case "m2m": out[name] = (o[name] as Array<number>).map((id) => nested(store, f.to, id)); break
      case "choice": out[name] = o[name] === null ? null : { value: o[name], label: f.choices[String(o[name])] }; break
      case "gfk": {
        const type = o[`${name}_type`] as string | null
        out[`${name}_type`] = type
        out[`${name}_id`] = o[`${name}_id`]
        out[name] = type === null ? null : nested(store, type, o[`${name}_id`])
        break
      }
      case "ro": out[name] = f.value(o, store.ctx); break
      case "mac": {
        const primary = typeof o["primary_mac_address"] === "number" ? store.ctx.get("dcim.macaddress", o["primary_mac_address"]) : undefined
        out[name] = primary ? primary["mac_address"] : null
        break
      }
      default: out[name] = o[name]
    }
  }
  if (mode === "full" && model.tags !== false) {
    out["tags"] = (o["tags"] as Array<number>).map((id) => nested(store, "extras.tag", id))
    const data = o["custom_fields"] as Record<string, unknown>
    out["custom_fields"] = Object.fromEntries(store.customFields(model.type).map((cf) => [cf["name"], data[String(cf["name"])] ?? null]))
  }
  if (mode === "full") {
    out["created"] = o["created"]
    out["last_updated"] = o["last_updated"]
  }
  return out
}

const nested = (store: Store, type: string, id: unknown): unknown => {
  if (typeof id !== "number") return null
  const o = store.ctx.get(type, id)
  return o ? render(store, store.byType.get(type)!, o, "brief") : null
}
