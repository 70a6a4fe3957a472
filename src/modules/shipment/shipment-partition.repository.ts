import { sql } from "drizzle-orm";
import { type Db, queryRows } from "../../db/client.js";
import { partitionDaysAhead } from "./shipment-partition.rules.js";

/*
 * The quarter partitions of shipment and scan_event (migration 0016_partition_shipments). There is no DEFAULT
 * partition, so a row whose booking day has no partition is refused: every path that writes shipments or scan
 * events calls ensureBookingPartitions in its transaction before the rows, and the server makes the coming
 * quarters' partitions at start and daily (scheduleBookingPartitions), so that call rarely has anything to do.
 */

/**
 * Makes the partitions missing for the quarters of `days` (IST booking days "YYYY-MM-DD"), in the caller's
 * transaction; returns how many tables it created. One statement, which takes no lock when all exist.
 */
export async function ensureBookingPartitions(db: Db, days: readonly string[]): Promise<number> {
  if (days.length === 0) return 0;
  const rows = await queryRows<{ made: number }>(
    db,
    sql`/* ensureBookingPartitions */ select ensure_booking_partitions(array(select jsonb_array_elements_text(${JSON.stringify(days)}::jsonb)::date)) as made`,
  );
  return rows[0]!.made;
}

/** ensureBookingPartitions for the days of rows staged in a temporary table (the import's shipment_stage). */
export async function ensureStagedBookingPartitions(db: Db, stage: string): Promise<number> {
  const rows = await queryRows<{ made: number }>(
    db,
    sql`/* ensureStagedBookingPartitions */ select ensure_booking_partitions(array(select distinct booking_date from ${sql.identifier(stage)})) as made`,
  );
  return rows[0]!.made;
}

/** The partitions of the current quarter (IST) and the PARTITION_QUARTERS_AHEAD after it. */
export function ensurePartitionsAhead(db: Db, now: Date = new Date()): Promise<number> {
  return ensureBookingPartitions(db, partitionDaysAhead(now));
}

export interface BookingPartition {
  readonly parent: "shipment" | "scan_event";
  readonly name: string;
  /** First booking day the partition holds. */
  readonly from: string;
  /** First booking day after it (exclusive bound). */
  readonly to: string;
}

/** Every booking-quarter partition, by parent and first day. */
export function listBookingPartitions(db: Db): Promise<BookingPartition[]> {
  return queryRows<BookingPartition>(
    db,
    sql`/* listBookingPartitions */ select p.relname as parent, c.relname as name,
          (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([0-9-]+)''\\) TO \\(''([0-9-]+)''\\)'))[1] as "from",
          (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'FROM \\(''([0-9-]+)''\\) TO \\(''([0-9-]+)''\\)'))[2] as "to"
        from pg_inherits i
        join pg_class c on c.oid = i.inhrelid
        join pg_class p on p.oid = i.inhparent
        where p.relname in ('shipment', 'scan_event') and p.relkind = 'p'
          and p.relnamespace = (select oid from pg_namespace where nspname = current_schema())
        order by 1, 3`,
  );
}

/**
 * Keeps the coming quarters' partitions made: now, then every `everyMs` (a day), so a server running across a
 * quarter's end has the next ones before the first booking needs them. The timer does not hold the process open.
 */
export function scheduleBookingPartitions(db: Db, fail: (error: unknown) => void, everyMs = 24 * 3_600_000): { ready: Promise<number>; stop(): void } {
  const ready = ensurePartitionsAhead(db);
  const timer = setInterval(() => {
    ensurePartitionsAhead(db).catch(fail);
  }, everyMs);
  timer.unref();
  return { ready, stop: () => clearInterval(timer) };
}
