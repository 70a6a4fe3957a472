import { Field, Int, ObjectType } from "type-graphql";
import { AggregatePeriod } from "./shipment-aggregate.type.js";
import { FailedAttemptReason, ScanEventType } from "./shipment.type.js";
import { Restricted, Role } from "../access/access.roles.js";

const key = (dimension: string, what: string) => `${what}, when grouped by ${dimension}; null otherwise.`;

@ObjectType("ScanEventAggregate", {
  description:
    "One group of scanEventAggregates: the keys of the dimensions grouped by (the others null) and the measures asked for " +
    "(only those selected, or named in having or orderBy, are computed).",
})
export class ScanEventAggregate {
  @Field(() => AggregatePeriod, { nullable: true, description: key("OCCURRED_AT", "The IST period the scans happened in") })
  occurredAt!: AggregatePeriod | null;

  @Field(() => ScanEventType, { nullable: true, description: key("EVENT_TYPE", "The scans' normalised type") })
  eventType!: string | null;

  @Field(() => FailedAttemptReason, { nullable: true, description: key("FAILED_REASON", "Why the attempts failed; null within that grouping for scans that are not failed attempts") })
  failedReason!: string | null;

  // As ScanEvent.office: the offices that scanned trace parcels to their addressees' delivery offices.
  @Restricted(Role.OPERATOR)
  @Field(() => String, { nullable: true, description: key("OFFICE_CIRCLE", "The postal circle of the office that scanned; null within that grouping for scans with no directory office") })
  officeCircle!: string | null;

  @Field(() => String, {
    nullable: true,
    description: key("DESTINATION_CIRCLE", "The scanned shipments' destination circle; 'Army Postal Service' for Army Postal destinations, '(no circle)' for a PIN without one"),
  })
  destinationCircle!: string | null;

  @Field(() => Int, { nullable: true, description: "How many scans the group holds (a count of scan events)." })
  events!: number | null;

  @Field(() => Int, { nullable: true, description: "How many distinct shipments the group's scans are of (a shipment scanned twice counts once)." })
  shipments!: number | null;
}

/** A group as the ScanEventAggregate fields read it: keys and measures by field, and the ids the relation fields load. */
export type ScanEventAggregateValue = Partial<ScanEventAggregate> & { readonly officeId: number | null; readonly pickupLocationId: number | null };
