import { asc, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { intArray, selectRows, tableReader } from "../../db/rows.js";
import { queryRows } from "../../db/client.js";
import { postOfficeTable } from "../post-office/post-office.sql.js";
import { pincodeTable } from "../pincode/pincode.sql.js";
import { type CircleRow, circleTable, type DivisionRow, divisionTable, type RegionRow, regionTable } from "./postal-hierarchy.sql.js";
/** Whole circle rows as `c`, for the loader (see db/rows.ts). */
const circles = tableReader(circleTable, "c");

export interface UnitNames {
  readonly circle: string;
  readonly region: string | null;
  readonly division: string | null;
}

export interface UnitIds {
  readonly circleId: number;
  readonly regionId: number | null;
  readonly divisionId: number | null;
}

export function unitKey(unit: UnitNames): string {
  return `${unit.circle}\u0000${unit.region ?? ""}\u0000${unit.division ?? ""}`;
}

interface NamedChild {
  readonly parentId: number;
  readonly name: string;
}

/**
 * Ids of (parent, name) rows of a region or division table, inserting the
 * missing ones: one statement for any number of pairs.
 */
async function ensureChildren(
  db: Db,
  table: "postal_region" | "postal_division",
  parentColumn: "circle_id" | "region_id",
  wanted: readonly NamedChild[],
): Promise<(NamedChild & { id: number })[]> {
  if (wanted.length === 0) return [];
  const tableSql = sql.identifier(table);
  const parentSql = sql.identifier(parentColumn);
  const rows = await queryRows<{ id: number; parent_id: number; name: string }>(
    db,
    sql`/* ensureChildren */
      with wanted as (
        select * from jsonb_to_recordset(${JSON.stringify(wanted)}::jsonb) as w("parentId" int, name text)
      ), inserted as (
        insert into ${tableSql} (${parentSql}, name) select "parentId", name from wanted
        on conflict (${parentSql}, name) do nothing returning id, ${parentSql} as parent_id, name
      )
      select id, parent_id, name from inserted
      union all
      select t.id, t.${parentSql} as parent_id, t.name from ${tableSql} t join wanted w on w."parentId" = t.${parentSql} and w.name = t.name`,
  );
  return rows.map((r) => ({ id: r.id, parentId: r.parent_id, name: r.name }));
}

/**
 * Ids of circles, regions and divisions by name, creating those that are new.
 * Three statements for the distinct names of a whole batch, whatever its size.
 */
export async function ensureUnits(db: Db, units: readonly UnitNames[]): Promise<Map<string, UnitIds>> {
  const circles = [...new Set(units.map((u) => u.circle))];
  await db.insert(circleTable).values(circles.map((name) => ({ name }))).onConflictDoNothing();
  const circleRows = await db.select().from(circleTable).where(inArray(circleTable.name, circles));
  const circleId = new Map(circleRows.map((c) => [c.name, c.id]));

  const regionPairs = new Map<string, NamedChild>();
  for (const u of units) {
    if (u.region !== null) regionPairs.set(`${u.circle}\u0000${u.region}`, { parentId: circleId.get(u.circle)!, name: u.region });
  }
  const circleName = new Map(circleRows.map((c) => [c.id, c.name]));
  const regionId = new Map<string, number>();
  for (const r of await ensureChildren(db, "postal_region", "circle_id", [...regionPairs.values()])) {
    regionId.set(`${circleName.get(r.parentId)}\u0000${r.name}`, r.id);
  }

  const divisionPairs = new Map<string, NamedChild>();
  for (const u of units) {
    if (u.region !== null && u.division !== null) {
      const rid = regionId.get(`${u.circle}\u0000${u.region}`)!;
      divisionPairs.set(`${rid}\u0000${u.division}`, { parentId: rid, name: u.division });
    }
  }
  const divisionId = new Map<string, number>();
  for (const d of await ensureChildren(db, "postal_division", "region_id", [...divisionPairs.values()])) {
    divisionId.set(`${d.parentId}\u0000${d.name}`, d.id);
  }

  const result = new Map<string, UnitIds>();
  for (const u of units) {
    const cid = circleId.get(u.circle)!;
    const rid = u.region === null ? null : (regionId.get(`${u.circle}\u0000${u.region}`) ?? null);
    const did = rid === null || u.division === null ? null : (divisionId.get(`${rid}\u0000${u.division}`) ?? null);
    result.set(unitKey(u), { circleId: cid, regionId: rid, divisionId: did });
  }
  return result;
}

export interface CircleWithCounts extends CircleRow {
  readonly officeCount: number;
  readonly pincodeCount: number;
}

export async function listCirclesWithCounts(db: Db): Promise<CircleWithCounts[]> {
  const rows = await queryRows<{ id: number; name: string; office_count: number; pincode_count: number }>(
    db,
    sql`/* listCirclesWithCounts */
      select c.id, c.name,
        coalesce(o.n, 0)::int as office_count,
        coalesce(p.n, 0)::int as pincode_count
      from ${circleTable} c
      left join (select circle_id, count(*) as n from ${postOfficeTable} group by circle_id) o on o.circle_id = c.id
      left join (select primary_circle_id, count(*) as n from ${pincodeTable} group by primary_circle_id) p on p.primary_circle_id = c.id
      order by c.name`,
  );
  return rows.map((r) => ({ id: r.id, name: r.name, officeCount: r.office_count, pincodeCount: r.pincode_count }));
}

export function findCirclesByIds(db: Db, ids: readonly number[]): Promise<CircleRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return selectRows(db, circles, sql`where c.id = any(${intArray(ids)})`);
}

export function findRegionsByIds(db: Db, ids: readonly number[]): Promise<RegionRow[]> {
  return db.select().from(regionTable).where(inArray(regionTable.id, [...ids]));
}

export function findDivisionsByIds(db: Db, ids: readonly number[]): Promise<DivisionRow[]> {
  return db.select().from(divisionTable).where(inArray(divisionTable.id, [...ids]));
}

export function findRegionsByCircleIds(db: Db, circleIds: readonly number[]): Promise<RegionRow[]> {
  return db
    .select()
    .from(regionTable)
    .where(inArray(regionTable.circleId, [...circleIds]))
    .orderBy(asc(regionTable.name));
}

export function findDivisionsByRegionIds(db: Db, regionIds: readonly number[]): Promise<DivisionRow[]> {
  return db
    .select()
    .from(divisionTable)
    .where(inArray(divisionTable.regionId, [...regionIds]))
    .orderBy(asc(divisionTable.name));
}

/** Office counts per hierarchy unit, for the ids asked. */
export async function countOfficesByUnit(
  db: Db,
  column: "circle_id" | "region_id" | "division_id",
  ids: readonly number[],
): Promise<Map<number, number>> {
  const rows = await queryRows<{ id: number; n: number }>(
    db,
    sql`/* countOfficesByUnit */ select ${sql.identifier(column)} as id, count(*)::int as n from ${postOfficeTable}
        where ${sql.identifier(column)} = any(${sql.param([...ids])}::int[]) group by 1`,
  );
  return new Map(rows.map((r) => [r.id, r.n]));
}

/** PIN counts per derived primary circle, for the circle ids asked. */
export async function countPincodesByPrimaryCircle(db: Db, ids: readonly number[]): Promise<Map<number, number>> {
  const rows = await queryRows<{ id: number; n: number }>(
    db,
    sql`/* countPincodesByPrimaryCircle */ select primary_circle_id as id, count(*)::int as n from ${pincodeTable}
        where primary_circle_id = any(${sql.param([...ids])}::int[]) group by 1`,
  );
  return new Map(rows.map((r) => [r.id, r.n]));
}
