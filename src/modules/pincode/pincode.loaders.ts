import type { Db } from "../../db/client.js";
import { rowLoader } from "../../lib/loaders.js";
import { findPincodeComputedByCodes, findPincodesByCodes } from "./pincode.repository.js";

export function createPincodeLoaders(db: Db) {
  return {
    pincodeByCode: rowLoader((codes: readonly string[]) => findPincodesByCodes(db, codes), (p) => p.code),
    pincodeComputedByCode: rowLoader((codes: readonly string[]) => findPincodeComputedByCodes(db, codes), (p) => p.code),
  };
}
