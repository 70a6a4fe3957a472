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
  // One row holding every PIN as JSON text, parsed here: on PGlite, turning 19,000 result rows into objects took
  // longer than the statement itself (about 120 ms of a 230 ms read on the demo data; the JSON text, about 60 ms).
  const [row] = await queryRows<{ pins: string | null }>(
    db,
    sql`/* findCoverageMapPins */ with asked as (select ${asOf}::date as as_of, ${quarter}::text as quarter)
      select json_agg(json_build_array(
          p.code::text,
          round(p.latitude::numeric, ${sql.raw(String(MAP_COORDINATE_DECIMALS))})::float8,
          round(p.longitude::numeric, ${sql.raw(String(MAP_COORDINATE_DECIMALS))})::float8,
          c.name,
          ${sql.raw(serviceableAsOfSql("p.code", "a.as_of"))},
          ${sql.raw(activeInQuarterSql("p.code", "a.quarter"))}
        ) order by p.code)::text as pins
      from pincode p cross join asked a
      left join postal_circle c on c.id = p.primary_circle_id
      where p.coordinate_quality in (${qualities}) and p.latitude is not null and p.longitude is not null and p.code not like '9%'`,
  );
  const pins = JSON.parse(row?.pins ?? "[]") as [string, number, number, string | null, boolean, boolean][];
  return pins.map(([code, latitude, longitude, circle, serviceable, activeInQuarter]) => ({ code, latitude, longitude, circle, serviceable, activeInQuarter }));
}
