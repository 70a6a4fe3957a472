import type { Db } from "../../db/client.js";
import { groupLoader, rowLoader } from "../../lib/loaders.js";
import { findPickupLocationsByCodes, findPickupLocationsByIds, findPickupLocationsByPostOfficeIds } from "./pickup-location.repository.js";

export function createPickupLocationLoaders(db: Db) {
  return {
    pickupLocationById: rowLoader((ids: readonly number[]) => findPickupLocationsByIds(db, ids), (p) => p.id),
    /** By canonical (upper-case) code: the federation @key of PickupLocation. */
    pickupLocationByCode: rowLoader((codes: readonly string[]) => findPickupLocationsByCodes(db, codes), (p) => p.code),
    pickupLocationsByPostOfficeId: groupLoader(
      (ids: readonly number[]) => findPickupLocationsByPostOfficeIds(db, ids),
      (p) => p.postOfficeId,
    ),
  };
}
