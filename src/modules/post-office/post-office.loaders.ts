import type { Db } from "../../db/client.js";
import { groupLoader, rowLoader } from "../../lib/loaders.js";
import { findPostOfficesByIds, findPostOfficesByPincodes } from "./post-office.repository.js";

export function createPostOfficeLoaders(db: Db) {
  return {
    postOfficeById: rowLoader((ids: readonly number[]) => findPostOfficesByIds(db, ids), (o) => o.id),
    postOfficesByPincode: groupLoader((codes: readonly string[]) => findPostOfficesByPincodes(db, codes), (o) => o.pincode),
  };
}
