import { registerEnumType } from "type-graphql";
import type { InputDeclarations } from "../access/access.inputs.js";
import { aggregateArgs, type AggregateArgsValue, aggregateInputAccess } from "../../lib/aggregate-inputs.js";
import { AggregateDimension, AggregateMeasure, MEASURES } from "./shipment-aggregate.rules.js";
import { ShipmentWhere } from "./shipment.args.js";

registerEnumType(AggregateDimension, {
  name: "ShipmentAggregateDimension",
  description: "What shipmentAggregates can group by. Each key shows in the ShipmentAggregate field of the same meaning.",
  valuesConfig: {
    BOOKED_AT: { description: "The booking instant, bucketed by `granularity` on the IST calendar (ShipmentAggregate.bookedAt)." },
    DELIVERED_AT: {
      description:
        "The instant of delivery to the addressee, bucketed by `granularity` on the IST calendar (ShipmentAggregate.deliveredAt). " +
        "Groups only delivered shipments: one not delivered has no delivery period.",
    },
    DESTINATION_CIRCLE: { description: "The destination PIN's primary postal circle, keyed as the KPIs' CIRCLE scope (ShipmentAggregate.destinationCircle)." },
    DESTINATION_STATE: { description: "The destination PIN's derived primary state, keyed as the KPIs' STATE scope (ShipmentAggregate.destinationState)." },
    DESTINATION_DISTRICT: { description: "The destination PIN's derived primary district within its state (ShipmentAggregate.destinationDistrict and destinationState)." },
    DESTINATION_PINCODE: { description: "The destination PIN (ShipmentAggregate.destinationPincode)." },
    PRODUCT: { description: "The product code (ShipmentAggregate.productCode)." },
    PAYMENT_MODE: { description: "PREPAID or COD (ShipmentAggregate.paymentMode)." },
    PICKUP_LOCATION: { description: "The pickup location of booking (ShipmentAggregate.pickupLocation)." },
    ROUTE_CLASS: { description: "The service-norm route class fixed at booking (ShipmentAggregate.routeClass)." },
    STATUS: { description: "The normalised status now (ShipmentAggregate.status)." },
    REMOTE_CLASS: { description: "The destination's remote class, or none (ShipmentAggregate.remoteClass)." },
  },
});


export const ShipmentAggregatesArgs = aggregateArgs<AggregateDimension, AggregateMeasure>({
  prefix: "ShipmentAggregate",
  query: "shipmentAggregates",
  dimensions: AggregateDimension,
  measures: AggregateMeasure,
  timeDimensions: "BOOKED_AT and DELIVERED_AT",
  units: "shipments, percent 0–100, days, rupees",
  where: ShipmentWhere,
  whereDescription: "Which shipments to aggregate, as `shipments(where:)` takes them; omitted: all (a circle-restricted viewer: those bound for the circle).",
  row: "shipment",
});
export type ShipmentAggregatesArgs = AggregateArgsValue<AggregateDimension, AggregateMeasure>;

/**
 * What each shipmentAggregates input selects or splits rows by: a dimension needs the roles of the Shipment field
 * showing its value (as ShipmentDimension does for shipmentStats); a measure in having or orderBy those of the
 * ShipmentAggregate field showing it (COD money: FINANCE).
 */
const DIMENSION_MIRRORS: Record<AggregateDimension, string> = {
  BOOKED_AT: "Shipment.bookedAt",
  DELIVERED_AT: "Shipment.deliveredAt",
  DESTINATION_CIRCLE: "Shipment.destination",
  DESTINATION_STATE: "Shipment.destination",
  DESTINATION_DISTRICT: "Shipment.destination",
  DESTINATION_PINCODE: "Shipment.destinationPincode",
  PRODUCT: "Shipment.productCode",
  PAYMENT_MODE: "Shipment.paymentMode",
  PICKUP_LOCATION: "Shipment.pickupLocation",
  ROUTE_CLASS: "Shipment.routeClass",
  STATUS: "Shipment.status",
  // A remote class is an area of destination, read from the destination PIN as Shipment.destination shows it.
  REMOTE_CLASS: "Shipment.destination",
};

export const shipmentAggregateInputAccess: InputDeclarations = aggregateInputAccess(
  "shipmentAggregates",
  "ShipmentAggregate",
  DIMENSION_MIRRORS,
  Object.fromEntries(MEASURES.map((m) => [m.measure, m.field])),
);

