import type { MetricDirection, MetricUnit } from "../generated/operations.js";

/*
 * Numbers as the partners write them: Indian digit grouping (1,23,45,678), lakh and crore for large
 * figures in prose and headlines ("5.9 lakh shipments", "₹4.2 crore"), exact grouped figures in tables.
 * Everything goes through Intl's en-IN locale; nothing here groups digits by hand.
 */

const LAKH = 1_00_000;

const grouped = new Intl.NumberFormat("en-IN", { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat("en-IN", { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDecimals = new Intl.NumberFormat("en-IN", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
// en-IN's long compact notation says "lakh" and "crore"; under a lakh it would say "thousand", which
// Indian readers do not use for counts, so those are written out in full.
const compact = new Intl.NumberFormat("en-IN", { notation: "compact", compactDisplay: "long", maximumFractionDigits: 1 });
const rupees = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR", maximumFractionDigits: 0 });
const rupeesAndPaise = new Intl.NumberFormat("en-IN", { style: "currency", currency: "INR", minimumFractionDigits: 2, maximumFractionDigits: 2 });
const signedPercent = new Intl.NumberFormat("en-IN", { style: "percent", signDisplay: "exceptZero", maximumFractionDigits: 1 });
const plainPercent = new Intl.NumberFormat("en-IN", { style: "percent", minimumFractionDigits: 1, maximumFractionDigits: 1 });
const signedOneDecimal = new Intl.NumberFormat("en-IN", { signDisplay: "exceptZero", minimumFractionDigits: 1, maximumFractionDigits: 1 });

const day = new Intl.DateTimeFormat("en-IN", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });
const instant = new Intl.DateTimeFormat("en-IN", {
  day: "numeric",
  month: "short",
  year: "numeric",
  hour: "numeric",
  minute: "2-digit",
  timeZone: "Asia/Kolkata",
});

export const NOT_AVAILABLE = "n/a";

/** 1,23,456 */
export function formatCount(value: number): string {
  return grouped.format(value);
}

/** "5.9 lakh", "4.2 crore"; below a lakh the grouped figure ("98,765"). */
export function formatCompact(value: number): string {
  return Math.abs(value) >= LAKH ? compact.format(value) : grouped.format(value);
}

/** "₹4.2 crore", "₹98,765". */
export function formatCompactRupees(value: number): string {
  const sign = value < 0 ? "-" : "";
  return `${sign}₹${formatCompact(Math.abs(value))}`;
}

/** "₹1,23,45,678", with paise only when there are any ("₹1,234.50"). */
export function formatRupees(value: number): string {
  return Number.isInteger(value) ? rupees.format(value) : rupeesAndPaise.format(value);
}

/** A KPI's value in its unit, exact: tables. */
export function formatValue(value: number | null, unit: MetricUnit): string {
  if (value === null) return NOT_AVAILABLE;
  switch (unit) {
    case "PERCENT":
      return `${oneDecimal.format(value)}%`;
    case "DAYS":
      return `${twoDecimals.format(value)} days`;
    case "RUPEES":
      return formatRupees(value);
    default:
      return formatCount(value);
  }
}

/** A KPI's value in its unit, in words partners read in a headline: "5.9 lakh shipments", "₹4.2 crore". */
export function formatHeadline(value: number | null, unit: MetricUnit): string {
  if (value === null) return NOT_AVAILABLE;
  switch (unit) {
    case "SHIPMENTS":
      return `${formatCompact(value)} shipments`;
    case "PINS":
      return `${formatCount(value)} PINs`;
    case "RUPEES":
      return formatCompactRupees(value);
    case "DAYS":
      return `${oneDecimal.format(value)} days`;
    default:
      return formatValue(value, unit);
  }
}

/** "+12.3%" for a change given as a fraction (0.123). */
export function formatRelativeChange(change: number): string {
  return signedPercent.format(change);
}

/** "98.2%" for a fraction (attainment 0.982). */
export function formatFraction(fraction: number | null): string {
  return fraction === null ? NOT_AVAILABLE : plainPercent.format(fraction);
}

/** "+1.2 pts" (percentage points), "+0.3 days", "+1,204 PINs". */
export function formatPointChange(change: number, unit: MetricUnit): string {
  switch (unit) {
    case "PERCENT":
      return `${signedOneDecimal.format(change)} pts`;
    case "DAYS":
      return `${signedOneDecimal.format(change)} days`;
    default:
      return `${change > 0 ? "+" : ""}${formatCount(change)}`;
  }
}

export interface ChangeFigures {
  readonly baseValue: number | null;
  readonly change: number | null;
  readonly pointChange: number | null;
}

/** How a KPI moved against a base quarter as people compare it: points for percentages, a relative change otherwise. */
export function formatChange(figures: ChangeFigures, unit: MetricUnit): string {
  if (unit === "PERCENT") return figures.pointChange === null ? NOT_AVAILABLE : formatPointChange(figures.pointChange, unit);
  if (figures.change !== null) return formatRelativeChange(figures.change);
  return figures.pointChange === null ? NOT_AVAILABLE : formatPointChange(figures.pointChange, unit);
}

/** Whether a move is good news, by the KPI's direction. */
export function toneOf(delta: number | null, direction: MetricDirection): "better" | "worse" | "flat" | "none" {
  if (delta === null) return "none";
  if (delta === 0) return "flat";
  return (delta > 0) === (direction === "HIGHER_IS_BETTER") ? "better" : "worse";
}

/** "1 Oct 2024" for an IST calendar day written YYYY-MM-DD. */
export function formatDay(isoDay: string): string {
  return day.format(new Date(`${isoDay}T00:00:00Z`));
}

/** "22 Nov 2026, 4:25 pm IST". */
export function formatInstant(at: Date): string {
  return `${instant.format(at)} IST`;
}
