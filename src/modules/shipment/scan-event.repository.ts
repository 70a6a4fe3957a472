import { and, type SQL, sql } from "drizzle-orm";
import { TypeQuery } from "../../db/query-read.js";
import { tableReader } from "../../db/rows.js";
import type { QueryModel } from "../../lib/query-model.js";
import { shipmentConditions } from "./shipment.repository.js";
import { type ScanEventRow, scanEventTable } from "./shipment.sql.js";

/** Scans under any `ScanEventWhere` filter and order (src/db/query-read.ts), rows read as `scan_event`. */
let scanEventQueries: TypeQuery<ScanEventRow> | undefined;
export function scanEventQuery(model: QueryModel): TypeQuery<ScanEventRow> {
  scanEventQueries ??= new TypeQuery(model, "ScanEvent", tableReader(scanEventTable, "scan_event"), "scan_event");
  return scanEventQueries;
}

/**
 * A viewer's circle restriction on scans, over the row `scan_event`: only scans of shipments bound for that circle,
 * by the very condition `shipments` applies (shipmentConditions reads its row as `shipment`, as it is named here).
 * None without a scope.
 */
export function scanEventConditions(circleScope: string | null): SQL[] {
  if (circleScope === null) return [];
  const scoped = and(...shipmentConditions({ circleScope }))!;
  return [sql`exists (select 1 from shipment where shipment.id = scan_event.shipment_id and shipment.booking_date = scan_event.booking_date and ${scoped})`];
}
