import { contractSuite } from "./suite.ts"
import { simulatorTarget } from "./target.ts"

contractSuite(simulatorTarget)
