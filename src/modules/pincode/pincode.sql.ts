import { sql } from "drizzle-orm";
import { char, check, index, integer, pgTable, text } from "drizzle-orm/pg-core";
import { latitude, longitude, updatedAt } from "../../db/columns.js";
import { circleTable } from "../postal-hierarchy/postal-hierarchy.sql.js";

export const COORDINATE_QUALITIES = ["IN_INDIA", "SWAPPED_CORRECTED", "GEONAMES", "ZERO", "OUT_OF_BOUNDS", "MISSING"] as const;
export type CoordinateQualityValue = (typeof COORDINATE_QUALITIES)[number];
/** Qualities whose coordinates may be used for distances and maps. */
export const USABLE_COORDINATE_QUALITIES: readonly CoordinateQualityValue[] = ["IN_INDIA", "SWAPPED_CORRECTED", "GEONAMES"];

/**
 * One row per PIN code. State, district and circle are properties of post
 * offices; the `primary_*` columns are a derived choice recomputed after every
 * directory load or import (see refreshPincodes in pincode.repository.ts).
 */
export const pincodeTable = pgTable(
  "pincode",
  {
    code: char("code", { length: 6 }).primaryKey(),
    latitude: latitude(),
    longitude: longitude(),
    coordinateQuality: text("coordinate_quality").$type<CoordinateQualityValue>().notNull().default("MISSING"),
    primaryState: text("primary_state"),
    primaryDistrict: text("primary_district"),
    primaryCircleId: integer("primary_circle_id").references(() => circleTable.id),
    officeCount: integer("office_count").notNull().default(0),
    /** Offices known to deliver; null while no office of the PIN has a known delivery status. */
    deliveryOfficeCount: integer("delivery_office_count"),
    updatedAt: updatedAt(),
  },
  (t) => [
    check("pincode_code_format", sql`${t.code} ~ '^[1-9][0-9]{5}$'`),
    check(
      "pincode_coordinate_quality",
      sql`${t.coordinateQuality} in ('IN_INDIA', 'SWAPPED_CORRECTED', 'GEONAMES', 'ZERO', 'OUT_OF_BOUNDS', 'MISSING')`,
    ),
    index("pincode_primary_state").on(sql`lower(${t.primaryState})`),
    index("pincode_primary_district").on(sql`lower(${t.primaryDistrict})`),
    index("pincode_primary_circle").on(t.primaryCircleId),
  ],
);

export type PincodeRow = typeof pincodeTable.$inferSelect;
