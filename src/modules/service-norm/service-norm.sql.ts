import { sql } from "drizzle-orm";
import { check, date, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { productTable } from "../product/product.sql.js";

export const ROUTE_CLASSES = ["LOCAL", "METRO_TO_METRO", "WITHIN_CIRCLE", "REST_OF_INDIA", "REMOTE"] as const;
export type RouteClassValue = (typeof ROUTE_CLASSES)[number];

/**
 * India Post's delivery norms as data: working days from the booking day (D) to delivery, per product
 * and route class. Sundays do not count; a branch office adds one day (service-norm.rules.ts).
 * Seeded by migration from India Post's published norms (docs/DOMAIN-NOTES.md); partners may correct rows
 * without a code change.
 */
export const serviceNormTable = pgTable(
  "service_norm",
  {
    productCode: text("product_code")
      .notNull()
      .references(() => productTable.code),
    routeClass: text("route_class").$type<RouteClassValue>().notNull(),
    days: integer("days").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.productCode, t.routeClass] }),
    check("service_norm_route_class", sql`${t.routeClass} in ('LOCAL', 'METRO_TO_METRO', 'WITHIN_CIRCLE', 'REST_OF_INDIA', 'REMOTE')`),
    check("service_norm_days", sql`${t.days} between 1 and 30`),
  ],
);

export type ServiceNormRow = typeof serviceNormTable.$inferSelect;

/**
 * Days India Post does not deliver besides Sundays: national public holidays, entered by the partners
 * (setPublicHolidays). Due dates skip them; changing the list re-computes the due dates, and the on-time
 * KPI, of shipments whose service window touches the changed days.
 */
export const publicHolidayTable = pgTable(
  "public_holiday",
  {
    day: date("day", { mode: "string" }).primaryKey(),
    name: text("name").notNull(),
  },
  (t) => [check("public_holiday_name", sql`length(${t.name}) between 1 and 200`)],
);

export type PublicHolidayRow = typeof publicHolidayTable.$inferSelect;
