import { and, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { intArray, pinArray, selectRows, tableReader, textArray } from "../../db/rows.js";
import { fiscalQuarterSql, istDaySql } from "../../db/calendar-sql.js";
import { type IdRange, insertWithKpiContribution, withKpiDelta } from "../kpi/kpi-rollup.repository.js";
import { ensureBookingPartitions, ensureStagedBookingPartitions } from "./shipment-partition.repository.js";
import { distinctBookingDays } from "./shipment-partition.rules.js";
import { onTimeSql, type ScanEventRow, scanEventTable, type ShipmentInsert, type ShipmentRow, shipmentTable } from "./shipment.sql.js";
import { ComputedFields } from "../../lib/projection.js";
import type { QueryModel } from "../../lib/query-model.js";
import { TypeQuery } from "../../db/query-read.js";
import { CodCashStatus } from "./shipment.type.js";
import { NOTIFY_PAYLOAD_MAX_BYTES, notifyAllSql, SCAN_RECORDED_CHANNEL, SHIPMENT_CHANGED_CHANNEL } from "../../db/notify.js";
import { idPayloads } from "../../lib/notify-payload.js";

/** Milliseconds since the epoch, truncated as a JavaScript Date holds an instant read from PostgreSQL. */
const epochMs = (instant: SQL) => sql`floor(extract(epoch from ${instant}) * 1000)`;

/**
 * Shipment fields computed from the shipment's own row, each written once, as SQL. The single statement writes
 * these expressions into its JSON; the resolver path reads the values the same expressions gave (the shipment
 * readers select them with the row; a row read otherwise asks the shipmentComputedById loader). Neither path
 * computes them in JavaScript, so the two cannot disagree (test/single-statement.test.ts compares them on
 * every field all the same).
 */
export const shipmentComputed = new ComputedFields(shipmentTable, {
  // (delivered − booked) / 24 h, rounded half up to 3 decimals in double arithmetic.
  transitDays: {
    sql: (s) =>
      sql`case when ${s.deliveredAt} is null then null else floor(((${epochMs(s.deliveredAt)} - ${epochMs(s.bookedAt)})::float8 / 86400000::float8) * 1000::float8 + 0.5::float8) / 1000::float8 end`,
    uses: { filter: true, order: true, operand: "Float" },
  },
  // The IST calendar day of delivery, as bookingDate is the day of booking.
  deliveryDate: {
    sql: (s) => sql`(${istDaySql(s.deliveredAt)})::text`,
    compareAs: (s) => istDaySql(s.deliveredAt),
    uses: { filter: true, order: true, group: true, operand: "Date" },
  },
  // Delivered on or before the promised day, both IST calendar days.
  onTime: {
    sql: (s) => onTimeSql(s.deliveredAt, s.promisedDate),
    uses: { filter: true, group: true, operand: "Boolean" },
  },
  bookingQuarter: { sql: (s) => fiscalQuarterSql(s.bookedAt), uses: { filter: true, order: true, group: true, operand: "String", nullable: false } },
  // Where the COD cash is (CodCashStatus): remitted once in a batch; collected at delivery; never, once the
  // parcel went back, was lost or cancelled.
  codStatus: {
    sql: (s) => sql`case when ${s.paymentMode} <> 'COD' then null
      when ${s.codRemittanceId} is not null then 'REMITTED'
      when ${s.status} = 'DELIVERED' then 'COLLECTED'
      when ${s.status} in ('RTO_INITIATED', 'RTO_DELIVERED', 'LOST', 'CANCELLED') then 'NOT_COLLECTED'
      else 'AWAITING_DELIVERY' end`,
    uses: { filter: true, order: true, group: true, operand: { enum: CodCashStatus, name: "CodCashStatus" } },
  },
  // Stored as "APO_56": addressed as "c/o 56 APO".
  armyPostOffice: { sql: (s) => sql`case when ${s.armyPostOffice} is null then null else 'c/o ' || substr(${s.armyPostOffice}, 5) || ' APO' end` },
});

export type ShipmentComputedName = (typeof shipmentComputed.names)[number];

const t = shipmentTable;
/** Whole shipment rows as `s` with their computed fields (shipmentComputed above), scan rows as `e`, for the hot reads (see db/rows.ts). */
const shipments = tableReader(shipmentTable, "s", shipmentComputed);
const events = tableReader(scanEventTable, "e");
/** Rows as insertWithKpiContribution hands back what an insert stored (alias `sh`). */
const insertedShipment = tableReader(shipmentTable, "sh");

function keysJson(keys: readonly { trackingNumber: string; bookingDate: string }[]) {
  return JSON.stringify(keys.map((k) => ({ t: k.trackingNumber, d: k.bookingDate })));
}

/** Stored shipments with the given (tracking number, booking date) keys. */
export function findShipmentsByKeys(db: Db, keys: readonly { trackingNumber: string; bookingDate: string }[]): Promise<ShipmentRow[]> {
  if (keys.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(t)
    .where(
      // Typed as the columns (char(13), date) so the unique index serves the lookup: compared as text, it cannot.
      sql`/* findShipmentsByKeys */ (${t.trackingNumber}, ${t.bookingDate}) in (
        select k.t, k.d from jsonb_to_recordset(${keysJson(keys)}::jsonb) as k(t char(13), d date))`,
    );
}

/** The columns a booking writes, with their SQL types; everything else takes its default until scans arrive. */
export const BOOKING_COLUMNS = [
  ["trackingNumber", "tracking_number", "char(13)"],
  ["bookingDate", "booking_date", "date"],
  ["bookedAt", "booked_at", "timestamptz"],
  ["productCode", "product_code", "text"],
  ["paymentMode", "payment_mode", "text"],
  ["codAmountPaise", "cod_amount_paise", "bigint"],
  ["weightGrams", "weight_grams", "int"],
  ["declaredValuePaise", "declared_value_paise", "bigint"],
  ["pickupLocationId", "pickup_location_id", "int"],
  ["destinationKind", "destination_kind", "text"],
  ["destinationPincode", "destination_pincode", "char(6)"],
  ["armyPostOffice", "army_post_office", "text"],
  ["deliveryOfficeId", "delivery_office_id", "int"],
  ["routeClass", "route_class", "text"],
  ["serviceNormDays", "service_norm_days", "int"],
  ["promisedDate", "promised_date", "date"],
] as const satisfies readonly (readonly [keyof ShipmentInsert, string, string])[];

export const BOOKING_COLUMN_NAMES: readonly string[] = BOOKING_COLUMNS.map(([, name]) => name);

/** A booking's values in BOOKING_COLUMNS order, as COPY and JSON take them: instants as ISO text, absent as null. */
export function bookingValues(row: ShipmentInsert): unknown[] {
  return BOOKING_COLUMNS.map(([key]) => {
    const value = row[key];
    return value instanceof Date ? value.toISOString() : (value ?? null);
  });
}

const bookingColumnList = sql.raw(BOOKING_COLUMN_NAMES.join(", "));
const bookingRecordType = sql.raw(BOOKING_COLUMNS.map(([, name, type]) => `${name} ${type}`).join(", "));

/**
 * Inserts new bookings and counts them in the KPI rollups, in one statement: the rows travel as one JSON
 * parameter expanded by jsonb_to_recordset, which costs PostgreSQL little and spares the client building a
 * statement with thousands of parameters, which on the client costs more than the insert itself; the stored rows come back
 * from RETURNING.
 */
export async function insertShipments(db: Db, rows: readonly ShipmentInsert[]): Promise<ShipmentRow[]> {
  if (rows.length === 0) return [];
  await ensureBookingPartitions(db, distinctBookingDays(rows));
  const json = JSON.stringify(rows.map((row) => Object.fromEntries(bookingValues(row).map((value, i) => [BOOKING_COLUMN_NAMES[i], value]))));
  const raw = await insertWithKpiContribution<Record<string, unknown>>(
    db,
    sql`/* insertShipments */ insert into shipment (${bookingColumnList}) select ${bookingColumnList}
        from jsonb_to_recordset(${json}::jsonb) as x(${bookingRecordType})`,
    insertedShipment.columns,
  );
  return raw.map((r) => insertedShipment.read(r));
}

/**
 * Locks the pickup locations, products and offices that new bookings name (FOR KEY SHARE, as the foreign-key
 * triggers would) and returns how many of them are gone: validation read them earlier in the transaction, so
 * only a concurrent delete makes this non-zero. With key checks deferred (src/db/key-checks.ts) this is the
 * foreign-key check, one statement over the distinct keys instead of three trigger lookups per row.
 */
export async function lockBookingReferences(db: Db, creates: readonly ShipmentInsert[]): Promise<number> {
  const distinct = <T>(values: readonly (T | null | undefined)[]) => [...new Set(values.filter((v): v is T => v !== null && v !== undefined))];
  const pickups = distinct(creates.map((c) => c.pickupLocationId));
  const products = distinct(creates.map((c) => c.productCode));
  const offices = distinct(creates.map((c) => c.deliveryOfficeId));
  const [row] = await queryRows<{ found: number }>(
    db,
    sql`/* lockBookingReferences */ select
      (select count(*) from (select 1 from pickup_location where id = any(${intArray(pickups)}) for key share) l)
      + (select count(*) from (select 1 from product where code = any(${textArray(products)}) for key share) p)
      + (select count(*) from (select 1 from post_office where id = any(${intArray(offices)}) for key share) o) as found`,
  );
  return pickups.length + products.length + offices.length - Number(row!.found);
}

/** Fills facts learnt after booking; one statement per changed shipment (rare: most retries are unchanged). */
export async function updateShipmentFacts(db: Db, updates: readonly { id: number; changes: Partial<ShipmentInsert> }[]): Promise<ShipmentRow[]> {
  if (updates.length === 0) return [];
  // Learnt facts only ever fill a stored null (planShipment), so one statement can coalesce them all.
  const json = JSON.stringify(
    updates.map(({ id, changes }) => ({
      id,
      declared_value_paise: changes.declaredValuePaise ?? null,
      delivery_office_id: changes.deliveryOfficeId ?? null,
      promised_date: changes.promisedDate ?? null,
    })),
  );
  // A learnt delivering office can move the due date, and with it the on-time KPI.
  const dueDateMoves = updates.filter((u) => u.changes.promisedDate !== undefined).map((u) => u.id);
  await withKpiDelta(db, dueDateMoves, () =>
    db.execute(sql`/* updateShipmentFacts */ update shipment s set
      declared_value_paise = coalesce(x.declared_value_paise, s.declared_value_paise),
      delivery_office_id = coalesce(x.delivery_office_id, s.delivery_office_id),
      promised_date = coalesce(x.promised_date, s.promised_date),
      updated_at = now()
    from jsonb_to_recordset(${json}::jsonb) as x(id int, declared_value_paise bigint, delivery_office_id int, promised_date date)
    where s.id = x.id`),
  );
  return findShipmentsByIds(
    db,
    updates.map((u) => u.id),
  );
}

export function findShipmentsByIds(db: Db, ids: readonly number[]): Promise<ShipmentRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return selectRows(db, shipments, sql`where s.id = any(${intArray(ids)})`);
}

/** Every booking of the given tracking numbers, latest booking first. */
export function findShipmentsByTrackingNumbers(db: Db, numbers: readonly string[]): Promise<ShipmentRow[]> {
  if (numbers.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(t)
    .where(inArray(t.trackingNumber, [...numbers]))
    .orderBy(sql`${t.bookingDate} desc`);
}

/** The shipment with this tracking number: the latest booking of a reused number unless `bookingDate` picks one. */
export async function findTrackedShipment(db: Db, trackingNumber: string, bookingDate: string | null): Promise<ShipmentRow | undefined> {
  const day = bookingDate === null ? sql`` : sql`and s.booking_date = ${bookingDate}::date`;
  const [row] = await selectRows(
    db,
    shipments,
    sql`/* findTrackedShipment */ where s.tracking_number = ${trackingNumber}::char(13) ${day} order by s.booking_date desc limit 1`,
  );
  return row;
}

/** A shipment's natural key: its tracking number (canonical, 13 characters) with its IST booking day (YYYY-MM-DD). */
export interface TrackingKey {
  readonly trackingNumber: string;
  readonly bookingDate: string;
}

/**
 * The shipments with these natural keys (the federation @key of Shipment), in one statement however many: the keys go
 * as one JSON parameter, matched on the unique (tracking_number, booking_date) index.
 */
export function findShipmentsByTrackingKeys(db: Db, keys: readonly TrackingKey[]): Promise<ShipmentRow[]> {
  if (keys.length === 0) return Promise.resolve([]);
  const pairs = JSON.stringify(keys.map((k) => [k.trackingNumber, k.bookingDate]));
  return selectRows(
    db,
    shipments,
    sql`/* findShipmentsByTrackingKeys */ where (s.tracking_number, s.booking_date) in (select (k.pair->>0)::char(13), (k.pair->>1)::date from jsonb_array_elements(${pairs}::jsonb) as k(pair))`,
  );
}

/** The computed fields (shipmentComputed) of the shipments with these ids, for rows read without them. */
export async function findShipmentComputedByIds(db: Db, ids: readonly number[]): Promise<(Record<ShipmentComputedName, unknown> & { id: number })[]> {
  if (ids.length === 0) return [];
  return queryRows(db, sql`/* findShipmentComputedByIds */ select s.id, ${shipmentComputed.columns('"s"')} from shipment s where s.id = any(${intArray(ids)})`);
}

export interface ShipmentFilterValues {
  readonly statuses?: readonly string[] | null;
  readonly productCodes?: readonly string[] | null;
  readonly paymentMode?: string | null;
  readonly pickupLocationIds?: readonly number[] | null;
  readonly destinationPincode?: string | null;
  readonly destinationState?: string | null;
  readonly destinationCircle?: string | null;
  /** Booking instants, [from, to). */
  readonly bookedFrom?: Date | null;
  readonly bookedBefore?: Date | null;
  readonly armyPostal?: boolean | null;
  readonly synthetic?: boolean | null;
  /** A viewer's circle restriction (access.roles circleScope): only shipments bound for that circle. */
  readonly circleScope?: string | null;
}

export function shipmentConditions(filter: ShipmentFilterValues): SQL[] {
  const c: SQL[] = [];
  if (filter.statuses?.length) c.push(inArray(t.status, [...filter.statuses] as ShipmentRow["status"][]));
  if (filter.productCodes?.length) c.push(inArray(t.productCode, [...filter.productCodes]));
  if (filter.paymentMode) c.push(sql`${t.paymentMode} = ${filter.paymentMode}`);
  if (filter.pickupLocationIds) c.push(filter.pickupLocationIds.length === 0 ? sql`false` : inArray(t.pickupLocationId, [...filter.pickupLocationIds]));
  if (filter.destinationPincode) c.push(eq(t.destinationPincode, filter.destinationPincode));
  if (filter.destinationState) {
    c.push(sql`${t.destinationPincode} in (select code from pincode where lower(primary_state) = ${filter.destinationState.toLowerCase()})`);
  }
  if (filter.destinationCircle) {
    c.push(
      sql`${t.destinationPincode} in (select p.code from pincode p join postal_circle c on c.id = p.primary_circle_id
          where lower(c.name) = ${filter.destinationCircle.toLowerCase()})`,
    );
  }
  if (filter.bookedFrom) c.push(sql`${t.bookedAt} >= ${filter.bookedFrom.toISOString()}::timestamptz`);
  if (filter.bookedBefore) c.push(sql`${t.bookedAt} < ${filter.bookedBefore.toISOString()}::timestamptz`);
  if (filter.armyPostal !== null && filter.armyPostal !== undefined) {
    c.push(filter.armyPostal ? sql`${t.destinationKind} = 'ARMY_POSTAL'` : sql`${t.destinationKind} = 'PIN_CODE'`);
  }
  if (filter.synthetic !== null && filter.synthetic !== undefined) c.push(eq(t.synthetic, filter.synthetic));
  if (filter.circleScope) {
    c.push(
      sql`${t.destinationPincode} in (select p.code from pincode p join postal_circle c on c.id = p.primary_circle_id
          where lower(c.name) = ${filter.circleScope.toLowerCase()})`,
    );
  }
  return c;
}

/** Shipments under any `ShipmentWhere` filter and order (src/db/query-read.ts), rows read as `shipment` so shipmentConditions apply too. */
let shipmentQueries: TypeQuery<ShipmentRow> | undefined;
export function shipmentQuery(model: QueryModel): TypeQuery<ShipmentRow> {
  shipmentQueries ??= new TypeQuery(model, "Shipment", tableReader(shipmentTable, "shipment", shipmentComputed), "shipment");
  return shipmentQueries;
}

/** A column shipments are paged by parent on: each leads an index of (parent, booked_at, id). */
export type ShipmentParentColumn = "pickup_location_id" | "destination_pincode";

/**
 * One parent's shipments newest first, as the WHERE condition and ORDER BY of a "latest N" subquery on `alias`
 * (`parent`: the outer value), shared by the resolvers' loader and the single-statement projection.
 *
 * Written so that only the (parent, booked_at, id) index gives the order. Matched with `=`, PostgreSQL takes the
 * parent column for a constant, drops it from the order, and may walk the (booked_at, id) index backwards keeping
 * the parent's rows, betting that they are spread evenly over time: for a parent with no recent shipments (a new or
 * closed pickup location, a quiet PIN) that walk reads the whole table. `= any(array[…])` makes no such constant,
 * so the parent stays at the head of the ORDER BY, which the (booked_at, id) index cannot give; and it is estimated
 * as `=` is, so sorting all of a parent's rows never looks cheaper than the first N of its index (a range such as
 * `>= x and <= x` is estimated far smaller, and then a sort does). test/dashboard-plan.test.ts holds the plans to it.
 */
export function latestOfParentSql(alias: string, column: ShipmentParentColumn, parent: string): { readonly where: string; readonly orderBy: string } {
  const key = `${alias}.${column}`;
  return { where: `${key} = any(array[${parent}])`, orderBy: `${key} desc, ${alias}.booked_at desc, ${alias}.id desc` };
}

/**
 * The latest `limit` shipments (after an optional cursor) of each parent, in one statement for all
 * parents: a LATERAL subquery per parent id walks the (parent, booked_at, id) index backwards. With
 * `columns`, only those columns are read (the rows lack the others; see pageColumns in shipment.resolver.ts).
 */
export async function findLatestShipmentsPerParent(
  db: Db,
  parent: ShipmentParentColumn,
  parentIds: readonly (number | string)[],
  after: readonly [string, number] | null,
  limit: number,
): Promise<ShipmentRow[]> {
  const keys = parent === "pickup_location_id" ? intArray(parentIds.map(Number)) : pinArray(parentIds.map(String));
  const cursor = after === null ? sql`true` : sql`(p.booked_at, p.id) < (${after[0]}::timestamptz, ${after[1]}::int)`;
  const page = latestOfParentSql("p", parent, "k.pid");
  // Each parent's page is read whole by its walk of the (parent, booked_at, id) index: joining the page's ids back to
  // shipment would look for each id in every quarter partition, or (as the planner prefers on small partitions)
  // read all of them.
  const raw = await queryRows<Record<string, unknown>>(
    db,
    sql`/* findLatestShipmentsPerParent */ select ${shipments.columns} from (select distinct unnest(${keys}) as pid) k
        cross join lateral (
          select p.* from shipment p where ${sql.raw(page.where)} and ${cursor}
          order by ${sql.raw(page.orderBy)} limit ${limit}
        ) s
      order by s.${sql.raw(parent)}, s.booked_at desc, s.id desc`,
  );
  return raw.map((r) => shipments.read(r));
}

/**
 * Shipments per pickup location (totalCount of PickupLocation.shipments). Every shipment is booked in
 * exactly one quarter, so a location's bookings summed over the KPI rollup's quarters are its shipments: a
 * few dozen rollup rows instead of counting up to millions of index entries (the rollup is kept equal to
 * the rows: dakgraph verify kpis).
 */
export async function countShipmentsPerPickupLocation(db: Db, ids: readonly number[]): Promise<Map<string, number>> {
  const rows = await queryRows<{ pid: string; n: number }>(
    db,
    sql`/* countShipmentsPerPickupLocation */ select scope_key as pid, sum(booked)::int as n from kpi_rollup
        where scope_kind = 'PICKUP_LOCATION' and scope_key in (select unnest(${textArray(ids.map(String))}))
        group by scope_key`,
  );
  return new Map(rows.map((r) => [r.pid, Number(r.n)]));
}

/** Shipments per destination PIN (totalCount of Pincode.shipments). */
export async function countShipmentsPerPincode(db: Db, codes: readonly string[]): Promise<Map<string, number>> {
  // The codes are cast to char(6) so the (destination_pincode, booked_at, id) index answers the count.
  const rows = await queryRows<{ pid: string; n: number }>(
    db,
    sql`/* countShipmentsPerPincode */ select destination_pincode::text as pid, count(*)::int as n from shipment
        where destination_pincode in (select unnest(${pinArray(codes)}))
        group by destination_pincode`,
  );
  return new Map(rows.map((r) => [r.pid.trim(), Number(r.n)]));
}

/** Every scan of the given shipments, in timeline order (time, then arrival). */
export function findEventsByShipmentIds(db: Db, ids: readonly number[]): Promise<ScanEventRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return selectRows(db, events, sql`where e.shipment_id = any(${intArray(ids)}) order by e.shipment_id, e.occurred_at, e.id`);
}

/** The latest scan of each shipment (by time, then arrival), one statement: one index probe per shipment. */
export function findLastEventsByShipmentIds(db: Db, ids: readonly number[]): Promise<ScanEventRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return selectRows(
    db,
    events,
    sql`/* findLastEventsByShipmentIds */ join (
        select last.id from unnest(${intArray(ids)}) as k(shipment_id)
        cross join lateral (
          select l.id from scan_event l where l.shipment_id = k.shipment_id order by l.occurred_at desc, l.id desc limit 1
        ) last) last on last.id = e.id`,
  );
}

export function findEventsByIds(db: Db, ids: readonly number[]): Promise<ScanEventRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return selectRows(db, events, sql`where e.id = any(${intArray(ids)})`);
}

/** What the promised day of shipments booked in [from, to] (IST days) is computed from. */
export function findSchedulesBookedBetween(
  db: Db,
  from: string,
  to: string,
): Promise<{ id: number; booking_date: string; service_norm_days: number; promised_date: string; branch: boolean }[]> {
  return queryRows<{ id: number; booking_date: string; service_norm_days: number; promised_date: string; branch: boolean }>(
    db,
    sql`/* rescheduleShipments */ select s.id, s.booking_date::text, s.service_norm_days, s.promised_date::text,
        coalesce(o.office_type = 'BRANCH', false) as branch
      from shipment s left join post_office o on o.id = s.delivery_office_id
      where s.booking_date between ${from}::date and ${to}::date`,
  );
}

/** Sets new promised days; the caller moves the KPI rollups (withKpiDelta). */
export async function updatePromisedDates(db: Db, moves: readonly { id: number; promisedDate: string }[]): Promise<void> {
  const json = JSON.stringify(moves.map((m) => ({ id: m.id, d: m.promisedDate })));
  await db.execute(sql`/* rescheduleShipments */ update shipment s set promised_date = x.d, updated_at = now()
    from jsonb_to_recordset(${json}::jsonb) as x(id int, d date) where s.id = x.id`);
}

/** New scan events, as stored. */
export function insertScanEvents(db: Db, rows: readonly (typeof scanEventTable.$inferInsert)[]): Promise<ScanEventRow[]> {
  return db.insert(scanEventTable).values([...rows]).returning();
}

/** Fills office and raw text that stored scan events lacked (the caller keeps what they had). */
export async function fillScanEvents(
  db: Db,
  updates: readonly { id: number; officeId: number | null; officeName: string | null; rawText: string | null }[],
): Promise<void> {
  const json = JSON.stringify(updates.map((u) => ({ id: u.id, office_id: u.officeId, office_name: u.officeName, raw_text: u.rawText })));
  await db.execute(sql`/* fillScanEvents */ update scan_event e set office_id = x.office_id, office_name = x.office_name, raw_text = x.raw_text
    from jsonb_to_recordset(${json}::jsonb) as x(id int, office_id int, office_name text, raw_text text)
    where e.id = x.id`);
}

/** Stores state re-derived from scan events (rows keyed by column name); the caller moves the KPI rollups (withKpiDelta). */
export async function updateDerivedShipments(db: Db, changed: readonly Record<string, unknown>[]): Promise<void> {
  await db.execute(sql`/* rederiveShipments */ update shipment s set
      status = x.status, delivered_at = x.delivered_at, attempts = x.attempts, failed_reasons = x.failed_reasons,
      out_for_delivery_count = x.out_for_delivery_count, first_attempt_at = x.first_attempt_at,
      returned_at = x.returned_at, rto_delivered_at = x.rto_delivered_at, last_event_at = x.last_event_at,
      delivery_office_id = x.delivery_office_id, promised_date = x.promised_date, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(changed)}::jsonb) as x(
      id int, status text, delivered_at timestamptz, attempts int, failed_reasons text[], out_for_delivery_count int,
      first_attempt_at timestamptz, returned_at timestamptz, rto_delivered_at timestamptz,
      last_event_at timestamptz, delivery_office_id int, promised_date date)
    where s.id = x.id`);
}

/** Marks shipments as remitted in a COD batch. */
export async function setCodRemittance(db: Db, ids: readonly number[], remittanceId: number): Promise<void> {
  await db.update(shipmentTable).set({ codRemittanceId: remittanceId, updatedAt: sql`now()` }).where(inArray(shipmentTable.id, [...ids]));
}

/** A transaction's staging table for COPYing bookings (shipment_stage: the booking columns, dropped at commit). */
export async function createShipmentStage(db: Db): Promise<void> {
  // The booking columns only: no defaults, so staging a row draws no id from shipment's sequence.
  await db.execute(sql.raw(`create temp table shipment_stage on commit drop as select ${BOOKING_COLUMN_NAMES.join(", ")} from shipment with no data`));
}

/** Inserts the staged bookings with their KPI contribution (a booking already stored is skipped), then empties the stage; returns how many were new. */
export async function insertStagedShipments(db: Db): Promise<number> {
  await ensureStagedBookingPartitions(db, "shipment_stage");
  const [inserted] = await insertWithKpiContribution<{ n: number }>(
    db,
    sql.raw(
      `insert into shipment (${BOOKING_COLUMN_NAMES.join(", ")}) select ${BOOKING_COLUMN_NAMES.join(", ")} from shipment_stage ` +
        "on conflict (tracking_number, booking_date) do nothing",
    ),
    sql`count(*)::int as n`,
  );
  await db.execute(sql.raw("truncate shipment_stage"));
  return inserted!.n;
}

/**
 * Names the shipments and scans a write touched to every listener (the subscriptions' change feeds on each
 * process): NOTIFY, sent by PostgreSQL when the caller's transaction commits, nothing on rollback. Ids only, in as
 * many messages as the payload limit needs; one statement, none when nothing changed.
 */
export async function notifyShipmentChanges(db: Db, changes: { readonly shipmentIds: readonly number[]; readonly scanEventIds: readonly number[] }): Promise<void> {
  const messages = [
    ...idPayloads(changes.shipmentIds, NOTIFY_PAYLOAD_MAX_BYTES).map((payload) => ({ channel: SHIPMENT_CHANGED_CHANNEL, payload })),
    ...idPayloads(changes.scanEventIds, NOTIFY_PAYLOAD_MAX_BYTES).map((payload) => ({ channel: SCAN_RECORDED_CHANNEL, payload })),
  ];
  if (messages.length > 0) await db.execute(notifyAllSql(messages));
}

/**
 * Draws `count` ids from shipment's id sequence, as the rows' defaults would, and returns them as runs of
 * consecutive ids: one run unless another writer drew ids meanwhile. A bulk import COPYs its rows with these
 * ids, so it can then read exactly its own rows back by id range (their KPI contribution).
 */
export async function reserveShipmentIds(db: Db, count: number): Promise<IdRange[]> {
  if (count === 0) return [];
  // Runs as (first, last): consecutive ids share id - row_number. The sequence is looked up once (a subquery):
  // as nextval's argument it was looked up per row, ten times the cost of the ids.
  const rows = await queryRows<{ first: number; last: number }>(
    db,
    sql`/* reserveShipmentIds */ select min(id)::int as first, max(id)::int as last from (
        select id, id - row_number() over (order by id) as run
        from (select nextval((select pg_get_serial_sequence('shipment', 'id'))::regclass) as id from generate_series(1, ${count}::int)) drawn) ids
      group by run order by first`,
  );
  return rows.map((r) => [Number(r.first), Number(r.last)] as const);
}

/** The ids of `ranges` in order: the first `count` of them. */
export function idsOfRanges(ranges: readonly IdRange[]): number[] {
  const ids: number[] = [];
  for (const [first, last] of ranges) for (let id = first; id <= last; id += 1) ids.push(id);
  return ids;
}

/** Column list of copyBookings: the id, then the booking columns; every other column takes its default. */
export const COPIED_BOOKING_COLUMNS: readonly string[] = ["id", ...BOOKING_COLUMN_NAMES];

/** New bookings as COPY rows of COPIED_BOOKING_COLUMNS, each with its reserved id. */
export function copiedBookingRows(ids: readonly number[], rows: readonly ShipmentInsert[]): unknown[][] {
  return rows.map((row, i) => [ids[i], ...bookingValues(row)]);
}
