import { type SQL, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { groupedRows, type GroupedRow } from "../../db/aggregate-sql.js";
import { istPeriodSql } from "../../db/calendar-sql.js";
import type { Grouping } from "../../lib/aggregate-groups.js";
import { destinationCircleLabelSql } from "../kpi/kpi-rollup.repository.js";
import { ScanEventDimension, ScanEventMeasure } from "./scan-event-aggregate.args.js";

/*
 * scanEventAggregates' one statement over `scan_event`, joined to its shipment, the shipment's destination PIN and
 * circle, and the scanning office and its circle only when a grouping reads them.
 */

export interface ScanEventAggregateQuery {
  readonly groupings: readonly Grouping<ScanEventDimension>[];
  readonly measures: ReadonlySet<ScanEventMeasure>;
  /** The `where` argument and the viewer's circle restriction, as conditions over the row `scan_event`. */
  readonly conditions: readonly SQL[];
}

function dimensionSql(g: Grouping<ScanEventDimension>): SQL {
  switch (g.dimension) {
    case ScanEventDimension.OCCURRED_AT:
      return istPeriodSql(sql`scan_event.occurred_at`, g.granularity!);
    case ScanEventDimension.EVENT_TYPE:
      return sql`scan_event.event_type`;
    case ScanEventDimension.FAILED_REASON:
      return sql`scan_event.failed_reason`;
    case ScanEventDimension.OFFICE:
      return sql`scan_event.office_id::text`;
    case ScanEventDimension.OFFICE_CIRCLE:
      return sql`oc.name`;
    case ScanEventDimension.PICKUP_LOCATION:
      return sql`shipment.pickup_location_id::text`;
    case ScanEventDimension.DESTINATION_CIRCLE:
      return destinationCircleLabelSql("shipment");
  }
}

const MEASURE_SQL: Readonly<Record<ScanEventMeasure, SQL>> = {
  EVENTS: sql`count(*)`,
  SHIPMENTS: sql`count(distinct scan_event.shipment_id)`,
};

const grouped = (q: ScanEventAggregateQuery, ...dimensions: ScanEventDimension[]) => q.groupings.some((g) => dimensions.includes(g.dimension));

/** The groups of the scans matching the conditions: one statement. */
export function aggregateScanEvents(db: Db, q: ScanEventAggregateQuery): Promise<GroupedRow[]> {
  const shipment = grouped(q, ScanEventDimension.PICKUP_LOCATION, ScanEventDimension.DESTINATION_CIRCLE);
  const from = sql`scan_event
    ${shipment ? sql`join shipment on shipment.id = scan_event.shipment_id and shipment.booking_date = scan_event.booking_date` : sql``}
    ${grouped(q, ScanEventDimension.DESTINATION_CIRCLE) ? sql`left join pincode p on p.code = shipment.destination_pincode left join postal_circle c on c.id = p.primary_circle_id` : sql``}
    ${grouped(q, ScanEventDimension.OFFICE_CIRCLE) ? sql`left join post_office o on o.id = scan_event.office_id left join postal_circle oc on oc.id = o.circle_id` : sql``}`;
  return groupedRows(db, {
    name: "aggregateScanEvents",
    keys: q.groupings.map(dimensionSql),
    measures: new Map([...q.measures].map((m) => [m, MEASURE_SQL[m]])),
    from,
    where: q.conditions,
  });
}
