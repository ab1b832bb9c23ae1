// Run by `npm run test:netbox`, which starts the real NetBox and sets NETBOX_URL / NETBOX_TOKEN (/ NETBOX_TOKEN_V1).
import { contractSuite } from "../suite.ts"
import { envTarget } from "../target.ts"

contractSuite(envTarget)
