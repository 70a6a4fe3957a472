import { sql } from "drizzle-orm";
import { boolean, check, date, index, integer, pgTable, serial, text } from "drizzle-orm/pg-core";
import { updatedAt } from "../../db/columns.js";
import { postOfficeTable } from "../post-office/post-office.sql.js";

/**
 * India Post facilities in Amazon's network where parcels are handed over.
 * A location that closes keeps its row with `active_to` set: history is never
 * deleted, so "active on a date" can be asked of any past day.
 */
export const pickupLocationTable = pgTable(
  "pickup_location",
  {
    id: serial("id").primaryKey(),
    code: text("code").notNull().unique(),
    name: text("name").notNull(),
    postOfficeId: integer("post_office_id")
      .notNull()
      .references(() => postOfficeTable.id),
    city: text("city").notNull(),
    state: text("state"),
    activeFrom: date("active_from", { mode: "string" }).notNull(),
    /** Last day of operation (inclusive); null while open. */
    activeTo: date("active_to", { mode: "string" }),
    /** Committed handover capacity, parcels per day. */
    dailyCapacity: integer("daily_capacity").notNull(),
    /** True for locations made by the demo generator: real post offices, invented partnership facilities. */
    synthetic: boolean("synthetic").notNull().default(false),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("pickup_location_code_format", sql`${t.code} ~ '^[A-Z0-9][A-Z0-9-]{1,31}$'`),
    check("pickup_location_dates", sql`${t.activeTo} is null or ${t.activeTo} >= ${t.activeFrom}`),
    check("pickup_location_capacity", sql`${t.dailyCapacity} > 0`),
    index("pickup_location_post_office").on(t.postOfficeId),
  ],
);

export type PickupLocationRow = typeof pickupLocationTable.$inferSelect;
