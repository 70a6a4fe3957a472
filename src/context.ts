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

/** Each module's loaders, built together (a module's loaders may share state). */
const LOADER_MODULES = [
  createPostOfficeLoaders,
  createPincodeLoaders,
  createPostalHierarchyLoaders,
  createPickupLocationLoaders,
  createProductLoaders,
  createShipmentLoaders,
  createCodRemittanceLoaders,
  createCoverageLoaders,
  createKpiLoaders,
  createReviewLoaders,
] as const;

type Intersection<U> = (U extends unknown ? (u: U) => void : never) extends (i: infer I) => void ? I : never;
export type Loaders = Intersection<ReturnType<(typeof LOADER_MODULES)[number]>>;

/**
 * A request's loaders, each module's built on first use: most operations touch two or three modules,
 * and a response served from the cache none. Building every module's DataLoaders for every request
 * would make even a cached answer pay for loaders it never calls. The getters live on a class prototype,
 * made once, so a request's loaders object stays a plain small object.
 */
let LoadersClass: (new (db: Database["db"]) => Loaders) | undefined;

function loadersClass(db: Database["db"]): new (db: Database["db"]) => Loaders {
  if (LoadersClass !== undefined) return LoadersClass;
  class RequestLoaders {
    readonly built: (Record<string, unknown> | undefined)[] = LOADER_MODULES.map(() => undefined);
    constructor(readonly db: Database["db"]) {}
  }
  LOADER_MODULES.forEach((factory, index) => {
    // Names from one throwaway set: a factory only creates DataLoaders, which read nothing until used.
    for (const name of Object.keys(factory(db))) {
      if (name in RequestLoaders.prototype || name === "db" || name === "built") throw new Error(`The loader name ${name} is taken.`);
      Object.defineProperty(RequestLoaders.prototype, name, {
        get(this: RequestLoaders) {
          const built = (this.built[index] ??= factory(this.db) as Record<string, unknown>);
          return built[name];
        },
      });
    }
  });
  LoadersClass = RequestLoaders as unknown as new (db: Database["db"]) => Loaders;
  return LoadersClass;
}

/** A fresh set of loaders: each request's, and each change event's (src/lib/change-events.ts). */
export function createLoaders(database: Database): Loaders {
  return new (loadersClass(database.db))(database.db);
}

/** What every resolver receives. Built fresh per request: loaders never outlive it. */
export interface Context {
  readonly requestId: string;
  readonly config: Config;
  readonly database: Database;
  /** Who is asking; resolvers check roles through @Restricted and rows through circleScope(viewer). */
  readonly viewer: Viewer;
  readonly loaders: Loaders;
  /**
   * false: the answer is neither served from nor stored in the response cache. A CSV export's pages are each read
   * once (src/server/export.ts), and thousands of them would evict the answers dashboards ask for again.
   */
  readonly responseCache?: boolean;
  /**
   * "websocket": a subscription being admitted or an event being resolved for a WebSocket subscriber
   * (src/server/subscriptions.ts); absent over HTTP.
   */
  readonly transport?: "websocket";
}

/** With read replicas, `database` is the routed one (src/db/read-replicas.ts): reads go to a replica unless the request wrote. */
export function createContext(config: Config, database: Database, viewer: Viewer, requestId: string = randomUUID()): Context {
  const reads = database.routing?.database ?? database;
  return { requestId, config, database: reads, viewer, loaders: createLoaders(reads) };
}
