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
  return quarterOfLocalTime(istLocal(instant));
}

/** The canonical fiscal quarter of a calendar day (a date expression, already an IST day). */
export function fiscalQuarterOfDaySql(day: SQL): SQL {
  return quarterOfLocalTime(day);
}

/** The first IST day of the month of a timestamptz expression (a date). */
export function istMonthSql(instant: SQL): SQL {
  return sql`(date_trunc('month', ${istLocal(instant)})::date)`;
}

/** The first day of the month of a date expression (already an IST day). */
export function monthOfDaySql(day: SQL): SQL {
  // Through timestamp: date_trunc of a bare date would take the timestamptz overload, and the session's time zone.
  return sql`(date_trunc('month', (${day})::timestamp)::date)`;
}

/** The IST wall-clock time (timestamp without time zone) of a timestamptz expression. */
function istLocal(instant: SQL): SQL {
  return sql`(${instant} at time zone 'UTC' + interval '5 hours 30 minutes')`;
}

/** The start year of the fiscal year (April–March) of an IST local time or day. */
function fiscalYearStart(ist: SQL): SQL {
  return sql`(extract(year from ${ist})::int - case when extract(month from ${ist}) < 4 then 1 else 0 end)`;
}

/** Calendar periods a timestamptz can be bucketed into, by the IST calendar. */
export type IstPeriod = "DAY" | "WEEK" | "MONTH" | "FISCAL_QUARTER" | "FISCAL_YEAR";

/**
 * The IST period of a timestamptz expression, as text that names it: DAY, WEEK (ISO, Monday start) and MONTH
 * as their first day ("2024-09-30", "2024-10-01"), FISCAL_QUARTER as fiscalQuarterSql writes it
 * ("FY2024-25-Q3"), FISCAL_YEAR as "FY2024-25". lib/aggregate-groups.ts aggregatePeriod reads these back.
 */
export function istPeriodSql(instant: SQL, period: IstPeriod): SQL {
  return periodOfLocalSql(istLocal(instant), sql`(${istDaySql(instant)})::text`, period);
}

function periodOfLocalSql(local: SQL, dayText: SQL, period: IstPeriod): SQL {
  switch (period) {
    case "DAY":
      return dayText;
    case "WEEK":
      return sql`(date_trunc('week', ${local})::date)::text`;
    case "MONTH":
      return sql`(date_trunc('month', ${local})::date)::text`;
    case "FISCAL_QUARTER":
      return quarterOfLocalTime(local);
    case "FISCAL_YEAR": {
      const fy = fiscalYearStart(local);
      return sql`('FY' || ${fy} || '-' || lpad(((${fy} + 1) % 100)::text, 2, '0'))`;
    }
  }
}

function quarterOfLocalTime(ist: SQL): SQL {
  const fy = fiscalYearStart(ist);
  return sql`('FY' || ${fy} || '-' || lpad(((${fy} + 1) % 100)::text, 2, '0') || '-Q' || ((extract(month from ${ist})::int + 8) % 12 / 3 + 1))`;
}

/**
 * The period of a date expression (already an IST day, such as a remittance day), as text named as istPeriodSql
 * names it, so lib/aggregate-groups.ts aggregatePeriod reads both alike.
 */
export function dayPeriodSql(day: SQL, period: IstPeriod): SQL {
  // Through timestamp: date_trunc of a bare date would take the timestamptz overload, and the session's time zone.
  return periodOfLocalSql(sql`(${day})::timestamp`, sql`(${day})::text`, period);
}
