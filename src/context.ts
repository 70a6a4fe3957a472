import { randomUUID } from "node:crypto";
import type { Config } from "./config.js";
import type { Database } from "./db/client.js";
import type { Viewer } from "./modules/access/access.viewer.js";
import { createCodRemittanceLoaders } from "./modules/cod-remittance/cod-remittance.loaders.js";
import { createCoverageLoaders } from "./modules/coverage/coverage.loaders.js";
import { createKpiLoaders } from "./modules/kpi/kpi.service.js";
import { createPickupLocationLoaders } from "./modules/pickup-location/pickup-location.loaders.js";
import { createPincodeLoaders } from "./modules/pincode/pincode.loaders.js";
import { createPostOfficeLoaders } from "./modules/post-office/post-office.loaders.js";
import { createPostalHierarchyLoaders } from "./modules/postal-hierarchy/postal-hierarchy.loaders.js";
import { createProductLoaders } from "./modules/product/product.loaders.js";
import { createReviewLoaders } from "./modules/review/review.loaders.js";
import { createShipmentLoaders } from "./modules/shipment/shipment.loaders.js";

function createLoaders(database: Database) {
  return {
    ...createPostOfficeLoaders(database.db),
    ...createPincodeLoaders(database.db),
    ...createPostalHierarchyLoaders(database.db),
    ...createPickupLocationLoaders(database.db),
    ...createProductLoaders(database.db),
    ...createShipmentLoaders(database.db),
    ...createCodRemittanceLoaders(database.db),
    ...createCoverageLoaders(database.db),
    ...createKpiLoaders(database.db),
    ...createReviewLoaders(database.db),
  };
}

export type Loaders = ReturnType<typeof createLoaders>;

/** What every resolver receives. Built fresh per request: loaders never outlive it. */
export interface Context {
  readonly requestId: string;
  readonly config: Config;
  readonly database: Database;
  /** Who is asking; resolvers check roles through @Restricted and rows through circleScope(viewer). */
  readonly viewer: Viewer;
  readonly loaders: Loaders;
}

export function createContext(config: Config, database: Database, viewer: Viewer, requestId: string = randomUUID()): Context {
  return { requestId, config, database, viewer, loaders: createLoaders(database) };
}
