import { type SQL, sql } from "drizzle-orm";
import { bigint, check, date, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";

/*
 * The quarterly KPI rollups (docs/DOMAIN-NOTES.md, "Fiscal quarters, KPIs and service norms"), kept
 * current on every write (kpi-rollup.repository.ts) and checked against a recomputation from the raw rows
 * (`dakgraph verify kpis`).
 *
 * One row per fiscal quarter × scope: the marginal totals a dashboard asks for, so a 12-quarter read is
 * 12 rows, never a scan of shipments. Every KPI is stored as numerator and denominator counts (never a
 * ratio), and each measure belongs to the quarter of the event it counts:
 * - booking quarter: booked, final_state, returned;
 * - delivery quarter: delivered, on_time, transit_hours_sum, cod_delivered, cod_collected_paise;
 * - first-attempt quarter (the first failed attempt, or the delivery when none failed): attempted,
 *   first_attempt_delivered, failed_attempted and the per-reason counts;
 * - remittance quarter (the remittance's value day): remitted, remitted_paise, remittance_days_sum.
 */

export const KPI_SCOPE_KINDS = ["NATIONAL", "CIRCLE", "STATE", "PICKUP_LOCATION", "PRODUCT", "PAYMENT_MODE"] as const;
export type KpiScopeKindValue = (typeof KPI_SCOPE_KINDS)[number];

/** The CHECK that a scope_kind column holds one of KPI_SCOPE_KINDS. */
export function scopeKindCheck(column: SQL): SQL {
  return sql`${column} in (${sql.raw(KPI_SCOPE_KINDS.map((k) => `'${k}'`).join(", "))})`;
}

/** The additive measures (kpi-rollup.repository.ts ROLLUP_MEASURES), as columns: one set for each rollup table. */
function measureColumns() {
  return {
    booked: integer("booked").notNull().default(0),
    finalState: integer("final_state").notNull().default(0),
    returned: integer("returned").notNull().default(0),
    delivered: integer("delivered").notNull().default(0),
    onTime: integer("on_time").notNull().default(0),
    transitHoursSum: bigint("transit_hours_sum", { mode: "number" }).notNull().default(0),
    codDelivered: integer("cod_delivered").notNull().default(0),
    codCollectedPaise: bigint("cod_collected_paise", { mode: "number" }).notNull().default(0),
    attempted: integer("attempted").notNull().default(0),
    firstAttemptDelivered: integer("first_attempt_delivered").notNull().default(0),
    failedAttempted: integer("failed_attempted").notNull().default(0),
    failedAddresseeAbsent: integer("failed_addressee_absent").notNull().default(0),
    failedDoorLocked: integer("failed_door_locked").notNull().default(0),
    failedRefused: integer("failed_refused").notNull().default(0),
    failedUnclaimed: integer("failed_unclaimed").notNull().default(0),
    failedAddressIncomplete: integer("failed_address_incomplete").notNull().default(0),
    failedMissent: integer("failed_missent").notNull().default(0),
    failedOther: integer("failed_other").notNull().default(0),
    remitted: integer("remitted").notNull().default(0),
    remittedPaise: bigint("remitted_paise", { mode: "number" }).notNull().default(0),
    remittanceDaysSum: bigint("remittance_days_sum", { mode: "number" }).notNull().default(0),
  };
}

export const kpiRollupTable = pgTable(
  "kpi_rollup",
  {
    /** Canonical fiscal quarter, "FY2024-25-Q3" (sorts in time order). */
    quarter: text("quarter").notNull(),
    scopeKind: text("scope_kind").$type<KpiScopeKindValue>().notNull(),
    /** '' for NATIONAL; circle name, state name, pickup location code, product code or payment mode. */
    scopeKey: text("scope_key").notNull(),
    ...measureColumns(),
  },
  (t) => [
    primaryKey({ columns: [t.scopeKind, t.scopeKey, t.quarter] }),
    check("kpi_rollup_scope_kind", scopeKindCheck(sql`${t.scopeKind}`)),
  ],
);

export type KpiRollupRow = typeof kpiRollupTable.$inferSelect;

/**
 * The same additive measures per IST calendar month of their event × destination circle × destination state ×
 * product × payment mode: a small cube (a few hundred rows a month) that shipmentAggregates reads for groupings
 * by month, fiscal quarter or year and any of those four dimensions, and for month-aligned ranges of the event's
 * day, instead of the shipment rows (shipment-aggregate.rules.ts monthRollupPlan). Kept current by the same
 * statements as kpi_rollup; `dakgraph verify kpis` checks it too. No histogram: percentiles read the rows.
 */
export const kpiMonthRollupTable = pgTable(
  "kpi_month_rollup",
  {
    /** The first IST day of the month of the measures' event ("2024-10-01"). */
    month: date("month").notNull(),
    /** The KPI scope keys (kpi-rollup.repository.ts destinationCircleLabelSql / destinationStateLabelSql). */
    circle: text("circle").notNull(),
    state: text("state").notNull(),
    product: text("product").notNull(),
    payment: text("payment").notNull(),
    ...measureColumns(),
  },
  (t) => [primaryKey({ columns: [t.month, t.circle, t.state, t.product, t.payment] })],
);

export const KPI_HISTOGRAM_MEASURES = ["TRANSIT_HOURS", "REMITTANCE_DAYS"] as const;
export type KpiHistogramMeasureValue = (typeof KPI_HISTOGRAM_MEASURES)[number];

/**
 * Distributions that merge, for percentiles: shipments per bucket, per quarter × scope. TRANSIT_HOURS
 * buckets are whole hours rounded up (lib/transit-histogram.ts) by delivery quarter; REMITTANCE_DAYS
 * buckets are whole days from the IST delivery day to the remittance day, by remittance quarter.
 */
export const kpiHistogramTable = pgTable(
  "kpi_histogram",
  {
    quarter: text("quarter").notNull(),
    scopeKind: text("scope_kind").$type<KpiScopeKindValue>().notNull(),
    scopeKey: text("scope_key").notNull(),
    measure: text("measure").$type<KpiHistogramMeasureValue>().notNull(),
    bucket: integer("bucket").notNull(),
    shipments: integer("shipments").notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.scopeKind, t.scopeKey, t.measure, t.quarter, t.bucket] }),
    check("kpi_histogram_measure", sql`${t.measure} in ('TRANSIT_HOURS', 'REMITTANCE_DAYS')`),
  ],
);

/**
 * PIN counts per quarter for the scopes a PIN belongs to (NATIONAL, CIRCLE and STATE of the directory's
 * derived primary circle and state; Army Postal locations only under the circle and state "Army Postal
 * Service", as coverage counts them apart). Stored as changes so every write touches at most two quarters:
 * - serviceable_started / serviceable_ended: serviceability periods of deliverable PINs starting in the
 *   quarter / no longer in force from the quarter on (the quarter of the day after valid_to). PINs
 *   serviceable on a quarter's last day = the sum of started − ended over every quarter up to it (periods
 *   of one PIN never overlap, so periods count PINs);
 * - active_pins: PINs with at least one delivery in the quarter (pin_delivery_quarter).
 * Kept current by serviceability writes and deliveries (kpi-pins.repository.ts).
 */
export const kpiPinQuarterTable = pgTable(
  "kpi_pin_quarter",
  {
    quarter: text("quarter").notNull(),
    scopeKind: text("scope_kind").$type<KpiScopeKindValue>().notNull(),
    scopeKey: text("scope_key").notNull(),
    serviceableStarted: integer("serviceable_started").notNull().default(0),
    serviceableEnded: integer("serviceable_ended").notNull().default(0),
    activePins: integer("active_pins").notNull().default(0),
  },
  (t) => [primaryKey({ columns: [t.scopeKind, t.scopeKey, t.quarter] })],
);
