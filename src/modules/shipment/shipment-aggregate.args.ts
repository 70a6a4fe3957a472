import { ArgsType, Field, Float, InputType, Int, registerEnumType } from "type-graphql";
import { BY_FIELD, BY_VALUE, type InputDeclarations, UNSELECTIVE } from "../access/access.inputs.js";
import { AggregateDimension, AggregateGranularity, AggregateMeasure, MEASURES } from "./shipment-aggregate.rules.js";
import { ShipmentWhere } from "./shipment.args.js";
import { OrderDirection } from "../../lib/order-direction.js";

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


@InputType("ShipmentAggregateGroupBy", { description: "One grouping of shipmentAggregates: a dimension, and for a time dimension its calendar period." })
export class ShipmentAggregateGroupBy {
  @Field(() => AggregateDimension, { description: "The dimension." })
  dimension!: AggregateDimension;

  @Field(() => AggregateGranularity, {
    nullable: true,
    description: "For BOOKED_AT and DELIVERED_AT only: the calendar period; default FISCAL_QUARTER. Given for another dimension: BAD_USER_INPUT.",
  })
  granularity?: AggregateGranularity | null;
}

@InputType("ShipmentAggregateHaving", {
  description:
    "A condition on a group's measure value (in the measure's unit: shipments, percent 0–100, days, rupees). Every operator given " +
    "must hold; a group whose value is null fails it; with no operator the condition asks only that the value is not null.",
})
export class ShipmentAggregateHaving {
  @Field(() => AggregateMeasure, { description: "The measure compared." })
  measure!: AggregateMeasure;

  @Field(() => Float, { nullable: true, description: "Value greater than this." })
  gt?: number | null;

  @Field(() => Float, { nullable: true, description: "Value greater than or equal to this." })
  gte?: number | null;

  @Field(() => Float, { nullable: true, description: "Value less than this." })
  lt?: number | null;

  @Field(() => Float, { nullable: true, description: "Value less than or equal to this." })
  lte?: number | null;

  @Field(() => Float, { nullable: true, description: "Value equal to this." })
  eq?: number | null;
}

@InputType("ShipmentAggregateOrder", {
  description: "One sort key of shipmentAggregates: a measure's value or a grouped dimension's key (exactly one of the two). Nulls come last.",
})
export class ShipmentAggregateOrder {
  @Field(() => AggregateMeasure, { nullable: true, description: "Sort by this measure's value." })
  measure?: AggregateMeasure | null;

  @Field(() => AggregateDimension, { nullable: true, description: "Sort by this dimension's key: periods in time order, names A–Z. A dimension not grouped by has no key, so it changes nothing." })
  dimension?: AggregateDimension | null;

  @Field(() => OrderDirection, { nullable: true, description: "Direction; default ASC. Groups whose value is null come last in either direction." })
  direction?: OrderDirection | null;
}

@ArgsType()
export class ShipmentAggregatesArgs {
  @Field(() => ShipmentWhere, {
    nullable: true,
    description: "Which shipments to aggregate, as `shipments(where:)` takes them; omitted: all (a circle-restricted viewer: those bound for the circle).",
  })
  where?: Record<string, unknown> | null;

  @Field(() => [ShipmentAggregateGroupBy], {
    nullable: true,
    description: "The groupings, each dimension at most once; omitted or empty: one group of every shipment matching the filter.",
  })
  groupBy?: ShipmentAggregateGroupBy[] | null;

  @Field(() => [ShipmentAggregateHaving], { nullable: true, description: "Conditions every group kept must meet." })
  having?: ShipmentAggregateHaving[] | null;

  @Field(() => [ShipmentAggregateOrder], {
    nullable: true,
    description: "Sort keys, most significant first; ties (and the default) follow the grouped keys ascending in groupBy order.",
  })
  orderBy?: ShipmentAggregateOrder[] | null;

  @Field(() => Int, {
    nullable: true,
    description: "How many groups to return, after having and orderBy: at most the server's page size limit (500 by default); default that limit.",
  })
  first?: number | null;
}

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

export const shipmentAggregateInputAccess: InputDeclarations = {
  "Query.shipmentAggregates(where:)": BY_FIELD,
  "Query.shipmentAggregates(groupBy:)": BY_FIELD,
  "Query.shipmentAggregates(having:)": BY_FIELD,
  "Query.shipmentAggregates(orderBy:)": BY_FIELD,
  "Query.shipmentAggregates(first:)": UNSELECTIVE,
  "ShipmentAggregateGroupBy.dimension": BY_VALUE,
  // A period length and a sort direction pick how groups are cut and listed, never which rows are read.
  "ShipmentAggregateGroupBy.granularity": UNSELECTIVE,
  "ShipmentAggregateOrder.direction": UNSELECTIVE,
  "ShipmentAggregateOrder.dimension": BY_VALUE,
  "ShipmentAggregateOrder.measure": BY_VALUE,
  "ShipmentAggregateHaving.measure": BY_VALUE,
  "ShipmentAggregateHaving.gt": UNSELECTIVE,
  "ShipmentAggregateHaving.gte": UNSELECTIVE,
  "ShipmentAggregateHaving.lt": UNSELECTIVE,
  "ShipmentAggregateHaving.lte": UNSELECTIVE,
  "ShipmentAggregateHaving.eq": UNSELECTIVE,
  ...Object.fromEntries(Object.values(AggregateDimension).map((d) => [`ShipmentAggregateDimension.${d}`, DIMENSION_MIRRORS[d]])),
  ...Object.fromEntries(MEASURES.map((m) => [`ShipmentAggregateMeasure.${m.measure}`, `ShipmentAggregate.${m.field}`])),
};

