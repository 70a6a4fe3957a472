import { asc, eq, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { type PickupLocationRow, pickupLocationTable } from "./pickup-location.sql.js";

const t = pickupLocationTable;

/** What an upsert sets; `synthetic` is fixed when a row is created and never changed by an update. */
export type PickupLocationValues = Omit<PickupLocationRow, "id" | "updatedAt" | "synthetic">;

export async function findPickupLocationByCode(db: Db, code: string): Promise<PickupLocationRow | undefined> {
  const rows = await db.select().from(t).where(eq(t.code, code));
  return rows[0];
}

/** Locations open on `day` (active_from ≤ day ≤ active_to, or still open); all of them when day is null. */
export function findPickupLocations(db: Db, activeOn: string | null): Promise<PickupLocationRow[]> {
  const query = db.select().from(t);
  const filtered =
    activeOn === null
      ? query
      : query.where(sql`${t.activeFrom} <= ${activeOn}::date and (${t.activeTo} is null or ${t.activeTo} >= ${activeOn}::date)`);
  return filtered.orderBy(asc(t.code));
}

export function findPickupLocationsByIds(db: Db, ids: readonly number[]): Promise<PickupLocationRow[]> {
  return db.select().from(t).where(inArray(t.id, [...ids]));
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

export async function updatePickupLocation(db: Db, id: number, values: PickupLocationValues): Promise<PickupLocationRow> {
  const rows = await db
    .update(t)
    .set({ ...values, updatedAt: sql`now()` })
    .where(eq(t.id, id))
    .returning();
  return rows[0]!;
}
