/** The service version, from package.json, for /version and the OpenAPI document. */
import pkg from "../package.json" with { type: "json" }

export const SERVICE_VERSION: string = pkg.version
