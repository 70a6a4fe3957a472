import { Directive, Field, Float, Int, ObjectType, registerEnumType } from "type-graphql";
import { enumOf } from "../../lib/enum.js";
import { FiscalQuarterScalar } from "../../lib/fiscal-quarter.js";
import { ConnectionType } from "../../lib/pagination.js";
import { TrackingNumberScalar } from "../../lib/s10.js";
import { DateScalar, DateTimeScalar } from "../../lib/scalars.js";
import { Restricted, Role } from "../access/access.roles.js";
import { Node } from "../node/node.type.js";
import { ROUTE_CLASSES } from "../service-norm/service-norm.sql.js";
import {
  FAILED_ATTEMPT_REASON_DESCRIPTIONS,
  FAILED_ATTEMPT_REASONS,
  SCAN_EVENT_TYPE_DESCRIPTIONS,
  SCAN_EVENT_TYPES,
  SHIPMENT_STATUS_DESCRIPTIONS,
  SHIPMENT_STATUSES,
} from "./scan-event.rules.js";

export const ShipmentStatus = enumOf(SHIPMENT_STATUSES);
registerEnumType(ShipmentStatus, {
  name: "ShipmentStatus",
  description:
    "Where a shipment stands, derived from its India Post scans. Monotonic: a late or out-of-order scan is kept " +
    "in the timeline but never moves the status backwards, and a final status (DELIVERED, RTO_DELIVERED, LOST, " +
    "CANCELLED) never changes. RTO_DELIVERED (\"Item Delivered (Sender)\") completes a return and is never a delivery.",
  valuesConfig: Object.fromEntries(SHIPMENT_STATUSES.map((s) => [s, { description: SHIPMENT_STATUS_DESCRIPTIONS[s] }])),
});

export const ScanEventType = enumOf(SCAN_EVENT_TYPES);
registerEnumType(ScanEventType, {
  name: "ScanEventType",
  description: "A normalised India Post scan. The raw text varies between offices and years; it is kept beside this type.",
  valuesConfig: Object.fromEntries(SCAN_EVENT_TYPES.map((s) => [s, { description: SCAN_EVENT_TYPE_DESCRIPTIONS[s] }])),
});

export const FailedAttemptReason = enumOf(FAILED_ATTEMPT_REASONS);
registerEnumType(FailedAttemptReason, {
  name: "FailedAttemptReason",
  description: "Why a delivery attempt failed, as India Post records it.",
  valuesConfig: Object.fromEntries(FAILED_ATTEMPT_REASONS.map((s) => [s, { description: FAILED_ATTEMPT_REASON_DESCRIPTIONS[s] }])),
});

export enum PaymentMode {
  PREPAID = "PREPAID",
  COD = "COD",
}
registerEnumType(PaymentMode, {
  name: "PaymentMode",
  description: "How the buyer pays for the parcel.",
  valuesConfig: {
    PREPAID: { description: "Paid online before dispatch: India Post collects nothing." },
    COD: { description: "Cash on delivery: the postman collects the COD amount and India Post remits it to Amazon in batches." },
  },
});

export enum DestinationKind {
  PIN_CODE = "PIN_CODE",
  ARMY_POSTAL = "ARMY_POSTAL",
}
registerEnumType(DestinationKind, {
  name: "DestinationKind",
  description: "What kind of delivery point a shipment goes to.",
  valuesConfig: {
    PIN_CODE: { description: "A civilian PIN code of the post-office directory." },
    ARMY_POSTAL: {
      description:
        "An Army Postal Service location (restricted): addressed c/o 56 APO or c/o 99 APO with a zone-9 PIN that is not in the " +
        "public directory. Counted beside PINs, never as one.",
    },
  },
});

export enum ArmyPostOffice {
  APO_56 = "APO_56",
  APO_99 = "APO_99",
}
registerEnumType(ArmyPostOffice, {
  name: "ArmyPostOffice",
  description: "The Army Postal Service base office through which civilian mail reaches Army units.",
  valuesConfig: {
    APO_56: { description: "c/o 56 APO: 1 Central Base Post Office, New Delhi." },
    APO_99: { description: "c/o 99 APO: 2 Central Base Post Office, Kolkata (PIN 900099)." },
  },
});

export const RouteClass = enumOf(ROUTE_CLASSES);
registerEnumType(RouteClass, {
  name: "RouteClass",
  description:
    "The origin–destination class a service norm is looked up by (first match wins): REMOTE, LOCAL, METRO_TO_METRO, " +
    "WITHIN_CIRCLE, REST_OF_INDIA.",
  valuesConfig: {
    LOCAL: { description: "Origin and destination share the sorting district (the first three PIN digits)." },
    METRO_TO_METRO: { description: "Between two of the six metros' sorting districts: Delhi 110, Mumbai 400, Kolkata 700, Chennai 600, Bengaluru 560, Hyderabad 500." },
    WITHIN_CIRCLE: { description: "Both ends in the same postal circle (destination: the PIN's primary circle). dakgraph's interpolation between local and rest of India." },
    REST_OF_INDIA: { description: "Anywhere else in India." },
    REMOTE: {
      description:
        "Army Postal destinations and the North-East, Jammu & Kashmir, Ladakh, Andaman & Nicobar and Lakshadweep (destination PIN's " +
        "primary state): dakgraph's allowance, two days beyond rest of India.",
    },
  },
});

export enum CodCashStatus {
  AWAITING_DELIVERY = "AWAITING_DELIVERY",
  COLLECTED = "COLLECTED",
  REMITTED = "REMITTED",
  NOT_COLLECTED = "NOT_COLLECTED",
}
registerEnumType(CodCashStatus, {
  name: "CodCashStatus",
  description: "Where a COD shipment's cash is. Outstanding cash (owed by India Post to Amazon) is the COLLECTED shipments' COD amounts.",
  valuesConfig: {
    AWAITING_DELIVERY: { description: "Not delivered yet: no cash collected so far." },
    COLLECTED: { description: "Delivered, so the cash was collected; not yet remitted to Amazon: outstanding." },
    REMITTED: { description: "Remitted to Amazon in a COD remittance batch." },
    NOT_COLLECTED: { description: "Returned, lost or cancelled: no cash will be collected." },
  },
});

// The federation entity key (src/modules/federation): other subgraphs reference and extend the type by it.
@Directive('@key(fields: "trackingNumber bookingDate")')
@ObjectType("Shipment", {
  implements: Node,
  description:
    "An Amazon parcel carried by India Post: one booking of a tracking number. A tracking number may be reused after 12 " +
    "months, so a shipment is identified by tracking number and booking date together. Status and delivery fields are " +
    "derived from the scan timeline. Rows made by the demo generator say so in `synthetic`.",
})
export class Shipment extends Node {
  @Field(() => TrackingNumberScalar, { description: "The UPU S10 tracking number (canonical 13 characters)." })
  trackingNumber!: string;

  @Field(() => DateScalar, { description: "The IST calendar day of booking: with the tracking number, what identifies the shipment." })
  bookingDate!: string;

  @Field(() => DateTimeScalar, { description: "When the parcel was booked (handed over at the pickup location)." })
  bookedAt!: Date;

  @Field(() => String, { description: "Code of the India Post product it was booked under (see `product`)." })
  productCode!: string;

  @Field(() => PaymentMode, { description: "Prepaid or cash on delivery." })
  paymentMode!: PaymentMode;

  @Field(() => Int, { description: "Weight as booked, in grams." })
  weightGrams!: number;

  // Which shipments go to the Army is a per-shipment destination detail, as the PIN is.
  @Restricted(Role.OPERATOR)
  @Field(() => DestinationKind, { nullable: true, description: "A civilian PIN, or an Army Postal location." })
  destinationKind!: DestinationKind | null;

  @Field(() => RouteClass, { description: "The service-norm route class from the pickup location to the destination, fixed at booking." })
  routeClass!: string;

  @Field(() => Int, { description: "The service norm applied: working days (Sundays excluded) from the booking day D to delivery, before the branch-office day." })
  serviceNormDays!: number;

  @Field(() => DateScalar, {
    description:
      "The promised delivery day (IST): the booking day plus serviceNormDays working days, Sundays skipped, plus one when a " +
      "branch office delivers. Delivered on or before it is on time.",
  })
  promisedDate!: string;

  @Field(() => ShipmentStatus, { description: "The normalised status, derived from the scans; monotonic." })
  status!: string;

  @Field(() => DateTimeScalar, { nullable: true, description: "When it was delivered to the addressee; null unless status is DELIVERED." })
  deliveredAt!: Date | null;

  @Field(() => Int, { description: "Failed delivery attempts to the addressee (attempts on the return leg are not counted)." })
  attempts!: number;

  @Field(() => Int, { description: "Times taken out for delivery to the addressee." })
  outForDeliveryCount!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: "The first failed attempt: India Post holds an undelivered parcel 7 days from here." })
  firstAttemptAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the return to sender (RTO) began; null if never." })
  returnedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "When the return reached the sender (\"Item Delivered (Sender)\"); null if not returned. Never a delivery." })
  rtoDeliveredAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: "Time of the latest scan in the timeline; null before the first scan." })
  lastEventAt!: Date | null;

  @Field(() => Boolean, { description: "True when the demo generator made this shipment: synthetic data, not the partners' own." })
  synthetic!: boolean;
}

@ObjectType("ScanEvent", {
  implements: Node,
  description: "One India Post scan of a shipment: when, where, India Post's own text, and its normalised type.",
})
export class ScanEvent extends Node {
  @Field(() => DateTimeScalar, { description: "When the scan happened, as India Post recorded it." })
  occurredAt!: Date;

  @Field(() => ScanEventType, { description: "The normalised type of the scan." })
  eventType!: string;

  @Field(() => FailedAttemptReason, { nullable: true, description: "Why the attempt failed; set on DELIVERY_ATTEMPTED scans only." })
  failedReason!: string | null;

  // The offices of a timeline trace the parcel to its addressee's delivery office: address-level detail.
  @Restricted(Role.OPERATOR)
  @Field(() => String, { nullable: true, description: "The office as India Post's feed names it (kept even when it matches no directory office)." })
  officeName!: string | null;

  @Field(() => String, { nullable: true, description: "India Post's event text as received, e.g. \"Item Delivered (Addressee)\"; null when sent as a normalised code." })
  rawText!: string | null;
}

@ObjectType("CodRemittance", {
  implements: Node,
  description:
    "A batch in which India Post remits collected COD cash to Amazon (ePayment). Its amount equals the sum of the COD " +
    "amounts of the shipments it covers: a batch that disagrees is refused when recorded.",
})
export class CodRemittance extends Node {
  @Field(() => String, { description: "The bank reference of the transfer (UTR), upper case." })
  reference!: string;

  @Field(() => DateScalar, { description: "The day the money was remitted (IST)." })
  remittedOn!: string;

  @Field(() => Int, { description: "How many COD shipments the batch covers." })
  shipmentCount!: number;

  @Field(() => Boolean, { description: "True when the demo generator made this batch: synthetic data." })
  synthetic!: boolean;
}

export const ShipmentConnection = ConnectionType(Shipment, "Shipment", "shipments");

@ObjectType("RecordShipmentsPayload", { description: "What recordShipments did. Counts add up to the number of items sent." })
export class RecordShipmentsPayload {
  @Field(() => Int, { description: "Shipments that were new and were stored." })
  created!: number;

  @Field(() => Int, { description: "Stored shipments that learnt a fact left empty before (declared value, delivering office)." })
  updated!: number;

  @Field(() => Int, { description: "Items equal to what was stored (a retry, or a repeat within the batch): nothing written." })
  unchanged!: number;

  @Field(() => [Shipment], { description: "The shipments, in the order of the input items." })
  shipments!: Shipment[];
}

@ObjectType("RecordScanEventsPayload", { description: "What recordScanEvents did. Counts add up to the number of items sent." })
export class RecordScanEventsPayload {
  @Field(() => Int, { description: "Scans that were new and were stored." })
  created!: number;

  @Field(() => Int, { description: "Stored scans that learnt an office or raw text left empty before." })
  updated!: number;

  @Field(() => Int, { description: "Scans equal to what was stored (same shipment, time and type): nothing written." })
  unchanged!: number;

  @Field(() => [ScanEvent], { description: "The scans, in the order of the input items." })
  events!: ScanEvent[];

  @Field(() => [Shipment], { description: "The shipments the scans belong to, each once, with their re-derived status." })
  shipments!: Shipment[];
}

@ObjectType("RecordCodRemittancePayload", { description: "What recordCodRemittance did." })
export class RecordCodRemittancePayload {
  @Field(() => Int, { description: "1 when the batch was new, else 0." })
  created!: number;

  @Field(() => Int, { description: "1 when the same batch was already stored (a retry): nothing written." })
  unchanged!: number;

  @Field(() => CodRemittance, { description: "The batch as stored." })
  remittance!: CodRemittance;
}

@ObjectType("ShipmentStatsGroup", {
  description:
    "One group of the deprecated shipmentStats, read through shipmentAggregates: the keys grouped by (the others null) and " +
    "measures that are the KPIs' definitions (kpiDefinitions). Transit is counted in whole hours, rounded up, over delivered " +
    "shipments, as the KPIs count it.",
})
export class ShipmentStatsGroup {
  @Field(() => ShipmentStatus, { nullable: true, description: "The group's status, when grouped by STATUS." })
  status!: string | null;

  @Field(() => String, { nullable: true, description: "The group's product code, when grouped by PRODUCT." })
  productCode!: string | null;

  @Field(() => PaymentMode, { nullable: true, description: "The group's payment mode, when grouped by PAYMENT_MODE." })
  paymentMode!: string | null;

  @Field(() => String, { nullable: true, description: "The group's destination primary state, when grouped by DESTINATION_STATE, keyed as the KPIs' STATE scope: 'Army Postal Service' for Army Postal destinations (null before shipmentAggregates answered), '(no state)' for a PIN without one." })
  destinationState!: string | null;

  @Field(() => String, { nullable: true, description: "The group's destination primary circle name, when grouped by DESTINATION_CIRCLE, keyed as the KPIs' CIRCLE scope: 'Army Postal Service' for Army Postal destinations (null before shipmentAggregates answered), '(no circle)' for a PIN without one." })
  destinationCircle!: string | null;

  @Field(() => FiscalQuarterScalar, { nullable: true, description: "The group's booking quarter (IST), when grouped by BOOKING_QUARTER." })
  bookingQuarter!: string | null;

  @Field(() => Int, { description: "Shipments in the group: the KPI BOOKED_VOLUME over the group." })
  shipments!: number;

  @Field(() => Int, {
    description:
      "Of them, delivered to the addressee: the KPI DELIVERED_VOLUME's shipments (a delivery instant recorded), counted over the group. " +
      "Grouped by BOOKING_QUARTER these are the quarter's bookings delivered at any time, not the KPI's figure for the quarter, which " +
      "counts deliveries by the quarter of delivery (shipmentAggregates groupBy DELIVERED_AT).",
  })
  delivered!: number;

  @Field(() => Int, {
    description:
      "Of them, returned to the sender: the numerator of the KPI RETURN_TO_ORIGIN, status RTO_DELIVERED (before shipmentStats read " +
      "shipmentAggregates, RTO_INITIATED counted too).",
  })
  returned!: number;

  @Field(() => Int, { description: "Of them, paid cash on delivery (booked COD, whatever their status; no KPI counts these)." })
  codShipments!: number;

  @Field(() => Float, {
    nullable: true,
    description:
      "The KPI TRANSIT_DAYS_MEAN of the group: mean transit of the delivered ones in days, each counted in whole hours rounded up " +
      "(before, exact days); null when none is delivered.",
  })
  meanTransitDays!: number | null;

  @Field(() => Float, {
    nullable: true,
    description:
      "The KPI TRANSIT_DAYS_P90 of the group: the nearest-rank 90th percentile of the delivered ones' transit in whole hours " +
      "rounded up, in days (before, a continuous percentile of exact days); null when none is delivered.",
  })
  p90TransitDays!: number | null;
}
