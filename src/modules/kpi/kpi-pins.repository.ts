import { sql, type SQL } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { pinArray } from "../../db/rows.js";
import { withContributionMoved } from "../../lib/contribution.js";
import { fiscalQuarterOfDaySql } from "../../db/calendar-sql.js";

/*
 * Keeping kpi_pin_quarter current (kpi.sql.ts says what it counts), the same way kpi-rollup.repository.ts keeps the
 * shipment rollups: one SQL definition of a PIN's contribution, subtracted before and added after a write
 * that touches the PIN (serviceability periods, deliveries), recomputed whole after bulk loads, and
 * compared with a recomputation by `dakgraph verify kpis`.
 */

export const ARMY_POSTAL_AREA = "Army Postal Service";

/** Which PINs: a list of codes, or all. */
export type PinSet = readonly string[] | "ALL";

function pinFilter(column: SQL, set: PinSet): SQL {
  if (set === "ALL") return sql`true`;
  return sql`${column} in (select unnest(${pinArray(set)}))`;
}

const MEASURES = ["serviceable_started", "serviceable_ended", "active_pins"] as const;

/** Contribution rows (quarter, scope_kind, scope_key, measures) of the PINs of `set`. */
function pinContributionSql(set: PinSet, sign: 1 | -1): SQL {
  const facts = (pins: SQL) => sql`
      select ${fiscalQuarterOfDaySql(sql`s.valid_from`)} as quarter, x.circle, x.state, 1 as started, 0 as ended, 0 as active
      from serviceability s join ${pins} x on x.code = s.pincode
      union all
      select ${fiscalQuarterOfDaySql(sql`(s.valid_to + 1)`)}, x.circle, x.state, 0, 1, 0
      from serviceability s join ${pins} x on x.code = s.pincode where s.valid_to is not null
      union all
      select d.quarter, x.circle, x.state, 0, 0, 1
      from pin_delivery_quarter d join ${pins} x on x.code = d.pincode where d.delivered > 0`;
  const directory = sql`(select p.code, coalesce(c.name, '(no circle)') as circle, coalesce(p.primary_state, '(no state)') as state
      from pincode p left join postal_circle c on c.id = p.primary_circle_id
      where (p.delivery_office_count is null or p.delivery_office_count > 0) and ${pinFilter(sql`p.code`, set)})`;
  const army = sql`(select distinct a.code, ${ARMY_POSTAL_AREA}::text as circle, ${ARMY_POSTAL_AREA}::text as state from (
        select pincode as code from serviceability where channel = 'ARMY_POSTAL_SERVICE'
        union select pincode from pin_delivery_quarter where pincode like '9%') a
      where ${pinFilter(sql`a.code`, set)})`;
  const sums = sql`${sign} * sum(started) as serviceable_started, ${sign} * sum(ended) as serviceable_ended, ${sign} * sum(active) as active_pins`;
  const kind = sql`case when grouping(circle) = 0 then 'CIRCLE' when grouping(state) = 0 then 'STATE' else 'NATIONAL' end`;
  const key = sql`coalesce(case when grouping(circle) = 0 then circle when grouping(state) = 0 then state end, '')`;
  return sql`select quarter, ${kind} as scope_kind, ${key} as scope_key, ${sums}
      from (${facts(directory)}) f group by grouping sets ((quarter), (quarter, circle), (quarter, state))
    union all
    select quarter, case when grouping(circle) = 0 then 'CIRCLE' else 'STATE' end, case when grouping(circle) = 0 then circle else state end, ${sums}
      from (${facts(army)}) f group by grouping sets ((quarter, circle), (quarter, state))`;
}

async function applyPinContribution(db: Db, set: PinSet, sign: 1 | -1): Promise<void> {
  if (set !== "ALL" && set.length === 0) return;
  const add = sql.raw(MEASURES.map((m) => `${m} = k.${m} + excluded.${m}`).join(", "));
  await db.execute(sql`/* kpiPinDelta */ insert into kpi_pin_quarter as k (quarter, scope_kind, scope_key, ${sql.raw(MEASURES.join(", "))})
    select * from (${pinContributionSql(set, sign)}) c order by scope_kind, scope_key, quarter
    on conflict (scope_kind, scope_key, quarter) do update set ${add}`);
}

/** Runs `change` (which touches the PINs `codes`) with their PIN-count contribution moved. */
export function withKpiPinDelta<T>(db: Db, codes: readonly string[], change: () => Promise<T>): Promise<T> {
  return withContributionMoved(codes, (set, sign) => applyPinContribution(db, set, sign), change);
}

/** Recomputes kpi_pin_quarter from serviceability and pin_delivery_quarter. */
export async function rebuildKpiPinCounts(db: Db): Promise<void> {
  await db.execute(sql`delete from kpi_pin_quarter`);
  await applyPinContribution(db, "ALL", 1);
}

/** Disagreements between kpi_pin_quarter and a recomputation, as (quarter, scope, measure, stored, recomputed). */
export function diffKpiPinCounts(db: Db, limit: number) {
  const pairs = MEASURES.map(
    (m) => sql`select coalesce(f.quarter, k.quarter) as quarter, coalesce(f.scope_kind, k.scope_kind) as scope_kind,
        coalesce(f.scope_key, k.scope_key) as scope_key, ${m} as measure, coalesce(k.${sql.raw(m)}, 0) as stored, coalesce(f.${sql.raw(m)}, 0) as recomputed
      from f full join kpi_pin_quarter k on k.quarter = f.quarter and k.scope_kind = f.scope_kind and k.scope_key = f.scope_key
      where coalesce(k.${sql.raw(m)}, 0) <> coalesce(f.${sql.raw(m)}, 0)`,
  );
  return queryRows<{ quarter: string; scope_kind: string; scope_key: string; measure: string; stored: number | string; recomputed: number | string }>(
    db,
    sql`/* diffKpiPinCounts */ with f as (${pinContributionSql("ALL", 1)}) ${sql.join(pairs, sql` union all `)} limit ${limit}`,
  );
}
