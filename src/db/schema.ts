// The one schema barrel: drizzle's relational API and drizzle-kit see every table through it.
export * from "../modules/pickup-location/pickup-location.sql.js";
export * from "../modules/pincode/pincode.sql.js";
export * from "../modules/product/product.sql.js";
export * from "../modules/post-office/post-office.sql.js";
export * from "../modules/postal-hierarchy/postal-hierarchy.sql.js";
