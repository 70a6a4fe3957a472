import { sql, type SQL } from "drizzle-orm";
import { ARMY_POSTAL_AREA, diffKpiPinCounts, rebuildKpiPinCounts } from "./kpi-pins.repository.js";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { KPIS_CHANGED_CHANNEL } from "../../db/notify.js";
import { intArray } from "../../db/rows.js";
import { withContributionMoved } from "../../lib/contribution.js";
import { MAX_TRANSIT_HOURS } from "../../lib/transit-histogram.js";
import { fiscalQuarterOfDaySql, fiscalQuarterSql, istDaySql, istMonthSql, monthOfDaySql } from "../../db/calendar-sql.js";
import { FAILED_ATTEMPT_REASONS } from "../shipment/scan-event.rules.js";

/*
 * Keeping kpi_rollup and kpi_histogram current (kpi.sql.ts says what each column counts).
 *
 * A shipment's contribution to the KPIs is a function of its row (and its remittance's day). So one SQL
 * definition, kpiFactsSql, serves three uses:
 * - on ingest, `withKpiDelta(db, shipments, change)` subtracts the contribution of the shipments about to
 *   change, runs the change, and adds their new contribution: two statements per batch, touching only
 *   the quarters and scopes of those shipments; new bookings are inserted and counted in one statement
 *   (`insertWithKpiContribution`);
 * - after a bulk load, `rebuildKpiRollups` recomputes everything;
 * - `diffKpiRollups` (dakgraph verify kpis, and the tests) compares the stored rollups with a fresh
 *   recomputation: it catches any write path that changed shipments without the delta.
 */

/** An inclusive range of shipment ids, [first, last]. */
export type IdRange = readonly [number, number];

/**
 * Which shipments a delta or recomputation covers: a list of ids, ranges of ids (a bulk import's, which
 * reserves its ids in runs: a range is read off the primary key where a list of a million ids would be
 * a million probes), or every shipment.
 */
export type ShipmentSet = readonly number[] | { readonly ranges: readonly IdRange[] } | "ALL";

function isEmpty(set: ShipmentSet): boolean {
  return set !== "ALL" && ("ranges" in set ? set.ranges.length === 0 : set.length === 0);
}

function shipmentFilter(set: ShipmentSet): SQL {
  if (set === "ALL") return sql`true`;
  if ("ranges" in set) return sql`(${sql.join(set.ranges.map(([first, last]) => sql`sh.id between ${first} and ${last}`), sql` or `)})`;
  return sql`sh.id in (select unnest(${intArray(set)}))`;
}

const REASON_COLUMNS = FAILED_ATTEMPT_REASONS.map((reason) => ({ reason, column: `failed_${reason.toLowerCase()}` }));

/** The additive measures of kpi_rollup, in column order. */
export const ROLLUP_MEASURES = [
  "booked",
  "final_state",
  "returned",
  "delivered",
  "on_time",
  "transit_hours_sum",
  "cod_delivered",
  "cod_collected_paise",
  "attempted",
  "first_attempt_delivered",
  "failed_attempted",
  ...REASON_COLUMNS.map((r) => r.column),
  "remitted",
  "remitted_paise",
  "remittance_days_sum",
] as const;

/** The events a KPI measure is counted at: each measure belongs to the quarter of one of them (kpi.sql.ts). */
export type KpiEvent = "BOOKED" | "DELIVERED" | "FIRST_ATTEMPT" | "REMITTED";

/** Whole transit hours rounded up (lib/transit-histogram.ts's buckets), over a row with booked_at and delivered_at. */
export const TRANSIT_HOURS_SQL = sql`least(${MAX_TRANSIT_HOURS}, greatest(0, ceil(extract(epoch from (delivered_at - booked_at)) / 3600)))::int`;
const REMITTANCE_DAYS_SQL = sql`greatest(0, remitted_on - ${istDaySql(sql`delivered_at`)})::int`;

export interface KpiEventDefinition {
  readonly event: KpiEvent;
  /** The fiscal quarter of the instant (or day, for REMITTED) the event's measures belong to. */
  readonly quarter: SQL;
  /** The first IST day of that instant's (or day's) month: kpi_month_rollup's key. */
  readonly month: SQL;
  /** Which shipments the event happened to. */
  readonly where: SQL;
  /** Each measure's contribution of one such shipment, over the shipment's own columns (and remitted_on). */
  readonly measures: Readonly<Partial<Record<(typeof ROLLUP_MEASURES)[number], SQL>>>;
  readonly buckets: { readonly transit?: SQL; readonly remittance?: SQL };
}

/**
 * The one definition of every KPI measure: which event it counts at and what one shipment contributes. The
 * rollups (kpiFactsSql below) and shipmentAggregates (shipment-aggregate.repository.ts) both read it, so an
 * aggregate grouped by the event's quarter equals the KPI.
 */
export const KPI_EVENTS: readonly KpiEventDefinition[] = [
  {
    event: "BOOKED",
    quarter: fiscalQuarterSql(sql`booked_at`),
    month: istMonthSql(sql`booked_at`),
    where: sql`true`,
    measures: {
      booked: sql`1`,
      final_state: sql`(status in ('DELIVERED', 'RTO_DELIVERED', 'LOST', 'CANCELLED'))::int`,
      returned: sql`(status = 'RTO_DELIVERED')::int`,
    },
    buckets: {},
  },
  {
    event: "DELIVERED",
    quarter: fiscalQuarterSql(sql`delivered_at`),
    month: istMonthSql(sql`delivered_at`),
    where: sql`delivered_at is not null`,
    measures: {
      delivered: sql`1`,
      on_time: sql`(${istDaySql(sql`delivered_at`)} <= promised_date)::int`,
      transit_hours_sum: TRANSIT_HOURS_SQL,
      cod_delivered: sql`(payment_mode = 'COD')::int`,
      cod_collected_paise: sql`coalesce(cod_amount_paise, 0)`,
    },
    buckets: { transit: TRANSIT_HOURS_SQL },
  },
  {
    event: "FIRST_ATTEMPT",
    quarter: fiscalQuarterSql(sql`least(first_attempt_at, delivered_at)`),
    month: istMonthSql(sql`least(first_attempt_at, delivered_at)`),
    where: sql`(attempts > 0 or delivered_at is not null)`,
    measures: {
      attempted: sql`1`,
      first_attempt_delivered: sql`(delivered_at is not null and attempts = 0 and out_for_delivery_count <= 1)::int`,
      failed_attempted: sql`(attempts > 0)::int`,
      ...Object.fromEntries(REASON_COLUMNS.map(({ reason, column }) => [column, sql`(${reason} = any(failed_reasons))::int`])),
    },
    buckets: {},
  },
  {
    event: "REMITTED",
    quarter: fiscalQuarterOfDaySql(sql`remitted_on`),
    month: monthOfDaySql(sql`remitted_on`),
    where: sql`remitted_on is not null and delivered_at is not null`,
    measures: { remitted: sql`1`, remitted_paise: sql`cod_amount_paise`, remittance_days_sum: REMITTANCE_DAYS_SQL },
    buckets: { remittance: REMITTANCE_DAYS_SQL },
  },
];

/**
 * The KPI scope keys of a shipment's destination circle and state, over the shipment row `shipment` joined to
 * its destination PIN as `p` and that PIN's circle as `c`.
 */
// A literal, not a parameter: the expression is grouped by, and two parameters never compare equal there.
const ARMY_LITERAL = sql.raw(`'${ARMY_POSTAL_AREA}'`);

export function destinationCircleLabelSql(shipment: string): SQL {
  return sql`case when ${sql.raw(shipment)}.destination_kind = 'ARMY_POSTAL' then ${ARMY_LITERAL} else coalesce(c.name, '(no circle)') end`;
}
export function destinationStateLabelSql(shipment: string): SQL {
  return sql`case when ${sql.raw(shipment)}.destination_kind = 'ARMY_POSTAL' then ${ARMY_LITERAL} else coalesce(p.primary_state, '(no state)') end`;
}

/**
 * One row per (shipment, event quarter): the shipment's contribution to each measure in the quarter of
 * the event the measure counts, with the scope keys it rolls up under. See kpi.sql.ts for the quarters.
 */
function kpiFactsSql(set: ShipmentSet, source: SQL = sql`shipment`): SQL {
  const row = ({ quarter, month, measures, buckets, where }: KpiEventDefinition) => {
    const columns = ROLLUP_MEASURES.map((m) => (measures[m] ? sql`${measures[m]}::bigint as ${sql.raw(m)}` : sql`0::bigint as ${sql.raw(m)}`));
    return sql`select ${quarter} as quarter, ${month} as month, pickup, product, payment, circle, state, ${sql.join(columns, sql`, `)},
        ${buckets.transit ?? sql`null::int`} as transit_bucket, ${buckets.remittance ?? sql`null::int`} as remittance_bucket
      from s where ${where}`;
  };
  return sql`s as (
      select sh.booked_at, sh.delivered_at, sh.status, sh.promised_date, sh.payment_mode as payment, sh.payment_mode, sh.cod_amount_paise,
        sh.attempts, sh.out_for_delivery_count, sh.first_attempt_at, sh.failed_reasons, sh.product_code as product,
        sh.pickup_location_id::text as pickup,
        ${destinationCircleLabelSql("sh")} as circle,
        ${destinationStateLabelSql("sh")} as state,
        r.remitted_on
      from ${source} sh
      left join pincode p on p.code = sh.destination_pincode
      left join postal_circle c on c.id = p.primary_circle_id
      left join cod_remittance r on r.id = sh.cod_remittance_id
      where ${shipmentFilter(set)}
    ), facts as (
      ${sql.join(KPI_EVENTS.map(row), sql` union all `)}
    )`;
}

const SCOPE_COLUMNS = [
  ["CIRCLE", "circle"],
  ["STATE", "state"],
  ["PICKUP_LOCATION", "pickup"],
  ["PRODUCT", "product"],
  ["PAYMENT_MODE", "payment"],
] as const;

/** GROUP BY grouping sets: the quarter (NATIONAL) and the quarter with each scope column, plus `extra`. */
function groupingSets(extra: SQL[]): SQL {
  const tail = extra.length ? sql`, ${sql.join(extra, sql`, `)}` : sql``;
  const sets = [sql`(quarter${tail})`, ...SCOPE_COLUMNS.map(([, column]) => sql`(quarter, ${sql.raw(column)}${tail})`)];
  return sql`group by grouping sets (${sql.join(sets, sql`, `)})`;
}

const SCOPE_KIND_SQL = sql.raw(
  `case ${SCOPE_COLUMNS.map(([kind, column]) => `when grouping(${column}) = 0 then '${kind}'`).join(" ")} else 'NATIONAL' end`,
);
const SCOPE_KEY_SQL = sql.raw(
  `coalesce(case ${SCOPE_COLUMNS.map(([, column]) => `when grouping(${column}) = 0 then ${column}`).join(" ")} end, '')`,
);

function rollupSelect(sign: 1 | -1): SQL {
  const sums = ROLLUP_MEASURES.map((m) => sql`${sign} * sum(${sql.raw(m)}) as ${sql.raw(m)}`);
  return sql`select quarter, ${SCOPE_KIND_SQL} as scope_kind, ${SCOPE_KEY_SQL} as scope_key, ${sql.join(sums, sql`, `)}
    from facts ${groupingSets([])}`;
}

/** kpi_month_rollup's key columns, in its primary key's order. */
const MONTH_KEY = sql.raw("month, circle, state, product, payment");

function monthRollupSelect(sign: 1 | -1): SQL {
  const sums = ROLLUP_MEASURES.map((m) => sql`${sign} * sum(${sql.raw(m)}) as ${sql.raw(m)}`);
  return sql`select ${MONTH_KEY}, ${sql.join(sums, sql`, `)} from facts group by ${MONTH_KEY}`;
}

function histogramSelect(sign: 1 | -1): SQL {
  const part = (measure: string, bucket: string) =>
    sql`select quarter, ${SCOPE_KIND_SQL} as scope_kind, ${SCOPE_KEY_SQL} as scope_key, ${measure} as measure, ${sql.raw(bucket)} as bucket, ${sign} * count(*) as shipments
      from facts where ${sql.raw(bucket)} is not null ${groupingSets([sql.raw(bucket)])}`;
  return sql`${part("TRANSIT_HOURS", "transit_bucket")} union all ${part("REMITTANCE_DAYS", "remittance_bucket")}`;
}

const MEASURE_LIST = sql.raw(ROLLUP_MEASURES.join(", "));
const MEASURE_NAMES = sql.raw(`unnest(array[${ROLLUP_MEASURES.map((m) => `'${m}'`).join(", ")}]::text[])`);
const measureAdd = (table: string) => sql.raw(ROLLUP_MEASURES.map((m) => `${m} = ${table}.${m} + excluded.${m}`).join(", "));

/**
 * `rollup`, `month_rollup` and `histogram`: the data-modifying CTEs that add (sign 1) or subtract (sign −1)
 * the `facts` CTE to the rollups. Rows are written in key order so concurrent batches lock the shared rows (the
 * NATIONAL ones) in the same order and cannot deadlock.
 */
function contributionCtes(sign: 1 | -1): SQL {
  return sql`rollup as (
      insert into kpi_rollup (quarter, scope_kind, scope_key, ${MEASURE_LIST})
      select * from (${rollupSelect(sign)}) r order by scope_kind, scope_key, quarter
      on conflict (scope_kind, scope_key, quarter) do update set ${measureAdd("kpi_rollup")}
      returning 1),
    month_rollup as (
      insert into kpi_month_rollup (${MONTH_KEY}, ${MEASURE_LIST})
      select * from (${monthRollupSelect(sign)}) m order by ${MONTH_KEY}
      on conflict (${MONTH_KEY}) do update set ${measureAdd("kpi_month_rollup")}
      returning 1),
    histogram as (
      insert into kpi_histogram as h (quarter, scope_kind, scope_key, measure, bucket, shipments)
      select * from (${histogramSelect(sign)}) x order by scope_kind, scope_key, measure, quarter, bucket
      on conflict (scope_kind, scope_key, measure, quarter, bucket) do update set shipments = h.shipments + excluded.shipments
      returning 1)`;
}

/**
 * Names the quarters whose rollups `facts` moves to the kpisChanged subscriptions on every process (NOTIFY on
 * KPIS_CHANGED_CHANNEL, sent at commit): a CTE of the writing statement itself, so it costs no round trip. A
 * quarter is 12 bytes, so even a rebuild of every quarter stays far below the payload limit.
 */
const NOTIFY_QUARTERS_CTE = sql`notified as (
      select pg_notify(${KPIS_CHANGED_CHANNEL}, q) from (select string_agg(distinct quarter, ',') as q from facts) f where q is not null)`;

/** Adds (sign 1) or subtracts (sign −1) the contribution of `set` to the rollups: one statement. */
async function applyContribution(db: Db, set: ShipmentSet, sign: 1 | -1): Promise<void> {
  if (isEmpty(set)) return;
  await db.execute(sql`/* kpiDelta */ with ${kpiFactsSql(set)}, ${contributionCtes(sign)}, ${NOTIFY_QUARTERS_CTE} select count(*) from notified`);
}

/**
 * Runs `insert` (an INSERT into shipment, without RETURNING) and adds the contribution of the rows it
 * inserted to the rollups, in one statement: the rollups read the inserted rows as RETURNING hands
 * them over, so their ids never travel to the client and back. Returns `returning`, a select list over
 * the inserted rows (alias `sh`), e.g. their columns or `count(*)`.
 */
export function insertWithKpiContribution<T>(db: Db, insert: SQL, returning: SQL): Promise<T[]> {
  return queryRows<T>(
    db,
    sql`/* insertWithKpi */ with inserted as (${insert} returning *), ${kpiFactsSql("ALL", sql`inserted`)}, ${contributionCtes(1)}, ${NOTIFY_QUARTERS_CTE}
      select ${returning} from inserted sh where (select count(*) from notified) >= 0`,
  );
}

/**
 * Adds the contribution of shipments written without it (a bulk import's COPY, shipment.import.ts) to the
 * rollups: one statement. Call inside the write's transaction, before anything moves those shipments' contribution.
 */
export async function addKpiContribution(db: Db, set: ShipmentSet): Promise<void> {
  if (isEmpty(set)) return;
  await allowLargeAggregation(db);
  await applyContribution(db, set, 1);
}

/**
 * Runs `change` (which rewrites the shipments `ids`) with their KPI contribution moved: subtracted before,
 * added after. Call inside the write's transaction. New shipments are inserted through
 * insertWithKpiContribution instead.
 */
export function withKpiDelta<T>(db: Db, ids: readonly number[], change: () => Promise<T>): Promise<T> {
  return withContributionMoved(ids, (set, sign) => applyContribution(db, set, sign), change);
}

/**
 * Takes shipments about to be deleted out of the rollups (chunked: a bulk clean-up may remove a million).
 * PIN counts are not touched: they follow deliveries (pin_delivery_quarter), which a deletion leaves.
 */
export async function subtractKpiContribution(db: Db, ids: readonly number[]): Promise<void> {
  for (let start = 0; start < ids.length; start += 50_000) await applyContribution(db, ids.slice(start, start + 50_000), -1);
}

/**
 * Working memory for the whole-table KPI aggregations: their hash aggregates over tens of millions of fact
 * rows spill to disk at PostgreSQL's default 4 MB. SET LOCAL: call inside a transaction.
 */
export async function allowLargeAggregation(db: Db): Promise<void> {
  await db.execute(sql`set local work_mem = '256MB'`);
}

/** Recomputes the rollups from every shipment (after a bulk load). Call inside a transaction. */
export async function rebuildKpiRollups(db: Db): Promise<{ rollupRows: number; histogramRows: number }> {
  await allowLargeAggregation(db);
  await db.execute(sql`delete from kpi_rollup`);
  await db.execute(sql`delete from kpi_histogram`);
  await db.execute(sql`delete from kpi_month_rollup`);
  await applyContribution(db, "ALL", 1);
  await rebuildKpiPinCounts(db);
  const [counts] = await queryRows<{ rollup: number; histogram: number }>(
    db,
    sql`select (select count(*) from kpi_rollup)::int as rollup, (select count(*) from kpi_histogram)::int as histogram`,
  );
  return { rollupRows: counts?.rollup ?? 0, histogramRows: counts?.histogram ?? 0 };
}

/**
 * Fills an empty kpi_month_rollup from every shipment: the data step of the migration that created it
 * (src/db/migrate.ts), so a database with shipments gains the table already current.
 */
export async function fillKpiMonthRollup(db: Db): Promise<void> {
  await allowLargeAggregation(db);
  await db.execute(sql`/* fillKpiMonthRollup */ with ${kpiFactsSql("ALL")}
    insert into kpi_month_rollup (${MONTH_KEY}, ${MEASURE_LIST}) ${monthRollupSelect(1)}`);
}

/** One stored figure that disagrees with the recomputation from raw rows. */
export interface KpiRollupDifference {
  readonly table: "kpi_rollup" | "kpi_month_rollup" | "kpi_histogram" | "kpi_pin_quarter";
  /** The fiscal quarter; for kpi_month_rollup, the month's first day. */
  readonly quarter: string;
  readonly scopeKind: string;
  readonly scopeKey: string;
  /** The measure (column, or histogram measure and bucket). */
  readonly measure: string;
  readonly stored: number;
  readonly recomputed: number;
}

/**
 * Compares the stored rollups with a recomputation from the shipment rows; empty when they agree. A
 * missing row counts as zeros on either side. At most `limit` differences are returned.
 */
export async function diffKpiRollups(db: Db, limit = 100): Promise<KpiRollupDifference[]> {
  const stored = ROLLUP_MEASURES.map((m) => sql`coalesce(k.${sql.raw(m)}, 0)`);
  const fresh = ROLLUP_MEASURES.map((m) => sql`coalesce(f.${sql.raw(m)}, 0)`);
  const rows = await queryRows<{ t: string; quarter: string; scope_kind: string; scope_key: string; measure: string; stored: string | number; recomputed: string | number }>(
    db,
    sql`/* diffKpiRollups */ with ${kpiFactsSql("ALL")},
      f as (${rollupSelect(1)}),
      pairs as (
        select coalesce(f.quarter, k.quarter) as quarter, coalesce(f.scope_kind, k.scope_kind) as scope_kind,
          coalesce(f.scope_key, k.scope_key) as scope_key,
          array[${sql.join(stored, sql`, `)}]::bigint[] as stored, array[${sql.join(fresh, sql`, `)}]::bigint[] as fresh
        from f full join kpi_rollup k on k.quarter = f.quarter and k.scope_kind = f.scope_kind and k.scope_key = f.scope_key
      ),
      h as (${histogramSelect(1)}),
      fm as (${monthRollupSelect(1)}),
      month_pairs as (
        select coalesce(fm.month, k.month)::text as quarter, 'MONTH' as scope_kind,
          concat_ws('|', coalesce(fm.circle, k.circle), coalesce(fm.state, k.state), coalesce(fm.product, k.product), coalesce(fm.payment, k.payment)) as scope_key,
          array[${sql.join(stored, sql`, `)}]::bigint[] as stored, array[${sql.join(ROLLUP_MEASURES.map((m) => sql`coalesce(fm.${sql.raw(m)}, 0)`), sql`, `)}]::bigint[] as fresh
        from fm full join kpi_month_rollup k using (${MONTH_KEY})
      )
      select 'kpi_rollup' as t, quarter, scope_kind, scope_key, m.name as measure, stored[m.i] as stored, fresh[m.i] as recomputed
      from pairs, ${MEASURE_NAMES} with ordinality as m(name, i)
      where stored[m.i] <> fresh[m.i]
      union all
      select 'kpi_month_rollup', quarter, scope_kind, scope_key, m.name, stored[m.i], fresh[m.i]
      from month_pairs, ${MEASURE_NAMES} with ordinality as m(name, i)
      where stored[m.i] <> fresh[m.i]
      union all
      select 'kpi_histogram', coalesce(h.quarter, k.quarter), coalesce(h.scope_kind, k.scope_kind), coalesce(h.scope_key, k.scope_key),
        coalesce(h.measure, k.measure) || ' ' || coalesce(h.bucket, k.bucket), coalesce(k.shipments, 0), coalesce(h.shipments, 0)
      from h full join kpi_histogram k on k.quarter = h.quarter and k.scope_kind = h.scope_kind and k.scope_key = h.scope_key
        and k.measure = h.measure and k.bucket = h.bucket
      where coalesce(k.shipments, 0) <> coalesce(h.shipments, 0)
      limit ${limit}`,
  );
  const pinRows = rows.length < limit ? await diffKpiPinCounts(db, limit - rows.length) : [];
  return [...rows, ...pinRows.map((r) => ({ ...r, t: "kpi_pin_quarter" }))].map((r) => ({
    table: r.t as KpiRollupDifference["table"],
    quarter: r.quarter,
    scopeKind: r.scope_kind,
    scopeKey: r.scope_key,
    measure: r.measure,
    stored: Number(r.stored),
    recomputed: Number(r.recomputed),
  }));
}
