import type { Db } from "../../db/client.js";
import { addDays } from "../../lib/days.js";
import {
  addQuarters,
  type FiscalQuarter,
  formatFiscalQuarter,
  istDayStart,
  quarterEndDate,
  quarterIndex,
  quarterOfDay,
  quartersBetween,
  quarterStartDate,
  shortLabel,
} from "../../lib/fiscal-quarter.js";
import { toGlobalId } from "../../lib/global-id.js";
import { lastCompleteQuarter, MOU_DATE } from "../demo/demo.generator.js";
import { KpiKey, MetricDirection, MetricUnit } from "../kpi/kpi.definitions.js";
import { createKpiLoaders } from "../kpi/kpi.service.js";
import { type KpiScope, KpiScopeKind, type Metric } from "../kpi/kpi.type.js";
import {
  ACTION_ITEM_TYPE,
  type ActionItemSource,
  NATIONAL_SCOPE,
  pickupLocationScope,
  recordQuarterlyReview,
  setKpiTargets,
  updateActionItem,
} from "./review.ingest.js";
import { deleteSyntheticReviews, findActionItemsByReviewIds, findPickupLocationsOpenBetween, findReviewByQuarter } from "./review.repository.js";
import type { ActionItemStatusValue } from "./review.sql.js";

/*
 * SYNTHETIC targets and reviews for the demo data (`dakgraph seed demo`), written through the same
 * validation as the mutations and marked synthetic. Quarterly reviews began with the MoU (4 Oct 2024),
 * so from Q3 FY2024-25: every quarter up to the last complete one gets targets (national, and pickup
 * utilisation per location), derived from the quarter before (a little better than it was, so some are
 * met and some missed); every quarter before the last complete one gets a review with three action items,
 * and the items of each review but the latest have moved on by the next review. Real targets and reviews
 * are never replaced.
 */

/** 17:00 IST on `day`: when a synthetic meeting's minutes are taken to be recorded or an item to change. */
const eveningOf = (day: string) => new Date(istDayStart(day).getTime() + 17 * 3_600_000);

/** A target for next quarter from this quarter's value: a small improvement in the KPI's good direction. */
function nextTarget(metric: Metric): number | null {
  if (metric.value === null) return null;
  const better = metric.direction === MetricDirection.HIGHER_IS_BETTER;
  switch (metric.unit) {
    case MetricUnit.PERCENT:
      return Math.round(Math.min(100, Math.max(0, metric.value + (better ? 2 : -1))) * 10) / 10;
    case MetricUnit.DAYS:
      return Math.round(metric.value * 0.95 * 100) / 100;
    default:
      return Math.round(metric.value * (better ? 1.06 : 0.95));
  }
}

const PARTICIPANTS = [
  "Director (Parcel), Department of Posts (India Post)",
  "Chief General Manager, Parcel Directorate (India Post)",
  "Director, Last Mile Operations, Amazon India",
  "Head of Partner Delivery Programmes, Amazon India",
];

const ACTION_TEMPLATES: readonly Omit<ActionItemSource, "due" | "status">[] = [
  { title: "Add evening delivery beats at the busiest delivery offices to lift first-attempt delivery", owner: "INDIA_POST" },
  { title: "Share daily pickup forecasts with every pickup location 48 hours ahead", owner: "AMAZON" },
  { title: "Reconcile COD remittances weekly and clear every item older than the contract cycle", owner: "JOINT" },
  { title: "Extend serviceability to the remote PINs with the most undelivered demand", owner: "JOINT" },
  { title: "Raise committed capacity at pickup locations above 90% utilisation", owner: "INDIA_POST" },
  { title: "Print complete addresses with PIN and landmark on every label to cut address-incomplete attempts", owner: "AMAZON" },
];

/** How the items of a review stand by the next review (index = position): most done, one carried over, one dropped now and then. */
function followUp(quarterNumber: number, position: number): ActionItemStatusValue {
  if (position === 0) return "DONE";
  if (position === 1) return quarterNumber % 3 === 0 ? "DROPPED" : "DONE";
  return "IN_PROGRESS";
}

export interface DemoReviewReport {
  readonly targets: number;
  readonly reviews: number;
  readonly actionItems: number;
}

/** Writes the synthetic targets and reviews for demo data observed as of `until` (YYYY-MM-DD); replaces earlier synthetic ones. */
export async function seedDemoReviews(db: Db, until: string): Promise<DemoReviewReport> {
  await deleteSyntheticReviews(db);
  const first = quarterOfDay(MOU_DATE);
  const last = lastCompleteQuarter(until);
  if (quarterIndex(last) < quarterIndex(first)) return { targets: 0, reviews: 0, actionItems: 0 };
  const quarters = quartersBetween(first, last);

  const kpis = createKpiLoaders(db, () => eveningOf(until)).quarterlyKpis;
  let targets = 0;
  const setFrom = async (quarter: FiscalQuarter, scope: KpiScope, metrics: readonly Metric[]) => {
    // A KPI not defined for the scope has no value, so it gets no target.
    const list = metrics
      .filter((m) => m.reason === null)
      .map((m) => ({ key: m.key, value: nextTarget(m) }))
      .filter((t): t is { key: KpiKey; value: number } => t.value !== null);
    if (list.length === 0) return;
    const outcome = await setKpiTargets(db, { quarter, scope, targets: list }, { synthetic: true });
    targets += outcome.created + outcome.updated;
  };
  for (const quarter of quarters) {
    const before = addQuarters(quarter, -1);
    const locations = await findPickupLocationsOpenBetween(db, quarterStartDate(quarter), quarterEndDate(quarter));
    const scopes = [NATIONAL_SCOPE, ...locations.map(pickupLocationScope)];
    const previous = await Promise.all(scopes.map((scope) => kpis.load({ scope, quarter: before })));
    for (const [i, scope] of scopes.entries()) {
      const metrics = scope.kind === KpiScopeKind.NATIONAL ? previous[i]!.metrics : previous[i]!.metrics.filter((m) => m.key === KpiKey.PICKUP_UTILISATION);
      await setFrom(quarter, scope, metrics);
    }
  }

  let reviews = 0;
  let actionItems = 0;
  const reviewed = quarters.slice(0, -1);
  for (const [n, quarter] of reviewed.entries()) {
    if ((await findReviewByQuarter(db, formatFiscalQuarter(quarter))) !== undefined) continue;
    const heldOn = addDays(quarterEndDate(quarter), 20);
    const number = quarterIndex(quarter);
    const items = [0, 1, 2].map((k) => ({
      ...ACTION_TEMPLATES[(number + k) % ACTION_TEMPLATES.length]!,
      due: addDays(heldOn, 45 + 15 * k),
      status: "OPEN" as const,
    }));
    const { review } = await recordQuarterlyReview(
      db,
      {
        quarter,
        heldOn,
        participants: PARTICIPANTS,
        summary:
          `SYNTHETIC (dakgraph seed demo): the review of ${shortLabel(quarter)} went through the quarter's KPIs against their targets, ` +
          "coverage and pickup utilisation, and followed up the previous review's action items.",
        decisions: [
          `Targets for ${shortLabel(addQuarters(quarter, 1))} are kept as set before the quarter.`,
          "Pickup locations above 90% utilisation are reviewed for more capacity.",
        ],
        actionItems: items,
      },
      { today: until, synthetic: true, recordedAt: eveningOf(heldOn) },
    );
    reviews += 1;
    actionItems += items.length;
    // Each item moves on once: by the next review, or 20 days after this one when it is the latest.
    const next = n + 1 < reviewed.length ? addDays(quarterEndDate(reviewed[n + 1]!), 20) : null;
    const stored = await findActionItemsByReviewIds(db, [review.id]);
    for (const item of stored) {
      const status = next === null ? (item.position === 0 ? "IN_PROGRESS" : null) : followUp(number, item.position);
      const at = next ?? addDays(heldOn, 20);
      if (status === null || at > until) continue;
      await updateActionItem(db, { id: toGlobalId(ACTION_ITEM_TYPE, item.id), status, note: `SYNTHETIC: status as of ${at}.` }, { at: eveningOf(at) });
    }
  }
  return { targets, reviews, actionItems };
}
