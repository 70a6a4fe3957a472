import type { TypeProjection } from "./lib/projection.js";
import { QueryInputs } from "./lib/query-inputs.js";
import { QueryModel } from "./lib/query-model.js";
import { codRemittanceProjections } from "./modules/cod-remittance/cod-remittance.projection.js";
import { coverageProjections } from "./modules/coverage/coverage.projection.js";
import { pickupLocationProjections } from "./modules/pickup-location/pickup-location.projection.js";
import { pincodeProjections } from "./modules/pincode/pincode.projection.js";
import { postalHierarchyProjections } from "./modules/postal-hierarchy/postal-hierarchy.projection.js";
import { postOfficeProjections } from "./modules/post-office/post-office.projection.js";
import { shipmentProjections } from "./modules/shipment/shipment.projection.js";

/**
 * The one list of SQL projections, the field registry (src/lib/projection.ts): the fields the single statement
 * answers, and what each type may be filtered and ordered by. Kept apart from src/schema.ts so that the modules'
 * argument classes can take the filter inputs generated from it (QUERY) without importing their own resolvers.
 */
export const PROJECTIONS: readonly TypeProjection[] = [
  ...pickupLocationProjections,
  ...postOfficeProjections,
  ...pincodeProjections,
  ...postalHierarchyProjections,
  ...shipmentProjections,
  ...codRemittanceProjections,
  ...coverageProjections,
];

/** What each type may be filtered and ordered by, and the inputs for it. */
export const QUERY_MODEL = new QueryModel(PROJECTIONS);

export const QUERY = new QueryInputs(QUERY_MODEL, {
  Shipment: "shipments",
  ScanEvent: "scan events",
  Pincode: "PIN areas",
  PostOffice: "post offices",
  PickupLocation: "pickup locations",
  Circle: "postal circles",
  CodRemittance: "COD remittances",
});
