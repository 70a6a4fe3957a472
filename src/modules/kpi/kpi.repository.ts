import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { histogramFromJson, type TransitHistogram } from "../../lib/transit-histogram.js";
import { FAILED_ATTEMPT_REASONS, type FailedAttemptReason } from "../shipment/scan-event.rules.js";
import type { PinFigures, RollupFigures } from "./kpi.compute.js";
import { ARMY_POSTAL_AREA } from "./kpi.pins.js";
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

export interface ScopeQuarterRows {
  readonly rollups: Map<string, RollupFigures>;
  readonly pins: Map<string, PinFigures>;
}

/**
 * Rollup and PIN rows of each scope for every quarter up to `upTo` (cumulative KPIs need the earlier
 * ones), keyed by storedScopeId then quarter: one statement.
 */
export async function findScopeRows(db: Db, scopes: readonly StoredScope[], upTo: string): Promise<Map<string, ScopeQuarterRows>> {
  const list = JSON.stringify(scopes.map((s) => ({ k: s.kind, v: s.storedKey })));
  const rows = await queryRows<Record<string, unknown>>(
    db,
    // LATERAL per scope, so each side is an index range scan of its primary key (scope_kind, scope_key, quarter).
    sql`/* findKpiScopeRows */ with scopes as (select * from jsonb_to_recordset(${list}::jsonb) as x(k text, v text))
      select coalesce(r.scope_kind, p.scope_kind) as scope_kind, coalesce(r.scope_key, p.scope_key) as scope_key,
        coalesce(r.quarter, p.quarter) as quarter, to_jsonb(r) as r, to_jsonb(p) as p
      from (select k.* from scopes s cross join lateral (
              select * from kpi_rollup k where k.scope_kind = s.k and k.scope_key = s.v and k.quarter <= ${upTo}) k) r
      full join (select k.* from scopes s cross join lateral (
              select * from kpi_pin_quarter k where k.scope_kind = s.k and k.scope_key = s.v and k.quarter <= ${upTo}) k) p
        on p.scope_kind = r.scope_kind and p.scope_key = r.scope_key and p.quarter = r.quarter`,
  );
  const result = new Map<string, ScopeQuarterRows>();
  for (const row of rows) {
    const id = scopeId(String(row.scope_kind), String(row.scope_key));
    let entry = result.get(id);
    if (entry === undefined) result.set(id, (entry = { rollups: new Map(), pins: new Map() }));
    const quarter = String(row.quarter);
    const r = row.r as Record<string, unknown> | null;
    const p = row.p as Record<string, unknown> | null;
    if (r !== null) entry.rollups.set(quarter, rollupFigures(r));
    if (p !== null) entry.pins.set(quarter, { serviceableStarted: n(p.serviceable_started), serviceableEnded: n(p.serviceable_ended), activePins: n(p.active_pins) });
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

export interface ScopeHistograms {
  readonly transitHours: Map<string, TransitHistogram>;
  readonly remittanceDays: Map<string, TransitHistogram>;
}

/** The histograms of each scope for the given quarters, keyed by storedScopeId then quarter: one statement. */
export async function findScopeHistograms(db: Db, scopes: readonly StoredScope[], quarters: readonly string[]): Promise<Map<string, ScopeHistograms>> {
  const list = JSON.stringify(scopes.map((s) => ({ k: s.kind, v: s.storedKey })));
  const rows = await queryRows<{ scope_kind: string; scope_key: string; quarter: string; measure: string; buckets: Record<string, number> }>(
    db,
    // LATERAL per scope: an index range scan of (scope_kind, scope_key, measure, …) each, where a plain join
    // against the JSON list made the planner scan the whole table (90 ms at 10M shipments against 3 ms).
    sql`/* findKpiHistograms */ select s.k as scope_kind, s.v as scope_key, h.quarter, h.measure, jsonb_object_agg(h.bucket, h.shipments) as buckets
      from jsonb_to_recordset(${list}::jsonb) as s(k text, v text)
      cross join lateral (
        select h.quarter, h.measure, h.bucket, h.shipments from kpi_histogram h
        where h.scope_kind = s.k and h.scope_key = s.v and h.measure in ('TRANSIT_HOURS', 'REMITTANCE_DAYS')
          and h.quarter in (select jsonb_array_elements_text(${JSON.stringify(quarters)}::jsonb)) and h.shipments <> 0) h
      group by 1, 2, 3, 4`,
  );
  const result = new Map<string, ScopeHistograms>();
  for (const row of rows) {
    const id = scopeId(row.scope_kind, row.scope_key);
    let entry = result.get(id);
    if (entry === undefined) result.set(id, (entry = { transitHours: new Map(), remittanceDays: new Map() }));
    (row.measure === "TRANSIT_HOURS" ? entry.transitHours : entry.remittanceDays).set(row.quarter, histogramFromJson(row.buckets));
  }
  return result;
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

/** The COD remittance cycles, oldest first. */
export async function findRemittanceCycles(db: Db): Promise<{ validFrom: string; days: number; synthetic: boolean }[]> {
  const rows = await queryRows<{ valid_from: string; days: number; synthetic: boolean }>(
    db,
    sql`/* findRemittanceCycles */ select valid_from::text, days, synthetic from cod_remittance_cycle order by valid_from`,
  );
  return rows.map((r) => ({ validFrom: r.valid_from, days: Number(r.days), synthetic: r.synthetic }));
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
