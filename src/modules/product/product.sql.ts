import { sql } from "drizzle-orm";
import { check, date, integer, pgTable, text } from "drizzle-orm/pg-core";

/**
 * India Post products that carry Amazon parcels: a code list with effective
 * dates, not a hard enum in logic, because India Post renames and merges
 * products (docs/DOMAIN-NOTES.md). Rows are reference data, written by
 * migrations.
 */
export const productTable = pgTable(
  "product",
  {
    code: text("code").primaryKey(),
    name: text("name").notNull(),
    description: text("description").notNull(),
    /** First day the product was offered; null: before the data dakgraph holds. */
    effectiveFrom: date("effective_from", { mode: "string" }),
    /** Last day (inclusive); null while offered. */
    effectiveTo: date("effective_to", { mode: "string" }),
    minWeightGrams: integer("min_weight_grams"),
    /** Weight limits in grams where India Post publishes them; null: not recorded. */
    maxWeightGrams: integer("max_weight_grams"),
  },
  (t) => [
    check("product_code_format", sql`${t.code} ~ '^[A-Z][A-Z0-9_]{1,39}$'`),
    check("product_dates", sql`${t.effectiveTo} is null or ${t.effectiveFrom} is null or ${t.effectiveTo} >= ${t.effectiveFrom}`),
  ],
);

export type ProductRow = typeof productTable.$inferSelect;
