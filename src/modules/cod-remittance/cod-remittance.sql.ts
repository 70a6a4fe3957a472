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
