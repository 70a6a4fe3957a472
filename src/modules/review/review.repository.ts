import { and, asc, eq, inArray, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../db/client.js";
import { textArray } from "../../db/rows.js";
import type { KpiScopeKindValue } from "../kpi/kpi.sql.js";
import { type PickupLocationRow, pickupLocationTable } from "../pickup-location/pickup-location.sql.js";
import {
  type ActionItemChangeRow,
  reviewActionItemChangeTable,
  type ActionItemOwnerValue,
  type ActionItemStatusValue,
  type KpiTargetRow,
  kpiTargetTable,
  type QuarterlyReviewRow,
  quarterlyReviewTable,
  type ReviewActionItemRow,
  reviewActionItemTable,
} from "./review.sql.js";

export interface TargetKey {
  readonly quarter: string;
  readonly scopeKind: string;
  readonly scopeKey: string;
  readonly kpiKey: string;
}

/** The targets of one quarter and scope. */
export function findKpiTargets(db: Db, quarter: string, scopeKind: KpiScopeKindValue, scopeKey: string): Promise<KpiTargetRow[]> {
  const t = kpiTargetTable;
  return db
    .select()
    .from(t)
    .where(and(eq(t.quarter, quarter), eq(t.scopeKind, scopeKind), eq(t.scopeKey, scopeKey)));
}

/** Every target stored for the given quarters (all scopes and KPIs), in one statement. */
export function findKpiTargetsByQuarters(db: Db, quarters: readonly string[]): Promise<(TargetKey & { value: number })[]> {
  if (quarters.length === 0) return Promise.resolve([]);
  return queryRows(
    db,
    sql`/* findKpiTargetsByQuarters */ select quarter, scope_kind as "scopeKind", scope_key as "scopeKey", kpi_key as "kpiKey", value
        from kpi_target where quarter = any(${textArray(quarters)})`,
  );
}

/** Writes targets (new or changed) in one statement. */
export async function upsertKpiTargets(db: Db, rows: readonly Omit<KpiTargetRow, "updatedAt">[]): Promise<KpiTargetRow[]> {
  if (rows.length === 0) return [];
  const t = kpiTargetTable;
  return db
    .insert(t)
    .values([...rows])
    .onConflictDoUpdate({
      target: [t.quarter, t.scopeKind, t.scopeKey, t.kpiKey],
      set: { value: sql`excluded.value`, synthetic: sql`excluded.synthetic`, updatedAt: sql`now()` },
    })
    .returning();
}

export async function findReviewByQuarter(db: Db, quarter: string): Promise<QuarterlyReviewRow | undefined> {
  const rows = await db.select().from(quarterlyReviewTable).where(eq(quarterlyReviewTable.quarter, quarter));
  return rows[0];
}

export function findReviewsByQuarters(db: Db, quarters: readonly string[]): Promise<QuarterlyReviewRow[]> {
  return db
    .select()
    .from(quarterlyReviewTable)
    .where(inArray(quarterlyReviewTable.quarter, [...quarters]));
}

export function findReviewsByIds(db: Db, ids: readonly number[]): Promise<QuarterlyReviewRow[]> {
  return db
    .select()
    .from(quarterlyReviewTable)
    .where(inArray(quarterlyReviewTable.id, [...ids]));
}

export type ReviewValues = Pick<QuarterlyReviewRow, "quarter" | "heldOn" | "participants" | "summary" | "decisions" | "synthetic">;

/** Inserts a review unless its quarter already has one (then undefined: a concurrent recording won). */
export async function insertReview(db: Db, values: ReviewValues): Promise<QuarterlyReviewRow | undefined> {
  const rows = await db.insert(quarterlyReviewTable).values(values).onConflictDoNothing({ target: quarterlyReviewTable.quarter }).returning();
  return rows[0];
}

export interface ActionItemValues {
  readonly title: string;
  readonly owner: ActionItemOwnerValue;
  readonly due: string;
  readonly status: ActionItemStatusValue;
}

const stamp = (at: Date | null) => (at === null ? sql`now()` : sql`${at.toISOString()}::timestamptz`);

/** Inserts a review's action items, in position order, with the first entry of each one's history, stamped `at` (default now). */
export async function insertActionItems(
  db: Db,
  reviewId: number,
  items: readonly ActionItemValues[],
  synthetic: boolean,
  at: Date | null,
): Promise<ReviewActionItemRow[]> {
  if (items.length === 0) return [];
  const rows = await db
    .insert(reviewActionItemTable)
    .values(
      items.map((item, position) => ({
        reviewId,
        position,
        title: item.title,
        owner: item.owner,
        recordedDue: item.due,
        recordedStatus: item.status,
        due: item.due,
        status: item.status,
        synthetic,
        updatedAt: stamp(at),
      })),
    )
    .returning();
  rows.sort((a, b) => a.position - b.position);
  await db.insert(reviewActionItemChangeTable).values(rows.map((r) => ({ actionItemId: r.id, status: r.status, due: r.due, note: null, changedAt: stamp(at) })));
  return rows;
}

export function findActionItemsByReviewIds(db: Db, reviewIds: readonly number[]): Promise<ReviewActionItemRow[]> {
  if (reviewIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(reviewActionItemTable)
    .where(inArray(reviewActionItemTable.reviewId, [...reviewIds]))
    .orderBy(asc(reviewActionItemTable.reviewId), asc(reviewActionItemTable.position));
}

export function findActionItemsByIds(db: Db, ids: readonly number[]): Promise<ReviewActionItemRow[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(reviewActionItemTable)
    .where(inArray(reviewActionItemTable.id, [...ids]));
}

export function findActionItemChanges(db: Db, itemIds: readonly number[]): Promise<ActionItemChangeRow[]> {
  if (itemIds.length === 0) return Promise.resolve([]);
  return db
    .select()
    .from(reviewActionItemChangeTable)
    .where(inArray(reviewActionItemChangeTable.actionItemId, [...itemIds]))
    .orderBy(asc(reviewActionItemChangeTable.actionItemId), asc(reviewActionItemChangeTable.changedAt), asc(reviewActionItemChangeTable.id));
}

export type ActionItemState = Pick<ReviewActionItemRow, "status" | "due" | "note">;

/** Sets an item's current state and appends it to the history, stamped `at` (default now). */
export async function updateActionItemState(db: Db, id: number, state: ActionItemState, at: Date | null = null): Promise<ReviewActionItemRow> {
  const when = stamp(at);
  const rows = await db
    .update(reviewActionItemTable)
    .set({ ...state, updatedAt: when })
    .where(eq(reviewActionItemTable.id, id))
    .returning();
  await db.insert(reviewActionItemChangeTable).values({ actionItemId: id, ...state, changedAt: when });
  return rows[0]!;
}

/** Deletes what the demo seed made (action items and their history go with their review). */
export async function deleteSyntheticReviews(db: Db): Promise<void> {
  await db.execute(sql`/* deleteSyntheticReviews */ delete from quarterly_review where synthetic`);
  await db.execute(sql`/* deleteSyntheticTargets */ delete from kpi_target where synthetic`);
}

/** Pickup locations open on at least one day from `first` to `last` (inclusive), by code. */
export function findPickupLocationsOpenBetween(db: Db, first: string, last: string): Promise<PickupLocationRow[]> {
  const t = pickupLocationTable;
  return db
    .select()
    .from(t)
    .where(sql`/* findPickupLocationsOpenBetween */ ${t.activeFrom} <= ${last}::date and (${t.activeTo} is null or ${t.activeTo} >= ${first}::date)`)
    .orderBy(asc(t.code));
}
