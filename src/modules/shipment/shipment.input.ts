import { Field, Float, ID, InputType, Int } from "type-graphql";
import { TrackingNumberScalar } from "../../lib/s10.js";
import { DateScalar, DateTimeScalar, PinScalar } from "../../lib/scalars.js";
import { ArmyPostOffice, FailedAttemptReason, PaymentMode } from "./shipment.type.js";

@InputType("ShipmentInput", {
  description:
    "One booked shipment. Identified by tracking number and IST booking day: sending it again with the same facts " +
    "changes nothing; a different value for a booking fact is a CONFLICT; declared value and delivering office may be " +
    "added later to a shipment stored without them.",
})
export class ShipmentInput {
  @Field(() => TrackingNumberScalar, { description: "UPU S10 tracking number; spaces and lower case are normalised, the check digit verified." })
  trackingNumber!: string;

  @Field(() => DateTimeScalar, { description: "When the parcel was booked, with a time zone; from 2013-01-01 to now. Its IST day is the booking date." })
  bookedAt!: Date;

  @Field(() => String, { description: "Product code offered on the booking day (see the products query), e.g. SPEED_POST." })
  productCode!: string;

  @Field(() => PaymentMode, { description: "PREPAID or COD." })
  paymentMode!: PaymentMode;

  @Field(() => Float, {
    nullable: true,
    description: "Cash to collect, in whole rupees from 1 to 50,000 (India Post's limit per article). Required for COD; must be left out for PREPAID.",
  })
  codAmount?: number | null;

  @Field(() => Int, { description: "Weight in grams, 1 to 35,000 and within the product's limits." })
  weightGrams!: number;

  @Field(() => Float, { nullable: true, description: "Declared value of the contents, rupees with at most 2 decimals, ₹0 to ₹10,00,000." })
  declaredValue?: number | null;

  @Field(() => String, { description: "Code of the pickup location the parcel was handed over at; it must be open on the booking day." })
  pickupLocationCode!: string;

  @Field(() => PinScalar, {
    description:
      "Destination PIN: a deliverable PIN of the directory, or for an Army Postal destination its zone-9 PIN (then armyPostOffice is required).",
  })
  destinationPincode!: string;

  @Field(() => ArmyPostOffice, { nullable: true, description: "Set for an Army Postal destination (c/o 56 APO or c/o 99 APO); leave out otherwise." })
  armyPostOffice?: ArmyPostOffice | null;

  @Field(() => ID, { nullable: true, description: "Global id of the delivery office of the destination PIN, when known (PostOffice.id)." })
  deliveryOfficeId?: string | null;
}

@InputType("RecordShipmentsInput", { description: "A batch of shipments: recorded all together or not at all." })
export class RecordShipmentsInput {
  @Field(() => [ShipmentInput], { description: "1 to 1,000 shipments." })
  shipments!: ShipmentInput[];
}

@InputType("ScanEventInput", {
  description:
    "One India Post scan. It belongs to the latest booking of the tracking number made on or before the scan's IST day, " +
    "or to the booking named by bookingDate. The same scan (shipment, time, type) sent again changes nothing.",
})
export class ScanEventInput {
  @Field(() => TrackingNumberScalar, { description: "Tracking number of the scanned item." })
  trackingNumber!: string;

  @Field(() => DateScalar, { nullable: true, description: "Booking day of the shipment, to pick one booking of a reused number; usually left out." })
  bookingDate?: string | null;

  @Field(() => DateTimeScalar, { description: "When the scan happened, with a time zone; not in the future, not before the booking day." })
  occurredAt!: Date;

  @Field(() => String, {
    description:
      "The event: India Post's raw text (\"Item Delivered (Addressee)\", \"Item delivery attempted - Door locked\") or a " +
      "ScanEventType name (\"DELIVERED\"). Text that maps to no type is refused, never guessed.",
  })
  event!: string;

  @Field(() => FailedAttemptReason, {
    nullable: true,
    description: "For a DELIVERY_ATTEMPTED scan: the reason, overriding one read from the text (OTHER when neither gives one).",
  })
  failedReason?: string | null;

  @Field(() => ID, { nullable: true, description: "Global id of the post office that scanned (PostOffice.id), when known." })
  officeId?: string | null;

  @Field(() => String, { nullable: true, description: "The office as the feed names it (1-120 characters)." })
  officeName?: string | null;
}

@InputType("RecordScanEventsInput", { description: "A batch of scans: recorded all together or not at all." })
export class RecordScanEventsInput {
  @Field(() => [ScanEventInput], { description: "1 to 1,000 scans, in any order: out-of-order scans are placed by time." })
  events!: ScanEventInput[];
}

@InputType("ShipmentRef", { description: "A shipment by tracking number, and booking day when the number was reused." })
export class ShipmentRef {
  @Field(() => TrackingNumberScalar, { description: "Tracking number." })
  trackingNumber!: string;

  @Field(() => DateScalar, { nullable: true, description: "Booking day (IST); left out: the latest booking of the number." })
  bookingDate?: string | null;
}

@InputType("RecordCodRemittanceInput", {
  description:
    "A COD remittance batch. Refused unless the amount equals the sum of the shipments' COD amounts, every shipment is a " +
    "delivered COD shipment delivered on or before the remittance day, and none is in another batch. The same batch sent " +
    "again changes nothing; the same reference with other content is a CONFLICT.",
})
export class RecordCodRemittanceInput {
  @Field(() => String, { description: "Bank reference of the transfer (UTR): 4-35 letters, digits or hyphens; stored upper case." })
  reference!: string;

  @Field(() => DateScalar, { description: "Day the money was remitted (IST); not in the future." })
  remittedOn!: string;

  @Field(() => Float, { description: "Amount remitted, rupees with at most 2 decimals: must equal the sum of the shipments' COD amounts." })
  amount!: number;

  @Field(() => [ShipmentRef], { description: "The COD shipments the batch pays for: 1 to 5,000, each once." })
  shipments!: ShipmentRef[];
}
