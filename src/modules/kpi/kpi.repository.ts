import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { textArray } from "../../db/rows.js";
import type { TransitHistogram } from "../../lib/transit-histogram.js";
import { FAILED_ATTEMPT_REASONS, type FailedAttemptReason } from "../shipment/scan-event.rules.js";
import type { RollupFigures } from "./kpi.compute.js";
import { ARMY_POSTAL_AREA } from "./kpi-pins.repository.js";
import type { KpiScopeKindValue } from "./kpi.sql.js";

/*
 * KPI reads. Each function answers for many scopes and quarters in one statement, so a request costs the
 * same number of statements whether it asks for 1 quarter or 12, one scope or every pickup location.
 */

export interface StoredScope {
  readonly kind: KpiScopeKindValue;
  readonly storedKey: string;
}

const scopeId = (kind: string, key: string) => `${kind}|${key}`;
export const storedScopeId = (s: StoredScope) => scopeId(s.kind, s.storedKey);

const n = (v: unknown) => Number(v ?? 0);


/** What a quarter of a scope needs beyond its own rollup row: the running totals up to and including it. */
export interface QuarterTotals {
  readonly rollup: RollupFigures | null;
  readonly cumulativeCollectedPaise: number;
  readonly cumulativeRemittedPaise: number;
  /** PINs serviceable on the quarter's last day: serviceable_started − serviceable_ended summed up to it. */
  readonly serviceablePins: number;
  readonly activePins: number;
}

/**
 * For each scope × quarter asked: the quarter's rollup row and the running totals the cumulative KPIs
 * need (COD outstanding, serviceable PINs), summed in PostgreSQL through the primary key rather than
 * shipping every earlier quarter's row here, where parsing them would grow with the data's history and
 * outweigh the rest of a per-circle read. Keyed by storedScopeId then quarter; one statement.
 */
export async function findQuarterTotals(db: Db, scopes: readonly StoredScope[], quarters: readonly string[]): Promise<Map<string, Map<string, QuarterTotals>>> {
  const list = JSON.stringify(scopes.map((s) => ({ k: s.kind, v: s.storedKey })));
  const rows = await queryRows<Record<string, unknown>>(
    db,
    sql`/* findKpiQuarterTotals */ select s.k as scope_kind, s.v as scope_key, q.quarter, to_jsonb(r) as r,
        c.collected, c.remitted, p.serviceable, a.active_pins
      from jsonb_to_recordset(${list}::jsonb) as s(k text, v text)
      cross join unnest(${textArray(quarters)}) as q(quarter)
      left join lateral (select * from kpi_rollup r where r.scope_kind = s.k and r.scope_key = s.v and r.quarter = q.quarter) r on true
      cross join lateral (select coalesce(sum(cod_collected_paise), 0) as collected, coalesce(sum(remitted_paise), 0) as remitted
        from kpi_rollup c where c.scope_kind = s.k and c.scope_key = s.v and c.quarter <= q.quarter) c
      cross join lateral (select coalesce(sum(serviceable_started - serviceable_ended), 0) as serviceable
        from kpi_pin_quarter p where p.scope_kind = s.k and p.scope_key = s.v and p.quarter <= q.quarter) p
      left join lateral (select active_pins from kpi_pin_quarter a where a.scope_kind = s.k and a.scope_key = s.v and a.quarter = q.quarter) a on true`,
  );
  const result = new Map<string, Map<string, QuarterTotals>>();
  for (const row of rows) {
    const id = scopeId(String(row.scope_kind), String(row.scope_key));
    let byQuarter = result.get(id);
    if (byQuarter === undefined) result.set(id, (byQuarter = new Map()));
    byQuarter.set(String(row.quarter), {
      rollup: row.r === null ? null : rollupFigures(row.r as Record<string, unknown>),
      cumulativeCollectedPaise: n(row.collected),
      cumulativeRemittedPaise: n(row.remitted),
      serviceablePins: n(row.serviceable),
      activePins: n(row.active_pins),
    });
  }
  return result;
}

function rollupFigures(r: Record<string, unknown>): RollupFigures {
  return {
    booked: n(r.booked),
    finalState: n(r.final_state),
    returned: n(r.returned),
    delivered: n(r.delivered),
    onTime: n(r.on_time),
    transitHoursSum: n(r.transit_hours_sum),
    codDelivered: n(r.cod_delivered),
    codCollectedPaise: n(r.cod_collected_paise),
    attempted: n(r.attempted),
    firstAttemptDelivered: n(r.first_attempt_delivered),
    failedAttempted: n(r.failed_attempted),
    failedByReason: Object.fromEntries(FAILED_ATTEMPT_REASONS.map((reason) => [reason, n(r[`failed_${reason.toLowerCase()}`])])) as Record<
      FailedAttemptReason,
      number
    >,
    remitted: n(r.remitted),
    remittedPaise: n(r.remitted_paise),
    remittanceDaysSum: n(r.remittance_days_sum),
  };
}

/** Transit-time percentiles of a quarter, as whole hours (nearest rank over the hour histogram). */
export interface TransitPercentiles {
  readonly shipments: number;
  readonly p50Hours: number | null;
  readonly p90Hours: number | null;
  readonly p95Hours: number | null;
}

export interface ScopeHistograms {
  readonly transit: Map<string, TransitPercentiles>;
  readonly remittanceDays: Map<string, TransitHistogram>;
}

/**
 * For each scope and quarter: the transit percentiles and the remittance-day histogram, keyed by
 * storedScopeId then quarter; one statement. Each scope is its own UNION ALL branch reading a contiguous
 * key range of the primary key (scope, measure, quarter from–to, bucket), grouped as it arrives; each
 * quarter's buckets come as one JSON array of [bucket, shipments] pairs in bucket order: a national read
 * covers thousands of buckets, and decoding each as a row of its own would be a large part of the
 * request's CPU. The percentiles are read in one pass here with lib/transit-histogram.ts's
 * rule (the smallest bucket whose cumulative count reaches ceil(p × n)).
 */
export async function findScopeHistograms(db: Db, scopes: readonly StoredScope[], quarters: readonly string[]): Promise<Map<string, ScopeHistograms>> {
  const sorted = [...quarters].sort();
  const [from, to] = [sorted[0]!, sorted.at(-1)!];
  const branches = scopes.map(
    (s, i) => sql`(select ${i}::int as scope, measure, quarter, json_agg(json_build_array(bucket, shipments) order by bucket) as buckets from kpi_histogram
      where scope_kind = ${s.kind} and scope_key = ${s.storedKey} and measure in ('REMITTANCE_DAYS', 'TRANSIT_HOURS')
        and quarter between ${from} and ${to} and shipments <> 0
      group by measure, quarter)`,
  );
  const rows = await queryRows<{ scope: number; measure: string; quarter: string; buckets: [number, number][] }>(
    db,
    sql`/* findKpiHistograms */ ${sql.join(branches, sql` union all `)}`,
  );
  const wanted = new Set(quarters);
  const result = new Map<string, ScopeHistograms>();
  for (const { scope: index, measure, quarter, buckets: list } of rows) {
    if (!wanted.has(quarter)) continue;
    const id = storedScopeId(scopes[index]!);
    let entry = result.get(id);
    if (entry === undefined) result.set(id, (entry = { transit: new Map(), remittanceDays: new Map() }));
    if (measure === "TRANSIT_HOURS") entry.transit.set(quarter, percentilesOf(list));
    else entry.remittanceDays.set(quarter, new Map(list));
  }
  return result;
}

/** p50/p90/p95 of bucket-ordered (bucket, count) pairs, in one pass. */
export function percentilesOf(pairs: readonly [number, number][]): TransitPercentiles {
  let n = 0;
  for (const [, count] of pairs) n += count;
  const ranks = [0.5, 0.9, 0.95].map((p) => Math.ceil(p * n));
  const found: (number | null)[] = [null, null, null];
  let seen = 0;
  for (const [bucket, count] of pairs) {
    seen += count;
    ranks.forEach((rank, i) => {
      if (found[i] === null && seen >= rank) found[i] = bucket;
    });
  }
  return { shipments: n, p50Hours: found[0]!, p90Hours: found[1]!, p95Hours: found[2]! };
}

export interface PickupCapacityRow {
  readonly id: number;
  readonly activeFrom: string;
  readonly activeTo: string | null;
  readonly dailyCapacity: number;
}

/** Every pickup location's opening days and committed daily capacity (a few dozen rows). */
export async function findPickupCapacities(db: Db): Promise<PickupCapacityRow[]> {
  const rows = await queryRows<{ id: number; active_from: string; active_to: string | null; daily_capacity: number }>(
    db,
    sql`/* findPickupCapacities */ select id, active_from::text, active_to::text, daily_capacity from pickup_location`,
  );
  return rows.map((r) => ({ id: Number(r.id), activeFrom: r.active_from, activeTo: r.active_to, dailyCapacity: Number(r.daily_capacity) }));
}

/** A scope key as the caller wrote it, resolved to the stored key and a display name; null when unknown. */
export async function resolveScopeKey(db: Db, kind: KpiScopeKindValue, key: string): Promise<{ key: string; storedKey: string; name: string } | null> {
  const k = key.trim();
  if (kind === "CIRCLE" || kind === "STATE") {
    if (k.toLowerCase() === ARMY_POSTAL_AREA.toLowerCase()) return { key: ARMY_POSTAL_AREA, storedKey: ARMY_POSTAL_AREA, name: ARMY_POSTAL_AREA };
    const rows = await queryRows<{ name: string }>(
      db,
      kind === "CIRCLE"
        ? sql`/* resolveKpiScope */ select name from postal_circle where lower(name) = ${k.toLowerCase()} limit 1`
        : sql`/* resolveKpiScope */ select primary_state as name from pincode where lower(primary_state) = ${k.toLowerCase()} limit 1`,
    );
    const name = rows[0]?.name;
    return name === undefined ? null : { key: name, storedKey: name, name };
  }
  if (kind === "PICKUP_LOCATION") {
    const rows = await queryRows<{ id: number; code: string; name: string }>(
      db,
      sql`/* resolveKpiScope */ select id, code, name from pickup_location where code = ${k.toUpperCase()}`,
    );
    const row = rows[0];
    return row === undefined ? null : { key: row.code, storedKey: String(row.id), name: row.name };
  }
  if (kind === "PRODUCT") {
    const rows = await queryRows<{ code: string; name: string }>(
      db,
      sql`/* resolveKpiScope */ select code, name from product where code = ${k.toUpperCase()}`,
    );
    const row = rows[0];
    return row === undefined ? null : { key: row.code, storedKey: row.code, name: row.name };
  }
  if (kind === "PAYMENT_MODE") {
    const mode = k.toUpperCase();
    if (mode === "PREPAID") return { key: mode, storedKey: mode, name: "Prepaid" };
    if (mode === "COD") return { key: mode, storedKey: mode, name: "Cash on delivery" };
    return null;
  }
  return { key: "", storedKey: "", name: "India" };
}

/** Every scope of `kind` with KPI rows in `quarter`, with the key callers use and a display name: one statement. */
export async function findScopesWithData(db: Db, kind: KpiScopeKindValue, quarter: string): Promise<{ key: string; storedKey: string; name: string }[]> {
  const rows = await queryRows<{ stored_key: string; key: string | null; name: string | null }>(
    db,
    sql`/* findKpiScopes */ select k.scope_key as stored_key,
        coalesce(pl.code, k.scope_key) as key, coalesce(pl.name, pr.name, case k.scope_key when 'COD' then 'Cash on delivery' when 'PREPAID' then 'Prepaid' end, k.scope_key) as name
      from (select scope_key from kpi_rollup where scope_kind = ${kind} and quarter = ${quarter}
            union select scope_key from kpi_pin_quarter where scope_kind = ${kind} and quarter = ${quarter}) k
      left join pickup_location pl on ${kind} = 'PICKUP_LOCATION' and pl.id::text = k.scope_key
      left join product pr on ${kind} = 'PRODUCT' and pr.code = k.scope_key
      order by 2`,
  );
  return rows.map((r) => ({ key: r.key ?? r.stored_key, storedKey: r.stored_key, name: r.name ?? r.stored_key }));
}
