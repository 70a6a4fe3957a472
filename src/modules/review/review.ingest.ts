import type { Db } from "../../db/client.js";
import { addDays } from "../../lib/days.js";
import { BadUserInputError, ConflictError, NotFoundError } from "../../lib/errors.js";
import { type FiscalQuarter, formatFiscalQuarter, nextQuarter, quarterEndDate } from "../../lib/fiscal-quarter.js";
import { integerKeyOf } from "../../lib/global-id.js";
import { KPI_DEFINITION, KPI_DEFINITIONS, type KpiDefinition, type KpiKey, MetricUnit } from "../kpi/kpi.definitions.js";
import type { KpiScopeKindValue } from "../kpi/kpi.sql.js";
import { KpiScope, KpiScopeKind } from "../kpi/kpi.type.js";
import type { PickupLocationRow } from "../pickup-location/pickup-location.sql.js";
import { fieldError, problemCollector } from "../../lib/batch-errors.js";
import {
  type ActionItemValues,
  findActionItemsByIds,
  findActionItemsByReviewIds,
  findKpiTargets,
  findReviewByQuarter,
  findReviewsByIds,
  insertActionItems,
  insertReview,
  updateActionItemState,
  upsertKpiTargets,
} from "./review.repository.js";
import {
  ACTION_ITEM_OWNERS,
  ACTION_ITEM_STATUSES,
  type ActionItemOwnerValue,
  type ActionItemStatusValue,
  type KpiTargetRow,
  type QuarterlyReviewRow,
  type ReviewActionItemRow,
} from "./review.sql.js";

/*
 * Writing targets and reviews, all or nothing and idempotent:
 * - setKpiTargets: a target is identified by (quarter, scope, KPI); the same value again is unchanged,
 *   another value updates it. Every bad entry is reported (extensions.problems), none is written.
 * - recordQuarterlyReview: one review per quarter. The same content again is unchanged; different
 *   content for a recorded quarter is a CONFLICT naming the first field that differs. A review is a
 *   minute of a meeting that took place: it is not edited by re-sending it, and its action items move
 *   on through updateActionItem, which never makes a retry of the recording conflict (the item keeps
 *   what was recorded beside its current state).
 */

/** Most targets one setKpiTargets call takes: every KPI once, with room for clients that send more. */
export const MAX_TARGETS_PER_CALL = 50;
/** A review may be held up to this many days before its quarter's last day (on provisional figures). */
export const REVIEW_EARLIEST_DAYS_BEFORE_END = 14;
const MAX_LIST = 100;
const MAX_SHORT_TEXT = 500;
const MAX_LONG_TEXT = 20_000;

// ---------------------------------------------------------------------------------------------
// Targets.

/** Why `value` cannot be a target for a KPI of `unit`, or null when it can. */
export function targetValueProblem(unit: MetricUnit, value: number): string | null {
  if (!Number.isFinite(value) || value < 0) return `must be a number of at least 0; got ${value}.`;
  switch (unit) {
    case MetricUnit.PERCENT:
      return value <= 100 ? null : `is a percentage: 0 to 100; got ${value}.`;
    case MetricUnit.SHIPMENTS:
    case MetricUnit.PINS:
      return Number.isInteger(value) ? null : `is a count of ${unit === MetricUnit.PINS ? "PINs" : "shipments"}: a whole number; got ${value}.`;
    case MetricUnit.RUPEES:
      // Amounts are exact to the paisa (COD is stored as integer paise).
      return Math.abs(value * 100 - Math.round(value * 100)) < 1e-6 ? null : `is in rupees, exact to the paisa (at most 2 decimals); got ${value}.`;
    case MetricUnit.DAYS:
      return null;
  }
}

export interface KpiTargetsSource {
  readonly quarter: FiscalQuarter;
  /** Resolved (kpi.service resolveKpiScope): the key the rollups store the scope under. */
  readonly scope: KpiScope;
  readonly targets: readonly { readonly key: KpiKey; readonly value: number }[];
}

export interface KpiTargetsOutcome {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly quarter: string;
  readonly scope: KpiScope;
  /** Every target of the quarter and scope after the write. */
  readonly targets: readonly KpiTargetRow[];
}

/** The national scope, as resolveKpiScope builds it. */
export const NATIONAL_SCOPE: KpiScope = Object.assign(new KpiScope(), { kind: KpiScopeKind.NATIONAL, key: null, name: "India", storedKey: "" });

/** A pickup location's scope, as resolveKpiScope builds it (stored under the location's id). */
export function pickupLocationScope(location: PickupLocationRow): KpiScope {
  return Object.assign(new KpiScope(), { kind: KpiScopeKind.PICKUP_LOCATION, key: location.code, name: location.name, storedKey: String(location.id) });
}

const KPI_ORDER: readonly string[] = KPI_DEFINITIONS.map((d) => d.key);

/** Refuses a list whose length is outside min..max, naming the field and the bounds. */
function requireCount(field: string, count: number, min: number, max: number): void {
  if (count < min || count > max) {
    throw new BadUserInputError(`${field} must hold ${min} to ${max} entries; got ${count}.`, { field, value: count, min, max });
  }
}

function definedFor(definition: KpiDefinition, kind: KpiScopeKindValue): boolean {
  return definition.scopes === "ALL" || definition.scopes.includes(kind);
}

export async function setKpiTargets(
  db: Db,
  source: KpiTargetsSource,
  options: { readonly synthetic?: boolean } = {},
): Promise<KpiTargetsOutcome> {
  const count = source.targets.length;
  requireCount("input.targets", count, 1, MAX_TARGETS_PER_CALL);
  const quarter = formatFiscalQuarter(source.quarter);
  const scope = source.scope;
  const { capture, throwIfAny } = problemCollector(count);
  const firstIndexOf = new Map<string, number>();
  source.targets.forEach((target, i) =>
    capture(i, () => {
      const field = `input.targets[${i}]`;
      const definition = KPI_DEFINITION.get(target.key);
      if (definition === undefined) throw fieldError(`${field}.key`, target.key, "is not a KPI.");
      const first = firstIndexOf.get(target.key);
      if (first !== undefined) {
        throw new BadUserInputError(`${field}.key ${target.key} is given twice: at input.targets[${first}] and input.targets[${i}].`, {
          field: `${field}.key`,
          value: target.key,
          indexes: [first, i],
        });
      }
      firstIndexOf.set(target.key, i);
      if (!definedFor(definition, scope.kind)) {
        throw fieldError(`${field}.key`, target.key, `(${definition.name}) is not defined for the ${scope.kind} scope; it is for ${[...definition.scopes].join(", ")}.`);
      }
      const problem = targetValueProblem(definition.unit, target.value);
      if (problem !== null) throw fieldError(`${field}.value`, target.value, `for ${target.key} ${problem}`);
    }),
  );
  throwIfAny();

  const stored = new Map((await findKpiTargets(db, quarter, scope.kind, scope.storedKey)).map((r) => [r.kpiKey, r]));
  const synthetic = options.synthetic ?? false;
  const changed = source.targets.filter((t) => {
    const row = stored.get(t.key);
    if (row === undefined) return true;
    // Synthetic targets (the demo seed) never replace real ones; a real write over a synthetic one makes it real.
    if (synthetic && !row.synthetic) return false;
    return row.value !== t.value || row.synthetic !== synthetic;
  });
  const written = await upsertKpiTargets(
    db,
    changed.map((t) => ({ quarter, scopeKind: scope.kind, scopeKey: scope.storedKey, kpiKey: t.key, value: t.value, synthetic })),
  );
  const created = changed.filter((t) => !stored.has(t.key)).length;
  for (const row of written) stored.set(row.kpiKey, row);
  return {
    created,
    updated: changed.length - created,
    unchanged: count - changed.length,
    quarter,
    scope,
    targets: [...stored.values()].sort((a, b) => KPI_ORDER.indexOf(a.kpiKey) - KPI_ORDER.indexOf(b.kpiKey)),
  };
}

// ---------------------------------------------------------------------------------------------
// Reviews.

export interface ActionItemSource {
  readonly title: string;
  readonly owner: ActionItemOwnerValue;
  readonly due: string;
  readonly status: ActionItemStatusValue;
}

export interface ReviewSource {
  readonly quarter: FiscalQuarter;
  readonly heldOn: string;
  readonly participants: readonly string[];
  readonly summary: string;
  readonly decisions: readonly string[];
  readonly actionItems: readonly ActionItemSource[];
}

export interface ReviewOutcome {
  readonly created: number;
  readonly unchanged: number;
  readonly review: QuarterlyReviewRow;
}

/** The calendar day `n` days after `day` (before it when negative), both YYYY-MM-DD. */

/**
 * The days a review of `quarter` may be held on: from 14 days before the quarter's last day (a review
 * may meet on provisional figures in the quarter's last fortnight) to the last day of the following
 * quarter (by then the next review is due); never after `today`: a review is recorded once held.
 */
export function reviewWindow(quarter: FiscalQuarter, today: string): { readonly earliest: string; readonly latest: string } {
  const latest = quarterEndDate(nextQuarter(quarter));
  return { earliest: addDays(quarterEndDate(quarter), -REVIEW_EARLIEST_DAYS_BEFORE_END), latest: latest < today ? latest : today };
}

function text(value: string, field: string, max: number): string {
  const trimmed = value.trim();
  if (trimmed === "" || trimmed.length > max) throw fieldError(field, value, `must be text of 1 to ${max} characters; got ${trimmed.length} characters.`);
  return trimmed;
}

function list(values: readonly string[], field: string, min: number): string[] {
  requireCount(field, values.length, min, MAX_LIST);
  return values.map((v, i) => text(v, `${field}[${i}]`, MAX_SHORT_TEXT));
}

interface ReviewDraft {
  readonly quarter: string;
  readonly heldOn: string;
  readonly participants: string[];
  readonly summary: string;
  readonly decisions: string[];
  readonly actionItems: ActionItemValues[];
}

function draftReview(source: ReviewSource, today: string): ReviewDraft {
  const quarter = formatFiscalQuarter(source.quarter);
  const window = reviewWindow(source.quarter, today);
  if (source.heldOn < window.earliest || source.heldOn > window.latest) {
    throw new BadUserInputError(
      `input.heldOn ${source.heldOn} is outside the days a review of ${quarter} may be held: ${window.earliest} (${REVIEW_EARLIEST_DAYS_BEFORE_END} days ` +
        `before the quarter's last day) to ${window.latest} (the end of the following quarter, and never after today).`,
      { field: "input.heldOn", value: source.heldOn, earliest: window.earliest, latest: window.latest },
    );
  }
  const participants = list(source.participants, "input.participants", 1);
  const summary = text(source.summary, "input.summary", MAX_LONG_TEXT);
  const decisions = list(source.decisions, "input.decisions", 0);
  requireCount("input.actionItems", source.actionItems.length, 0, MAX_LIST);
  const { capture, throwIfAny } = problemCollector(source.actionItems.length);
  const actionItems: ActionItemValues[] = [];
  source.actionItems.forEach((item, i) =>
    capture(i, () => {
      const field = `input.actionItems[${i}]`;
      const title = text(item.title, `${field}.title`, MAX_SHORT_TEXT);
      if (!ACTION_ITEM_OWNERS.includes(item.owner)) throw fieldError(`${field}.owner`, item.owner, `must be one of ${ACTION_ITEM_OWNERS.join(", ")}.`);
      if (!ACTION_ITEM_STATUSES.includes(item.status)) throw fieldError(`${field}.status`, item.status, `must be one of ${ACTION_ITEM_STATUSES.join(", ")}.`);
      if (item.due < source.heldOn) throw fieldError(`${field}.due`, item.due, `is before the review was held (${source.heldOn}).`);
      actionItems.push({ title, owner: item.owner, due: item.due, status: item.status });
    }),
  );
  throwIfAny();
  return { quarter, heldOn: source.heldOn, participants, summary, decisions, actionItems };
}

/** The first field where `draft` differs from what is stored, or null when they are the same review. */
function firstDifference(draft: ReviewDraft, review: QuarterlyReviewRow, items: readonly ReviewActionItemRow[]): { field: string; value: unknown; stored: unknown } | null {
  const pairs: [string, unknown, unknown][] = [
    ["input.heldOn", draft.heldOn, review.heldOn],
    ["input.participants", draft.participants, review.participants],
    ["input.summary", draft.summary, review.summary],
    ["input.decisions", draft.decisions, review.decisions],
    ["input.actionItems", draft.actionItems.length, items.length],
  ];
  draft.actionItems.forEach((item, i) => {
    const stored = items[i];
    const recorded = stored && { title: stored.title, owner: stored.owner, due: stored.recordedDue, status: stored.recordedStatus };
    for (const key of ["title", "owner", "due", "status"] as const) pairs.push([`input.actionItems[${i}].${key}`, item[key], recorded?.[key]]);
  });
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const found = pairs.find(([, value, stored]) => !same(value, stored));
  return found === undefined ? null : { field: found[0], value: found[1], stored: found[2] };
}

export async function recordQuarterlyReview(
  db: Db,
  source: ReviewSource,
  options: { readonly today: string; readonly synthetic?: boolean; readonly recordedAt?: Date },
): Promise<ReviewOutcome> {
  const draft = draftReview(source, options.today);
  const synthetic = options.synthetic ?? false;
  const inserted = await insertReview(db, {
    quarter: draft.quarter,
    heldOn: draft.heldOn,
    participants: draft.participants,
    summary: draft.summary,
    decisions: draft.decisions,
    synthetic,
  });
  if (inserted !== undefined) {
    await insertActionItems(db, inserted.id, draft.actionItems, synthetic, options.recordedAt ?? null);
    return { created: 1, unchanged: 0, review: inserted };
  }
  const stored = (await findReviewByQuarter(db, draft.quarter))!;
  const difference = firstDifference(draft, stored, await findActionItemsByReviewIds(db, [stored.id]));
  if (difference !== null) {
    throw new ConflictError(
      `The review of ${draft.quarter} is already recorded with a different ${difference.field.replace(/^input\./, "")}: ` +
        `${JSON.stringify(difference.stored)} is stored, ${JSON.stringify(difference.value)} was sent. A recorded review is not edited; ` +
        "action items move on through updateActionItem.",
      difference,
    );
  }
  return { created: 0, unchanged: 1, review: stored };
}

// ---------------------------------------------------------------------------------------------
// Action items.

export interface ActionItemUpdateSource {
  readonly id: string;
  readonly status: ActionItemStatusValue;
  /** Omitted or null: kept; blank: cleared. */
  readonly note?: string | null;
  /** Omitted or null: kept. */
  readonly due?: string | null;
}

export interface ActionItemUpdateOutcome {
  readonly updated: number;
  readonly unchanged: number;
  readonly item: ReviewActionItemRow;
}

export const ACTION_ITEM_TYPE = "ReviewActionItem";

export async function updateActionItem(db: Db, source: ActionItemUpdateSource, options: { readonly at?: Date } = {}): Promise<ActionItemUpdateOutcome> {
  const id = integerKeyOf(source.id, ACTION_ITEM_TYPE, "input.id");
  if (!ACTION_ITEM_STATUSES.includes(source.status)) throw fieldError("input.status", source.status, `must be one of ${ACTION_ITEM_STATUSES.join(", ")}.`);
  const [item] = await findActionItemsByIds(db, [id]);
  if (item === undefined) throw new NotFoundError(`input.id names no action item: ${source.id}.`, { field: "input.id", value: source.id });
  const note = source.note === null || source.note === undefined ? item.note : source.note.trim() === "" ? null : text(source.note, "input.note", MAX_LONG_TEXT);
  const due = source.due ?? item.due;
  if (due !== item.due) {
    const [review] = await findReviewsByIds(db, [item.reviewId]);
    if (due < review!.heldOn) throw fieldError("input.due", due, `is before the review that agreed the item was held (${review!.heldOn}).`);
  }
  if (source.status === item.status && due === item.due && note === item.note) return { updated: 0, unchanged: 1, item };
  return { updated: 1, unchanged: 0, item: await updateActionItemState(db, id, { status: source.status, due, note }, options.at ?? null) };
}
