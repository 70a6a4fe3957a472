import { Field, Int, ObjectType } from "type-graphql";
import { Money } from "../../lib/money.js";
import { AggregatePeriod } from "../shipment/shipment-aggregate.type.js";

@ObjectType("CodRemittanceAggregate", {
  description:
    "One group of codRemittanceAggregates: the remittance period when grouped by it, and the measures asked for (only those " +
    "selected, or named in having or orderBy, are computed).",
})
export class CodRemittanceAggregate {
  @Field(() => AggregatePeriod, { nullable: true, description: "The IST period the batches were remitted in, when grouped by REMITTED_ON; null otherwise." })
  remittedOn!: AggregatePeriod | null;

  @Field(() => Int, { nullable: true, description: "How many remittance batches the group holds (a count of batches)." })
  batches!: number | null;

  @Field(() => Int, { nullable: true, description: "How many COD shipments the group's batches cover: the sum of their shipment counts." })
  shipments!: number | null;

  @Field(() => Money, { nullable: true, description: "The money the group's batches remitted: the sum of their amounts, equal to the sum of the covered shipments' COD amounts." })
  amount!: Money | null;
}
