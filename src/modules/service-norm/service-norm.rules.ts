import { DAY_MS } from "../../lib/days.js";
import type { RouteClassValue } from "./service-norm.sql.js";

/*
 * Which service norm applies to a shipment, and the day it is due (docs/DOMAIN-NOTES.md, "Fiscal quarters,
 * KPIs and service norms").
 *
 * - Route class, first match wins: REMOTE (an Army Postal destination, or a destination PIN in any remote
 *   class of the remote_class_rule table: North-East, Ladakh and J&K hills, islands), LOCAL (origin and destination share the 3-digit sorting district), METRO_TO_METRO
 *   (both in one of the six metro sorting districts), WITHIN_CIRCLE (same postal circle), else
 *   REST_OF_INDIA.
 * - Due date: D is the IST booking day; count `days` working days after D, skipping Sundays (and any
 *   holiday passed in); one more working day when a branch office delivers.
 */

/** Sorting districts (first three PIN digits) of the six metros: Delhi, Mumbai, Kolkata, Chennai, Bengaluru, Hyderabad. */
export const METRO_SORTING_DISTRICTS: ReadonlyMap<string, string> = new Map([
  ["110", "Delhi"],
  ["400", "Mumbai"],
  ["700", "Kolkata"],
  ["600", "Chennai"],
  ["560", "Bengaluru"],
  ["500", "Hyderabad"],
]);

export interface RouteEnds {
  readonly originPincode: string;
  readonly originCircleId: number | null;
  readonly destinationPincode: string;
  readonly destinationCircleId: number | null;
  /** The destination PIN is in at least one remote class (coverage module, remote_class_rule). */
  readonly destinationRemote: boolean;
  readonly armyPostal: boolean;
}

export function routeClassOf(route: RouteEnds): RouteClassValue {
  if (route.armyPostal || route.destinationRemote) return "REMOTE";
  const from = route.originPincode.slice(0, 3);
  const to = route.destinationPincode.slice(0, 3);
  if (from === to) return "LOCAL";
  if (METRO_SORTING_DISTRICTS.has(from) && METRO_SORTING_DISTRICTS.has(to)) return "METRO_TO_METRO";
  if (route.originCircleId !== null && route.originCircleId === route.destinationCircleId) return "WITHIN_CIRCLE";
  return "REST_OF_INDIA";
}


// Bulk loads ask for the same few thousand (day, norm) pairs millions of times: remember the answers, per
// holiday list (a batch reads the list once, so the same Set object comes back for the whole batch).
const NO_HOLIDAYS: ReadonlySet<string> = new Set();
const dueDatesByHolidays = new WeakMap<ReadonlySet<string>, Map<string, string>>();

/** `days` working days after `bookingDate` (YYYY-MM-DD), skipping Sundays and the given holidays. */
export function addWorkingDays(bookingDate: string, days: number, holidays: ReadonlySet<string> = NO_HOLIDAYS): string {
  let memo = dueDatesByHolidays.get(holidays);
  if (memo === undefined) dueDatesByHolidays.set(holidays, (memo = new Map()));
  const key = `${bookingDate}+${days}`;
  let due = memo.get(key);
  if (due === undefined) {
    due = countWorkingDays(bookingDate, days, holidays);
    if (memo.size < 100_000) memo.set(key, due);
  }
  return due;
}

function countWorkingDays(bookingDate: string, days: number, holidays: ReadonlySet<string>): string {
  let t = Date.parse(`${bookingDate}T00:00:00Z`);
  if (Number.isNaN(t)) throw new RangeError(`Not a date: ${bookingDate}`);
  let left = days;
  while (left > 0) {
    t += DAY_MS;
    const day = new Date(t);
    const iso = day.toISOString().slice(0, 10);
    if (day.getUTCDay() !== 0 && !holidays.has(iso)) left -= 1;
  }
  return new Date(t).toISOString().slice(0, 10);
}

/** The promised delivery day: norm days after booking, plus one when a branch office delivers. */
export function promisedDateOf(bookingDate: string, normDays: number, deliveredByBranch: boolean, holidays?: ReadonlySet<string>): string {
  return addWorkingDays(bookingDate, normDays + (deliveredByBranch ? 1 : 0), holidays);
}
