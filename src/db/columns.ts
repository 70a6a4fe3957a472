import { sql } from "drizzle-orm";
import { doublePrecision, timestamp } from "drizzle-orm/pg-core";

/** When a row was written or last changed; set by the statement that changes it. */
export const updatedAt = () =>
  timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().default(sql`now()`);

/** WGS84 degrees. */
export const latitude = () => doublePrecision("latitude");
export const longitude = () => doublePrecision("longitude");
