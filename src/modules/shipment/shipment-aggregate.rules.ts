import {
  type AggregateGroup as AggregateGroupOf,
  AggregateGranularity,
  type Grouping as GroupingOf,
  type HavingCondition as HavingConditionOf,
  type OrderTerm as OrderTermOf,
} from "../../lib/aggregate-groups.js";
import { addDays } from "../../lib/days.js";
import { computeQuarterKpis, EMPTY_ROLLUP, NO_TRANSIT, type RollupFigures } from "../kpi/kpi.compute.js";
import { KpiKey } from "../kpi/kpi.definitions.js";
import type { TransitPercentiles } from "../kpi/kpi.repository.js";
import type { KpiEvent, ROLLUP_MEASURES } from "../kpi/kpi-rollup.repository.js";

/*
 * shipmentAggregates without the database: the dimensions and measures it offers, which KPI each measure is,
 * when the KPI rollup can answer instead of the shipment rows, and what is done to the groups after the
 * statement (figures through the KPI arithmetic; having, order and first are lib/aggregate-groups.ts'). Unit-tested in
 * test/unit/shipment-aggregate.rules.test.ts.
 */

export enum AggregateDimension {
  BOOKED_AT = "BOOKED_AT",
  DELIVERED_AT = "DELIVERED_AT",
  DESTINATION_CIRCLE = "DESTINATION_CIRCLE",
  DESTINATION_STATE = "DESTINATION_STATE",
  DESTINATION_DISTRICT = "DESTINATION_DISTRICT",
  DESTINATION_PINCODE = "DESTINATION_PINCODE",
  PRODUCT = "PRODUCT",
  PAYMENT_MODE = "PAYMENT_MODE",
  PICKUP_LOCATION = "PICKUP_LOCATION",
  ROUTE_CLASS = "ROUTE_CLASS",
  STATUS = "STATUS",
  REMOTE_CLASS = "REMOTE_CLASS",
}

/** The measures: each one a KPI of kpi.definitions.ts, by its key, computed by kpi.compute.ts. */
export enum AggregateMeasure {
  BOOKED_VOLUME = "BOOKED_VOLUME",
  DELIVERED_VOLUME = "DELIVERED_VOLUME",
  ON_TIME_DELIVERY = "ON_TIME_DELIVERY",
  FIRST_ATTEMPT_DELIVERY = "FIRST_ATTEMPT_DELIVERY",
  FAILED_ATTEMPT_RATE = "FAILED_ATTEMPT_RATE",
  TRANSIT_DAYS_MEAN = "TRANSIT_DAYS_MEAN",
  TRANSIT_DAYS_P50 = "TRANSIT_DAYS_P50",
  TRANSIT_DAYS_P90 = "TRANSIT_DAYS_P90",
  TRANSIT_DAYS_P95 = "TRANSIT_DAYS_P95",
  RETURN_TO_ORIGIN = "RETURN_TO_ORIGIN",
  COD_COLLECTED = "COD_COLLECTED",
}


export type RollupSum = (typeof ROLLUP_MEASURES)[number];

export interface MeasureDefinition {
  readonly measure: AggregateMeasure;
  /** The ShipmentAggregate field showing it. */
  readonly field: string;
  /** The event whose time the KPI counts it at: grouped by that time (or by none), the figure is the KPI's. */
  readonly event: Exclude<KpiEvent, "REMITTED">;
  /** The additive sums (kpi_rollup columns) the KPI arithmetic reads. */
  readonly sums: readonly RollupSum[];
  /** Needs the transit-hour histogram (the nearest-rank percentiles). */
  readonly histogram: boolean;
}

const M = (measure: AggregateMeasure, field: string, event: MeasureDefinition["event"], sums: RollupSum[], histogram = false): MeasureDefinition => ({
  measure,
  field,
  event,
  sums,
  histogram,
});

export const MEASURES: readonly MeasureDefinition[] = [
  M(AggregateMeasure.BOOKED_VOLUME, "bookedVolume", "BOOKED", ["booked"]),
  M(AggregateMeasure.DELIVERED_VOLUME, "deliveredVolume", "DELIVERED", ["delivered"]),
  M(AggregateMeasure.ON_TIME_DELIVERY, "onTimeDelivery", "DELIVERED", ["delivered", "on_time"]),
  M(AggregateMeasure.FIRST_ATTEMPT_DELIVERY, "firstAttemptDelivery", "FIRST_ATTEMPT", ["attempted", "first_attempt_delivered"]),
  M(AggregateMeasure.FAILED_ATTEMPT_RATE, "failedAttemptRate", "FIRST_ATTEMPT", ["attempted", "failed_attempted"]),
  M(AggregateMeasure.TRANSIT_DAYS_MEAN, "transitDaysMean", "DELIVERED", ["delivered", "transit_hours_sum"]),
  M(AggregateMeasure.TRANSIT_DAYS_P50, "transitDaysP50", "DELIVERED", ["delivered"], true),
  M(AggregateMeasure.TRANSIT_DAYS_P90, "transitDaysP90", "DELIVERED", ["delivered"], true),
  M(AggregateMeasure.TRANSIT_DAYS_P95, "transitDaysP95", "DELIVERED", ["delivered"], true),
  M(AggregateMeasure.RETURN_TO_ORIGIN, "returnToOrigin", "BOOKED", ["final_state", "returned"]),
  M(AggregateMeasure.COD_COLLECTED, "codCollected", "DELIVERED", ["cod_collected_paise"]),
];

export const MEASURE: ReadonlyMap<AggregateMeasure, MeasureDefinition> = new Map(MEASURES.map((m) => [m.measure, m]));
export const MEASURE_BY_FIELD: ReadonlyMap<string, MeasureDefinition> = new Map(MEASURES.map((m) => [m.field, m]));

/** The ShipmentAggregate field showing each dimension's key. */
export const DIMENSION_FIELD: Readonly<Record<AggregateDimension, string>> = {
  BOOKED_AT: "bookedAt",
  DELIVERED_AT: "deliveredAt",
  DESTINATION_CIRCLE: "destinationCircle",
  DESTINATION_STATE: "destinationState",
  DESTINATION_DISTRICT: "destinationDistrict",
  DESTINATION_PINCODE: "destinationPincode",
  PRODUCT: "productCode",
  PAYMENT_MODE: "paymentMode",
  PICKUP_LOCATION: "pickupLocation",
  ROUTE_CLASS: "routeClass",
  STATUS: "status",
  REMOTE_CLASS: "remoteClass",
};

const TIME_EVENT: Partial<Record<AggregateDimension, KpiEvent>> = { BOOKED_AT: "BOOKED", DELIVERED_AT: "DELIVERED" };

/** The dimensions that take a granularity: the instants of booking and delivery. */
export const TIME_DIMENSIONS: readonly AggregateDimension[] = [AggregateDimension.BOOKED_AT, AggregateDimension.DELIVERED_AT];

export function isTimeDimension(d: AggregateDimension): boolean {
  return TIME_EVENT[d] !== undefined;
}

/** One grouping of shipmentAggregates. */
export type Grouping = GroupingOf<AggregateDimension>;

/**
 * The KPI scope kinds of kpi_rollup, by the dimension keyed the same way: the rollup answers a grouping by at
 * most one of these (with or without the fiscal quarter of the measures' event).
 */
export const ROLLUP_SCOPE: Partial<Record<AggregateDimension, "CIRCLE" | "STATE" | "PICKUP_LOCATION" | "PRODUCT" | "PAYMENT_MODE">> = {
  DESTINATION_CIRCLE: "CIRCLE",
  DESTINATION_STATE: "STATE",
  PICKUP_LOCATION: "PICKUP_LOCATION",
  PRODUCT: "PRODUCT",
  PAYMENT_MODE: "PAYMENT_MODE",
};

export interface RollupPlan {
  readonly scopeKind: "NATIONAL" | NonNullable<(typeof ROLLUP_SCOPE)[AggregateDimension]>;
  /** The grouping by scope key, when there is one. */
  readonly scope: Grouping | null;
  /** The grouping by fiscal quarter or year, when there is one. */
  readonly quarter: Grouping | null;
  /** The event whose quarter groups (the event every measure counts at); null without a quarter. */
  readonly event: KpiEvent | null;
}

/**
 * When kpi_rollup (and kpi_histogram) can answer instead of the shipment rows: no condition on the rows (no
 * filter, no circle restriction), at most one grouping by a rollup scope, and at most one by a time at
 * FISCAL_QUARTER or FISCAL_YEAR whose event every measure asked counts at. Without a time grouping every measure qualifies:
 * summed over all quarters each rollup measure counts every shipment once, as the rows do.
 */
export function rollupPlan(groupings: readonly Grouping[], measures: readonly MeasureDefinition[], conditionsOnRows: boolean): RollupPlan | null {
  if (conditionsOnRows) return null;
  const scopes = groupings.filter((g) => ROLLUP_SCOPE[g.dimension] !== undefined);
  const times = groupings.filter((g) => isTimeDimension(g.dimension));
  if (scopes.length + times.length !== groupings.length || scopes.length > 1 || times.length > 1) return null;
  const time = times[0] ?? null;
  // A fiscal year is its four quarters summed; shorter periods are not in the rollup.
  if (time !== null && time.granularity !== AggregateGranularity.FISCAL_QUARTER && time.granularity !== AggregateGranularity.FISCAL_YEAR) return null;
  const event = time === null ? null : TIME_EVENT[time.dimension]!;
  if (event !== null && measures.some((m) => m.event !== event)) return null;
  const scope = scopes[0] ?? null;
  return { scopeKind: scope === null ? "NATIONAL" : ROLLUP_SCOPE[scope.dimension]!, scope, quarter: time, event };
}

/** kpi_month_rollup's columns, by the dimension keyed the same way. */
export const MONTH_ROLLUP_COLUMN: Partial<Record<AggregateDimension, "circle" | "state" | "product" | "payment">> = {
  DESTINATION_CIRCLE: "circle",
  DESTINATION_STATE: "state",
  PRODUCT: "product",
  PAYMENT_MODE: "payment",
};

export interface MonthRollupPlan {
  /** The grouping by month, fiscal quarter or fiscal year, when there is one. */
  readonly time: Grouping | null;
  /** The event whose month the groups and the day range are of (every measure counts at it); null: none. */
  readonly event: KpiEvent | null;
  /** The first and the last month read (their first days), inclusive; null: unbounded on that side. */
  readonly fromMonth: string | null;
  readonly toMonth: string | null;
  /** Conditions on the cube's columns: the column's value is one of `values`. */
  readonly columns: readonly { readonly column: "circle" | "state" | "product" | "payment"; readonly values: readonly string[] }[];
}

/** The day fields of ShipmentWhere a month range can come from, and the event whose day each is. */
const DAY_FIELD_EVENT: Readonly<Record<string, KpiEvent>> = { deliveryDate: "DELIVERED", bookingDate: "BOOKED" };
/** The ShipmentWhere fields a cube column can answer, with eq and in only. */
const COLUMN_FIELD: Readonly<Record<string, "product" | "payment">> = { productCode: "product", paymentMode: "payment" };

type WhereInput = Readonly<Record<string, unknown>>;

interface MonthConditions {
  event: KpiEvent | null;
  from: string | null;
  to: string | null;
  columns: Map<"circle" | "state" | "product" | "payment", Set<string> | null>;
}

const given = (v: unknown) => v !== undefined && v !== null;

/** Folds one `where` (and its `and` list) into `into`; false when some part cannot be read from the cube. */
function foldWhere(where: WhereInput, into: MonthConditions): boolean {
  for (const [field, value] of Object.entries(where)) {
    if (!given(value)) continue;
    if (field === "and") {
      if (!(value as WhereInput[]).every((w) => foldWhere(w, into))) return false;
      continue;
    }
    const event = DAY_FIELD_EVENT[field];
    if (event !== undefined) {
      if (into.event !== null && into.event !== event) return false;
      into.event = event;
      for (const [op, day] of Object.entries(value as WhereInput)) {
        if (!given(day)) continue;
        const d = String(day);
        if (op === "gte" || op === "gt") {
          const low = op === "gt" ? addDays(d, 1) : d;
          if (into.from === null || low > into.from) into.from = low;
        } else if (op === "lte" || op === "lt") {
          const high = op === "lt" ? addDays(d, -1) : d;
          if (into.to === null || high < into.to) into.to = high;
        } else return false;
      }
      continue;
    }
    const column = COLUMN_FIELD[field];
    if (column === undefined) return false;
    for (const [op, operand] of Object.entries(value as WhereInput)) {
      if (!given(operand)) continue;
      if (op !== "eq" && op !== "in") return false;
      const values = new Set((op === "eq" ? [operand] : (operand as unknown[])).map(String));
      const before = into.columns.get(column);
      into.columns.set(column, before ? new Set([...before].filter((v) => values.has(v))) : values);
    }
  }
  return true;
}

/**
 * When kpi_month_rollup can answer instead of the shipment rows: no restriction to a circle; groupings by at most
 * one time at MONTH, FISCAL_QUARTER or FISCAL_YEAR and any of circle, state, product and payment mode; no
 * percentile; a `where` made only of eq / in on product and payment mode and of a range of the delivery or the
 * booking day that starts on a month's first day and ends on a month's last; and every measure counting at the
 * event of that time and that range (or, with neither, any measure: summed over every month each counts every
 * shipment once, as the rows do).
 */
export function monthRollupPlan(groupings: readonly Grouping[], measures: readonly MeasureDefinition[], where: WhereInput | null, restricted: boolean): MonthRollupPlan | null {
  if (restricted || measures.some((m) => m.histogram)) return null;
  const times = groupings.filter((g) => isTimeDimension(g.dimension));
  if (times.length > 1 || groupings.some((g) => !isTimeDimension(g.dimension) && MONTH_ROLLUP_COLUMN[g.dimension] === undefined)) return null;
  const time = times[0] ?? null;
  const monthly = [AggregateGranularity.MONTH, AggregateGranularity.FISCAL_QUARTER, AggregateGranularity.FISCAL_YEAR];
  if (time !== null && !monthly.includes(time.granularity!)) return null;
  const conditions: MonthConditions = { event: null, from: null, to: null, columns: new Map() };
  if (where !== null && !foldWhere(where, conditions)) return null;
  const timeEvent = time === null ? null : TIME_EVENT[time.dimension]!;
  if (timeEvent !== null && conditions.event !== null && timeEvent !== conditions.event) return null;
  const event = timeEvent ?? conditions.event;
  if (event !== null && measures.some((m) => m.event !== event)) return null;
  // Whole months only: a range's first day must open a month and its last day close one.
  if (conditions.from !== null && !conditions.from.endsWith("-01")) return null;
  if (conditions.to !== null && !addDays(conditions.to, 1).endsWith("-01")) return null;
  const columns = [...conditions.columns].map(([column, values]) => ({ column, values: [...(values ?? [])] }));
  // An empty set of values (eq and in that exclude each other) selects nothing: the rows say so as well.
  if (columns.some((c) => c.values.length === 0)) return null;
  return {
    time,
    event,
    fromMonth: conditions.from,
    toMonth: conditions.to === null ? null : `${conditions.to.slice(0, 8)}01`,
    columns,
  };
}

/** The sums and histogram the measures need. */
export function neededSums(measures: readonly MeasureDefinition[]): { sums: RollupSum[]; histogram: boolean } {
  const sums = new Set<RollupSum>();
  for (const m of measures) for (const s of m.sums) sums.add(s);
  const histogram = measures.some((m) => m.histogram);
  if (histogram) sums.add("delivered");
  return { sums: [...sums], histogram };
}

/** A measure's figures, as a KPI Metric carries them: value, numerator, denominator. */
export interface AggregateFigures {
  readonly value: number | null;
  readonly numerator: number | null;
  readonly denominator: number | null;
}

const KPI_KEY: Readonly<Record<AggregateMeasure, KpiKey>> = Object.fromEntries(MEASURES.map((m) => [m.measure, KpiKey[m.measure]])) as Record<AggregateMeasure, KpiKey>;

/**
 * The figures of each measure of one group, by computeQuarterKpis (the KPIs' own arithmetic) over the group's
 * sums and transit percentiles. Sums not read are zero; only the measures asked are returned.
 */
export function groupFigures(
  sums: Partial<Record<RollupSum, number>>,
  transit: TransitPercentiles | null,
  measures: readonly MeasureDefinition[],
): Map<AggregateMeasure, AggregateFigures> {
  const rollup: RollupFigures = { ...EMPTY_ROLLUP, ...rollupFields(sums) };
  const metrics = computeQuarterKpis({
    scopeKind: "NATIONAL",
    rollup,
    cumulativeCollectedPaise: 0,
    cumulativeRemittedPaise: 0,
    serviceablePins: 0,
    activePins: 0,
    transit: transit ?? NO_TRANSIT,
    remittanceDays: new Map(),
    capacityParcels: null,
    remittanceCycleDays: null,
  });
  const byKey = new Map(metrics.filter((m) => m.reason === null).map((m) => [m.key, m]));
  return new Map(
    measures.map((m) => {
      const metric = byKey.get(KPI_KEY[m.measure])!;
      return [m.measure, { value: metric.value, numerator: metric.numerator, denominator: metric.denominator }];
    }),
  );
}

function rollupFields(sums: Partial<Record<RollupSum, number>>): Partial<RollupFigures> {
  const n = (key: RollupSum) => sums[key] ?? 0;
  return {
    booked: n("booked"),
    finalState: n("final_state"),
    returned: n("returned"),
    delivered: n("delivered"),
    onTime: n("on_time"),
    transitHoursSum: n("transit_hours_sum"),
    codCollectedPaise: n("cod_collected_paise"),
    attempted: n("attempted"),
    firstAttemptDelivered: n("first_attempt_delivered"),
    failedAttempted: n("failed_attempted"),
  };
}

/** One group of shipmentAggregates: its keys and its measures' figures. */
export type AggregateGroup = AggregateGroupOf<AggregateDimension, AggregateMeasure, AggregateFigures>;
export type HavingCondition = HavingConditionOf<AggregateMeasure>;
export type OrderTerm = OrderTermOf<AggregateDimension, AggregateMeasure>;
