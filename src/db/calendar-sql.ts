import { sql, type SQL } from "drizzle-orm";

/*
 * Calendar arithmetic in SQL, by the IST calendar (a fixed +05:30: India has had no daylight saving since
 * 1945), so grouping by day or fiscal quarter happens in the database and agrees with lib/fiscal-quarter.ts.
 */

/** The IST calendar day of a timestamptz expression. */
export function istDaySql(instant: SQL): SQL {
  return sql`((${instant} at time zone 'UTC') + interval '5 hours 30 minutes')::date`;
}

/**
 * The canonical fiscal quarter ("FY2024-25-Q3") of a timestamptz expression by the IST calendar, computed
 * in SQL so grouping happens in the database. IST is a fixed +05:30 (no daylight saving).
 */
export function fiscalQuarterSql(instant: SQL): SQL {
  return quarterOfLocalTime(sql`(${instant} at time zone 'UTC' + interval '5 hours 30 minutes')`);
}

/** The canonical fiscal quarter of a calendar day (a date expression, already an IST day). */
export function fiscalQuarterOfDaySql(day: SQL): SQL {
  return quarterOfLocalTime(day);
}

function quarterOfLocalTime(ist: SQL): SQL {
  const fy = sql`(extract(year from ${ist})::int - case when extract(month from ${ist}) < 4 then 1 else 0 end)`;
  return sql`('FY' || ${fy} || '-' || lpad(((${fy} + 1) % 100)::text, 2, '0') || '-Q' || ((extract(month from ${ist})::int + 8) % 12 / 3 + 1))`;
}

