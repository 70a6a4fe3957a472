import { Field, ID, InputType, Int } from "type-graphql";
import { renamedTo } from "../../lib/renamed.js";
import { DateScalar } from "../../lib/scalars.js";

@InputType("UpsertPickupLocationInput", {
  description: "A pickup location to create, or to update when its code exists. Sending the same input again changes nothing.",
})
export class UpsertPickupLocationInput {
  @Field(() => String, {
    description: "Stable code: 2-32 characters, letters, digits and hyphens; stored upper case. Identifies the location.",
  })
  code!: string;

  @Field(() => String, { description: "Name of the location (1-120 characters)." })
  name!: string;

  @Field(() => ID, { description: "Global id of the post office the location sits at (PostOffice.id)." })
  postOfficeId!: string;

  @Field(() => String, { description: "City the location serves (1-80 characters)." })
  city!: string;

  @Field(() => DateScalar, { nullable: true, description: "First day of operation (IST calendar day, inclusive). Required (or activeFrom, its old name)." })
  validFrom?: string | null;

  @Field(() => DateScalar, { nullable: true, description: "Last day of operation (IST calendar day, inclusive); omit or null while open." })
  validTo?: string | null;

  // The old names, one release: optional, since a required input field cannot be deprecated.
  @Field(() => DateScalar, { nullable: true, deprecationReason: renamedTo("validFrom"), description: "First day of operation (inclusive)." })
  activeFrom?: string | null;

  @Field(() => DateScalar, { nullable: true, deprecationReason: renamedTo("validTo"), description: "Last day of operation (inclusive)." })
  activeTo?: string | null;

  @Field(() => Int, { description: "Committed daily handover capacity, parcels per day (1 to 1,000,000)." })
  dailyCapacity!: number;
}
