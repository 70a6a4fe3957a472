import type { Db } from "../../db/client.js";
import { rowLoader } from "../../lib/loaders.js";
import { findProductsByCodes } from "./product.repository.js";

export function createProductLoaders(db: Db) {
  return {
    productByCode: rowLoader((codes: readonly string[]) => findProductsByCodes(db, codes), (p) => p.code),
  };
}
