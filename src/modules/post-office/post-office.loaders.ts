import DataLoader from "dataloader";
import type { Db } from "../../db/client.js";
import type { PageQuery } from "../../db/query-read.js";
import { groupLoader, loadersBy, rowLoader } from "../../lib/loaders.js";
import { QUERY_MODEL } from "../../projections.js";
import { findPostOfficesByIds, findPostOfficesByPincodes, ofPincodes, postOfficeQuery } from "./post-office.repository.js";
import type { PostOfficeRow } from "./post-office.sql.js";

/** The PIN of an office row `row`: the parent of Pincode.postOffices. */
const pincodeOf = (row: string) => `${row}.pincode`;

export function createPostOfficeLoaders(db: Db) {
  const offices = postOfficeQuery(QUERY_MODEL);
  return {
    postOfficeById: rowLoader((ids: readonly number[]) => findPostOfficesByIds(db, ids), (o) => o.id),
    postOfficesByPincode: groupLoader((codes: readonly string[]) => findPostOfficesByPincodes(db, codes), (o) => o.pincode),
    /** Pincode.postOffices pages under `where`, an order or a cursor: one statement for every PIN asked with the same arguments. */
    postOfficePageByPincode: loadersBy(
      (query: Omit<PageQuery, "conditions">) => JSON.stringify(query.args),
      (query) =>
        new DataLoader<string, { node: PostOfficeRow; cursor: string }[]>(async (codes) => {
          const pages = await offices.pagesByParent(db, { ...query, conditions: [ofPincodes(codes)] }, pincodeOf, "postOfficePageByPincode");
          return codes.map((code) => pages.get(code) ?? []);
        }),
    ),
    /** Their totalCounts under the same `where`: one statement per set of PINs. */
    postOfficeCountByPincode: loadersBy(
      (args: Readonly<Record<string, unknown>>) => JSON.stringify(args.where ?? null),
      (args) =>
        new DataLoader<string, number>(async (codes) => {
          const counts = await offices.countsByParent(db, { args: { where: args.where }, conditions: [ofPincodes(codes)] }, pincodeOf, "postOfficeCountByPincode");
          return codes.map((code) => counts.get(code) ?? 0);
        }),
    ),
  };
}
