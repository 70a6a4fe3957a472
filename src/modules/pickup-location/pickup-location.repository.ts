import { and, asc, eq, inArray, type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { intArray, selectRows, tableReader, textArray } from "../../db/rows.js";
import { postOfficeTable } from "../post-office/post-office.sql.js";
import { circleTable } from "../postal-hierarchy/postal-hierarchy.sql.js";
import { type PickupLocationRow, pickupLocationTable } from "./pickup-location.sql.js";

const t = pickupLocationTable;
/** Whole location rows as `l`, for the list, the loaders and the tracking read (see db/rows.ts). */
export const pickupLocationRows = tableReader(pickupLocationTable, "l");

/** What an upsert sets; `synthetic` is fixed when a row is created and never changed by an update. */
export type PickupLocationValues = Omit<PickupLocationRow, "id" | "updatedAt" | "synthetic">;

/** Locations at post offices of the circle named `circle` (any case): the viewer's circle scope. Null: no condition. */
function inCircle(circle: string | null): SQL | undefined {
  if (circle === null) return undefined;
  return sql`${t.postOfficeId} in (select ${postOfficeTable.id} from ${postOfficeTable} join ${circleTable} on ${circleTable.id} = ${postOfficeTable.circleId} where lower(${circleTable.name}) = lower(${circle}))`;
}

/** The location with this code, if it lies in `circle` (null: anywhere). */
export async function findPickupLocationByCode(db: Db, code: string, circle: string | null = null): Promise<PickupLocationRow | undefined> {
  const rows = await db
    .select()
    .from(t)
    .where(and(eq(t.code, code), inCircle(circle)));
  return rows[0];
}

/** Locations open on `day` (active_from ≤ day ≤ active_to, or still open); all of them when day is null; only `circle`'s when given. */
/**
 * Pickup locations open on `activeOn` (all when null) within the viewer's circle; `where` and `orderBy` are a
 * PickupLocationWhere condition and an ORDER BY over the row `l` (src/db/query-read.ts), by code without one.
 */
export function findPickupLocations(
  db: Db,
  activeOn: string | null,
  circle: string | null = null,
  where: SQL | null = null,
  orderBy: SQL | null = null,
): Promise<PickupLocationRow[]> {
  const open = activeOn === null ? sql`true` : sql`l.active_from <= ${activeOn}::date and (l.active_to is null or l.active_to >= ${activeOn}::date)`;
  const scope = circle === null ? sql`true` : sql`l.post_office_id in (select o.id from post_office o join postal_circle c on c.id = o.circle_id where lower(c.name) = lower(${circle}))`;
  return selectRows(db, pickupLocationRows, sql`where ${open} and ${scope} and ${where ?? sql`true`} order by ${orderBy ?? sql`l.code`}`);
}

export function findPickupLocationsByIds(db: Db, ids: readonly number[]): Promise<PickupLocationRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return selectRows(db, pickupLocationRows, sql`where l.id = any(${intArray(ids)})`);
}

/** The locations with these codes (canonical: upper case), in one statement. */
export function findPickupLocationsByCodes(db: Db, codes: readonly string[]): Promise<PickupLocationRow[]> {
  if (codes.length === 0) return Promise.resolve([]);
  return selectRows(db, pickupLocationRows, sql`/* findPickupLocationsByCodes */ where l.code = any(${textArray(codes)})`);
}

export function findPickupLocationsByPostOfficeIds(db: Db, ids: readonly number[]): Promise<PickupLocationRow[]> {
  return db
    .select()
    .from(t)
    .where(inArray(t.postOfficeId, [...ids]))
    .orderBy(asc(t.code));
}

export async function insertPickupLocation(db: Db, values: PickupLocationValues, synthetic = false): Promise<PickupLocationRow> {
  const rows = await db
    .insert(t)
    .values({ ...values, synthetic })
    .returning();
  return rows[0]!;
}

/**
 * Inserts the location unless one with its code exists; undefined when one does. Concurrent upserts of one new code
 * all get past this: the unique index makes the second wait for the first's transaction, then do nothing, where a
 * plain insert would fail on the unique violation.
 */
export async function insertPickupLocationIfAbsent(db: Db, values: PickupLocationValues): Promise<PickupLocationRow | undefined> {
  const rows = await db
    .insert(t)
    .values({ ...values, synthetic: false })
    .onConflictDoNothing({ target: t.code })
    .returning();
  return rows[0];
}

export async function updatePickupLocation(db: Db, id: number, values: PickupLocationValues): Promise<PickupLocationRow> {
  const rows = await db
    .update(t)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(t.id, id))
    .returning();
  return rows[0]!;
}

/** What validating a booking needs of a pickup location: its code, opening days and office's PIN and circle. */
export interface PickupRef {
  readonly id: number;
  readonly code: string;
  readonly active_from: string;
  readonly active_to: string | null;
  readonly pincode: string;
  readonly circle_id: number | null;
}

/** Every pickup location, as booking validation reads it. */
export function findPickupLocationRefs(db: Db): Promise<PickupRef[]> {
  return queryRows<PickupRef>(
    db,
    sql`/* loadShipmentReferences */ select p.id, p.code, p.active_from::text, p.active_to::text, o.pincode, o.circle_id
        from pickup_location p join post_office o on o.id = p.post_office_id`,
  );
}
