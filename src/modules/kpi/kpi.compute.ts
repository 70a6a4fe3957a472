import {
  histogramCount,
  histogramPercentile,
  type TransitHistogram,
} from "../../lib/transit-histogram.js";
import { FAILED_ATTEMPT_REASONS, type FailedAttemptReason } from "../shipment/scan-event.rules.js";
import { KPI_DEFINITIONS, KpiKey, kpiDefinition } from "./kpi.definitions.js";
import type { TransitPercentiles } from "./kpi.repository.js";
import type { MetricFigures } from "./kpi.type.js";

/*
 * From rollup rows to KPI figures: pure, so the arithmetic is unit-tested on hand-computed fixtures
 * (test/unit/kpi.compute.test.ts) apart from the database.
 */

/** One kpi_rollup row (numbers), the measures as kpi.sql.ts defines them. */
export interface RollupFigures {
  readonly booked: number;
  readonly finalState: number;
  readonly returned: number;
  readonly delivered: number;
  readonly onTime: number;
  readonly transitHoursSum: number;
  readonly codDelivered: number;
  readonly codCollectedPaise: number;
  readonly attempted: number;
  readonly firstAttemptDelivered: number;
  readonly failedAttempted: number;
  readonly failedByReason: Readonly<Record<FailedAttemptReason, number>>;
  readonly remitted: number;
  readonly remittedPaise: number;
  readonly remittanceDaysSum: number;
}

export const NO_TRANSIT: TransitPercentiles = Object.freeze({ shipments: 0, p50Hours: null, p90Hours: null, p95Hours: null });

export const EMPTY_ROLLUP: RollupFigures = Object.freeze({
  booked: 0,
  finalState: 0,
  returned: 0,
  delivered: 0,
  onTime: 0,
  transitHoursSum: 0,
  codDelivered: 0,
  codCollectedPaise: 0,
  attempted: 0,
  firstAttemptDelivered: 0,
  failedAttempted: 0,
  failedByReason: Object.freeze(Object.fromEntries(FAILED_ATTEMPT_REASONS.map((r) => [r, 0]))) as Record<FailedAttemptReason, number>,
  remitted: 0,
  remittedPaise: 0,
  remittanceDaysSum: 0,
});

/** Everything one quarter's KPIs of one scope are computed from. */
export interface QuarterInputs {
  readonly scopeKind: string;
  /** This quarter's rollup (EMPTY_ROLLUP when none). */
  readonly rollup: RollupFigures;
  /** Cumulative COD collected and remitted (paise) over every quarter up to and including this one. */
  readonly cumulativeCollectedPaise: number;
  readonly cumulativeRemittedPaise: number;
  /** PINs serviceable on the quarter's last day (sum of started − ended up to it) and active in it. */
  readonly serviceablePins: number;
  readonly activePins: number;
  /** Transit percentiles of the quarter (whole hours) and its remittance-days histogram (buckets are days). */
  readonly transit: TransitPercentiles;
  readonly remittanceDays: TransitHistogram;
  /** Committed handover capacity of the scope's pickup locations in the quarter (parcels); null when not defined. */
  readonly capacityParcels: number | null;
  /** The contract's COD remittance cycle in force on the quarter's last day; null when none is recorded. */
  readonly remittanceCycleDays: number | null;
}

function percent(numerator: number, denominator: number) {
  return { value: denominator === 0 ? null : (100 * numerator) / denominator, numerator, denominator };
}

function count(value: number) {
  return { value, numerator: value, denominator: null };
}

function rupees(paise: number) {
  return count(paise / 100);
}

function withinDays(histogram: TransitHistogram, days: number): number {
  let n = 0;
  for (const [bucket, shipments] of histogram) if (bucket <= days) n += shipments;
  return n;
}

function defined(scopeKind: string, key: KpiKey): boolean {
  const scopes = kpiDefinition(key).scopes;
  return scopes === "ALL" || scopes.includes(scopeKind);
}

const UNDEFINED = { value: null, numerator: null, denominator: null };

/** Every KPI of the quarter, in the review's order, then the failed-attempt rate per reason. */
export function computeQuarterKpis(q: QuarterInputs): MetricFigures[] {
  const r = q.rollup;
  const transitN = q.transit.shipments;
  const days = (hours: number | null) => (hours === null ? null : hours / 24);
  const remittedN = histogramCount(q.remittanceDays);
  const figures: Record<KpiKey, { value: number | null; numerator: number | null; denominator: number | null }> = {
    [KpiKey.BOOKED_VOLUME]: count(r.booked),
    [KpiKey.DELIVERED_VOLUME]: count(r.delivered),
    [KpiKey.ON_TIME_DELIVERY]: percent(r.onTime, r.delivered),
    [KpiKey.FIRST_ATTEMPT_DELIVERY]: percent(r.firstAttemptDelivered, r.attempted),
    [KpiKey.FAILED_ATTEMPT_RATE]: percent(r.failedAttempted, r.attempted),
    [KpiKey.TRANSIT_DAYS_MEAN]: {
      value: r.delivered === 0 ? null : r.transitHoursSum / 24 / r.delivered,
      numerator: r.transitHoursSum / 24,
      denominator: r.delivered,
    },
    [KpiKey.TRANSIT_DAYS_P50]: { value: days(q.transit.p50Hours), numerator: null, denominator: transitN },
    [KpiKey.TRANSIT_DAYS_P90]: { value: days(q.transit.p90Hours), numerator: null, denominator: transitN },
    [KpiKey.TRANSIT_DAYS_P95]: { value: days(q.transit.p95Hours), numerator: null, denominator: transitN },
    [KpiKey.RETURN_TO_ORIGIN]: percent(r.returned, r.finalState),
    [KpiKey.COD_COLLECTED]: rupees(r.codCollectedPaise),
    [KpiKey.COD_REMITTED]: rupees(r.remittedPaise),
    [KpiKey.COD_OUTSTANDING]: rupees(q.cumulativeCollectedPaise - q.cumulativeRemittedPaise),
    [KpiKey.REMITTANCE_DAYS_MEAN]: {
      value: r.remitted === 0 ? null : r.remittanceDaysSum / r.remitted,
      numerator: r.remittanceDaysSum,
      denominator: r.remitted,
    },
    [KpiKey.REMITTANCE_DAYS_P90]: { value: histogramPercentile(q.remittanceDays, 0.9), numerator: null, denominator: remittedN },
    [KpiKey.REMITTANCE_WITHIN_CYCLE]:
      q.remittanceCycleDays === null ? { value: null, numerator: null, denominator: remittedN } : percent(withinDays(q.remittanceDays, q.remittanceCycleDays), remittedN),
    [KpiKey.PICKUP_UTILISATION]: q.capacityParcels === null ? UNDEFINED : percent(r.booked, q.capacityParcels),
    [KpiKey.SERVICEABLE_PINS]: count(q.serviceablePins),
    [KpiKey.ACTIVE_PINS]: count(q.activePins),
  };
  const metrics: MetricFigures[] = KPI_DEFINITIONS.map((d) => ({
    key: d.key,
    reason: null,
    ...(defined(q.scopeKind, d.key) ? figures[d.key] : UNDEFINED),
  }));
  for (const reason of FAILED_ATTEMPT_REASONS) {
    metrics.push({ key: KpiKey.FAILED_ATTEMPT_RATE, reason, ...percent(r.failedByReason[reason], r.attempted) });
  }
  return metrics;
}
