import { addQuarters, type FiscalQuarter, quarterOf, quarterOfDay, quarterStartDate } from "../../lib/fiscal-quarter.js";

/*
 * Pure rules of the booking-quarter partitions of shipment and scan_event (migration 0016_partition_shipments).
 * The database function ensure_booking_partitions() names and bounds the partitions it creates the same way;
 * test/partitions.test.ts holds the two to each other.
 */

/** How many fiscal quarters after the current one the server keeps partitions ready for. */
export const PARTITION_QUARTERS_AHEAD = 4;

/** The partition of `table` holding a quarter's booking days: shipment_fy2024_25_q3 for Q3 FY2024-25 (2024-10-01 to 2024-12-31). */
export function bookingPartitionName(table: "shipment" | "scan_event", q: FiscalQuarter): string {
  return `${table}_fy${q.fiscalYearStart}_${String((q.fiscalYearStart + 1) % 100).padStart(2, "0")}_q${q.quarter}`;
}

/** The partition holding an IST booking day "YYYY-MM-DD". */
export function bookingPartitionOfDay(table: "shipment" | "scan_event", day: string): string {
  return bookingPartitionName(table, quarterOfDay(day));
}

/**
 * One booking day in each quarter from the one `now` falls in (IST) to `ahead` quarters after it: what
 * ensure_booking_partitions() takes to have those quarters' partitions made before any booking needs them.
 */
export function partitionDaysAhead(now: Date, ahead: number = PARTITION_QUARTERS_AHEAD): string[] {
  const current = quarterOf(now);
  return Array.from({ length: ahead + 1 }, (_, i) => quarterStartDate(addQuarters(current, i)));
}

/** The distinct booking days of rows about to be written, the argument of ensure_booking_partitions(). */
export function distinctBookingDays(rows: readonly { bookingDate: string }[]): string[] {
  return [...new Set(rows.map((r) => r.bookingDate))].sort();
}
