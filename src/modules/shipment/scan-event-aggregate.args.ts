import { registerEnumType } from "type-graphql";
import type { InputDeclarations } from "../access/access.inputs.js";
import { aggregateArgs, type AggregateArgsValue, aggregateInputAccess } from "../../lib/aggregate-inputs.js";
import { ScanEventWhere } from "./scan-event.args.js";

/** What scanEventAggregates can group by. */
export enum ScanEventDimension {
  OCCURRED_AT = "OCCURRED_AT",
  EVENT_TYPE = "EVENT_TYPE",
  FAILED_REASON = "FAILED_REASON",
  OFFICE = "OFFICE",
  OFFICE_CIRCLE = "OFFICE_CIRCLE",
  PICKUP_LOCATION = "PICKUP_LOCATION",
  DESTINATION_CIRCLE = "DESTINATION_CIRCLE",
}

/** What scanEventAggregates measures. */
export enum ScanEventMeasure {
  EVENTS = "EVENTS",
  SHIPMENTS = "SHIPMENTS",
}

/** The dimension that takes a granularity. */
export const SCAN_EVENT_TIME_DIMENSIONS: readonly ScanEventDimension[] = [ScanEventDimension.OCCURRED_AT];

/** The ScanEventAggregate field showing each measure. */
export const SCAN_EVENT_MEASURE_FIELD: Readonly<Record<ScanEventMeasure, string>> = { EVENTS: "events", SHIPMENTS: "shipments" };

registerEnumType(ScanEventDimension, {
  name: "ScanEventAggregateDimension",
  description: "What scanEventAggregates can group by. Each key shows in the ScanEventAggregate field of the same meaning.",
  valuesConfig: {
    OCCURRED_AT: { description: "The scan's instant, bucketed by `granularity` on the IST calendar (ScanEventAggregate.occurredAt)." },
    EVENT_TYPE: { description: "The scan's normalised type (ScanEventAggregate.eventType)." },
    FAILED_REASON: { description: "Why a delivery attempt failed; scans other than DELIVERY_ATTEMPTED group under null (ScanEventAggregate.failedReason)." },
    OFFICE: { description: "The directory office that scanned; scans whose office matched none group under null (ScanEventAggregate.office)." },
    OFFICE_CIRCLE: { description: "The postal circle of the office that scanned; null without a directory office (ScanEventAggregate.officeCircle)." },
    PICKUP_LOCATION: { description: "The pickup location the scanned shipment was booked at (ScanEventAggregate.pickupLocation)." },
    DESTINATION_CIRCLE: {
      description: "The scanned shipment's destination circle, keyed as shipmentAggregates' DESTINATION_CIRCLE and the KPIs' CIRCLE scope (ScanEventAggregate.destinationCircle).",
    },
  },
});

registerEnumType(ScanEventMeasure, {
  name: "ScanEventAggregateMeasure",
  description: "A measure of scanEventAggregates, for having and orderBy, compared by its value.",
  valuesConfig: {
    EVENTS: { description: "Scans in the group, a count (ScanEventAggregate.events)." },
    SHIPMENTS: { description: "Distinct shipments scanned in the group, a count (ScanEventAggregate.shipments)." },
  },
});

export const ScanEventAggregatesArgs = aggregateArgs<ScanEventDimension, ScanEventMeasure>({
  prefix: "ScanEventAggregate",
  query: "scanEventAggregates",
  dimensions: ScanEventDimension,
  measures: ScanEventMeasure,
  timeDimensions: "OCCURRED_AT",
  units: "scans or shipments, a count",
  where: ScanEventWhere,
  whereDescription: "Which scans to aggregate, as `scanEvents(where:)` takes them; omitted: all (a circle-restricted viewer: those of shipments bound for the circle).",
  row: "scan",
});
export type ScanEventAggregatesArgs = AggregateArgsValue<ScanEventDimension, ScanEventMeasure>;

/** A dimension needs the roles of the field showing its value on a scan (or its shipment); a measure, none. */
const DIMENSION_MIRRORS: Record<ScanEventDimension, string> = {
  OCCURRED_AT: "ScanEvent.occurredAt",
  EVENT_TYPE: "ScanEvent.eventType",
  FAILED_REASON: "ScanEvent.failedReason",
  OFFICE: "ScanEvent.office",
  // The office's circle is read from the office, so it needs what the office needs.
  OFFICE_CIRCLE: "ScanEvent.office",
  PICKUP_LOCATION: "Shipment.pickupLocation",
  DESTINATION_CIRCLE: "Shipment.destination",
};

export const scanEventAggregateInputAccess: InputDeclarations = aggregateInputAccess("scanEventAggregates", "ScanEventAggregate", DIMENSION_MIRRORS, SCAN_EVENT_MEASURE_FIELD);
