// The one schema barrel: drizzle's relational API and drizzle-kit see every table through it.
export * from "../modules/access/access.sql.js";
export * from "../modules/cod-remittance/cod-remittance.sql.js";
export * from "../modules/coverage/coverage.sql.js";
export * from "../modules/pickup-location/pickup-location.sql.js";
export * from "../modules/pincode/pincode.sql.js";
export * from "../modules/product/product.sql.js";
export * from "../modules/post-office/post-office.sql.js";
export * from "../modules/postal-hierarchy/postal-hierarchy.sql.js";
export * from "../modules/service-norm/service-norm.sql.js";
export * from "../modules/shipment/shipment.sql.js";
export * from "../modules/kpi/kpi.sql.js";
export * from "../modules/review/review.sql.js";
