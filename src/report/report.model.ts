import type { KpiKey, MetricDirection, MetricUnit } from "../generated/operations.js";
import { parseFiscalQuarter, shortLabel } from "../lib/fiscal-quarter.js";
import type { ReportData, ReportKpiTrend, ReportReview } from "./report.data.js";
import {
  formatChange,
  formatCompact,
  formatCompactRupees,
  formatCount,
  formatDay,
  formatFraction,
  formatHeadline,
  formatInstant,
  formatPointChange,
  formatRelativeChange,
  formatValue,
  toneOf,
} from "./report.format.js";

/*
 * The report as data: every figure, sentence and series the HTML, Markdown and CSV writers print,
 * shaped from the graph's answers by pure functions (no I/O), so the writers only lay it out.
 */

export const PARTNERS = "Amazon India × India Post (Department of Posts)";

type QuarterKpis = ReportKpiTrend[number];
export type ReportMetric = QuarterKpis["metrics"][number];
type Tone = ReturnType<typeof toneOf>;

/** The figures on the headline page, in this order, where the scope defines them. */
const HEADLINE_KEYS: readonly KpiKey[] = [
  "DELIVERED_VOLUME",
  "BOOKED_VOLUME",
  "ON_TIME_DELIVERY",
  "FIRST_ATTEMPT_DELIVERY",
  "RETURN_TO_ORIGIN",
  "TRANSIT_DAYS_MEAN",
  "COD_COLLECTED",
  "COD_OUTSTANDING",
  "ACTIVE_PINS",
];

/** How many movers each way the highlights name. */
const MOVERS = 3;

/** How many missed targets the highlights name, worst attainment first; the KPI table has them all. */
const MISSED_NAMED = 3;

export interface Comparison {
  readonly text: string;
  readonly tone: Tone;
  readonly baseText: string;
}

export interface KpiRow {
  readonly key: KpiKey;
  readonly name: string;
  readonly unit: MetricUnit;
  readonly direction: MetricDirection;
  readonly metric: ReportMetric;
  readonly valueText: string;
  readonly headlineText: string;
  readonly targetText: string;
  readonly attainmentText: string;
  readonly status: "met" | "missed" | "no target";
  readonly quarterOnQuarter: Comparison;
  readonly yearOnYear: Comparison;
}

export interface Highlight {
  readonly key: string;
  readonly text: string;
}

export interface Highlights {
  readonly summary: string;
  readonly improved: readonly Highlight[];
  readonly worsened: readonly Highlight[];
  readonly missed: readonly Highlight[];
}

export interface TrendPoint {
  readonly quarter: string;
  readonly label: string;
  readonly current: boolean;
  readonly value: number | null;
  readonly target: number | null;
}

export interface CoverageRow {
  readonly area: string;
  readonly pinsTotal: number;
  readonly pinsDeliverable: number;
  readonly pinsServiceable: number;
  readonly pinsActive: number;
  readonly shipmentsDelivered: number;
  /** Active ÷ serviceable, as a fraction; null when none is serviceable. */
  readonly activeShare: number | null;
  readonly armyLocationsServed: number;
  readonly armyLocationsActive: number;
}

export interface PickupRow {
  readonly code: string;
  readonly name: string;
  /** The name without the words every location's name shares ("Amazon pickup point, "): chart labels. */
  readonly shortName: string;
  readonly dailyCapacity: number;
  readonly value: number | null;
  readonly handedOver: number | null;
  readonly capacity: number | null;
  readonly target: number | null;
  readonly attainment: number | null;
  readonly status: "met" | "missed" | "no target";
}

export interface ActionItemRow {
  readonly quarter: string;
  readonly title: string;
  readonly owner: string;
  readonly due: string;
  readonly status: string;
  /** As the review recorded it, when it has changed since. */
  readonly recorded: string | null;
  readonly note: string | null;
}

export interface Definition {
  readonly key: string;
  readonly name: string;
  readonly unit: MetricUnit;
  readonly direction: MetricDirection;
  readonly definition: string;
}

export interface ReportModel {
  readonly quarter: string;
  readonly label: string;
  readonly shortLabel: string;
  readonly periodText: string;
  readonly scopeName: string;
  readonly scoped: boolean;
  readonly partners: string;
  readonly readAtText: string;
  readonly source: string;
  readonly synthetic: boolean;
  readonly syntheticText: string;
  readonly headline: readonly KpiRow[];
  readonly kpis: readonly KpiRow[];
  readonly highlights: Highlights;
  readonly trend: {
    readonly delivered: readonly TrendPoint[];
    readonly quality: readonly { readonly key: KpiKey; readonly name: string; readonly direction: MetricDirection; readonly points: readonly TrendPoint[] }[];
    readonly cod: readonly { readonly quarter: string; readonly label: string; readonly collected: number | null; readonly remitted: number | null; readonly outstanding: number | null }[];
  };
  readonly failedAttempts: readonly { readonly reason: string; readonly valueText: string; readonly shipments: number | null }[];
  readonly coverage: { readonly asOf: string; readonly rows: readonly CoverageRow[]; readonly changeText: string };
  readonly pickup: readonly PickupRow[];
  readonly review: {
    readonly heldOn: string | null;
    readonly participants: readonly string[];
    readonly summary: string | null;
    readonly decisions: readonly string[];
    readonly actionItems: readonly ActionItemRow[];
    readonly previousQuarter: string | null;
    readonly previousHeldOn: string | null;
    readonly previousActionItems: readonly ActionItemRow[];
  };
  readonly definitions: readonly Definition[];
  readonly provenance: { readonly attribution: string; readonly rows: readonly { readonly kind: string; readonly real: number; readonly synthetic: number }[] };
  readonly remittanceCycleText: string;
}

function quarterShortLabel(quarter: string): string {
  return shortLabel(parseFiscalQuarter(quarter));
}

function statusOf(targetMet: boolean | null): KpiRow["status"] {
  return targetMet === null ? "no target" : targetMet ? "met" : "missed";
}

function comparison(change: ReportMetric["quarterOnQuarter"], metric: ReportMetric): Comparison {
  const delta = metric.value === null || change.baseValue === null ? null : metric.value - change.baseValue;
  return {
    text: formatChange(change, metric.unit),
    tone: toneOf(delta, metric.direction),
    baseText: `${formatValue(change.baseValue, metric.unit)} in ${quarterShortLabel(change.baseQuarter)}`,
  };
}

export function kpiRow(metric: ReportMetric): KpiRow {
  return {
    key: metric.key,
    name: metric.name,
    unit: metric.unit,
    direction: metric.direction,
    metric,
    valueText: formatValue(metric.value, metric.unit),
    headlineText: formatHeadline(metric.value, metric.unit),
    targetText: formatValue(metric.target, metric.unit),
    attainmentText: formatFraction(metric.attainment),
    status: statusOf(metric.targetMet),
    quarterOnQuarter: comparison(metric.quarterOnQuarter, metric),
    yearOnYear: comparison(metric.yearOnYear, metric),
  };
}

/** "rose 12.3%, from 5.2 lakh to 5.9 lakh shipments"; percentages move in points. */
function describeMove(metric: ReportMetric, base: number): string {
  const value = metric.value!;
  const verb = value > base ? "rose" : "fell";
  const by =
    metric.unit === "PERCENT" || base === 0
      ? formatPointChange(value - base, metric.unit).replace(/^[+-]/, "")
      : formatRelativeChange(Math.abs(value / base - 1));
  // Days to two decimals: a mean moving 7.21 → 7.25 would read "7.2 → 7.2" in the headline form.
  const show = (v: number) => (metric.unit === "DAYS" ? formatValue(v, metric.unit) : formatHeadline(v, metric.unit));
  return `${metric.name} ${verb} ${by.replace(/^\+/, "")} quarter on quarter, from ${show(base)} to ${show(value)}`;
}

/**
 * The automatically written highlights: the KPIs that moved most quarter on quarter, up (better) and
 * down (worse) by each KPI's direction, and the targets missed. Movers are ranked by relative change,
 * so a volume and a percentage compare on one scale (on-time 92% → 94% is +2.2%).
 */
export function writeHighlights(metrics: readonly ReportMetric[], pickup: readonly PickupRow[] = []): Highlights {
  const moves = metrics.flatMap((metric) => {
    const base = metric.quarterOnQuarter.baseValue;
    if (metric.value === null || base === null || base === 0 || metric.value === base) return [];
    const relative = (metric.value - base) / Math.abs(base);
    const better = relative > 0 === (metric.direction === "HIGHER_IS_BETTER");
    return [{ metric, base, size: Math.abs(relative), better }];
  });
  moves.sort((a, b) => b.size - a.size || a.metric.name.localeCompare(b.metric.name));
  const sentence = (m: (typeof moves)[number]) => ({
    key: m.metric.key,
    text: `${describeMove(m.metric, m.base)}${m.metric.direction === "LOWER_IS_BETTER" ? " (lower is better)" : ""}.`,
  });
  const improved = moves.filter((m) => m.better).slice(0, MOVERS).map(sentence);
  const worsened = moves.filter((m) => !m.better).slice(0, MOVERS).map(sentence);

  const targeted = metrics.filter((m) => m.targetMet !== null);
  const missedMetrics = targeted.filter((m) => m.targetMet === false).sort((a, b) => (a.attainment ?? 0) - (b.attainment ?? 0));
  const missed: Highlight[] = missedMetrics.slice(0, MISSED_NAMED).map((m) => ({
    key: m.key,
    text:
      `${m.name}: ${formatValue(m.value, m.unit)} against a ${m.direction === "HIGHER_IS_BETTER" ? "target of at least" : "ceiling of"} ` +
      `${formatValue(m.target, m.unit)}${m.attainment === null ? "" : ` (attainment ${formatFraction(m.attainment)})`}.`,
  }));
  if (missedMetrics.length > MISSED_NAMED) {
    const rest = missedMetrics.slice(MISSED_NAMED);
    missed.push({ key: "MORE", text: `${rest.length} more missed by less: ${rest.map((m) => m.name).join(", ")} (see KPIs against targets).` });
  }
  const pickupMissed = pickup.filter((p) => p.status === "missed");
  if (pickupMissed.length > 0) {
    const named = pickupMissed.map((p) => `${p.name} ${formatValue(p.value, "PERCENT")} against ${formatValue(p.target, "PERCENT")}`);
    missed.push({
      key: "PICKUP_UTILISATION_BY_LOCATION",
      text: `Pickup utilisation below target at ${pickupMissed.length} of ${pickup.filter((p) => p.status !== "no target").length} locations: ${named.join("; ")}.`,
    });
  }
  const summary =
    targeted.length === 0
      ? "No targets are recorded for this quarter and scope."
      : `${formatCount(targeted.length - missedMetrics.length)} of ${formatCount(targeted.length)} KPIs with a target met it.`;
  return { summary, improved, worsened, missed };
}

function trendPoints(trend: readonly QuarterKpis[], key: KpiKey, current: string): TrendPoint[] {
  return trend.map((q) => {
    const metric = q.metrics.find((m) => m.key === key);
    return {
      quarter: q.quarter,
      label: quarterShortLabel(q.quarter),
      current: q.quarter === current,
      value: metric?.value ?? null,
      target: metric?.target ?? null,
    };
  });
}

/** The leading words (up to a space or comma) that every name shares; empty for fewer than two names. */
export function sharedWordPrefix(names: readonly string[]): string {
  if (names.length < 2) return "";
  let prefix = names[0]!;
  for (const name of names) while (!name.startsWith(prefix)) prefix = prefix.slice(0, -1);
  const cut = Math.max(prefix.lastIndexOf(" "), prefix.lastIndexOf(","));
  return cut < 0 ? "" : prefix.slice(0, cut + 1).replace(/^[,\s]+$/, "");
}

function valueOf(q: QuarterKpis, key: KpiKey): number | null {
  return q.metrics.find((m) => m.key === key)?.value ?? null;
}

function actionItemRows(items: readonly ReportReview["actionItems"][number][]): ActionItemRow[] {
  return items.map((item) => {
    const changes = [
      item.recordedStatus !== item.status ? `recorded ${item.recordedStatus.replaceAll("_", " ").toLowerCase()}` : null,
      item.recordedDue !== item.due ? `due ${formatDay(item.recordedDue)} when agreed` : null,
    ].filter((c): c is string => c !== null);
    return {
      quarter: quarterShortLabel(item.quarter),
      title: item.title,
      owner: item.owner.replaceAll("_", " "),
      due: formatDay(item.due),
      status: item.status.replaceAll("_", " "),
      recorded: changes.length === 0 ? null : changes.join("; "),
      note: item.note,
    };
  });
}

function coverageRows(areas: ReportData["coverage"]["areas"]): CoverageRow[] {
  return areas
    .map((a) => ({
      area: a.area,
      pinsTotal: a.pinsTotal,
      pinsDeliverable: a.pinsDeliverable,
      pinsServiceable: a.pinsServiceable,
      pinsActive: a.pinsActive,
      shipmentsDelivered: a.shipmentsDelivered,
      activeShare: a.pinsServiceable === 0 ? null : a.pinsActive / a.pinsServiceable,
      armyLocationsServed: a.armyLocationsServed,
      armyLocationsActive: a.armyLocationsActive,
    }))
    .sort((a, b) => b.pinsDeliverable - a.pinsDeliverable || a.area.localeCompare(b.area));
}

function pinChangeText(name: string, change: ReportReview["coverageChange"]["serviceablePins"], previousQuarter: string): string {
  const current = change.current.value;
  const previous = change.previous.value;
  if (current === null) return `${name}: ${"n/a"}.`;
  const delta = change.change === null ? "" : ` (${formatPointChange(change.change, "PINS")} against ${formatCount(previous ?? 0)} in ${quarterShortLabel(previousQuarter)})`;
  const target = change.current.target === null ? "" : `; target ${formatCount(change.current.target)}, ${change.current.targetMet ? "met" : "missed"}`;
  return `${name}: ${formatCount(current)}${delta}${target}.`;
}

export function buildReportModel(data: ReportData): ReportModel {
  const current = data.trend.find((q) => q.quarter === data.quarter);
  if (current === undefined) throw new Error(`The graph's KPI answer has no row for ${data.quarter}.`);
  const kpis = current.metrics.map(kpiRow);
  const byKey = new Map(kpis.map((k) => [k.key, k]));
  const headline = HEADLINE_KEYS.flatMap((key) => {
    const row = byKey.get(key);
    return row === undefined || row.metric.value === null ? [] : [row];
  });

  const review = data.review;
  const prefixLength = sharedWordPrefix(review.pickupUtilisation.map((p) => p.pickupLocation.name)).length;
  const pickup: PickupRow[] = review.pickupUtilisation
    .map((p) => ({
      code: p.pickupLocation.code,
      name: p.pickupLocation.name,
      shortName: p.pickupLocation.name.slice(prefixLength),
      dailyCapacity: p.pickupLocation.dailyCapacity,
      value: p.metric.value,
      handedOver: p.metric.numerator,
      capacity: p.metric.denominator,
      target: p.metric.target,
      attainment: p.metric.attainment,
      status: statusOf(p.metric.targetMet),
    }))
    .sort((a, b) => (b.value ?? -1) - (a.value ?? -1) || a.code.localeCompare(b.code));

  const provenance = data.reference.dataProvenance;
  const synthetic = provenance.containsSyntheticData;
  const syntheticKinds = provenance.rows.filter((r) => r.synthetic > 0).map((r) => r.kind);
  const cycles = data.reference.codRemittanceCycles;
  const cycle = [...cycles].filter((c) => c.validFrom <= current.endDate).sort((a, b) => b.validFrom.localeCompare(a.validFrom))[0];

  return {
    quarter: data.quarter,
    label: current.label,
    shortLabel: quarterShortLabel(data.quarter),
    periodText: `${formatDay(current.startDate)} – ${formatDay(current.endDate)} (IST, UTC+05:30)`,
    scopeName: current.scope.name,
    scoped: data.scope !== null,
    partners: PARTNERS,
    readAtText: formatInstant(data.readAt),
    source: data.source,
    synthetic,
    syntheticText: synthetic
      ? `SYNTHETIC DATA: the ${syntheticKinds.join(", ")} in this report were made by the demo generator (dakgraph seed demo). ` +
        "They are not partnership figures; only the post-office directory is real."
      : "",
    headline,
    kpis,
    highlights: writeHighlights(current.metrics, pickup),
    trend: {
      delivered: trendPoints(data.trend, "DELIVERED_VOLUME", data.quarter),
      quality: (["ON_TIME_DELIVERY", "FIRST_ATTEMPT_DELIVERY", "RETURN_TO_ORIGIN"] as const).map((key) => {
        const metric = current.metrics.find((m) => m.key === key);
        return { key, name: metric?.name ?? key, direction: metric?.direction ?? "HIGHER_IS_BETTER", points: trendPoints(data.trend, key, data.quarter) };
      }),
      cod: data.trend.map((q) => ({
        quarter: q.quarter,
        label: quarterShortLabel(q.quarter),
        collected: valueOf(q, "COD_COLLECTED"),
        remitted: valueOf(q, "COD_REMITTED"),
        outstanding: valueOf(q, "COD_OUTSTANDING"),
      })),
    },
    failedAttempts: current.failedAttemptsByReason.map((r) => ({
      reason: r.reason.replaceAll("_", " ").toLowerCase(),
      valueText: formatValue(r.metric.value, "PERCENT"),
      shipments: r.metric.numerator,
    })),
    coverage: {
      asOf: formatDay(data.coverage.asOf),
      rows: coverageRows(data.coverage.areas),
      changeText: [
        pinChangeText("Serviceable PINs", review.coverageChange.serviceablePins, review.coverageChange.previousQuarter),
        pinChangeText("Active PINs", review.coverageChange.activePins, review.coverageChange.previousQuarter),
      ].join(" "),
    },
    pickup,
    review: {
      heldOn: review.review === null ? null : formatDay(review.review.heldOn),
      participants: review.review?.participants ?? [],
      summary: review.review?.summary ?? null,
      decisions: review.review?.decisions ?? [],
      actionItems: actionItemRows(review.actionItems),
      previousQuarter: review.previousReview === null ? null : quarterShortLabel(review.previousReview.quarter),
      previousHeldOn: review.previousReview === null ? null : formatDay(review.previousReview.heldOn),
      previousActionItems: actionItemRows(review.previousActionItems),
    },
    definitions: data.reference.kpiDefinitions.map((d) => ({ key: d.key, name: d.name, unit: d.unit, direction: d.direction, definition: d.definition })),
    provenance: { attribution: provenance.directoryAttribution, rows: provenance.rows },
    remittanceCycleText:
      cycle === undefined
        ? "No COD remittance cycle is recorded, so remittance within the cycle is not measured."
        : `COD remittance cycle in force at the quarter's end: ${cycle.days} days after delivery (from ${formatDay(cycle.validFrom)}${cycle.synthetic ? ", synthetic" : ""}).`,
  };
}

/** Axis and label text for chart values in a unit: lakh/crore for volumes and rupees. */
export function chartLabel(value: number, unit: MetricUnit): string {
  switch (unit) {
    case "RUPEES":
      return formatCompactRupees(value);
    case "SHIPMENTS":
    case "PINS":
      return formatCompact(value);
    default:
      return formatValue(value, unit);
  }
}
