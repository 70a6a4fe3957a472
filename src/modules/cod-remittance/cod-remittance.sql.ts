import { sql } from "drizzle-orm";
import { bigint, boolean, check, date, integer, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";

/**
 * A batch in which India Post remits collected COD cash to Amazon (ePayment). The shipments it covers
 * point at it (shipment.cod_remittance_id); amount_paise equals the sum of their COD amounts, checked
 * when the batch is recorded.
 */
export const codRemittanceTable = pgTable(
  "cod_remittance",
  {
    id: serial("id").primaryKey(),
    /** The bank reference of the transfer (UTR), as the partners quote it. */
    reference: text("reference").notNull().unique(),
    remittedOn: date("remitted_on", { mode: "string" }).notNull(),
    amountPaise: bigint("amount_paise", { mode: "number" }).notNull(),
    shipmentCount: integer("shipment_count").notNull(),
    synthetic: boolean("synthetic").notNull().default(false),
    createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().default(sql`now()`),
  },
  (t) => [
    check("cod_remittance_reference", sql`${t.reference} ~ '^[A-Z0-9][A-Z0-9-]{3,34}$'`),
    check("cod_remittance_amount", sql`${t.amountPaise} > 0`),
    check("cod_remittance_count", sql`${t.shipmentCount} > 0`),
  ],
);

export type CodRemittanceRow = typeof codRemittanceTable.$inferSelect;

/**
 * The COD remittance cycle agreed in the contract: the most days from delivery to remittance that count
 * as on time, effective from a day until the next row's day. Contract data, not a constant: the contract
 * may change it; the "remittance within cycle" KPI of a quarter uses the cycle in force on its last day.
 */
export const codRemittanceCycleTable = pgTable(
  "cod_remittance_cycle",
  {
    validFrom: date("valid_from", { mode: "string" }).primaryKey(),
    days: integer("days").notNull(),
    synthetic: boolean("synthetic").notNull().default(false),
  },
  (t) => [check("cod_remittance_cycle_days", sql`${t.days} between 1 and 90`)],
);

export type CodRemittanceCycleRow = typeof codRemittanceCycleTable.$inferSelect;
