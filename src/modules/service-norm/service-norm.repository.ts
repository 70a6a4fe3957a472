import { asc, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { textArray } from "../../db/rows.js";
import { type RouteClassValue, serviceNormTable } from "./service-norm.sql.js";

/** Every public holiday, as a set of YYYY-MM-DD days (a few dozen rows a year). */
export async function findPublicHolidays(db: Db): Promise<ReadonlySet<string>> {
  const rows = await queryRows<{ day: string }>(db, sql`/* findPublicHolidays */ select day::text as day from public_holiday`);
  return new Set(rows.map((r) => r.day));
}

/** The service norms, by product, days and route class. */
export async function findServiceNorms(db: Db): Promise<{ productCode: string; routeClass: RouteClassValue; days: number }[]> {
  const rows = await queryRows<{ product_code: string; route_class: RouteClassValue; days: number }>(
    db,
    sql`/* findServiceNorms */ select product_code, route_class, days from service_norm order by product_code, days, route_class`,
  );
  return rows.map((r) => ({ productCode: r.product_code, routeClass: r.route_class, days: Number(r.days) }));
}

/** Every public holiday with its name, oldest first. */
export function findPublicHolidayList(db: Db): Promise<{ day: string; name: string }[]> {
  return queryRows<{ day: string; name: string }>(db, sql`/* findPublicHolidayList */ select day::text as day, name from public_holiday order by day`);
}

/** Adds the days, or renames them where they exist. */
export async function upsertPublicHolidays(db: Db, holidays: readonly { day: string; name: string }[]): Promise<void> {
  await db.execute(sql`/* setPublicHolidays */ insert into public_holiday (day, name)
    select day, name from jsonb_to_recordset(${JSON.stringify(holidays)}::jsonb) as x(day date, name text)
    on conflict (day) do update set name = excluded.name`);
}

/** Removes the days (YYYY-MM-DD). */
export async function deletePublicHolidays(db: Db, days: readonly string[]): Promise<void> {
  await db.execute(sql`/* deletePublicHolidays */ delete from public_holiday where day in (select unnest(${textArray(days)})::date)`);
}

/** The norm's days by `product/routeClass`. */
export function findServiceNormDays(db: Db): Promise<{ key: string; days: number }[]> {
  return queryRows<{ key: string; days: number }>(db, sql`select product_code || '/' || route_class as key, days from service_norm`);
}

/** Every service norm row, by product and route class. */
export function findServiceNormRows(db: Db) {
  return db.select().from(serviceNormTable).orderBy(asc(serviceNormTable.productCode), asc(serviceNormTable.routeClass));
}
