import type { Db } from "../../db/client.js";
import { groupLoader, rowLoader } from "../../lib/loaders.js";
import type { GraphQLResolveInfo, SelectionSetNode } from "graphql";
import type { Context } from "../../context.js";
import { selectionOnly, selectsOnly } from "../../lib/selection.js";
import { findOfficeSummariesByIds, findPostOfficesByIds, findPostOfficesByPincodes, OFFICE_SUMMARY_COLUMNS } from "./post-office.repository.js";
import type { PostOfficeRow } from "./post-office.sql.js";

export function createPostOfficeLoaders(db: Db) {
  return {
    postOfficeById: rowLoader((ids: readonly number[]) => findPostOfficesByIds(db, ids), (o) => o.id),
    officeSummaryById: rowLoader((ids: readonly number[]) => findOfficeSummariesByIds(db, ids), (o) => o.id),
    postOfficesByPincode: groupLoader((codes: readonly string[]) => findPostOfficesByPincodes(db, codes), (o) => o.pincode),
  };
}

/** PostOffice fields a summary row answers (`pincode` reads the row's PIN code; see PostOfficeResolver.pincode). */
const SUMMARY_FIELDS: ReadonlySet<string> = new Set(["__typename", "id", ...OFFICE_SUMMARY_COLUMNS]);

/**
 * The office with this id for a field whose selection is `info`: a summary row (4 columns) when the
 * selection asks for nothing else, as the dashboard's `deliveryOffice { name }` and the tracking
 * timeline's `office { name pincode { code } }` do; the whole row otherwise.
 */
/** Whether an office field's selection set (below the field being resolved) is answered by a summary row. */
export function asksOnlyOfficeSummary(info: GraphQLResolveInfo, set: SelectionSetNode | undefined): boolean {
  return selectionOnly(info, set, SUMMARY_FIELDS);
}

export function officeById(ctx: Context, id: number, info: GraphQLResolveInfo): Promise<PostOfficeRow | null> {
  return selectsOnly(info, SUMMARY_FIELDS) ? ctx.loaders.officeSummaryById.load(id) : ctx.loaders.postOfficeById.load(id);
}
