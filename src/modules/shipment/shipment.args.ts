import { ArgsType, Field, InputType, registerEnumType } from "type-graphql";
import { FiscalQuarterScalar, type FiscalQuarter } from "../../lib/fiscal-quarter.js";
import { BidirectionalPageArgs } from "../../lib/pagination.js";
import { QUERY } from "../../projections.js";
import { DateScalar, PinScalar } from "../../lib/scalars.js";
import { BY_FIELD, BY_VALUE, type InputDeclarations, UNSELECTIVE } from "../access/access.inputs.js";
import { isArmyPostal } from "../pincode/pincode.zone.js";
import { PaymentMode, ShipmentStatus } from "./shipment.type.js";

@InputType("ShipmentFilter", {
  description:
    "Conditions on shipments; all given conditions must hold. Destination state and circle are the destination PIN's " +
    "derived primary state and circle (Pincode.primaryState / primaryCircle). Dates are IST calendar days.",
})
export class ShipmentFilter {
  @Field(() => [ShipmentStatus], { nullable: true, description: "Any of these statuses." })
  status?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Any of these product codes." })
  productCode?: string[] | null;

  @Field(() => PaymentMode, { nullable: true, description: "Only prepaid, or only COD." })
  paymentMode?: PaymentMode | null;

  @Field(() => [String], { nullable: true, description: "Booked at any of these pickup locations (codes, any case)." })
  pickupLocationCode?: string[] | null;

  @Field(() => PinScalar, { nullable: true, description: "Going to this PIN." })
  destinationPincode?: string | null;

  @Field(() => String, { nullable: true, description: "Going to PINs whose primary state is this (exact name, any case)." })
  destinationState?: string | null;

  @Field(() => String, { nullable: true, description: "Going to PINs whose primary postal circle is this (exact name, any case)." })
  destinationCircle?: string | null;

  @Field(() => DateScalar, { nullable: true, description: "Booked on or after this IST day." })
  bookedFrom?: string | null;

  @Field(() => DateScalar, { nullable: true, description: "Booked on or before this IST day (inclusive)." })
  bookedTo?: string | null;

  @Field(() => FiscalQuarterScalar, { nullable: true, description: "Booked in this fiscal quarter (IST boundaries)." })
  bookedInQuarter?: FiscalQuarter | null;

  @Field(() => Boolean, { nullable: true, description: "true: only Army Postal destinations; false: only civilian PINs." })
  armyPostal?: boolean | null;

  @Field(() => Boolean, { nullable: true, description: "true: only demo-generator (synthetic) rows; false: only real rows." })
  synthetic?: boolean | null;
}

/** The generated filter and order inputs of shipments (src/lib/query-inputs.ts). */
export const ShipmentWhere = QUERY.where("Shipment");
export const ShipmentOrderBy = QUERY.orderBy("Shipment");

export interface OrderByValue {
  readonly field: string;
  readonly direction?: string | null;
}

/** A page of shipments: `where`, `orderBy` and the page arguments (nested connections take these; Query.shipments too). */
@ArgsType()
export class ShipmentPageArgs extends BidirectionalPageArgs {
  @Field(() => ShipmentWhere, {
    nullable: true,
    description:
      "Which shipments: conditions on their fields and on their destination PIN area (and its circle), pickup location and delivery office; omitted: all.",
  })
  where?: Record<string, unknown> | null;

  @Field(() => [ShipmentOrderBy], {
    nullable: true,
    description: "Order, key by key; ties are broken by the shipment's internal id. Default: latest booking first ([{ field: BOOKED_AT, direction: DESC }]).",
  })
  orderBy?: OrderByValue[] | null;
}

@ArgsType()
export class ShipmentsArgs extends ShipmentPageArgs {
  @Field(() => ShipmentFilter, { nullable: true, deprecationReason: "Use `where`, which takes any field with and / or / not.", description: "Which shipments (the earlier, fixed filter); with `where`, both hold." })
  filter?: ShipmentFilter | null;
}

export enum ShipmentDimension {
  STATUS = "STATUS",
  PRODUCT = "PRODUCT",
  PAYMENT_MODE = "PAYMENT_MODE",
  PICKUP_LOCATION = "PICKUP_LOCATION",
  DESTINATION_STATE = "DESTINATION_STATE",
  DESTINATION_CIRCLE = "DESTINATION_CIRCLE",
  BOOKING_QUARTER = "BOOKING_QUARTER",
}
registerEnumType(ShipmentDimension, {
  name: "ShipmentDimension",
  description: "A dimension shipmentStats can group by.",
  valuesConfig: {
    STATUS: { description: "The normalised status." },
    PRODUCT: { description: "The product code." },
    PAYMENT_MODE: { description: "PREPAID or COD." },
    PICKUP_LOCATION: { description: "The pickup location (code)." },
    DESTINATION_STATE: { description: "The destination PIN's derived primary state; Army Postal destinations group under null." },
    DESTINATION_CIRCLE: { description: "The destination PIN's primary postal circle; Army Postal destinations group under null." },
    BOOKING_QUARTER: { description: "The fiscal quarter of booking (IST)." },
  },
});

@ArgsType()
export class ShipmentStatsArgs {
  @Field(() => ShipmentFilter, { nullable: true, description: "Which shipments to aggregate; omitted: all." })
  filter?: ShipmentFilter | null;

  @Field(() => [ShipmentDimension], { nullable: true, description: "Dimensions to group by (each at most once); omitted or empty: one group of everything." })
  groupBy?: ShipmentDimension[] | null;
}

/**
 * What each shipment input selects rows by: the Shipment field showing that value, whose roles it needs
 * (access.inputs.ts). shipments and shipmentStats alike: a filter can narrow an aggregate to one shipment.
 */
export const shipmentInputAccess: InputDeclarations = {
  "Query.shipment(trackingNumber:)": "Shipment.trackingNumber",
  "Query.shipment(bookingDate:)": "Shipment.bookingDate",
  "Query.shipments(filter:)": BY_FIELD,
  "Query.shipments(where:)": BY_FIELD,
  "Query.shipments(orderBy:)": BY_FIELD,
  "Query.shipments(first:)": UNSELECTIVE,
  "Query.shipments(after:)": UNSELECTIVE,
  "Query.shipments(last:)": UNSELECTIVE,
  "Query.shipments(before:)": UNSELECTIVE,
  "Query.shipmentStats(filter:)": BY_FIELD,
  "Query.shipmentStats(groupBy:)": BY_VALUE,
  ...Object.fromEntries(
    ["PickupLocation", "Pincode"].flatMap((parent) => [
      [`${parent}.shipments(where:)`, BY_FIELD],
      [`${parent}.shipments(orderBy:)`, BY_FIELD],
      ...["first", "after", "last", "before"].map((arg) => [`${parent}.shipments(${arg}:)`, UNSELECTIVE]),
    ]),
  ),
  "ShipmentFilter.status": "Shipment.status",
  "ShipmentFilter.productCode": "Shipment.productCode",
  "ShipmentFilter.paymentMode": "Shipment.paymentMode",
  "ShipmentFilter.pickupLocationCode": "Shipment.pickupLocation",
  "ShipmentFilter.destinationPincode": { mirrors: "Shipment.destinationPincode", armyPostal: (pin) => isArmyPostal(String(pin)) },
  // A state or circle of destination is read from the destination PIN area (Shipment.destination).
  "ShipmentFilter.destinationState": "Shipment.destination",
  "ShipmentFilter.destinationCircle": "Shipment.destination",
  "ShipmentFilter.bookedFrom": "Shipment.bookedAt",
  "ShipmentFilter.bookedTo": "Shipment.bookedAt",
  "ShipmentFilter.bookedInQuarter": "Shipment.bookingQuarter",
  "ShipmentFilter.armyPostal": "Shipment.destinationKind",
  "ShipmentFilter.synthetic": "Shipment.synthetic",
  "ShipmentDimension.STATUS": "Shipment.status",
  "ShipmentDimension.PRODUCT": "Shipment.productCode",
  "ShipmentDimension.PAYMENT_MODE": "Shipment.paymentMode",
  "ShipmentDimension.PICKUP_LOCATION": "Shipment.pickupLocation",
  "ShipmentDimension.DESTINATION_STATE": "Shipment.destination",
  "ShipmentDimension.DESTINATION_CIRCLE": "Shipment.destination",
  "ShipmentDimension.BOOKING_QUARTER": "Shipment.bookingQuarter",
};
