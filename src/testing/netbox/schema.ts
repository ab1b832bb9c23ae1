/**
 * How the simulator describes a NetBox model: its fields (with the write/read behaviour NetBox gives each
 * kind), the brief representation, display text and uniqueness rules. The model list is in models.ts.
 */

export type OnDelete = "cascade" | "protect" | "null"

export type Field =
  | { readonly t: "str"; readonly required?: boolean; readonly nullable?: boolean; readonly default?: string | null }
  | { readonly t: "int"; readonly required?: boolean; readonly nullable?: boolean; readonly min?: number; readonly max?: number; readonly default?: number | null }
  | { readonly t: "num"; readonly required?: boolean; readonly nullable?: boolean; readonly default?: number | null }
  | { readonly t: "bool"; readonly nullable?: boolean; readonly default?: boolean | null }
  | { readonly t: "datetime"; readonly required?: boolean }
  | { readonly t: "json"; readonly default?: unknown }
  | { readonly t: "strlist"; readonly required?: boolean }
  | { readonly t: "choice"; readonly choices: Readonly<Record<string, string>>; readonly required?: boolean; readonly default?: string | null }
  | { readonly t: "fk"; readonly to: string; readonly required?: boolean; readonly onDelete: OnDelete }
  | { readonly t: "m2m"; readonly to: string }
  /** A generic relation: `<name>_type` ("app.model") and `<name>_id` are written, `<name>` is read. */
  | { readonly t: "gfk"; readonly required?: boolean }
  /**
   * An interface's `mac_address` shortcut (NetBox 4.7): written as an address, it finds or creates that MAC
   * address object on the interface and makes it primary (null clears the primary); read as the primary's address.
   */
  | { readonly t: "mac" }
  /** Read-only, computed from the stored object. */
  | { readonly t: "ro"; readonly value: (o: Stored, ctx: RenderContext) => unknown }

export interface Unique {
  readonly fields: ReadonlyArray<string>
  /**
   * `field`: unique=True (400 on the first field); `constraint`: Meta.constraints (400 `__all__`);
   * `db`: unique_together that NetBox does not validate, so the database refuses it (500 IntegrityError).
   */
  readonly kind: "field" | "constraint" | "db"
  readonly message: string
  readonly caseInsensitive?: boolean
  /** Applies only when this holds (partial constraints such as "name unique where group is null"). */
  readonly when?: (o: Stored) => boolean
}

export interface Model {
  /** Content type, e.g. `dcim.site`. */
  readonly type: string
  /** API path under /api/, e.g. `dcim/sites`. */
  readonly path: string
  /** Name for 404 texts, e.g. `Site`. */
  readonly verbose: string
  readonly fields: Readonly<Record<string, Field>>
  readonly brief: ReadonlyArray<string>
  readonly display: (o: Stored, ctx: RenderContext) => string
  readonly unique?: ReadonlyArray<Unique>
  /** Model clean(): field → messages (use `__all__` for model-level). */
  readonly clean?: (o: Stored, ctx: RenderContext) => Record<string, Array<string>> | undefined
  /** Plain NetBoxModels carry tags and custom fields; a few (journal entries) only some of it. */
  readonly tags?: boolean
  /** Default ordering. */
  readonly ordering?: ReadonlyArray<string>
}

/** An object as the simulator keeps it: fks as ids, choices as values, tags as tag ids. */
export type Stored = Record<string, unknown> & { id: number }

export interface RenderContext {
  readonly get: (type: string, id: number) => Stored | undefined
  readonly all: (type: string) => ReadonlyArray<Stored>
  readonly model: (type: string) => Model
  readonly url: (model: Model, id: number) => string
}

export const str = (o: { required?: boolean; nullable?: boolean; default?: string | null } = {}): Field => ({ t: "str", ...o })
export const int = (o: { required?: boolean; nullable?: boolean; min?: number; max?: number; default?: number | null } = {}): Field => ({
  t: "int",
  nullable: !o.required && o.default === undefined,
  ...o
})
export const bool = (d: boolean | null = false): Field => ({ t: "bool", default: d, nullable: d === null })
export const fk = (to: string, onDelete: OnDelete, required = false): Field => ({ t: "fk", to, onDelete, required })
export const choice = (choices: Record<string, string>, d: string | null, required = false): Field => ({
  t: "choice",
  choices,
  default: d,
  required
})
