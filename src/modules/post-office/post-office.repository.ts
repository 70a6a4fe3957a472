import { eq, sql, type SQL } from "drizzle-orm";
import { TypeQuery } from "../../db/query-read.js";
import type { QueryModel } from "../../lib/query-model.js";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { intArray, pinArray, selectRows, tableReader } from "../../db/rows.js";
import { distanceFromPincodeSql } from "../pincode/pincode.repository.js";
import { USABLE_COORDINATE_QUALITIES } from "../pincode/pincode.sql.js";
import { directoryImportTable, type OfficeTypeValue, type PostOfficeRow, postOfficeTable } from "./post-office.sql.js";

/** Whole office rows as `o`, for the loaders (see db/rows.ts). */
const offices = tableReader(postOfficeTable, "o");

/** The fixed filter of `postOffices(filter:)`: the name search and exact matches. */
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

/**
 * The fixed filter's conditions over the row `post_office`, for postOfficeQuery. The name search compares lower(name),
 * as the trigram index (contains) and the text_pattern_ops index (prefix) hold it.
 */
export function postOfficeConditions(filter: PostOfficeFilterValues): SQL[] {
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

/** Post offices under any `PostOfficeWhere` filter and order (src/db/query-read.ts), rows read as `post_office` so the fixed filter's conditions apply too. */
let postOfficeQueries: TypeQuery<PostOfficeRow> | undefined;
export function postOfficeQuery(model: QueryModel): TypeQuery<PostOfficeRow> {
  postOfficeQueries ??= new TypeQuery(model, "PostOffice", tableReader(postOfficeTable, "post_office"), "post_office");
  return postOfficeQueries;
}

/** Offices of these PINs, a condition over the row `post_office` (the nested connections' parent set). */
export function ofPincodes(codes: readonly string[]): SQL {
  return sql`${t.pincode} = any(${pinArray(codes)})`;
}

export function findPostOfficesByIds(db: Db, ids: readonly number[]): Promise<PostOfficeRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return selectRows(db, offices, sql`where o.id = any(${intArray(ids)})`);
}

/** Every office of the given PINs (at most 61 per PIN in the directory), in name order. */
export function findPostOfficesByPincodes(db: Db, codes: readonly string[]): Promise<PostOfficeRow[]> {
  if (codes.length === 0) return Promise.resolve([]);
  return selectRows(
    db,
    offices,
    sql`where o.pincode = any(${pinArray(codes)}) order by o.name collate "C", o.id`,
  );
}

/** One office as a data.gov.in CSV import writes it; null means "unknown here", never "erase". */
export interface PostOfficeUpsert {
  readonly pincode: string;
  readonly name: string;
  readonly nameKey: string;
  readonly officeType: OfficeTypeValue | null;
  readonly delivery: boolean | null;
  readonly circleId: number | null;
  readonly regionId: number | null;
  readonly divisionId: number | null;
  readonly district: string | null;
  readonly state: string | null;
  readonly taluk: string | null;
  readonly latitude: number | null;
  readonly longitude: number | null;
  /** MISSING (or null) keeps the stored coordinates. */
  readonly coordinateQuality: string | null;
}

export interface UpsertedPostOffice {
  readonly pincode: string;
  readonly inserted: boolean;
}

/**
 * Inserts or updates offices on their natural key (pincode, name_key) and
 * returns the rows it inserted or changed; rows whose merged values equal the
 * stored ones are left untouched (source and updated_at included) and not
 * returned. Merging: a null keeps the stored value; a region is kept only
 * while its circle stays, a division only while its region stays; coordinates
 * move as one pair with their quality flag. The rows must have distinct keys.
 */
export async function upsertPostOffices(db: Db, rows: readonly PostOfficeUpsert[]): Promise<UpsertedPostOffice[]> {
  if (rows.length === 0) return [];
  const payload = rows.map((r) => ({
    pincode: r.pincode,
    name: r.name,
    name_key: r.nameKey,
    office_type: r.officeType,
    delivery: r.delivery,
    circle_id: r.circleId,
    region_id: r.regionId,
    division_id: r.divisionId,
    district: r.district,
    state: r.state,
    taluk: r.taluk,
    latitude: r.latitude,
    longitude: r.longitude,
    coordinate_quality: r.coordinateQuality,
  }));
  const circle = sql`coalesce(excluded.circle_id, o.circle_id)`;
  const region = sql`coalesce(excluded.region_id, case when ${circle} = o.circle_id then o.region_id end)`;
  const division = sql`coalesce(excluded.division_id, case when ${region} is not distinct from o.region_id then o.division_id end)`;
  const coordinatesGiven = sql`coalesce(excluded.coordinate_quality, 'MISSING') <> 'MISSING'`;
  const merged = sql`excluded.name,
      coalesce(excluded.office_type, o.office_type),
      coalesce(excluded.delivery, o.delivery),
      ${circle}, ${region}, ${division},
      coalesce(excluded.district, o.district),
      coalesce(excluded.state, o.state),
      coalesce(excluded.taluk, o.taluk),
      case when ${coordinatesGiven} then excluded.latitude else o.latitude end,
      case when ${coordinatesGiven} then excluded.longitude else o.longitude end,
      case when ${coordinatesGiven} then excluded.coordinate_quality else coalesce(o.coordinate_quality, excluded.coordinate_quality) end`;
  const rowsOut = await queryRows<{ pincode: string; inserted: boolean }>(
    db,
    sql`/* upsertPostOffices */
      insert into post_office as o (pincode, name, name_key, office_type, delivery, circle_id, region_id, division_id,
        district, state, taluk, latitude, longitude, coordinate_quality, source)
      select pincode, name, name_key, office_type, delivery, circle_id, region_id, division_id,
        district, state, taluk, latitude, longitude, coordinate_quality, 'DATA_GOV_IN_CSV'
      from jsonb_to_recordset(${JSON.stringify(payload)}::jsonb) as r(pincode text, name text, name_key text,
        office_type text, delivery boolean, circle_id int, region_id int, division_id int, district text, state text,
        taluk text, latitude double precision, longitude double precision, coordinate_quality text)
      on conflict (pincode, name_key) do update set
        (name, office_type, delivery, circle_id, region_id, division_id, district, state, taluk,
         latitude, longitude, coordinate_quality, source, updated_at)
        = (${merged}, 'DATA_GOV_IN_CSV', now())
      where (${merged}) is distinct from (o.name, o.office_type, o.delivery, o.circle_id, o.region_id, o.division_id,
        o.district, o.state, o.taluk, o.latitude, o.longitude, o.coordinate_quality)
      returning o.pincode, (o.xmax = 0) as inserted`,
  );
  return rowsOut.map((r) => ({ pincode: r.pincode, inserted: r.inserted }));
}

/** What validating a booking needs of its delivering office. */
export interface OfficeRef {
  readonly id: number;
  readonly pincode: string;
  readonly office_type: string | null;
  readonly delivery: boolean | null;
}

/** The offices of `ids` that exist, as booking validation reads them. */
export function findOfficeRefs(db: Db, ids: readonly number[]): Promise<OfficeRef[]> {
  return queryRows<OfficeRef>(
    db,
    sql`select id, pincode, office_type, delivery from post_office
        where id = any(${intArray(ids)})`,
  );
}

/** One nearest-offices question: a pickup location, how many offices, within how many km. */
export interface NearestOfficesKey {
  readonly locationId: number;
  readonly first: number;
  readonly radiusKm: number;
}

/** PINs a nearest-offices search looks through, nearest first, before taking their delivery offices. */
const NEAREST_PIN_LIMIT = 200;

/**
 * For each key, up to `first` delivery offices (delivery status true or unknown) nearest the location's PIN,
 * by PIN distance, in one statement for all keys: the 200 nearest PINs with usable coordinates within
 * `radiusKm` (findPincodesNear's search), then their offices by distance, PIN code, name and id. Keys whose
 * location's PIN has no usable coordinates get none. Distances are in km, unrounded.
 */
export async function findNearestDeliveryOffices(
  db: Db,
  keys: readonly NearestOfficesKey[],
): Promise<{ key: number; distanceKm: number; office: PostOfficeRow }[]> {
  if (keys.length === 0) return [];
  const json = JSON.stringify(keys.map((k, i) => ({ key: i, location_id: k.locationId, first: k.first, radius: k.radiusKm })));
  const usable = sql.join(USABLE_COORDINATE_QUALITIES.map((q) => sql`${q}`), sql`, `);
  const distance = distanceFromPincodeSql(sql`origin.lat`, sql`origin.lng`);
  const raw = await queryRows<Record<string, unknown>>(
    db,
    sql`/* findNearestDeliveryOffices */ with k as (
        select * from jsonb_to_recordset(${json}::jsonb) as k(key int, location_id int, first int, radius float8)
      ), origin as (
        select k.key, k.first, k.radius, p.latitude as lat, p.longitude as lng
        from k join pickup_location l on l.id = k.location_id join post_office po on po.id = l.post_office_id join pincode p on p.code = po.pincode
        where p.coordinate_quality in (${usable}) and p.latitude is not null and p.longitude is not null
      ), ranked as (
        select origin.key as near_key, origin.first as near_first, near.distance_km as near_distance_km, o.id as near_office_id,
          row_number() over (partition by origin.key order by near.distance_km, near.code, o.name collate "C", o.id) as near_rank
        from origin
        cross join lateral (
          select pincode.code, ${distance} as distance_km from pincode
          where pincode.coordinate_quality in (${usable})
            and pincode.latitude between origin.lat - origin.radius / 111.0 and origin.lat + origin.radius / 111.0
            and ${distance} <= origin.radius
          order by 2, 1 limit ${NEAREST_PIN_LIMIT}
        ) near
        join post_office o on o.pincode = near.code and o.delivery is not false
      )
      select r.near_key, r.near_distance_km, ${offices.columns} from ranked r join ${offices.from} on o.id = r.near_office_id
      where r.near_rank <= r.near_first order by r.near_key, r.near_rank`,
  );
  return raw.map((r) => ({ key: Number(r.near_key), distanceKm: Number(r.near_distance_km), office: offices.read(r) }));
}

/** The office type of each office of `ids` that exists (a branch office's deliveries take a day longer). */
export function findOfficeTypes(db: Db, ids: readonly number[]): Promise<{ id: number; office_type: string | null }[]> {
  return queryRows<{ id: number; office_type: string | null }>(db, sql`select id, office_type from post_office where id = any(${intArray(ids)})`);
}

/** True when the database holds offices. */
export async function hasPostOffices(db: Db): Promise<boolean> {
  const rows = await queryRows<{ loaded: boolean }>(db, sql`select exists (select 1 from post_office) as loaded`);
  return rows[0]?.loaded === true;
}

/** Records a directory load or import in the directory's provenance. */
export async function recordDirectoryImport(db: Db, values: typeof directoryImportTable.$inferInsert): Promise<void> {
  await db.insert(directoryImportTable).values(values);
}

/** Vacuums and analyses what a bulk directory load wrote. */
export async function vacuumDirectory(db: Db): Promise<void> {
  // Freshly written pages are not yet marked all-visible, so until autovacuum reaches them an index-only scan (the
  // name search counts its matches from post_office_name_prefix) still visits every heap row, which defeats the
  // point of the index. A bulk load vacuums what it wrote, as pg_restore users do. The postal hierarchy's tables
  // too: 23 circles are below autovacuum's 50-row threshold, so without this they never get statistics, and
  // the planner then estimates a circle's PINs at 15 instead of 1,669 and pages a circle's shipments badly.
  await db.execute(sql`vacuum (analyze) post_office, pincode, postal_circle, postal_region, postal_division`);
}

/** Fails when an office written with key checks off points at a PIN or postal unit that does not exist. */
export async function verifyOfficeKeys(db: Db): Promise<void> {
  const rows = await queryRows<{ broken: number }>(
    db,
    sql`/* verifyOfficeKeys */ select count(*)::int as broken from post_office o
        where not exists (select 1 from pincode p where p.code = o.pincode)
          or (o.circle_id is not null and not exists (select 1 from postal_circle c where c.id = o.circle_id))
          or (o.region_id is not null and not exists (select 1 from postal_region r where r.id = o.region_id))
          or (o.division_id is not null and not exists (select 1 from postal_division d where d.id = o.division_id))`,
  );
  if (rows[0]!.broken > 0) throw new Error(`The directory load wrote ${rows[0]!.broken} offices with a dangling key: rolled back.`);
}
