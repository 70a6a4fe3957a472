/**
 * The dashboard's KPI panel rules, free of Node APIs (the browser bundle imports them): which quarters the pickers offer
 * and the trends span, which KPIs a viewer's roles may see, a KPI's trend points from quarterlyKpis rows, and the trend
 * charts' axis labels. Unit-tested in test/unit/kpi-trend.test.ts.
 */
import { addQuarters, formatFiscalQuarter, parseFiscalQuarter, previousQuarter, quarterOf, shortLabel } from "./fiscal-quarter.js";
import { compactIndian, formatIndianNumber, type KpiUnit } from "./indian-format.js";
import type { KpiTrendPoint } from "./kpi-trend-spec.js";

/** Quarters a trend chart spans, ending with the chosen quarter: three fiscal years. */
export const TREND_QUARTERS = 12;

/** Quarters the quarter picker offers: the last complete one and the 19 before it (five fiscal years). */
export const PICKABLE_QUARTERS = 20;

/** Roles that may read quarterlyKpis (its "Visible to" in the schema); ADMIN reads everything. */
export const KPI_ROLES: ReadonlySet<string> = new Set(["ANALYST", "ADMIN"]);

/** Roles that may read the COD money and remittance KPIs' figures (KpiKey's "Figures visible to"). */
export const FINANCE_ROLES: ReadonlySet<string> = new Set(["FINANCE", "ADMIN"]);

/**
 * The KPIs whose figures only FINANCE or ADMIN may read: the graph answers them as null for others, so the page leaves
 * their tiles and charts out rather than showing them empty.
 */
export const FINANCE_KPIS: ReadonlySet<string> = new Set([
  "COD_COLLECTED",
  "COD_OUTSTANDING",
  "COD_REMITTED",
  "REMITTANCE_DAYS_MEAN",
  "REMITTANCE_DAYS_P90",
  "REMITTANCE_WITHIN_CYCLE",
]);

/** Whether the roles may read the KPI panel at all. */
export function readsKpis(roles: Iterable<string>): boolean {
  return [...roles].some((role) => KPI_ROLES.has(role));
}

/** Whether the roles may read this KPI's figures (given they read the panel). */
export function readsKpi(key: string, roles: Iterable<string>): boolean {
  return !FINANCE_KPIS.has(key) || [...roles].some((role) => FINANCE_ROLES.has(role));
}

/** The scope kinds the scope picker offers beside national (KpiScopeKind). */
export type PickedScopeKind = "CIRCLE" | "STATE";

/**
 * A scope picker's option value as quarterlyKpis' scope argument: "NATIONAL" → null (the default), "CIRCLE:Maharashtra"
 * → { kind: CIRCLE, key: "Maharashtra" }; the key is everything after the first colon (a name may hold one).
 */
export function scopeInput(value: string): { kind: PickedScopeKind; key: string } | null {
  if (value === "NATIONAL") return null;
  const colon = value.indexOf(":");
  return { kind: value.slice(0, colon) as PickedScopeKind, key: value.slice(colon + 1) };
}

/** The first quarter of the trend that ends with `quarter` ("FY2026-27-Q2" → "FY2023-24-Q3"). */
export function trendStart(quarter: string): string {
  return formatFiscalQuarter(addQuarters(parseFiscalQuarter(quarter), -(TREND_QUARTERS - 1)));
}

/** The quarter picker's choices at `now`, newest first: the last complete quarter, then earlier ones. */
export function pickableQuarters(now: Date): { value: string; label: string }[] {
  const last = previousQuarter(quarterOf(now));
  return Array.from({ length: PICKABLE_QUARTERS }, (_, i) => {
    const q = addQuarters(last, -i);
    return { value: formatFiscalQuarter(q), label: shortLabel(q) };
  });
}

/** quarterlyKpis rows as far as the trend reads them. */
export interface TrendRow {
  readonly quarter: string;
  readonly metrics: readonly { readonly key: string; readonly value: number | null; readonly target: number | null }[];
}

/**
 * One KPI's points, one per row in the rows' order (the graph answers quarters oldest first), labelled "Q3 FY25"; the
 * row of `current` is marked. A quarter without the KPI gets a point with neither value nor target (a gap, not a 0).
 */
export function trendPoints(rows: readonly TrendRow[], key: string, current: string): KpiTrendPoint[] {
  return rows.map((row) => {
    const metric = row.metrics.find((m) => m.key === key);
    return {
      quarter: row.quarter,
      label: shortLabel(parseFiscalQuarter(row.quarter)),
      value: metric?.value ?? null,
      target: metric?.target ?? null,
      current: row.quarter === current,
    };
  });
}

/**
 * A trend chart's y-axis label for a tick at `value` in `unit`: short, as an axis wants it. Percentages "92.5%", days
 * "3.5", rupees "₹4.2 crore" or "₹98,765", counts "5.9 lakh" or "98,765" (Indian grouping; d3-format, which Vega's
 * own `format` uses, groups by thousands only).
 */
export function kpiAxisLabel(value: number, unit: KpiUnit | string): string {
  switch (unit) {
    case "PERCENT":
      return `${formatIndianNumber(value, 1)}%`;
    case "DAYS":
      return formatIndianNumber(value, 1);
    case "RUPEES":
      return `₹${compactIndian(value) ?? formatIndianNumber(value)}`;
    default:
      return compactIndian(value) ?? formatIndianNumber(value, 1);
  }
}
