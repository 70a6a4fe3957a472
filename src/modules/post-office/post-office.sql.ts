import { sql } from "drizzle-orm";
import { boolean, char, check, index, integer, pgTable, serial, text, timestamp, unique } from "drizzle-orm/pg-core";
import { latitude, longitude, updatedAt } from "../../db/columns.js";
import { type CoordinateQualityValue, pincodeTable } from "../pincode/pincode.sql.js";
import { circleTable, divisionTable, regionTable } from "../postal-hierarchy/postal-hierarchy.sql.js";

export const OFFICE_TYPES = ["HEAD", "SUB", "BRANCH"] as const;
export type OfficeTypeValue = (typeof OFFICE_TYPES)[number];

export const DIRECTORY_SOURCES = ["NPM_PACKAGES", "DATA_GOV_IN_CSV"] as const;
export type DirectorySourceValue = (typeof DIRECTORY_SOURCES)[number];

/**
 * One row per post office. Natural key: (pincode, name_key), name_key being
 * the normalised name (normaliseOfficeName). The hierarchy ids are kept on the
 * office too, so that filters by circle or region need no join.
 */
export const postOfficeTable = pgTable(
  "post_office",
  {
    id: serial("id").primaryKey(),
    pincode: char("pincode", { length: 6 })
      .notNull()
      .references(() => pincodeTable.code),
    name: text("name").notNull(),
    nameKey: text("name_key").notNull(),
    officeType: text("office_type").$type<OfficeTypeValue>(),
    delivery: boolean("delivery"),
    circleId: integer("circle_id").references(() => circleTable.id),
    regionId: integer("region_id").references(() => regionTable.id),
    divisionId: integer("division_id").references(() => divisionTable.id),
    district: text("district"),
    state: text("state"),
    taluk: text("taluk"),
    latitude: latitude(),
    longitude: longitude(),
    /** Check result of the office's own coordinates (CSV imports); null when the source gave none. */
    coordinateQuality: text("coordinate_quality").$type<CoordinateQualityValue>(),
    source: text("source").$type<DirectorySourceValue>().notNull(),
    updatedAt: updatedAt(),
  },
  (t) => [
    unique("post_office_natural_key").on(t.pincode, t.nameKey),
    check("post_office_type", sql`${t.officeType} in ('HEAD', 'SUB', 'BRANCH')`),
    check("post_office_source", sql`${t.source} in ('NPM_PACKAGES', 'DATA_GOV_IN_CSV')`),
    index("post_office_name_trgm").using("gin", sql`lower(${t.name}) gin_trgm_ops`),
    // Name and id ride along so that a prefix search counts its matches and picks its first page by
    // name from the index alone (an index-only scan), without visiting the ~5,000 heap rows of a prefix.
    index("post_office_name_prefix").on(sql`lower(${t.name}) text_pattern_ops`, t.name, t.id),
    index("post_office_name_order").on(sql`${t.name} collate "C"`, t.id),
    index("post_office_state").on(sql`lower(${t.state})`),
    index("post_office_district").on(sql`lower(${t.district})`),
    index("post_office_circle").on(t.circleId),
    index("post_office_division").on(t.divisionId),
  ],
);

export type PostOfficeRow = typeof postOfficeTable.$inferSelect;

/** One row per directory load or import run: what it read and what it changed. */
export const directoryImportTable = pgTable("directory_import", {
  id: serial("id").primaryKey(),
  source: text("source").$type<DirectorySourceValue>().notNull(),
  /** Packages and versions (NPM_PACKAGES) or the file name (DATA_GOV_IN_CSV). */
  origin: text("origin").notNull(),
  rowsRead: integer("rows_read").notNull(),
  inserted: integer("inserted").notNull(),
  updated: integer("updated").notNull(),
  unchanged: integer("unchanged").notNull(),
  rejected: integer("rejected").notNull(),
  finishedAt: timestamp("finished_at", { withTimezone: true, mode: "date" }).notNull().default(sql`now()`),
});

export type DirectoryImportRow = typeof directoryImportTable.$inferSelect;
