import { and, eq, inArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { type OfficeTypeValue, type PostOfficeRow, postOfficeTable } from "./post-office.sql.js";

export type PostOfficeOrderValue = "NAME_ASC" | "NAME_DESC" | "PINCODE_ASC" | "PINCODE_DESC";

export interface PostOfficeFilterValues {
  readonly nameContains?: string | null;
  readonly nameStartsWith?: string | null;
  readonly pincode?: string | null;
  readonly state?: string | null;
  readonly district?: string | null;
  readonly circle?: string | null;
  readonly region?: string | null;
  readonly division?: string | null;
  readonly officeType?: OfficeTypeValue | null;
  readonly delivery?: boolean | null;
}

/** Escapes LIKE's wildcards so user text matches literally (backslash is PostgreSQL's default escape). */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (c) => `\\${c}`);
}

const t = postOfficeTable;

function filterConditions(filter: PostOfficeFilterValues): SQL[] {
  const conditions: SQL[] = [];
  if (filter.nameContains) conditions.push(sql`lower(${t.name}) like ${`%${escapeLike(filter.nameContains.toLowerCase())}%`}`);
  if (filter.nameStartsWith) conditions.push(sql`lower(${t.name}) like ${`${escapeLike(filter.nameStartsWith.toLowerCase())}%`}`);
  if (filter.pincode) conditions.push(eq(t.pincode, filter.pincode));
  if (filter.state) conditions.push(sql`lower(${t.state}) = ${filter.state.toLowerCase()}`);
  if (filter.district) conditions.push(sql`lower(${t.district}) = ${filter.district.toLowerCase()}`);
  if (filter.circle) {
    conditions.push(sql`${t.circleId} in (select id from postal_circle where lower(name) = ${filter.circle.toLowerCase()})`);
  }
  if (filter.region) {
    conditions.push(sql`${t.regionId} in (select id from postal_region where lower(name) = ${filter.region.toLowerCase()})`);
  }
  if (filter.division) {
    conditions.push(sql`${t.divisionId} in (select id from postal_division where lower(name) = ${filter.division.toLowerCase()})`);
  }
  if (filter.officeType) conditions.push(eq(t.officeType, filter.officeType));
  if (filter.delivery !== null && filter.delivery !== undefined) conditions.push(eq(t.delivery, filter.delivery));
  return conditions;
}

/** The sort key of a row under an order, as stored in its cursor. */
export function sortKeyOf(row: PostOfficeRow, order: PostOfficeOrderValue): [string, number] {
  return order.startsWith("NAME") ? [row.name, row.id] : [row.pincode, row.id];
}

function orderSql(order: PostOfficeOrderValue): { key: SQL; direction: SQL; compare: SQL } {
  const key = order.startsWith("NAME") ? sql`(${t.name} collate "C", ${t.id})` : sql`(${t.pincode}, ${t.id})`;
  const descending = order.endsWith("DESC");
  return { key, direction: descending ? sql`desc` : sql`asc`, compare: descending ? sql`<` : sql`>` };
}

/**
 * A page of offices: `limit` rows after the cursor key. Names sort in C
 * collation (byte order) so that PGlite and PostgreSQL servers agree.
 */
export function findPostOfficesPage(
  db: Db,
  filter: PostOfficeFilterValues,
  order: PostOfficeOrderValue,
  after: readonly [string, number] | null,
  limit: number,
): Promise<PostOfficeRow[]> {
  const conditions = filterConditions(filter);
  const { key, direction, compare } = orderSql(order);
  if (after !== null) {
    const afterKey = order.startsWith("NAME") ? sql`(${after[0]}::text collate "C", ${after[1]}::int)` : sql`(${after[0]}::char(6), ${after[1]}::int)`;
    conditions.push(sql`${key} ${compare} ${afterKey}`);
  }
  const [first, second] = order.startsWith("NAME") ? [sql`${t.name} collate "C"`, t.id] : [t.pincode, t.id];
  return db
    .select()
    .from(t)
    .where(and(...conditions))
    .orderBy(sql`${first} ${direction}`, sql`${second} ${direction}`)
    .limit(limit);
}

export async function countPostOffices(db: Db, filter: PostOfficeFilterValues): Promise<number> {
  const rows = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(t)
    .where(and(...filterConditions(filter)));
  return rows[0]?.n ?? 0;
}

export function findPostOfficesByIds(db: Db, ids: readonly number[]): Promise<PostOfficeRow[]> {
  return db.select().from(t).where(inArray(t.id, [...ids]));
}

/** Every office of the given PINs (at most 61 per PIN in the directory), in name order. */
export function findPostOfficesByPincodes(db: Db, codes: readonly string[]): Promise<PostOfficeRow[]> {
  return db
    .select()
    .from(t)
    .where(inArray(t.pincode, [...codes]))
    .orderBy(sql`${t.name} collate "C"`, t.id);
}

export async function countAllPostOffices(db: Db): Promise<number> {
  const rows = await queryRows<{ n: number }>(db, sql`select count(*)::int as n from post_office`);
  return rows[0]?.n ?? 0;
}
