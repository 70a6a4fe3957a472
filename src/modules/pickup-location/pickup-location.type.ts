import { Directive, Field, Int, ObjectType } from "type-graphql";
import { DateScalar } from "../../lib/scalars.js";
import { Node } from "../node/node.type.js";

// The federation entity key (src/modules/federation): other subgraphs reference and extend the type by it.
@Directive('@key(fields: "code")')
@ObjectType("PickupLocation", {
  implements: Node,
  description:
    "An India Post facility in Amazon's network where Amazon hands parcels over to India Post. The network grew " +
    "from 6 to 13 locations in the 2-3 years before the October 2024 MoU. A closed location keeps its record " +
    "with `validTo` set.",
})
export class PickupLocation extends Node {
  @Field(() => String, { description: "Stable code of the location, upper case, e.g. 'DEL-GPO'." })
  code!: string;

  @Field(() => String, { description: "Name of the location." })
  name!: string;

  @Field(() => String, { description: "City the location serves." })
  city!: string;

  @Field(() => String, { nullable: true, description: "State or union territory: that of the post office it sits at." })
  state!: string | null;

  // Named validFrom/validTo in the schema (docs/ARCHITECTURE.md, Naming); the column keeps its name, and the
  // deprecated activeFrom/activeTo resolve from it in pickup-location.resolver.ts.
  @Field(() => DateScalar, { name: "validFrom", description: "First day of operation (IST calendar day, inclusive)." })
  activeFrom!: string;

  @Field(() => DateScalar, {
    name: "validTo",
    nullable: true,
    description: "Last day of operation (IST calendar day, inclusive); null while the location is open.",
  })
  activeTo!: string | null;

  @Field(() => Int, { description: "Committed daily handover capacity, in parcels per day." })
  dailyCapacity!: number;

  @Field(() => Boolean, {
    description:
      "True when the demo generator made this location (`dakgraph seed demo`): a real post office, but an " +
      "invented partnership facility. Synthetic data, never the partners' own.",
  })
  synthetic!: boolean;
}

@ObjectType("UpsertPickupLocationPayload", { description: "What upsertPickupLocation did." })
export class UpsertPickupLocationPayload {
  @Field(() => Int, { description: "1 when the location was new, else 0." })
  created!: number;

  @Field(() => Int, { description: "1 when an existing location changed, else 0." })
  updated!: number;

  @Field(() => Int, { description: "1 when the input equalled the stored location (a retry): nothing was written." })
  unchanged!: number;

  @Field(() => PickupLocation, { description: "The location as stored after the mutation." })
  pickupLocation!: PickupLocation;
}
