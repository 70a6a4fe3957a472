import { sql } from "drizzle-orm";
import { ComputedFields } from "../../lib/projection.js";
import { pincodeTable } from "./pincode.sql.js";

/**
 * Pincode fields computed from the PIN's own row, each written once, as SQL (see shipment.fields.ts): the
 * single statement writes them into its JSON and the resolvers read the values they gave.
 */
export const pincodeComputed = new ComputedFields(pincodeTable, {
  // The postal zone is the PIN's first digit; the sorting district its first three.
  zone: { sql: (p) => sql`substr(${p.code}, 1, 1)::int`, uses: { filter: true, group: true } },
  sortingDistrict: { sql: (p) => sql`substr(${p.code}, 1, 3)`, uses: { filter: true, group: true } },
  // Zone 9 is the Army Postal Service's functional zone.
  isArmyPostal: { sql: (p) => sql`${p.code} like '9%'`, uses: { filter: true } },
  // Unknown (null) while the directory source does not say which offices deliver.
  isDeliverable: { sql: (p) => sql`${p.deliveryOfficeCount} > 0`, uses: { filter: true, group: true } },
});

export type PincodeComputedName = (typeof pincodeComputed.names)[number];
