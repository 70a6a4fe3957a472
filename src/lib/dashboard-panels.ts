/**
 * Rules of the dashboard's pickup-location and review panels (src/dashboard/pickups.tsx, reviews.tsx), kept apart
 * from Preact so they are unit-tested: the quarter's bounds as the panels' operations take them, which action items
 * need attention first, and the words for the graph's owner and status values. Free of Node APIs (the browser
 * bundle imports it).
 */
import { type FiscalQuarter, fiscalQuarter, fiscalQuarterLabel, quarterEnd, quarterEndDate, quarterStart, quarterStartDate } from "./fiscal-quarter.js";

/** The variables naming a quarter in src/operations/dashboard-panels.graphql. */
export interface QuarterWindow {
  /** First IST day, "2026-07-01": a location closed before it was not open in the quarter. */
  readonly quarterFirstDay: string;
  /** Last IST day, inclusive, "2026-09-30": a location opened after it was not open in the quarter. */
  readonly quarterLastDay: string;
  /** IST midnight starting the quarter, as an instant: bookings from it on are the quarter's. */
  readonly bookedFrom: string;
  /** IST midnight starting the next quarter (exclusive), so the window is the one the KPI rollups count. */
  readonly bookedBefore: string;
}

function parseCanonical(quarter: string): FiscalQuarter {
  // The graph serialises quarters canonically ("FY2026-27-Q2"); the panels receive nothing else.
  const match = /^FY(\d{4})-\d{2}-Q([1-4])$/.exec(quarter);
  if (match === null) throw new Error(`Not a fiscal quarter: ${quarter}`);
  return fiscalQuarter(Number(match[1]), Number(match[2]));
}

/** The quarter's days and booking instants, "FY2026-27-Q2" → 1 Jul–30 Sep 2026 IST. */
export function quarterWindow(quarter: string): QuarterWindow {
  const q = parseCanonical(quarter);
  return {
    quarterFirstDay: quarterStartDate(q),
    quarterLastDay: quarterEndDate(q),
    bookedFrom: quarterStart(q).toISOString(),
    bookedBefore: quarterEnd(q).toISOString(),
  };
}

/** "Q2 FY2026-27 (Jul–Sep 2026)" from "FY2026-27-Q2": the months save readers the arithmetic. */
export function quarterHeading(quarter: string): string {
  return fiscalQuarterLabel(parseCanonical(quarter));
}

export type ActionItemStatus = "OPEN" | "IN_PROGRESS" | "DONE" | "DROPPED";
export type ActionItemOwner = "AMAZON" | "INDIA_POST" | "JOINT";

export const STATUS_LABELS: Readonly<Record<ActionItemStatus, string>> = { OPEN: "Open", IN_PROGRESS: "In progress", DONE: "Done", DROPPED: "Dropped" };
export const OWNER_LABELS: Readonly<Record<ActionItemOwner, string>> = { AMAZON: "Amazon India", INDIA_POST: "India Post", JOINT: "Both partners" };

const STILL_TO_DO: ReadonlySet<ActionItemStatus> = new Set(["OPEN", "IN_PROGRESS"]);

/** Overdue: still open or in progress after its due day (IST calendar days, "YYYY-MM-DD", compared as text). */
export function isOverdue(item: { status: ActionItemStatus; due: string }, todayIst: string): boolean {
  return STILL_TO_DO.has(item.status) && item.due < todayIst;
}

/**
 * The order a review reads its items in: what is still to do first, earliest due first (so overdue items lead);
 * then what is closed (done, dropped), also by due day. Ties keep the minutes' order (the sort is stable).
 */
export function byAttention<T extends { status: ActionItemStatus; due: string }>(items: readonly T[]): T[] {
  const rank = (item: T) => (STILL_TO_DO.has(item.status) ? 0 : 1);
  return [...items].sort((a, b) => rank(a) - rank(b) || (a.due < b.due ? -1 : a.due > b.due ? 1 : 0));
}

/** An IST calendar day "2026-10-14" as "14 Oct 2026", whatever the browser's time zone. */
export function formatIstDay(day: string): string {
  return new Intl.DateTimeFormat("en-IN", { timeZone: "UTC", day: "2-digit", month: "short", year: "numeric" }).format(new Date(`${day}T00:00:00Z`));
}
