import type { Db } from "../../db/client.js";
import { groupLoader, rowLoader } from "../../lib/loaders.js";
import { findPickupLocationsByIds, findPickupLocationsByPostOfficeIds } from "./pickup-location.repository.js";

export function createPickupLocationLoaders(db: Db) {
  return {
    pickupLocationById: rowLoader((ids: readonly number[]) => findPickupLocationsByIds(db, ids), (p) => p.id),
    pickupLocationsByPostOfficeId: groupLoader(
      (ids: readonly number[]) => findPickupLocationsByPostOfficeIds(db, ids),
      (p) => p.postOfficeId,
    ),
  };
}
