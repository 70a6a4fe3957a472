import DataLoader from "dataloader";
import type { Db } from "../../db/client.js";
import { groupLoader, rowLoader } from "../../lib/loaders.js";
import {
  findActionItemChanges,
  findActionItemsByIds,
  findActionItemsByReviewIds,
  findKpiTargetsByQuarters,
  findReviewsByIds,
  findReviewsByQuarters,
  type TargetKey,
} from "./review.repository.js";

const targetKeyOf = (k: TargetKey) => `${k.quarter}|${k.scopeKind}|${k.scopeKey}|${k.kpiKey}`;

export function createReviewLoaders(db: Db) {
  const targetsByQuarter = new DataLoader<string, Map<string, number>>(async (quarters) => {
    const rows = await findKpiTargetsByQuarters(db, quarters);
    return quarters.map((quarter) => new Map(rows.filter((row) => row.quarter === quarter).map((row) => [targetKeyOf(row), row.value])));
  });
  return {
    /**
     * A Metric's target value (null when none is set). Every target of a quarter (every scope) is read at the
     * first ask, once per request: metrics of the same quarter asked in later ticks (the review's
     * per-location KPIs resolve after a query of their own) cost no further statement.
     */
    kpiTargetByMetric: {
      load: async (key: TargetKey): Promise<number | null> => (await targetsByQuarter.load(key.quarter)).get(targetKeyOf(key)) ?? null,
    },
    reviewByQuarter: rowLoader((quarters: readonly string[]) => findReviewsByQuarters(db, quarters), (r) => r.quarter),
    reviewById: rowLoader((ids: readonly number[]) => findReviewsByIds(db, ids), (r) => r.id),
    actionItemsByReviewId: groupLoader((ids: readonly number[]) => findActionItemsByReviewIds(db, ids), (r) => r.reviewId),
    actionItemById: rowLoader((ids: readonly number[]) => findActionItemsByIds(db, ids), (r) => r.id),
    actionItemChangesByItemId: groupLoader((ids: readonly number[]) => findActionItemChanges(db, ids), (r) => r.actionItemId),
  };
}
