import { ArgsType, Field, InputType, Int } from "type-graphql";
import { BidirectionalPageArgs } from "../../lib/pagination.js";
import { QUERY } from "../../projections.js";
import { BY_FIELD, type InputDeclarations, UNSELECTIVE } from "../access/access.inputs.js";

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

/** The generated filter and order inputs of PIN areas (src/lib/query-inputs.ts). */
export const PincodeWhere = QUERY.where("Pincode");
export const PincodeOrderBy = QUERY.orderBy("Pincode");

@ArgsType()
export class PincodesArgs extends BidirectionalPageArgs {
  @Field(() => PincodeWhere, {
    nullable: true,
    description: "Which PINs: conditions on their fields, their circle, and on serviceability, activity and remote class; omitted: all.",
  })
  where?: Record<string, unknown> | null;

  @Field(() => PincodeFilter, { nullable: true, deprecationReason: "Use `where`, which takes any field with and / or / not.", description: "Which PINs (the earlier, fixed filter); with `where`, both hold." })
  filter?: PincodeFilter | null;

  @Field(() => [PincodeOrderBy], { nullable: true, description: "Order, key by key; ties are broken by the PIN. Default: by PIN." })
  orderBy?: { field: string; direction?: string | null }[] | null;
}

/** What each PIN-directory input selects rows by (access.inputs.ts). */
export const pincodeInputAccess: InputDeclarations = {
  "Query.pincode(code:)": "Pincode.code",
  "Query.pincodes(filter:)": BY_FIELD,
  "Query.pincodes(where:)": BY_FIELD,
  "Query.pincodes(orderBy:)": BY_FIELD,
  "Query.pincodes(first:)": UNSELECTIVE,
  "Query.pincodes(after:)": UNSELECTIVE,
  "Query.pincodes(last:)": UNSELECTIVE,
  "Query.pincodes(before:)": UNSELECTIVE,
  "Query.pincodesNear(latitude:)": "Pincode.location",
  "Query.pincodesNear(longitude:)": "Pincode.location",
  "Query.pincodesNear(radiusKm:)": "Pincode.location",
  "Query.pincodesNear(first:)": UNSELECTIVE,
  "PincodeFilter.codePrefix": "Pincode.code",
  "PincodeFilter.zone": "Pincode.zone",
  "PincodeFilter.state": "Pincode.primaryState",
  "PincodeFilter.district": "Pincode.primaryDistrict",
  "PincodeFilter.circle": "Pincode.primaryCircle",
  "PincodeFilter.isArmyPostal": "Pincode.isArmyPostal",
};
