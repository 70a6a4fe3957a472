import { and, eq, inArray, like, notInArray, sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { EARTH_RADIUS_KM } from "../../lib/geo.js";
import { queryRows } from "../../db/client.js";
import { pinArray, selectRows, tableReader } from "../../db/rows.js";
import { type PincodeRow, pincodeTable, USABLE_COORDINATE_QUALITIES } from "./pincode.sql.js";
import { ComputedFields } from "../../lib/projection.js";
import type { QueryModel } from "../../lib/query-model.js";
import { TypeQuery } from "../../db/query-read.js";

/**
 * Pincode fields computed from the PIN's own row, each written once, as SQL (see shipmentComputed in shipment.repository.ts): the
 * single statement writes them into its JSON and the resolvers read the values they gave.
 */
export const pincodeComputed = new ComputedFields(pincodeTable, {
  // The postal zone is the PIN's first digit; the sorting district its first three.
  zone: { sql: (p) => sql`substr(${p.code}, 1, 1)::int`, uses: { filter: true, group: true, operand: "Int" } },
  sortingDistrict: { sql: (p) => sql`substr(${p.code}, 1, 3)`, uses: { filter: true, group: true, operand: "String", nullable: false } },
  // Zone 9 is the Army Postal Service's functional zone.
  isArmyPostal: { sql: (p) => sql`${p.code} like '9%'`, uses: { filter: true, operand: "Boolean", nullable: false } },
  // Unknown (null) while the directory source does not say which offices deliver.
  isDeliverable: { sql: (p) => sql`${p.deliveryOfficeCount} > 0`, uses: { filter: true, group: true, operand: "Boolean" } },
});

export type PincodeComputedName = (typeof pincodeComputed.names)[number];
/** Whole PIN rows as `p` with their computed fields (in pincode.repository.ts), for the loader (see db/rows.ts). */
const pincodes = tableReader(pincodeTable, "p", pincodeComputed);

/** The computed fields (in pincode.repository.ts) of these PINs, for rows read without them. */
export async function findPincodeComputedByCodes(db: Db, codes: readonly string[]): Promise<(Record<PincodeComputedName, unknown> & { code: string })[]> {
  if (codes.length === 0) return [];
  return queryRows(db, sql`/* findPincodeComputedByCodes */ select p.code, ${pincodeComputed.columns('"p"')} from pincode p where p.code = any(${pinArray(codes)})`);
}

export interface PincodeFilterValues {
  readonly codePrefix?: string | null;
  readonly zone?: number | null;
  readonly state?: string | null;
  readonly district?: string | null;
  readonly circle?: string | null;
  readonly isArmyPostal?: boolean | null;
}

/** PIN areas under any `PincodeWhere` filter and order (src/db/query-read.ts), rows read as `pincode` so the deprecated filter's conditions apply too. */
let pincodeQueries: TypeQuery<PincodeRow> | undefined;
export function pincodeQuery(model: QueryModel): TypeQuery<PincodeRow> {
  pincodeQueries ??= new TypeQuery(model, "Pincode", tableReader(pincodeTable, "pincode", pincodeComputed), "pincode");
  return pincodeQueries;
}

export function pincodeConditions(filter: PincodeFilterValues): SQL[] {
  const conditions: SQL[] = [];
  if (filter.codePrefix) conditions.push(like(pincodeTable.code, `${filter.codePrefix}%`));
  if (filter.zone !== null && filter.zone !== undefined) conditions.push(like(pincodeTable.code, `${filter.zone}%`));
  if (filter.state) conditions.push(eq(sql`lower(${pincodeTable.primaryState})`, filter.state.toLowerCase()));
  if (filter.district) conditions.push(eq(sql`lower(${pincodeTable.primaryDistrict})`, filter.district.toLowerCase()));
  if (filter.circle) {
    conditions.push(sql`${pincodeTable.primaryCircleId} in (select id from postal_circle where lower(name) = ${filter.circle.toLowerCase()})`);
  }
  if (filter.isArmyPostal === true) conditions.push(like(pincodeTable.code, "9%"));
  if (filter.isArmyPostal === false) conditions.push(sql`${pincodeTable.code} not like '9%'`);
  return conditions;
}

export function findPincodesByCodes(db: Db, codes: readonly string[]): Promise<PincodeRow[]> {
  if (codes.length === 0) return Promise.resolve([]);
  return selectRows(db, pincodes, sql`where p.code = any(${pinArray(codes)})`);
}

/**
 * Recomputes each PIN's office counts and its derived primary state, district
 * and circle. The primary office of a PIN is, in order: an office known to
 * deliver, then one whose delivery status is unknown, then a non-delivery
 * office; among those a head office before a sub office before a branch
 * office; then the lowest id. PINs without offices keep their row with zero
 * offices. `codes` limits the work to those PINs (null: all).
 */
export async function refreshPincodes(db: Db, codes: readonly string[] | null): Promise<void> {
  const scope = codes === null ? sql`true` : sql`pincode = any(${sql.param([...codes])}::char(6)[])`;
  await db.execute(sql`/* refreshPincodes */
    with office_stats as (
      select pincode,
        count(*)::int as office_count,
        (case
          when count(*) filter (where delivery) > 0 then count(*) filter (where delivery)
          when count(delivery) = count(*) then 0
        end)::int as delivery_office_count
      from post_office where ${scope} group by pincode
    ), primary_office as (
      select distinct on (pincode) pincode, state, district, circle_id
      from post_office where ${scope}
      order by pincode,
        case when delivery then 0 when delivery is null then 1 else 2 end,
        case office_type when 'HEAD' then 0 when 'SUB' then 1 when 'BRANCH' then 2 else 3 end,
        id
    )
    update pincode p set
      office_count = s.office_count,
      delivery_office_count = s.delivery_office_count,
      primary_state = o.state,
      primary_district = o.district,
      primary_circle_id = o.circle_id,
      updated_at = now()
    from office_stats s join primary_office o using (pincode)
    where p.code = s.pincode
      and (p.office_count, p.delivery_office_count, p.primary_state, p.primary_district, p.primary_circle_id)
          is distinct from (s.office_count, s.delivery_office_count, o.state, o.district, o.circle_id)`);
}

/** Inserts PINs that do not exist yet (without coordinates); existing rows are left alone. */
export async function ensurePincodes(db: Db, codes: readonly string[]): Promise<void> {
  if (codes.length === 0) return;
  await db
    .insert(pincodeTable)
    .values(codes.map((code) => ({ code })))
    .onConflictDoNothing();
}

export interface PincodeDistanceRow {
  readonly pincode: PincodeRow;
  readonly distanceKm: number;
}

/**
 * The great-circle distance in km from a point to the `pincode` row's coordinates, as SQL (haversineKm's
 * formula). Degrees per km of latitude: ~111, which is what the searches' latitude band prefilter uses.
 */
export function distanceFromPincodeSql(lat: SQL, lng: SQL): SQL<number> {
  // least(1, …) guards asin against rounding just above 1 for antipodal points.
  return sql<number>`(2 * ${EARTH_RADIUS_KM}::float8 * asin(least(1, sqrt(
      power(sin(radians(${pincodeTable.latitude} - ${lat}) / 2), 2)
      + cos(radians(${lat})) * cos(radians(${pincodeTable.latitude}))
        * power(sin(radians(${pincodeTable.longitude} - ${lng}) / 2), 2)))))`;
}

/**
 * PINs whose usable coordinates lie within `radiusKm` of a point, nearest
 * first (great-circle distance on a sphere of the mean Earth radius). A
 * latitude band prefilters before the haversine formula.
 */
export async function findPincodesNear(
  db: Db,
  latitude: number,
  longitude: number,
  radiusKm: number,
  limit: number,
): Promise<PincodeDistanceRow[]> {
  const band = radiusKm / 111.0;
  const distance = distanceFromPincodeSql(sql`${latitude}::float8`, sql`${longitude}::float8`);
  const rows = await db
    .select({ pincode: pincodeTable, distanceKm: distance })
    .from(pincodeTable)
    .where(
      and(
        inArray(pincodeTable.coordinateQuality, [...USABLE_COORDINATE_QUALITIES]),
        sql`${pincodeTable.latitude} between ${latitude - band}::float8 and ${latitude + band}::float8`,
        sql`${distance} <= ${radiusKm}::float8`,
      ),
    )
    .orderBy(distance, pincodeTable.code)
    .limit(limit);
  return rows.map((r) => ({ pincode: r.pincode, distanceKm: Number(r.distanceKm) }));
}

/** PINs without usable coordinates (ZERO, OUT_OF_BOUNDS or MISSING): left out of every distance search. */
export async function countPincodesWithoutCoordinates(db: Db): Promise<number> {
  const rows = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(pincodeTable)
    .where(notInArray(pincodeTable.coordinateQuality, [...USABLE_COORDINATE_QUALITIES]));
  return rows[0]?.n ?? 0;
}

/** What validating a booking needs of its destination PIN. */
export interface PincodeRef {
  readonly code: string;
  readonly primary_state: string | null;
  readonly primary_circle_id: number | null;
  readonly delivery_office_count: number | null;
}

/** The PINs of `codes` that the directory holds, as booking validation reads them. */
export function findPincodeRefs(db: Db, codes: readonly string[]): Promise<PincodeRef[]> {
  return queryRows<PincodeRef>(
    db,
    sql`select code, primary_state, primary_circle_id, delivery_office_count from pincode
        where code = any(${pinArray(codes)})`,
  );
}

/** The delivery office count of each PIN of `codes` the directory holds (null: delivery status unknown). */
export function findDeliveryOfficeCounts(db: Db, codes: readonly string[]): Promise<{ code: string; delivery_office_count: number | null }[]> {
  return queryRows<{ code: string; delivery_office_count: number | null }>(
    db,
    sql`select code::text as code, delivery_office_count from pincode where code = any(${pinArray(codes)})`,
  );
}
