import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { shipmentTable, type ShipmentRow } from "../shipment/shipment.sql.js";
import { type CodRemittanceRow, codRemittanceTable } from "./cod-remittance.sql.js";

const t = codRemittanceTable;

export function findRemittancesByIds(db: Db, ids: readonly number[]): Promise<CodRemittanceRow[]> {
  return db.select().from(t).where(inArray(t.id, [...ids]));
}

export async function findRemittanceByReference(db: Db, reference: string): Promise<CodRemittanceRow | undefined> {
  const rows = await db.select().from(t).where(eq(t.reference, reference));
  return rows[0];
}

/** Batches remitted in [from, to] (IST days, both optional), latest first, `limit` after the cursor (remitted_on, id). */
export function findRemittancesPage(
  db: Db,
  from: string | null,
  to: string | null,
  after: readonly [string, number] | null,
  limit: number,
): Promise<CodRemittanceRow[]> {
  const conditions: SQL[] = [];
  if (from !== null) conditions.push(sql`${t.remittedOn} >= ${from}::date`);
  if (to !== null) conditions.push(sql`${t.remittedOn} <= ${to}::date`);
  if (after !== null) conditions.push(sql`(${t.remittedOn}, ${t.id}) < (${after[0]}::date, ${after[1]}::int)`);
  return db
    .select()
    .from(t)
    .where(and(...conditions))
    .orderBy(sql`${t.remittedOn} desc`, sql`${t.id} desc`)
    .limit(limit);
}

export async function countRemittances(db: Db, from: string | null, to: string | null): Promise<number> {
  const conditions: SQL[] = [];
  if (from !== null) conditions.push(sql`${t.remittedOn} >= ${from}::date`);
  if (to !== null) conditions.push(sql`${t.remittedOn} <= ${to}::date`);
  const rows = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(t)
    .where(and(...conditions));
  return rows[0]?.n ?? 0;
}

/** The shipments of the given batches, by booking time. */
export function findShipmentsByRemittanceIds(db: Db, ids: readonly number[]): Promise<ShipmentRow[]> {
  return db
    .select()
    .from(shipmentTable)
    .where(inArray(shipmentTable.codRemittanceId, [...ids]))
    .orderBy(shipmentTable.bookedAt, shipmentTable.id);
}
