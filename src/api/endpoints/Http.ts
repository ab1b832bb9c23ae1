/** Handlers of the endpoint registry: merge, validate with rules.ts, store, answer the redacted shape. */
import { HttpApiBuilder } from "@effect/platform"
import { Effect, Either, Option, Redacted } from "effect"
import type { NetBoxEndpoint, ProxmoxEndpoint } from "../../domain/endpoint.ts"
import { badRequest, notFound } from "../../domain/errors.ts"
import { EndpointRepository } from "../../endpoints/EndpointRepository.ts"
import {
  blankToNull,
  checkProxmoxAuth,
  mergeSecret,
  netboxIdFromName,
  normaliseNetBoxToken,
  REDACTED
} from "../../endpoints/rules.ts"
import { ProxboxApi } from "../Api.ts"
import { CorsOrigins } from "../../http/cors.ts"

export const netboxPublic = (e: NetBoxEndpoint) => ({
  id: e.id,
  name: e.name,
  ip_address: e.ip_address,
  domain: e.domain,
  port: e.port,
  token_version: e.token_version,
  token_key: e.token_key,
  token: REDACTED,
  verify_ssl: e.verify_ssl,
  url: e.baseUrl
} as const)

export const proxmoxPublic = (e: ProxmoxEndpoint) => ({
  id: e.id,
  name: e.name,
  ip_address: e.ip_address,
  domain: e.domain,
  port: e.port,
  username: e.username,
  verify_ssl: e.verify_ssl,
  auth_method: e.authMode,
  password: e.password === null ? null : REDACTED,
  token_name: e.token_name,
  token_value: e.token_value === null ? null : REDACTED,
  netbox_id: e.netbox_id
} as const)

const orBadRequest = <A>(either: Either.Either<A, string>) =>
  Either.match(either, { onLeft: (msg) => Effect.fail(badRequest(msg)), onRight: Effect.succeed })

/** A row the repository did not find becomes the route's own 404 text. */
const orFail = <E>(missing: E) => <A, E2, R>(lookup: Effect.Effect<Option.Option<A>, E2, R>) =>
  Effect.flatMap(lookup, Option.match({ onNone: () => Effect.fail(missing), onSome: Effect.succeed }))

const NB_DUPLICATE = "NetBox endpoint name already exists"
const PX_DUPLICATE = "Proxmox endpoint name already exists"

export const HttpNetBoxEndpointLive = HttpApiBuilder.group(ProxboxApi, "netboxEndpoint", (handlers) =>
  Effect.gen(function*() {
    const repo = yield* EndpointRepository
    const cors = yield* CorsOrigins
    const refreshCors = Effect.flatMap(repo.listNetBox(), cors.setNetBoxEndpoints)
    return handlers
      .handle("create", ({ payload }) =>
        Effect.gen(function*() {
          if ((yield* repo.listNetBox({ offset: 0, limit: 1 })).length > 0) {
            return yield* badRequest("Only one NetBox endpoint is allowed")
          }
          const token = yield* orBadRequest(normaliseNetBoxToken({
            token_version: payload.token_version,
            token_key: payload.token_key,
            token: Redacted.make(payload.token)
          }))
          const created = yield* repo.insertNetBox(payload.id ?? null, {
            name: payload.name.trim(),
            ip_address: payload.ip_address.trim(),
            domain: payload.domain.trim(),
            port: payload.port,
            verify_ssl: payload.verify_ssl,
            netbox_id: payload.id ?? null,
            ...token
          }).pipe(Effect.catchTag("EndpointConflict", () => badRequest(NB_DUPLICATE)))
          yield* refreshCors
          yield* Effect.logInfo(`NetBox endpoint ${created.id} created`)
          return netboxPublic(created)
        }))
      .handle("list", ({ urlParams }) => Effect.map(repo.listNetBox(urlParams), (rows) => rows.map(netboxPublic)))
      .handle("get", ({ path }) =>
        repo.getNetBoxById(path.netbox_id).pipe(orFail(notFound("Netbox Endpoint not found")), Effect.map(netboxPublic)))
      .handle("update", ({ path, payload }) =>
        Effect.gen(function*() {
          const missing = notFound("NetBox Endpoint not found")
          const current = yield* orFail(missing)(repo.getNetBoxById(path.netbox_id))
          const version = payload.token_version !== undefined ? payload.token_version : current.token_version
          const token = yield* orBadRequest(normaliseNetBoxToken({
            token_version: version,
            token_key: payload.token_key !== undefined ? payload.token_key : current.token_key,
            token: mergeSecret(payload.token, current.token)
          }))
          const updated = yield* repo.updateNetBox(current.id, {
            name: payload.name?.trim() ?? current.name,
            ip_address: payload.ip_address?.trim() ?? current.ip_address,
            domain: payload.domain?.trim() ?? current.domain,
            port: payload.port ?? current.port,
            verify_ssl: payload.verify_ssl ?? current.verify_ssl,
            netbox_id: current.id,
            ...token
          }).pipe(
            Effect.catchTag("EndpointConflict", () => badRequest(NB_DUPLICATE)),
            orFail(missing)
          )
          yield* refreshCors
          return netboxPublic(updated)
        }))
      .handle("delete", ({ path }) =>
        repo.deleteNetBox(path.netbox_id).pipe(
          Effect.flatMap((deleted) =>
            deleted
              ? Effect.as(refreshCors, { message: "NetBox Endpoint deleted." })
              : Effect.fail(notFound("NetBox Endpoint not found."))
          )
        ))
  }))

export const HttpProxmoxEndpointsLive = HttpApiBuilder.group(ProxboxApi, "proxmoxEndpoints", (handlers) =>
  Effect.gen(function*() {
    const repo = yield* EndpointRepository
    const missing = notFound("Proxmox endpoint not found")
    return handlers
      .handle("create", ({ payload }) =>
        Effect.gen(function*() {
          const fields = {
            name: payload.name.trim(),
            ip_address: payload.ip_address.trim(),
            domain: blankToNull(payload.domain),
            port: payload.port,
            username: payload.username.trim(),
            password: mergeSecret(payload.password ?? null, null),
            verify_ssl: payload.verify_ssl,
            token_name: blankToNull(payload.token_name),
            token_value: mergeSecret(payload.token_value ?? null, null),
            netbox_id: payload.netbox_id ?? netboxIdFromName(payload.name)
          }
          yield* orBadRequest(checkProxmoxAuth(fields))
          const created = yield* repo.insertProxmox(fields).pipe(
            Effect.catchTag("EndpointConflict", () => badRequest(PX_DUPLICATE))
          )
          yield* Effect.logInfo(`Proxmox endpoint ${created.id} created`)
          return proxmoxPublic(created)
        }))
      .handle("list", ({ urlParams }) => Effect.map(repo.listProxmox(urlParams), (rows) => rows.map(proxmoxPublic)))
      .handle("get", ({ path }) =>
        repo.getProxmox(path.endpoint_id).pipe(orFail(missing), Effect.map(proxmoxPublic)))
      .handle("update", ({ path, payload }) =>
        Effect.gen(function*() {
          const current = yield* orFail(missing)(repo.getProxmox(path.endpoint_id))
          const name = payload.name?.trim() ?? current.name
          const fields = {
            name,
            ip_address: payload.ip_address?.trim() ?? current.ip_address,
            domain: payload.domain !== undefined ? blankToNull(payload.domain) : current.domain,
            port: payload.port ?? current.port,
            username: payload.username?.trim() ?? current.username,
            password: mergeSecret(payload.password, current.password),
            verify_ssl: payload.verify_ssl ?? current.verify_ssl,
            token_name: payload.token_name !== undefined ? blankToNull(payload.token_name) : current.token_name,
            token_value: mergeSecret(payload.token_value, current.token_value),
            netbox_id: payload.netbox_id !== undefined
              ? payload.netbox_id
              : payload.name !== undefined ? netboxIdFromName(name) ?? current.netbox_id : current.netbox_id
          }
          yield* orBadRequest(checkProxmoxAuth(fields))
          const updated = yield* repo.updateProxmox(current.id, fields).pipe(
            Effect.catchTag("EndpointConflict", () => badRequest(PX_DUPLICATE)),
            orFail(missing)
          )
          return proxmoxPublic(updated)
        }))
      .handle("delete", ({ path }) =>
        repo.deleteProxmox(path.endpoint_id).pipe(
          Effect.flatMap((deleted) =>
            deleted ? Effect.succeed({ message: "Proxmox endpoint deleted." }) : Effect.fail(missing)
          )
        ))
  }))
