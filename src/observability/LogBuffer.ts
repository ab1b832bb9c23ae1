/**
 * An in-memory ring of the service's own log lines, for `/admin/logs`. Fed by a Logger added beside the console
 * logger, so every `Effect.log*` call lands here with its annotations (operation_id, operation, phase,
 * resource_type, resource_id, module).
 */
import { Cause, Context, Effect, HashMap, Layer, List, Logger, LogLevel, Option } from "effect"

export const LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const
export type Level = typeof LEVELS[number]

export interface LogEntry {
  readonly id: string
  readonly timestamp: string
  readonly level: Level
  readonly module: string | null
  readonly message: string
  readonly operation_id: string | null
  readonly operation: string | null
  readonly phase: string | null
  readonly resource_type: string | null
  readonly resource_id: string | null
  readonly expandable: { readonly traceback: string } | null
}

export interface LogQuery {
  readonly level?: Level | undefined
  readonly errors_only?: boolean | undefined
  readonly limit: number
  readonly offset: number
  readonly since?: Date | undefined
  readonly operation_id?: string | undefined
  readonly newer_than_id?: number | undefined
  readonly older_than_id?: number | undefined
}

export interface LogPage {
  readonly logs: ReadonlyArray<LogEntry>
  readonly total: number
  readonly has_more: boolean
}

const levelOf = (l: LogLevel.LogLevel): Level => {
  switch (l._tag) {
    case "Fatal":
      return "CRITICAL"
    case "Error":
      return "ERROR"
    case "Warning":
      return "WARNING"
    case "Info":
      return "INFO"
    default:
      return "DEBUG"
  }
}

const rank = (l: Level) => LEVELS.indexOf(l)

/** Plain mutable ring: the Logger interface is synchronous, and one buffer lives per service instance. */
export class Ring {
  private readonly entries: Array<LogEntry> = []
  private counter = 0
  constructor(readonly capacity: number) {}

  append(entry: Omit<LogEntry, "id">): void {
    this.entries.push({ id: String(++this.counter), ...entry })
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity)
  }

  query(q: LogQuery): LogPage {
    const matches = this.entries.filter((e) =>
      (q.level === undefined || e.level === q.level) &&
      (!q.errors_only || rank(e.level) >= rank("ERROR")) &&
      (q.since === undefined || Date.parse(e.timestamp) > q.since.getTime()) &&
      (q.operation_id === undefined || e.operation_id === q.operation_id) &&
      (q.newer_than_id === undefined || Number(e.id) > q.newer_than_id) &&
      (q.older_than_id === undefined || Number(e.id) < q.older_than_id)
    )
    return {
      logs: matches.slice(q.offset, q.offset + q.limit),
      total: matches.length,
      has_more: q.offset + q.limit < matches.length
    }
  }
}

export class LogBuffer extends Context.Tag("proxbox/LogBuffer")<LogBuffer, Ring>() {
  static layer = (capacity = 10_000) => Layer.sync(LogBuffer, () => new Ring(capacity))

  /** Adds the buffer-feeding logger to the default logger set. */
  static logger = Layer.unwrapEffect(Effect.map(LogBuffer, (ring) => Logger.add(bufferLogger(ring))))
}

const text = (message: unknown): string => {
  const parts = Array.isArray(message) ? message : [message]
  return parts.map((p) => typeof p === "string" ? p : JSON.stringify(p)).join(" ")
}

const annotation = (annotations: HashMap.HashMap<string, unknown>, key: string): string | null =>
  Option.match(HashMap.get(annotations, key), { onNone: () => null, onSome: (v) => String(v) })

export const bufferLogger = (ring: Ring) =>
  Logger.make(({ annotations, cause, date, logLevel, message, spans }) => {
    const span = List.head(spans)
    ring.append({
      timestamp: date.toISOString().replace("Z", "+00:00"),
      level: levelOf(logLevel),
      module: annotation(annotations, "module") ?? Option.match(span, { onNone: () => null, onSome: (s) => s.label }),
      message: text(message),
      operation_id: annotation(annotations, "operation_id"),
      operation: annotation(annotations, "operation"),
      phase: annotation(annotations, "phase"),
      resource_type: annotation(annotations, "resource_type"),
      resource_id: annotation(annotations, "resource_id"),
      expandable: Cause.isEmpty(cause) ? null : { traceback: Cause.pretty(cause) }
    })
  })
