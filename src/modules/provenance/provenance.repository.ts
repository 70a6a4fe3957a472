import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";

/** The kinds of partnership data that carry a `synthetic` mark, by display name and table. */
const KINDS = [
  ["pickup locations", "pickup_location"],
  ["shipments", "shipment"],
  ["COD remittances", "cod_remittance"],
  ["serviceability periods", "serviceability"],
  ["KPI targets", "kpi_target"],
  ["quarterly reviews", "quarterly_review"],
  ["review action items", "review_action_item"],
] as const;

/** Real and synthetic row counts of every kind, in one statement. */
export function countRowOrigins(db: Db): Promise<{ kind: string; real: number; synthetic: number }[]> {
  const parts = KINDS.map(
    ([kind, table]) =>
      sql`select ${kind} as kind, count(*) filter (where not synthetic)::int as real, count(*) filter (where synthetic)::int as synthetic from ${sql.identifier(table)}`,
  );
  return queryRows<{ kind: string; real: number; synthetic: number }>(db, sql`/* dataProvenance */ ${sql.join(parts, sql` union all `)}`);
}
