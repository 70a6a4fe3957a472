import { asc, inArray, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { type ProductRow, productTable } from "./product.sql.js";

const t = productTable;

/** Products offered on `day` (null bounds are open); all of them when day is null. */
export function findProducts(db: Db, activeOn: string | null): Promise<ProductRow[]> {
  const query = db.select().from(t);
  const filtered =
    activeOn === null
      ? query
      : query.where(
          sql`(${t.effectiveFrom} is null or ${t.effectiveFrom} <= ${activeOn}::date) and (${t.effectiveTo} is null or ${t.effectiveTo} >= ${activeOn}::date)`,
        );
  return filtered.orderBy(asc(t.code));
}

export function findProductsByCodes(db: Db, codes: readonly string[]): Promise<ProductRow[]> {
  return db.select().from(t).where(inArray(t.code, [...codes]));
}

/** What validating a booking needs of a product: when it was offered and its weight limits. */
export interface ProductRef {
  readonly code: string;
  readonly effective_from: string | null;
  readonly effective_to: string | null;
  readonly min_weight_grams: number | null;
  readonly max_weight_grams: number | null;
}

/** Every product, as booking validation reads it. */
export function findProductRefs(db: Db): Promise<ProductRef[]> {
  return queryRows<ProductRef>(db, sql`select code, effective_from::text, effective_to::text, min_weight_grams, max_weight_grams from product`);
}
