/**
 * The coverage map's answer from its rows: pure, so its unit test needs no database. A PIN's class is the dashboard's
 * own rule (pinClass, src/lib/coverage-map.ts) over the facts Pincode.coverage gives, and HIDDEN wherever
 * Pincode.coverage would answer null (coverageReadableInScope).
 */
import { type PinClass, pinClass } from "../../lib/coverage-map.js";
import { coverageReadableInScope } from "../coverage/coverage.rules.js";
import type { CoverageMapPinRow } from "./coverage-map.repository.js";

/** Parallel lists, one entry per PIN in the rows' order, and the circle names the indexes point into. */
export interface CoverageMapLists {
  readonly circles: string[];
  readonly codes: string[];
  readonly latitudes: number[];
  readonly longitudes: number[];
  readonly circleIndexes: (number | null)[];
  readonly classes: PinClass[];
}

/**
 * `circles` is sorted by name (so the same data gives the same indexes whoever asks); a PIN without a primary circle
 * gets a null index. `scope` is the viewer's circleScope.
 */
export function coverageMapLists(rows: readonly CoverageMapPinRow[], scope: string | null): CoverageMapLists {
  const circles = [...new Set(rows.flatMap((r) => (r.circle === null ? [] : [r.circle])))].sort();
  const indexOf = new Map(circles.map((name, i) => [name, i]));
  const lists: CoverageMapLists = { circles, codes: [], latitudes: [], longitudes: [], circleIndexes: [], classes: [] };
  for (const row of rows) {
    lists.codes.push(row.code);
    lists.latitudes.push(row.latitude);
    lists.longitudes.push(row.longitude);
    lists.circleIndexes.push(row.circle === null ? null : indexOf.get(row.circle)!);
    lists.classes.push(coverageReadableInScope(scope, row.circle) ? pinClass(row) : "HIDDEN");
  }
  return lists;
}
