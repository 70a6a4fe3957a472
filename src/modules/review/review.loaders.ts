import DataLoader from "dataloader";
import type { Db } from "../../db/client.js";
import { groupLoader, rowLoader } from "../../lib/loaders.js";
import {
  findActionItemChanges,
  findActionItemsByIds,
  findActionItemsByReviewIds,
  findKpiTargetsByKeys,
  findReviewsByIds,
  findReviewsByQuarters,
  type TargetKey,
} from "./review.repository.js";

const targetKeyOf = (k: TargetKey) => `${k.quarter}|${k.scopeKind}|${k.scopeKey}|${k.kpiKey}`;

export function createReviewLoaders(db: Db) {
  return {
    /** A Metric's target value (null when none is set): one statement per tick for every metric asked. */
    kpiTargetByMetric: new DataLoader<TargetKey, number | null, string>(
      async (keys) => {
        const found = new Map((await findKpiTargetsByKeys(db, keys)).map((row) => [targetKeyOf(row), row.value]));
        return keys.map((k) => found.get(targetKeyOf(k)) ?? null);
      },
      { cacheKeyFn: targetKeyOf },
    ),
    reviewByQuarter: rowLoader((quarters: readonly string[]) => findReviewsByQuarters(db, quarters), (r) => r.quarter),
    reviewById: rowLoader((ids: readonly number[]) => findReviewsByIds(db, ids), (r) => r.id),
    actionItemsByReviewId: groupLoader((ids: readonly number[]) => findActionItemsByReviewIds(db, ids), (r) => r.reviewId),
    actionItemById: rowLoader((ids: readonly number[]) => findActionItemsByIds(db, ids), (r) => r.id),
    actionItemChangesByItemId: groupLoader((ids: readonly number[]) => findActionItemChanges(db, ids), (r) => r.actionItemId),
  };
}
