import { ArgsType, Field, InputType, Int } from "type-graphql";
import { PageArgs } from "../../lib/pagination.js";

@InputType("PincodeFilter", { description: "Conditions on PIN areas; all given conditions must hold. Text matches ignore case." })
export class PincodeFilter {
  @Field(() => String, {
    nullable: true,
    description: "PINs starting with these digits (1 to 6 digits, e.g. '7441' for Andaman & Nicobar's 7441xx).",
  })
  codePrefix?: string | null;

  @Field(() => Int, { nullable: true, description: "Postal zone: the first digit, 1 to 9 (9 = Army Postal Service)." })
  zone?: number | null;

  @Field(() => String, { nullable: true, description: "PINs whose derived primary state is this (exact name, any case)." })
  state?: string | null;

  @Field(() => String, { nullable: true, description: "PINs whose derived primary district is this (exact name, any case)." })
  district?: string | null;

  @Field(() => String, { nullable: true, description: "PINs whose derived primary circle is this (exact name, any case)." })
  circle?: string | null;

  @Field(() => Boolean, { nullable: true, description: "true: only 9xxxxx Army Postal Service PINs; false: none of them." })
  isArmyPostal?: boolean | null;
}

@ArgsType()
export class PincodesArgs extends PageArgs {
  @Field(() => PincodeFilter, { nullable: true, description: "Which PINs; omitted: all. PINs are listed in code order." })
  filter?: PincodeFilter | null;
}
