/**
 * Typed failures of the Proxmox client. They stay typed through the sync and are turned into the
 * `{detail, message}` wire errors (src/domain/errors.ts) only at the HTTP edge.
 */
import { Schema } from "effect"

/** No HTTP answer at all: DNS, refused connection, TLS failure, reset or timeout. */
export class ProxmoxUnreachable extends Schema.TaggedError<ProxmoxUnreachable>()("ProxmoxUnreachable", {
  endpoint: Schema.String,
  host: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `Proxmox ${this.endpoint} unreachable at ${this.host}: ${this.reason}`
  }
}

/** The credentials were refused (ticket request failed, or 401 on a call). */
export class ProxmoxAuthFailed extends Schema.TaggedError<ProxmoxAuthFailed>()("ProxmoxAuthFailed", {
  endpoint: Schema.String,
  host: Schema.String,
  mode: Schema.Literal("token", "password"),
  reason: Schema.String
}) {
  override get message() {
    return `Proxmox ${this.endpoint} refused ${this.mode} authentication at ${this.host}: ${this.reason}`
  }
}

/** Proxmox answered a call with a non-2xx status (or a body we could not read). */
export class ProxmoxApiError extends Schema.TaggedError<ProxmoxApiError>()("ProxmoxApiError", {
  endpoint: Schema.String,
  method: Schema.String,
  path: Schema.String,
  status: Schema.Int,
  /** PVE's `message` or per-parameter `errors`, when the body carried them. */
  reason: Schema.String
}) {
  override get message() {
    return `Proxmox ${this.endpoint}: ${this.method} ${this.path} answered ${this.status}: ${this.reason}`
  }
  /** PVE answers 403 (or 500 "permission check failed") to calls the user may not make. */
  get isPermissionDenied(): boolean {
    return this.status === 403 || /permission check failed|403 forbidden/i.test(this.reason)
  }
}

export type ProxmoxError = ProxmoxUnreachable | ProxmoxAuthFailed | ProxmoxApiError
