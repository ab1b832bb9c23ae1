/**
 * The hand-written HTTP API. Each feature contributes a group (contract in `<feature>/Api.ts`, handlers in
 * `<feature>/Http.ts`); the generated Proxmox surface is mounted beside it by src/contract.
 */
import { HttpApi, OpenApi } from "@effect/platform"
import { openApiLinks } from "../contract/proxyDocument.ts"
import { Unauthorized } from "../domain/errors.ts"
import { AdminGroup } from "./admin/Api.ts"
import { NetBoxEndpointGroup, ProxmoxEndpointGroup } from "./endpoints/Api.ts"
import { ExtrasGroup, NetBoxGroup } from "./netbox/Api.ts"
import { ProxmoxReadGroup } from "./proxmox-reads/Api.ts"
import { RootGroup } from "./root/Api.ts"
import { DcimGroup, SyncIndividualGroup, VirtualizationGroup } from "./sync/Api.ts"
import { ViewerGroup } from "./viewer/Api.ts"

export class ProxboxApi extends HttpApi.make("proxbox")
  .add(RootGroup)
  .add(AdminGroup)
  .add(NetBoxEndpointGroup)
  .add(NetBoxGroup)
  .add(ProxmoxEndpointGroup)
  .add(ProxmoxReadGroup)
  .add(ViewerGroup)
  .add(ExtrasGroup)
  .add(DcimGroup)
  .add(VirtualizationGroup)
  .add(SyncIndividualGroup)
  .addError(Unauthorized)
  .annotate(OpenApi.Title, "proxbox-api")
  // The generated Proxmox routes are documented per version and linked from here (src/contract).
  .annotate(OpenApi.Transform, openApiLinks)
  .annotate(
    OpenApi.Description,
    "Keeps NetBox in step with Proxmox VE. When PROXBOX_API_KEYS is set, every route except /, /health and " +
      "/version needs `Authorization: Bearer <key>` or `X-Proxbox-API-Key: <key>`."
  )
{}
