import { and, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { AggregateGranularity } from "../../lib/aggregate-groups.js";
import { fiscalQuarterOfDaySql, istPeriodSql } from "../../db/calendar-sql.js";
import { REMOTE_CLASS_OF_PIN_SQL } from "../coverage/coverage.repository.js";
import { ARMY_POSTAL_AREA } from "../kpi/kpi-pins.repository.js";
import { destinationCircleLabelSql, destinationStateLabelSql, KPI_EVENTS, TRANSIT_HOURS_SQL } from "../kpi/kpi-rollup.repository.js";
import {
  AggregateDimension,
  type Grouping,
  MONTH_ROLLUP_COLUMN,
  type MonthRollupPlan,
  monthRollupPlan,
  neededSums,
  type MeasureDefinition,
  type RollupPlan,
  rollupPlan,
  type RollupSum,
} from "./shipment-aggregate.rules.js";
import { shipmentConditions, type ShipmentFilterValues } from "./shipment.repository.js";

/*
 * shipmentAggregates' statements: one over the shipment rows, or, where the KPI rollup keys the grouping
 * (shipment-aggregate.rules.ts rollupPlan), one over kpi_rollup and kpi_histogram. Each measure's SQL is the
 * KPI's own (KPI_EVENTS in kpi-rollup.repository.ts), and only the sums the asked measures read are computed.
 */

export interface AggregateQuery {
  readonly groupings: readonly Grouping[];
  readonly measures: readonly MeasureDefinition[];
  /** The viewer's circle restriction (shipmentConditions). */
  readonly filter: ShipmentFilterValues;
  /** The `where` argument as a condition over the row `shipment` (query-read.ts whereCondition), or null. */
  readonly where: SQL | null;
  /** The `where` argument as given (`where` is its SQL), for what a rollup can read of it (monthRollupPlan), or null. */
  readonly whereInput: Readonly<Record<string, unknown>> | null;
  /** Whether Army Postal PINs may show as PIN keys (ARMY_POSTAL); otherwise they group under null. */
  readonly revealArmyPincodes: boolean;
}

export interface AggregateRow {
  /** One key per grouping, in order, as text (see the dimension expressions below); null where the value is none. */
  readonly keys: readonly (string | null)[];
  readonly sums: Partial<Record<RollupSum, number>>;
  /** The transit-hour histogram, [hours, shipments] in hour order, when a percentile is asked. */
  readonly transit: readonly [number, number][] | null;
}

export interface AggregateResult {
  readonly rows: AggregateRow[];
  /** Where the groups were read: the quarterly KPI rollup, the monthly one, or the shipment rows. */
  readonly source: "ROLLUP" | "MONTH_ROLLUP" | "SHIPMENTS";
}

const ARMY = sql.raw(`'${ARMY_POSTAL_AREA}'`);

/** A dimension's key over `shipment` joined to its destination PIN `p`, that PIN's circle `c` and remote class `rc`. */
function dimensionSql(g: Grouping, revealArmyPincodes: boolean): SQL {
  const army = sql`shipment.destination_kind = 'ARMY_POSTAL'`;
  switch (g.dimension) {
    case AggregateDimension.BOOKED_AT:
      return istPeriodSql(sql`shipment.booked_at`, g.granularity!);
    case AggregateDimension.DELIVERED_AT:
      return istPeriodSql(sql`shipment.delivered_at`, g.granularity!);
    case AggregateDimension.DESTINATION_CIRCLE:
      return destinationCircleLabelSql("shipment");
    case AggregateDimension.DESTINATION_STATE:
      return destinationStateLabelSql("shipment");
    case AggregateDimension.DESTINATION_DISTRICT:
      // District names repeat across states (Aurangabad: Bihar and Maharashtra): the key is "state|district".
      return sql`case when ${army} then ${ARMY} || '|' || ${ARMY} else coalesce(p.primary_state, '(no state)') || '|' || coalesce(p.primary_district, '(no district)') end`;
    case AggregateDimension.DESTINATION_PINCODE:
      return revealArmyPincodes ? sql`shipment.destination_pincode::text` : sql`case when ${army} then null else shipment.destination_pincode::text end`;
    case AggregateDimension.PRODUCT:
      return sql`shipment.product_code`;
    case AggregateDimension.PAYMENT_MODE:
      return sql`shipment.payment_mode`;
    case AggregateDimension.PICKUP_LOCATION:
      return sql`shipment.pickup_location_id::text`;
    case AggregateDimension.ROUTE_CLASS:
      return sql`shipment.route_class`;
    case AggregateDimension.STATUS:
      return sql`shipment.status`;
    case AggregateDimension.REMOTE_CLASS:
      return sql`case when ${army} then 'ARMY_POSTAL' else rc.class_code end`;
  }
}

/** Each sum's SQL over the shipment columns: the KPI measure, counted over the shipments its event happened to. */
function sumSql(sum: RollupSum): SQL {
  const event = KPI_EVENTS.find((e) => e.measures[sum] !== undefined)!;
  return sql`coalesce(sum((${event.measures[sum]!})::bigint) filter (where ${event.where}), 0)`;
}

const SHIPMENT_COLUMNS = sql.raw(
  ["booked_at", "delivered_at", "status", "promised_date", "payment_mode", "cod_amount_paise", "attempts", "out_for_delivery_count", "first_attempt_at", "failed_reasons"]
    .map((c) => `shipment.${c}`)
    .join(", "),
);

const keyNames = (n: number) => Array.from({ length: n }, (_, i) => sql.raw(`k${i}`));

function numbers(row: Record<string, unknown>, sums: readonly RollupSum[]): Partial<Record<RollupSum, number>> {
  return Object.fromEntries(sums.map((s) => [s, Number(row[s] ?? 0)]));
}

function keysOf(row: Record<string, unknown>, n: number): (string | null)[] {
  return Array.from({ length: n }, (_, i) => {
    const v = row[`k${i}`];
    return v === null || v === undefined ? null : String(v);
  });
}

/** The groups of the shipments matching the filter: one statement, from the KPI rollup where it can answer. */
export async function aggregateShipments(db: Db, q: AggregateQuery): Promise<AggregateResult> {
  const conditions = [...shipmentConditions(q.filter), ...(q.where === null ? [] : [q.where])];
  const plan = rollupPlan(q.groupings, q.measures, conditions.length > 0);
  if (plan !== null) return { rows: await aggregateRollup(db, plan, q), source: "ROLLUP" };
  const monthly = monthRollupPlan(q.groupings, q.measures, q.whereInput, shipmentConditions(q.filter).length > 0);
  if (monthly !== null) return { rows: await aggregateMonthRollup(db, monthly, q), source: "MONTH_ROLLUP" };
  return { rows: await aggregateRows(db, q, conditions), source: "SHIPMENTS" };
}

async function aggregateRows(db: Db, q: AggregateQuery, conditions: SQL[]): Promise<AggregateRow[]> {
  const needed = neededSums(q.measures);
  const histogram = needed.histogram;
  // Always the count: with no measure asked it still makes the statement an aggregate (one row per group).
  const sums: RollupSum[] = needed.sums.includes("booked") ? needed.sums : [...needed.sums, "booked"];
  const keys = keyNames(q.groupings.length);
  const dims = q.groupings.map((g, i) => sql`${dimensionSql(g, q.revealArmyPincodes)} as ${keys[i]!}`);
  const where = [...conditions];
  // A time grouping groups the shipments that have that instant: undelivered ones have no delivery period.
  if (q.groupings.some((g) => g.dimension === AggregateDimension.DELIVERED_AT)) where.push(sql`shipment.delivered_at is not null`);
  const remote = q.groupings.some((g) => g.dimension === AggregateDimension.REMOTE_CLASS)
    ? sql`left join (${REMOTE_CLASS_OF_PIN_SQL}) rc on rc.code = shipment.destination_pincode`
    : sql``;
  const rows = sql`select ${sql.join([...dims, SHIPMENT_COLUMNS], sql`, `)}
      ${histogram ? sql`, case when shipment.delivered_at is not null then ${TRANSIT_HOURS_SQL} end as bucket` : sql``}
    from shipment
    left join pincode p on p.code = shipment.destination_pincode
    left join postal_circle c on c.id = p.primary_circle_id
    ${remote}
    ${where.length > 0 ? sql`where ${and(...where)}` : sql``}`;
  const sumColumns = sums.map((s) => sql`${sumSql(s)} as ${sql.raw(s)}`);
  const keyList = keys.length > 0 ? sql.join(keys, sql`, `) : null;
  let statement: SQL;
  if (!histogram) {
    // Without groupings an aggregate over no rows is still one row: left out, as a group of nothing would be.
    statement = sql`/* aggregateShipments */ select ${sql.join([...keys, ...sumColumns], sql`, `)}
      from (${rows}) s ${keyList === null ? sql`having count(*) > 0` : sql`group by ${keyList}`}`;
  } else {
    // One pass for the sums and the transit histogram: the grouping set without the bucket gives each group's
    // sums, the one with it the group's shipments per transit hour.
    const keysAnd = keyList === null ? sql`` : sql`${keyList}, `;
    const totals = sums.map((s) => sql`max(${sql.raw(s)}) filter (where detail = 1) as ${sql.raw(s)}`);
    statement = sql`/* aggregateShipments */ select ${sql.join(
      [...keys, ...totals, sql`json_agg(json_build_array(bucket, n) order by bucket) filter (where detail = 0 and bucket is not null) as transit`],
      sql`, `,
    )}
      from (
        select ${keysAnd} bucket, grouping(bucket) as detail, count(*) as n, ${sql.join(sumColumns, sql`, `)}
        from (${rows}) s group by grouping sets ((${keyList ?? sql``}), (${keysAnd} bucket))
      ) x ${keyList === null ? sql`having max(booked) filter (where detail = 1) > 0` : sql`group by ${keyList}`}`;
  }
  const result = await queryRows<Record<string, unknown>>(db, statement);
  return result.map((row) => ({ keys: keysOf(row, keys.length), sums: numbers(row, sums), transit: histogram ? ((row.transit as [number, number][] | null) ?? []) : null }));
}

/**
 * The same groups from kpi_rollup and kpi_histogram: rows of the plan's scope kind, per quarter of the event or
 * summed over every quarter. A group with none of the event's shipments (a quarter with bookings but no
 * deliveries, grouped by delivery) is left out, as the rows would have none.
 */
async function aggregateRollup(db: Db, plan: RollupPlan, q: AggregateQuery): Promise<AggregateRow[]> {
  const { sums, histogram } = neededSums(q.measures);
  const population: RollupSum = plan.event === "DELIVERED" ? "delivered" : "booked";
  const read = [...new Set<RollupSum>([...sums, population])];
  // Keys in the order of the groupings: the quarter (or its fiscal year, "FY2024-25" of "FY2024-25-Q3") and/or the scope key.
  const period = plan.quarter?.granularity === AggregateGranularity.FISCAL_YEAR ? sql`left(quarter, 9)` : sql`quarter`;
  const keyColumns = q.groupings.map((g) => (g === plan.quarter ? period : sql`scope_key`));
  const keys = keyNames(keyColumns.length);
  const select = keyColumns.map((column, i) => sql`${column} as ${keys[i]!}`);
  const groupBy = keyColumns.length > 0 ? sql`group by ${sql.join(keyColumns, sql`, `)}` : sql``;
  const totals = read.map((s) => sql`sum(${sql.raw(s)}) as ${sql.raw(s)}`);
  const rollup = sql`select ${sql.join([...select, ...totals], sql`, `)} from kpi_rollup where scope_kind = ${plan.scopeKind} ${groupBy}
    having sum(${sql.raw(population)}) > 0`;
  let statement: SQL;
  if (!histogram) {
    statement = sql`/* aggregateShipmentsFromRollup */ ${rollup}`;
  } else {
    const bucketKeys = keyColumns.length > 0 ? sql`${sql.join(keyColumns, sql`, `)}, ` : sql``;
    const hist = sql`select ${sql.join([...keys, sql`json_agg(json_build_array(bucket, n) order by bucket) as transit`], sql`, `)}
      from (select ${sql.join([...select, sql`bucket`, sql`sum(shipments) as n`], sql`, `)} from kpi_histogram
        where scope_kind = ${plan.scopeKind} and measure = 'TRANSIT_HOURS' group by ${bucketKeys} bucket having sum(shipments) <> 0) b
      ${keys.length > 0 ? sql`group by ${sql.join(keys, sql`, `)}` : sql``}`;
    const on = keys.length > 0 ? sql.join(keys.map((k) => sql`h.${k} is not distinct from r.${k}`), sql` and `) : sql`true`;
    statement = sql`/* aggregateShipmentsFromRollup */ with r as (${rollup}), h as (${hist})
      select r.*, h.transit from r left join h on ${on}`;
  }
  const result = await queryRows<Record<string, unknown>>(db, statement);
  return result.map((row) => ({ keys: keysOf(row, keys.length), sums: numbers(row, read), transit: histogram ? ((row.transit as [number, number][] | null) ?? []) : null }));
}

/**
 * The same groups from kpi_month_rollup (no percentile: the plan refuses them): its rows of the months asked,
 * keyed by month, fiscal quarter or year of the event and by the cube's columns. A group with none of the event's
 * shipments is left out, as the rows would have none.
 */
async function aggregateMonthRollup(db: Db, plan: MonthRollupPlan, q: AggregateQuery): Promise<AggregateRow[]> {
  const { sums } = neededSums(q.measures);
  const population: RollupSum = plan.event === "DELIVERED" ? "delivered" : plan.event === "FIRST_ATTEMPT" ? "attempted" : "booked";
  const read = [...new Set<RollupSum>([...sums, population])];
  const period = (g: Grouping): SQL => {
    const quarter = fiscalQuarterOfDaySql(sql`month`);
    if (g.granularity === AggregateGranularity.MONTH) return sql`month::text`;
    return g.granularity === AggregateGranularity.FISCAL_YEAR ? sql`left(${quarter}, 9)` : quarter;
  };
  const keyColumns = q.groupings.map((g) => (g === plan.time ? period(g) : sql.raw(MONTH_ROLLUP_COLUMN[g.dimension]!)));
  const keys = keyNames(keyColumns.length);
  const where = [
    ...(plan.fromMonth === null ? [] : [sql`month >= ${plan.fromMonth}::date`]),
    ...(plan.toMonth === null ? [] : [sql`month <= ${plan.toMonth}::date`]),
    ...plan.columns.map(({ column, values }) => sql`${sql.raw(column)} in (${sql.join(values.map((v) => sql`${v}`), sql`, `)})`),
  ];
  const statement = sql`/* aggregateShipmentsFromMonthRollup */ select ${sql.join(
    [...keyColumns.map((column, i) => sql`${column} as ${keys[i]!}`), ...read.map((s) => sql`sum(${sql.raw(s)}) as ${sql.raw(s)}`)],
    sql`, `,
  )}
    from kpi_month_rollup ${where.length > 0 ? sql`where ${and(...where)}` : sql``}
    ${keyColumns.length > 0 ? sql`group by ${sql.join(keyColumns, sql`, `)}` : sql``}
    having sum(${sql.raw(population)}) > 0`;
  const result = await queryRows<Record<string, unknown>>(db, statement);
  return result.map((row) => ({ keys: keysOf(row, keys.length), sums: numbers(row, read), transit: null }));
}
