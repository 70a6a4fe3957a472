import { sql } from "drizzle-orm";
import { type Db, queryRows } from "../../db/client.js";
import { REMOTE_PINCODES_SQL } from "../coverage/coverage.repository.js";
import type { CoordinateQualityValue } from "../pincode/pincode.sql.js";
import type { OfficeTypeValue } from "../post-office/post-office.sql.js";

/*
 * Every statement of the demo seed (demo.seed.ts): what it reads from the directory and the reference
 * tables, and how it clears, loads and checks the partnership tables.
 */

export interface OfficeRow {
  id: number;
  pincode: string;
  name: string;
  name_key: string;
  office_type: OfficeTypeValue | null;
  state: string | null;
  circle_id: number | null;
}

/** The head offices at some PINs, by id. */
export function findHeadOfficesAt(db: Db, pins: readonly string[]): Promise<OfficeRow[]> {
  return queryRows<OfficeRow>(
    db,
    sql`/* readPickupOffices */ select id, pincode, name, name_key, office_type, state, circle_id
        from post_office where pincode in ${pins} and office_type = 'HEAD' order by id`,
  );
}

export interface PincodeRow {
  code: string;
  latitude: number | null;
  longitude: number | null;
  coordinate_quality: CoordinateQualityValue;
  primary_circle_id: number | null;
  remote: boolean;
}

/** PINs with a delivering office (or an office of unknown delivery status), and whether each is in a remote class. */
export function findDeliverablePincodes(db: Db): Promise<PincodeRow[]> {
  return queryRows<PincodeRow>(
    db,
    sql`/* readDeliverablePincodes */ select code, latitude, longitude, coordinate_quality, primary_circle_id,
          code in (${REMOTE_PINCODES_SQL}) as remote
        from pincode
        where delivery_office_count > 0 or (delivery_office_count is null and office_count > 0)
        order by code`,
  );
}

/** Offices that deliver, or whose delivery status is unknown, grouped by PIN (PINs in order, offices by id). */
export async function findDeliveringOfficesByPincode(db: Db): Promise<Map<string, { id: number; name: string; office_type: OfficeTypeValue | null }[]>> {
  // One JSON text per PIN rather than a row per office: ~19,000 rows to decode instead of ~155,000, which on
  // PGlite is most of the cost of reading the directory before a demo seed.
  const rows = await queryRows<{ pincode: string; offices: string }>(
    db,
    sql`/* readDeliveringOffices */ select pincode, json_agg(json_build_array(id, name, office_type) order by id)::text as offices
        from post_office where coalesce(delivery, true) group by pincode order by pincode`,
  );
  return new Map(
    rows.map((r) => [
      r.pincode,
      (JSON.parse(r.offices) as [number, string, OfficeTypeValue | null][]).map(([id, name, type]) => ({ id, name, office_type: type })),
    ]),
  );
}


export async function countDemoRows(db: Db): Promise<{ shipments: number; synthetic: number }> {
  const rows = await queryRows<{ shipments: number; synthetic: number }>(
    db,
    sql`/* countDemoRows */ select (select count(*) from shipment)::int as shipments,
        (select count(*) from shipment where synthetic)::int
          + (select count(*) from pickup_location where synthetic)::int
          + (select count(*) from cod_remittance where synthetic)::int as synthetic`,
  );
  return rows[0]!;
}

export async function hasShipments(db: Db): Promise<boolean> {
  const rows = await queryRows<{ any: boolean }>(db, sql`/* hasShipments */ select exists (select 1 from shipment) as any`);
  return rows[0]!.any;
}

export async function deleteSyntheticRows(db: Db): Promise<void> {
  const rows = await queryRows<{ real: boolean }>(
    db,
    sql`/* deleteSyntheticRows */ select exists (select 1 from shipment where not synthetic)
        or exists (select 1 from cod_remittance where not synthetic) as real`,
  );
  if (!rows[0]!.real) {
    // Deleting a large demo load row by row writes and later vacuums every row; TRUNCATE drops the files
    // instead and, in PostgreSQL, is transactional. Only taken when every row of the three tables is synthetic.
    await db.execute(sql`truncate scan_event, shipment, cod_remittance`);
  } else {
    await db.execute(sql`delete from scan_event e using shipment s where e.shipment_id = s.id and e.booking_date = s.booking_date and s.synthetic`);
    await db.execute(sql`delete from shipment where synthetic`);
    await db.execute(sql`delete from cod_remittance where synthetic`);
  }
  await db.execute(sql`delete from pickup_location where synthetic`);
}

export async function maxId(db: Db, table: "shipment" | "scan_event" | "cod_remittance"): Promise<number> {
  const rows = await queryRows<{ max: number }>(db, sql`select coalesce(max(id), 0)::int as max from ${sql.identifier(table)}`);
  return rows[0]!.max;
}

export async function setSequence(db: Db, table: string, last: number): Promise<void> {
  await db.execute(sql`select setval(pg_get_serial_sequence(${table}, 'id'), ${Math.max(last, 1)}, ${last > 0})`);
}

/*
 * Per-row foreign-key triggers cost more than everything else in the load: each is an index lookup per
 * row per key, several for every shipment and every scan event. When src/db/key-checks.ts
 * allows it they are off for the load and the keys are checked once, set-wise, afterwards
 * (verifyForeignKeys); the tables are locked, so no concurrent delete can race the check.
 */
/** The foreign keys of the rows written with triggers off, checked in one pass each. */
export async function verifyForeignKeys(db: Db, firstShipmentId: number, firstEventId: number): Promise<void> {
  const rows = await queryRows<{ broken: number }>(
    db,
    sql`/* verifyForeignKeys */ select
      (select count(*) from shipment s where s.id >= ${firstShipmentId} and (
         not exists (select 1 from product p where p.code = s.product_code)
         or not exists (select 1 from pickup_location l where l.id = s.pickup_location_id)
         or (s.delivery_office_id is not null and not exists (select 1 from post_office o where o.id = s.delivery_office_id))
         or (s.cod_remittance_id is not null and not exists (select 1 from cod_remittance r where r.id = s.cod_remittance_id))))
      + (select count(*) from scan_event e where e.id >= ${firstEventId} and (
         not exists (select 1 from shipment s where s.id = e.shipment_id and s.booking_date = e.booking_date)
         or (e.office_id is not null and not exists (select 1 from post_office o where o.id = e.office_id))))
      as broken`,
  );
  const broken = Number(rows[0]!.broken);
  if (broken > 0) throw new Error(`The demo load wrote ${broken} rows with a dangling foreign key: rolled back.`);
}

/** Sets the real totals of the remittance batches just written; batches no delivery fell into go. */
export async function finishRemittances(db: Db, firstId: number, placeholderPaise: number, totals: ReadonlyMap<number, { amount: number; count: number }>): Promise<void> {
  const entries = [...totals].sort(([a], [b]) => a - b);
  for (let i = 0; i < entries.length; i += 1000) {
    const values = entries
      .slice(i, i + 1000)
      .map(([index, t]) => sql`(${firstId + index}::int, ${t.amount}::bigint, ${t.count}::int)`);
    await db.execute(sql`/* finishRemittances */ update cod_remittance r set amount_paise = v.amount, shipment_count = v.n
      from (values ${sql.join(values, sql`, `)}) as v(id, amount, n) where r.id = v.id`);
  }
  await db.execute(sql`delete from cod_remittance where id >= ${firstId} and synthetic and amount_paise = ${placeholderPaise}`);
}

/** Readies the seed's transaction for a bulk load. */
export async function prepareBulkLoad(db: Db): Promise<void> {
  // A bulk load's statements may outlast the limit the server sets for API queries.
  await db.execute(sql`set local statement_timeout = 0`);
  // Explicit ids are taken from max(id): nobody may insert through the sequences meanwhile.
  await db.execute(sql`lock table shipment, scan_event, cod_remittance, pickup_location in exclusive mode`);
}

/** Turns the per-row foreign-key triggers off (replica role) or on again, for the rest of the transaction. */
export async function setForeignKeyTriggers(db: Db, on: boolean): Promise<void> {
  await db.execute(on ? sql`set local session_replication_role = origin` : sql`set local session_replication_role = replica`);
}

/** The synthetic remittance cycle from `validFrom`, unless a real cycle is recorded. */
export async function insertSyntheticRemittanceCycle(db: Db, validFrom: string, days: number): Promise<void> {
  await db.execute(sql`/* insertSyntheticRemittanceCycle */ insert into cod_remittance_cycle (valid_from, days, synthetic)
    select ${validFrom}::date, ${days}, true
    where not exists (select 1 from cod_remittance_cycle where not synthetic)
    on conflict (valid_from) do nothing`);
}

/** Fresh planner statistics for the tables the seed writes. */
export async function analyzeDemoTables(db: Db): Promise<void> {
  // Statistics for the tables just loaded: until autovacuum's analyze reaches them the planner has no distinct counts or
  // histograms and falls back to default selectivities, which choose badly on the first queries after a load.
  await db.execute(sql`analyze shipment, scan_event, cod_remittance, pickup_location, serviceability, pin_delivery_quarter, kpi_rollup, kpi_histogram, kpi_month_rollup`);
}
