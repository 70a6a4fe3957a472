import { PgDialect } from "drizzle-orm/pg-core";
import { inArray, sql, type SQL } from "drizzle-orm";
import { withKpiPinDelta } from "../kpi/kpi-pins.repository.js";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { pinArray } from "../../db/rows.js";
import { fiscalQuarterSql } from "../../db/calendar-sql.js";
import { type ServiceabilityRow, serviceabilityTable } from "./coverage.sql.js";
import type { RemoteClass } from "./coverage.type.js";

/*
 * Coverage reads: per-PIN facts (directory counts, serviceability on a day, deliveries in a quarter from
 * the pin_delivery_quarter rollup, remote classes) aggregated per area in one statement. The work is
 * proportional to the ~19,000 PINs, never to the number of shipments.
 */

/**
 * (code, class_code) for every PIN of `pins` (a relation with code, primary_state, primary_district) in a
 * remote class. One join per rule kind, so each is a hash or prefix join: over the whole directory that
 * costs a small fraction of asking remote_class_rule once per PIN.
 */
function remoteMembershipSql(pins: SQL): SQL {
  return sql`select p.code, r.class_code from ${pins} p join remote_class_rule r on r.kind = 'STATE' and lower(r.value) = lower(p.primary_state)
    union
    select p.code, r.class_code from ${pins} p join remote_class_rule r on r.kind = 'DISTRICT' and lower(r.value) = lower(p.primary_state || '/' || p.primary_district)
    union
    select p.code, r.class_code from ${pins} p join remote_class_rule r on r.kind = 'PIN_PREFIX' and p.code like r.value || '%'`;
}

/**
 * Each remote PIN with one remote class, the first by code when rules put it in several (the North-East and
 * a district rule, say): a subquery of (code, class_code), for grouping shipments by remote class.
 */
export const REMOTE_CLASS_OF_PIN_SQL = sql`select m.code, min(m.class_code) as class_code from (${remoteMembershipSql(sql`pincode`)}) m group by m.code`;

/*
 * Conditions on one PIN, as SQL text over its code (`pin`) and a bound value, for the PIN filter's conditions with a
 * value (pincode.projection.ts): the same tables and rules Pincode.coverage and Pincode.remoteClasses read.
 */

/** Serviceable on `day` (a bound date): some serviceability period of the PIN holds the day. */
export function serviceableAsOfSql(pin: string, day: string): string {
  return `exists (select 1 from serviceability sv where sv.pincode = ${pin} and sv.valid_from <= ${day} and (sv.valid_to is null or sv.valid_to >= ${day}))`;
}

/** Active in `quarter` (a bound "FY2024-25-Q2"): at least one shipment delivered to the PIN in that quarter. */
export function activeInQuarterSql(pin: string, quarter: string): string {
  return `exists (select 1 from pin_delivery_quarter dq where dq.pincode = ${pin} and dq.quarter = ${quarter} and dq.delivered > 0)`;
}

const REMOTE_MEMBERSHIP_TEXT = new PgDialect().sqlToQuery(remoteMembershipSql(sql`pincode`)).sql;

/** In the remote class `code` (a bound class code) by any of the class's rules. */
export function inRemoteClassSql(pin: string, code: string): string {
  return `${pin} in (select m.code from (${REMOTE_MEMBERSHIP_TEXT}) m where m.class_code = ${code})`;
}

/** The codes of the directory's PINs that are in at least one remote class, each once: a subquery. */
export const REMOTE_PINCODES_SQL = sql`select distinct m.code from (${remoteMembershipSql(sql`pincode`)}) m`;

/** Remote classes per PIN (directory PINs and zone-9 Army Postal PINs alike); PINs in none are absent. */
export async function findRemoteClassesByPincodes(db: Db, codes: readonly string[]): Promise<Map<string, string[]>> {
  if (codes.length === 0) return new Map();
  const rows = await queryRows<{ code: string; classes: string[] }>(
    db,
    sql`/* findRemoteClassesByPincodes */ with asked as (
        select k.code, p.primary_state, p.primary_district
        from unnest(${pinArray(codes)}) as k(code)
        left join pincode p on p.code = k.code)
      select m.code::text as code, array_agg(m.class_code order by m.class_code) as classes
      from (${remoteMembershipSql(sql`asked`)}) m group by m.code`,
  );
  return new Map(rows.map((r) => [r.code.trim(), r.classes]));
}

export type CoverageLevelValue = "NATIONAL" | "ZONE" | "CIRCLE" | "STATE" | "DISTRICT";

/** The key an area is grouped by; the Army Postal locations form an area of their own at every level but NATIONAL. */
const LEVEL_KEY: Record<CoverageLevelValue, SQL> = {
  NATIONAL: sql`'India'`,
  ZONE: sql`substr(p.code, 1, 1)`,
  CIRCLE: sql`coalesce(c.name, '(no circle)')`,
  STATE: sql`coalesce(p.primary_state, '(no state)')`,
  DISTRICT: sql`coalesce(p.primary_state, '(no state)') || ' / ' || coalesce(p.primary_district, '(no district)')`,
};

export interface CoverageAreaRow {
  readonly key: string;
  readonly pinsTotal: number;
  readonly pinsDeliverable: number;
  readonly pinsDeliveryUnknown: number;
  readonly pinsServiceable: number;
  readonly pinsActive: number;
  readonly officesInServiceablePins: number;
  readonly deliveryOfficesInServiceablePins: number;
  readonly remotePinsTotal: number;
  readonly remotePinsServed: number;
  readonly armyLocationsServed: number;
  readonly armyLocationsActive: number;
  readonly delivered: number;
}

const n = (v: unknown) => Number(v ?? 0);

/**
 * Coverage per area of `level` on day `asOf` (serviceability) and in `quarter` (deliveries): one statement.
 * With `circle` (a viewer's circle scope), only PINs whose primary circle it is, and no Army Postal locations.
 */
export async function findCoverage(db: Db, level: CoverageLevelValue, asOf: string, quarter: string, circle: string | null = null): Promise<CoverageAreaRow[]> {
  const key = LEVEL_KEY[level];
  const armyKey = level === "NATIONAL" ? sql`'India'` : level === "ZONE" ? sql`'9'` : sql`'Army Postal Service'`;
  const active = sql`s.valid_from <= ${asOf}::date and (s.valid_to is null or s.valid_to >= ${asOf}::date)`;
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`/* findCoverage */ with remote as (
        ${REMOTE_PINCODES_SQL}
      ), serviceable as (
        select distinct s.pincode from serviceability s where ${active}
      ), pins as (
        select ${key} as key, p.office_count, p.delivery_office_count,
          (p.delivery_office_count is null or p.delivery_office_count > 0) as deliverable,
          sv.pincode is not null as serviceable,
          coalesce(d.delivered, 0) as delivered,
          rm.code is not null as remote
        from pincode p
        left join postal_circle c on c.id = p.primary_circle_id
        left join pin_delivery_quarter d on d.pincode = p.code and d.quarter = ${quarter}
        left join serviceable sv on sv.pincode = p.code
        left join remote rm on rm.code = p.code
        ${circle === null ? sql`` : sql`where lower(c.name) = ${circle.toLowerCase()}`}
      ), army as (
        select s.pincode, coalesce(d.delivered, 0) as delivered
        from serviceability s left join pin_delivery_quarter d on d.pincode = s.pincode and d.quarter = ${quarter}
        where s.channel = 'ARMY_POSTAL_SERVICE' and ${active} ${circle === null ? sql`` : sql`and false`}
      ), areas as (
        select key, count(*) as pins_total,
          count(*) filter (where deliverable) as pins_deliverable,
          count(*) filter (where delivery_office_count is null) as pins_delivery_unknown,
          count(*) filter (where serviceable and deliverable) as pins_serviceable,
          count(*) filter (where delivered > 0) as pins_active,
          coalesce(sum(office_count) filter (where serviceable and deliverable), 0) as offices_serviceable,
          coalesce(sum(delivery_office_count) filter (where serviceable and deliverable), 0) as delivery_offices_serviceable,
          count(*) filter (where remote) as remote_total,
          count(*) filter (where remote and serviceable and deliverable) as remote_served,
          0 as army_served, 0 as army_active, coalesce(sum(delivered), 0) as delivered
        from pins group by key
        union all
        select ${armyKey}, 0, 0, 0, 0, 0, 0, 0, 0, 0, count(distinct pincode), count(distinct pincode) filter (where delivered > 0), coalesce(sum(delivered), 0)
        from army having count(*) > 0
      )
      select key, sum(pins_total) as pins_total, sum(pins_deliverable) as pins_deliverable, sum(pins_delivery_unknown) as pins_delivery_unknown,
        sum(pins_serviceable) as pins_serviceable, sum(pins_active) as pins_active, sum(offices_serviceable) as offices_serviceable,
        sum(delivery_offices_serviceable) as delivery_offices_serviceable, sum(remote_total) as remote_total,
        sum(remote_served) as remote_served, sum(army_served) as army_served, sum(army_active) as army_active, sum(delivered) as delivered
      from areas group by key order by key`,
  );
  return rows.map((r) => ({
    key: String(r.key),
    pinsTotal: n(r.pins_total),
    pinsDeliverable: n(r.pins_deliverable),
    pinsDeliveryUnknown: n(r.pins_delivery_unknown),
    pinsServiceable: n(r.pins_serviceable),
    pinsActive: n(r.pins_active),
    officesInServiceablePins: n(r.offices_serviceable),
    deliveryOfficesInServiceablePins: n(r.delivery_offices_serviceable),
    remotePinsTotal: n(r.remote_total),
    remotePinsServed: n(r.remote_served),
    armyLocationsServed: n(r.army_served),
    armyLocationsActive: n(r.army_active),
    delivered: n(r.delivered),
  }));
}

export interface PinCoverageRow {
  readonly pincode: string;
  readonly serviceableFrom: string | null;
  readonly serviceableTo: string | null;
  readonly channel: string | null;
  readonly deliveredInQuarter: number;
  readonly firstDeliveredAt: Date | null;
  readonly lastDeliveredAt: Date | null;
}

/** Per-PIN coverage on a day and in a quarter, for many PINs in one statement. */
export async function findPinCoverage(db: Db, codes: readonly string[], asOf: string, quarter: string): Promise<PinCoverageRow[]> {
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`/* findPinCoverage */ select k.code::text as pincode, s.valid_from::text as since, s.valid_to::text as until, s.channel,
          coalesce((select d.delivered from pin_delivery_quarter d where d.pincode = k.code and d.quarter = ${quarter}), 0) as delivered,
          (select min(d.first_delivered_at) from pin_delivery_quarter d where d.pincode = k.code) as first_at,
          (select max(d.last_delivered_at) from pin_delivery_quarter d where d.pincode = k.code) as last_at
        from unnest(${pinArray(codes)}) as k(code)
        left join serviceability s on s.pincode = k.code and s.valid_from <= ${asOf}::date and (s.valid_to is null or s.valid_to >= ${asOf}::date)`,
  );
  const date = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v : new Date(String(v)));
  return rows.map((r) => ({
    pincode: String(r.pincode).trim(),
    serviceableFrom: (r.since as string | null) ?? null,
    serviceableTo: (r.until as string | null) ?? null,
    channel: (r.channel as string | null) ?? null,
    deliveredInQuarter: n(r.delivered),
    firstDeliveredAt: date(r.first_at),
    lastDeliveredAt: date(r.last_at),
  }));
}

export function findServiceabilityByPincodes(db: Db, codes: readonly string[]): Promise<ServiceabilityRow[]> {
  if (codes.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(serviceabilityTable)
    .where(sql`${serviceabilityTable.pincode} in (select unnest(${pinArray(codes)}))`)
    .orderBy(serviceabilityTable.pincode, serviceabilityTable.validFrom);
}

export async function insertServiceability(db: Db, rows: readonly Omit<ServiceabilityRow, "id" | "updatedAt">[]): Promise<ServiceabilityRow[]> {
  if (rows.length === 0) return [];
  return db.insert(serviceabilityTable).values([...rows]).returning();
}

/** Sets the last day of stored periods, all in one statement; returns them as stored. */
export async function setServiceabilityEnds(db: Db, ends: readonly { id: number; validTo: string | null }[]): Promise<ServiceabilityRow[]> {
  if (ends.length === 0) return [];
  await db.execute(sql`/* setServiceabilityEnds */ update serviceability s set valid_to = x.valid_to, updated_at = now()
    from jsonb_to_recordset(${JSON.stringify(ends.map((e) => ({ id: e.id, valid_to: e.validTo })))}::jsonb) as x(id int, valid_to date)
    where s.id = x.id`);
  return db
    .select()
    .from(serviceabilityTable)
    .where(inArray(serviceabilityTable.id, ends.map((e) => e.id)));
}

/** Adds newly delivered shipments to the rollup: one upsert for the whole batch. */
export async function addDeliveriesToRollup(db: Db, deliveries: readonly { pincode: string; deliveredAt: Date }[]): Promise<void> {
  if (deliveries.length === 0) return;
  const json = JSON.stringify(deliveries.map((d) => ({ p: d.pincode, at: d.deliveredAt.toISOString() })));
  const quarter = fiscalQuarterSql(sql`x.at`);
  // A PIN's first delivery of a quarter makes it active that quarter (kpi_pin_quarter).
  await withKpiPinDelta(db, deliveries.map((d) => d.pincode), () => db.execute(sql`/* addDeliveriesToRollup */ insert into pin_delivery_quarter as r (pincode, quarter, delivered, first_delivered_at, last_delivered_at)
      select x.p, ${quarter}, count(*), min(x.at), max(x.at)
      from jsonb_to_recordset(${json}::jsonb) as x(p char(6), at timestamptz) group by 1, 2
      on conflict (pincode, quarter) do update set delivered = r.delivered + excluded.delivered,
        first_delivered_at = least(r.first_delivered_at, excluded.first_delivered_at),
        last_delivered_at = greatest(r.last_delivered_at, excluded.last_delivered_at)`));
}

/** Rebuilds the rollup from the shipment rows (after a bulk load); returns the rows written. */
export async function refreshPinDeliveryRollup(db: Db): Promise<number> {
  await db.execute(sql`delete from pin_delivery_quarter`);
  const quarter = fiscalQuarterSql(sql`shipment.delivered_at`);
  const rows = await queryRows<{ n: number }>(
    db,
    sql`/* refreshPinDeliveryRollup */ with ins as (insert into pin_delivery_quarter (pincode, quarter, delivered, first_delivered_at, last_delivered_at)
        select destination_pincode, ${quarter}, count(*), min(delivered_at), max(delivered_at)
        from shipment where status = 'DELIVERED' group by 1, 2 returning 1) select count(*)::int as n from ins`,
  );
  return rows[0]?.n ?? 0;
}

/** Rollup rows that disagree with a recomputation from the shipment rows (empty when consistent). */
export async function diffPinDeliveryRollup(db: Db): Promise<{ pincode: string; quarter: string; rollup: number | null; recomputed: number | null }[]> {
  const quarter = fiscalQuarterSql(sql`shipment.delivered_at`);
  return queryRows(
    db,
    sql`/* diffPinDeliveryRollup */ with fresh as (
        select destination_pincode as pincode, ${quarter} as quarter, count(*)::int as delivered
        from shipment where status = 'DELIVERED' group by 1, 2)
      select coalesce(f.pincode, r.pincode)::text as pincode, coalesce(f.quarter, r.quarter) as quarter, r.delivered as rollup, f.delivered as recomputed
      from fresh f full join pin_delivery_quarter r on r.pincode = f.pincode and r.quarter = f.quarter
      where r.delivered is distinct from f.delivered limit 100`,
  );
}

/**
 * Synthetic serviceability consistent with the demo shipments: every destination of a synthetic shipment
 * is serviceable from the first day one was booked to it, open-ended (channel by destination kind). Real
 * periods are never touched; earlier synthetic periods are replaced. Returns the periods written.
 */
export async function seedServiceabilityFromShipments(db: Db): Promise<number> {
  await db.execute(sql`delete from serviceability where synthetic`);
  const rows = await queryRows<{ n: number }>(
    db,
    sql`/* seedServiceabilityFromShipments */ with ins as (
        insert into serviceability (pincode, channel, valid_from, valid_to, synthetic)
        select s.destination_pincode, case when s.destination_kind = 'ARMY_POSTAL' then 'ARMY_POSTAL_SERVICE' else 'INDIA_POST' end,
          min(s.booking_date), null, true
        from shipment s
        where s.synthetic and not exists (select 1 from serviceability v where v.pincode = s.destination_pincode)
        group by 1, 2
        returning 1)
      select count(*)::int as n from ins`,
  );
  return rows[0]?.n ?? 0;
}

/** The remote classes with their rules (`kind:value`), by code. */
export function findRemoteClassList(db: Db): Promise<RemoteClass[]> {
  return queryRows<RemoteClass>(
    db,
    sql`/* findRemoteClassList */ select c.code, c.name, c.description,
          coalesce(array_agg(r.kind || ':' || r.value order by r.kind, r.value) filter (where r.kind is not null), '{}') as rules
        from remote_class c left join remote_class_rule r on r.class_code = c.code group by c.code order by c.code`,
  );
}
