/** The stored Proxmox endpoints a request's query selects (shared by the read, sync, WebSocket and RPC routes). */
import { Effect, Either } from "effect"
import { badRequest } from "../domain/errors.ts"
import { EndpointRepository } from "../endpoints/EndpointRepository.ts"
import { selectFromQuery, type SelectionQuery } from "../proxmox/selection.ts"

/** Fails with the reference's 400 text when the selection matches nothing or an id is malformed. */
export const selectStoredEndpoints = (q: SelectionQuery) =>
  Effect.flatMap(EndpointRepository, (repo) =>
    Effect.flatMap(repo.listProxmox(), (all) => Either.mapLeft(selectFromQuery(all, q), badRequest)))
