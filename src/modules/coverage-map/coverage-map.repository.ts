import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { activeInQuarterSql, serviceableAsOfSql } from "../coverage/coverage.repository.js";
import { USABLE_COORDINATE_QUALITIES } from "../pincode/pincode.sql.js";

/** Decimals the map's coordinates are rounded to: 1e-4° is about 11 m of latitude, far finer than a PIN area's centroid. */
export const MAP_COORDINATE_DECIMALS = 4;

/** One PIN the map can draw, with the coverage facts Pincode.coverage reads for it. */
export interface CoverageMapPinRow {
  readonly code: string;
  /** Degrees north, rounded to MAP_COORDINATE_DECIMALS. */
  readonly latitude: number;
  /** Degrees east, rounded to MAP_COORDINATE_DECIMALS. */
  readonly longitude: number;
  /** The PIN's derived primary circle (postal_circle.name); null when it has none. */
  readonly circle: string | null;
  readonly serviceable: boolean;
  readonly activeInQuarter: boolean;
}

/**
 * Every PIN with usable coordinates (coordinateQuality IN_INDIA, SWAPPED_CORRECTED or GEONAMES) outside zone 9, by
 * code, in one statement: its centroid, primary circle, whether it is serviceable on `asOf` and whether it had a
 * delivery in `quarter` ("FY2026-27-Q2"). Serviceable and active are the same SQL the PIN filter's `serviceableAsOf`
 * and `activeInQuarter` conditions use (coverage.repository.ts), which Pincode.coverage's loader agrees with
 * (test/coverage-map.test.ts). Army Postal PINs (zone 9) are restricted and have no centroid; the map counts them apart.
 */
export async function findCoverageMapPins(db: Db, asOf: string, quarter: string): Promise<CoverageMapPinRow[]> {
  const qualities = sql.join(
    USABLE_COORDINATE_QUALITIES.map((q) => sql`${q}`),
    sql`, `,
  );
  const rows = await queryRows<{ code: string; latitude: number; longitude: number; circle: string | null; serviceable: boolean; active: boolean }>(
    db,
    sql`/* findCoverageMapPins */ with asked as (select ${asOf}::date as as_of, ${quarter}::text as quarter)
      select p.code::text as code,
        round(p.latitude::numeric, ${sql.raw(String(MAP_COORDINATE_DECIMALS))})::float8 as latitude,
        round(p.longitude::numeric, ${sql.raw(String(MAP_COORDINATE_DECIMALS))})::float8 as longitude,
        c.name as circle,
        ${sql.raw(serviceableAsOfSql("p.code", "a.as_of"))} as serviceable,
        ${sql.raw(activeInQuarterSql("p.code", "a.quarter"))} as active
      from pincode p cross join asked a
      left join postal_circle c on c.id = p.primary_circle_id
      where p.coordinate_quality in (${qualities}) and p.latitude is not null and p.longitude is not null and p.code not like '9%'
      order by p.code`,
  );
  return rows.map((r) => ({
    code: r.code,
    latitude: Number(r.latitude),
    longitude: Number(r.longitude),
    circle: r.circle,
    serviceable: r.serviceable,
    activeInQuarter: r.active,
  }));
}
