import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";

/** Every public holiday, as a set of YYYY-MM-DD days (a few dozen rows a year). */
export async function findPublicHolidays(db: Db): Promise<ReadonlySet<string>> {
  const rows = await queryRows<{ day: string }>(db, sql`/* findPublicHolidays */ select day::text as day from public_holiday`);
  return new Set(rows.map((r) => r.day));
}
