import type { Db } from "../../db/client.js";
import { groupLoader, rowLoader } from "../../lib/loaders.js";
import { findRemittancesByIds, findShipmentsByRemittanceIds } from "./cod-remittance.repository.js";

export function createCodRemittanceLoaders(db: Db) {
  return {
    remittanceById: rowLoader((ids: readonly number[]) => findRemittancesByIds(db, ids), (r) => r.id),
    shipmentsByRemittanceId: groupLoader((ids: readonly number[]) => findShipmentsByRemittanceIds(db, ids), (s) => s.codRemittanceId!),
  };
}
