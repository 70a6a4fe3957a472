/**
 * Numbers as Indian readers write them, for the dashboard's tiles: exact figures with Indian digit grouping
 * (4,438; 1,23,456; 12,34,56,789) and a compact form in lakh (1,00,000) and crore (1,00,00,000) where the exact
 * figure is long. Free of Node APIs (the browser bundle imports it). Money amounts stored in paise are
 * formatted by src/lib/money.ts's formatIndianRupees; these take rupees as the KPIs report them.
 */

import { formatFiscalQuarter, previousQuarter, quarterOf } from "./fiscal-quarter.js";

const LAKH = 100_000;
const CRORE = 10_000_000;

function grouping(maximumFractionDigits: number): Intl.NumberFormat {
  return new Intl.NumberFormat("en-IN", { maximumFractionDigits, minimumFractionDigits: 0 });
}

/** "1,23,456" (Indian grouping), at most `decimals` decimals (trailing zeros dropped). */
export function formatIndianNumber(value: number, decimals = 0): string {
  return grouping(decimals).format(value);
}

/**
 * "5.9 lakh", "4.2 crore" for magnitudes of a lakh or more (one decimal, dropped when it is 0: "2 lakh"); null
 * below a lakh, where the exact figure is already short.
 */
export function compactIndian(value: number): string | null {
  const magnitude = Math.abs(value);
  if (!Number.isFinite(value) || magnitude < LAKH) return null;
  const [unit, name] = magnitude >= CRORE ? [CRORE, "crore"] : [LAKH, "lakh"];
  return `${grouping(1).format(value / unit)} ${name}`;
}

/** Units of the graph's KPIs (MetricUnit). */
export type KpiUnit = "DAYS" | "PERCENT" | "PINS" | "RUPEES" | "SHIPMENTS";

/** A KPI figure written out: the exact figure, and a compact form beside it where it helps (null otherwise). */
export interface FormattedFigure {
  readonly exact: string;
  readonly compact: string | null;
}

/**
 * A KPI value in its unit: PERCENT with one decimal ("92.4%"), DAYS with one ("3.2 days"), RUPEES in whole rupees
 * ("₹4,23,45,678", compact "₹4.2 crore"), counts whole ("5,91,234", compact "5.9 lakh"). A null value (undefined
 * for the quarter, or not readable with the viewer's roles) is "–".
 */
export function formatKpiFigure(value: number | null, unit: KpiUnit): FormattedFigure {
  if (value === null) return { exact: "–", compact: null };
  switch (unit) {
    case "PERCENT":
      return { exact: `${formatIndianNumber(value, 1)}%`, compact: null };
    case "DAYS":
      return { exact: `${formatIndianNumber(value, 1)} days`, compact: null };
    case "RUPEES": {
      const compact = compactIndian(value);
      return { exact: `₹${formatIndianNumber(value)}`, compact: compact === null ? null : `₹${compact}` };
    }
    case "PINS":
    case "SHIPMENTS":
      return { exact: formatIndianNumber(value), compact: compactIndian(value) };
  }
}

/**
 * A change against a base quarter: percentage points for PERCENT KPIs ("+1.3 pts"), otherwise the relative change
 * ("+12.5%", from MetricChange.change, a fraction). Null when the graph has no change to show.
 */
export function formatKpiChange(change: { change: number | null; pointChange: number | null }, unit: KpiUnit): string | null {
  const signed = (n: number, text: string) => `${n > 0 ? "+" : n < 0 ? "−" : "±"}${text}`;
  if (unit === "PERCENT") {
    return change.pointChange === null ? null : signed(change.pointChange, `${formatIndianNumber(Math.abs(change.pointChange), 1)} pts`);
  }
  return change.change === null ? null : signed(change.change, `${formatIndianNumber(Math.abs(change.change) * 100, 1)}%`);
}

/** An instant as India Standard Time, "04 Oct 2024, 14:05 IST", whatever the browser's own time zone. */
export function formatIst(instant: string | Date): string {
  const text = new Intl.DateTimeFormat("en-IN", {
    timeZone: "Asia/Kolkata",
    day: "2-digit",
    month: "short",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(new Date(instant));
  return `${text} IST`;
}

/**
 * The last fiscal quarter (April–March year, IST) that is complete at `now`, in the graph's FiscalQuarter form
 * "FY2026-27-Q2": on 3 Dec 2026 (Q3 FY2026-27 running) it is Jul–Sep 2026. The dashboard's default quarter.
 */
export function lastCompleteFiscalQuarter(now: Date): string {
  return formatFiscalQuarter(previousQuarter(quarterOf(now)));
}
