import type { QueryModel } from "../../lib/query-model.js";
import { TypeQuery } from "../../db/query-read.js";
import { tableReader } from "../../db/rows.js";
import { eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { groupedRows, type GroupedRow } from "../../db/aggregate-sql.js";
import { dayPeriodSql, type IstPeriod } from "../../db/calendar-sql.js";
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

/** A new remittance batch, as stored. */
export async function insertRemittance(db: Db, values: typeof codRemittanceTable.$inferInsert): Promise<CodRemittanceRow> {
  const [row] = await db.insert(t).values(values).returning();
  return row!;
}

/** Batches remitted in [from, to] (IST days, both optional), latest first, `limit` after the cursor (remitted_on, id). */
/** Batches under any `CodRemittanceWhere` filter and order (src/db/query-read.ts), rows read as `cod_remittance`. */
let remittanceQueries: TypeQuery<CodRemittanceRow> | undefined;
export function remittanceQuery(model: QueryModel): TypeQuery<CodRemittanceRow> {
  remittanceQueries ??= new TypeQuery(model, "CodRemittance", tableReader(codRemittanceTable, "cod_remittance"), "cod_remittance");
  return remittanceQueries;
}

/** Remitted from `from` to `to` (inclusive IST days), as conditions over the row `cod_remittance`. */
export function remittedBetween(from: string | null, to: string | null): SQL[] {
  const conditions: SQL[] = [];
  if (from !== null) conditions.push(sql`${t.remittedOn} >= ${from}::date`);
  if (to !== null) conditions.push(sql`${t.remittedOn} <= ${to}::date`);
  return conditions;
}

/** The shipments of the given batches, by booking time. */
export function findShipmentsByRemittanceIds(db: Db, ids: readonly number[]): Promise<ShipmentRow[]> {
  return db
    .select()
    .from(shipmentTable)
    .where(inArray(shipmentTable.codRemittanceId, [...ids]))
    .orderBy(shipmentTable.bookedAt, shipmentTable.id);
}

/** The COD remittance cycles, oldest first. */
export async function findRemittanceCycles(db: Db): Promise<{ validFrom: string; days: number; synthetic: boolean }[]> {
  const rows = await queryRows<{ valid_from: string; days: number; synthetic: boolean }>(
    db,
    sql`/* findRemittanceCycles */ select valid_from::text, days, synthetic from cod_remittance_cycle order by valid_from`,
  );
  return rows.map((r) => ({ validFrom: r.valid_from, days: Number(r.days), synthetic: r.synthetic }));
}

/**
 * Records the cycle from `validFrom` on, clearing the synthetic mark; returns false when it was already so (the same call
 * again changes nothing).
 */
export async function upsertRemittanceCycle(db: Db, validFrom: string, days: number): Promise<boolean> {
  const changed = await queryRows<{ valid_from: string }>(
    db,
    sql`/* upsertRemittanceCycle */ insert into cod_remittance_cycle (valid_from, days) values (${validFrom}::date, ${days})
      on conflict (valid_from) do update set days = excluded.days, synthetic = false
      where cod_remittance_cycle.days is distinct from excluded.days or cod_remittance_cycle.synthetic
      returning valid_from::text`,
  );
  return changed.length > 0;
}

/** What codRemittanceAggregates measures, each as its SQL over `cod_remittance`: counts, and money in paise. */
const REMITTANCE_MEASURE_SQL: Readonly<Record<"BATCHES" | "SHIPMENTS" | "AMOUNT", SQL>> = {
  BATCHES: sql`count(*)`,
  SHIPMENTS: sql`coalesce(sum(cod_remittance.shipment_count), 0)`,
  AMOUNT: sql`coalesce(sum(cod_remittance.amount_paise), 0)`,
};

/** The groups of the batches matching the conditions, by remittance period (keys as dayPeriodSql names them): one statement. */
export function aggregateRemittances(
  db: Db,
  q: { readonly periods: readonly IstPeriod[]; readonly measures: ReadonlySet<keyof typeof REMITTANCE_MEASURE_SQL>; readonly conditions: readonly SQL[] },
): Promise<GroupedRow[]> {
  return groupedRows(db, {
    name: "aggregateRemittances",
    keys: q.periods.map((p) => dayPeriodSql(sql`cod_remittance.remitted_on`, p)),
    measures: new Map([...q.measures].map((m) => [m, REMITTANCE_MEASURE_SQL[m]])),
    from: sql`cod_remittance`,
    where: q.conditions,
  });
}
