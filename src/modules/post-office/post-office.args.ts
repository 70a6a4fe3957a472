import { ArgsType, Field, InputType } from "type-graphql";
import { BidirectionalPageArgs } from "../../lib/pagination.js";
import { PinScalar } from "../../lib/scalars.js";
import { orderTerm } from "../../db/query-sql.js";
import { QUERY, QUERY_MODEL } from "../../projections.js";
import { OfficeType } from "./post-office.type.js";
import { BY_FIELD, type InputDeclarations, UNSELECTIVE } from "../access/access.inputs.js";

@InputType("PostOfficeFilter", {
  description: "Conditions on post offices; all given conditions must hold. Text matches ignore case.",
})
export class PostOfficeFilter {
  @Field(() => String, {
    nullable: true,
    description: "Name contains this text anywhere (case-insensitive substring, trigram-indexed), e.g. 'diskit'.",
  })
  nameContains?: string | null;

  @Field(() => String, { nullable: true, description: "Name starts with this text (case-insensitive prefix)." })
  nameStartsWith?: string | null;

  @Field(() => PinScalar, { nullable: true, description: "Offices of this PIN." })
  pincode?: string | null;

  @Field(() => String, { nullable: true, description: "Offices in this state or union territory (exact name, any case)." })
  state?: string | null;

  @Field(() => String, { nullable: true, description: "Offices in this district (exact name, any case)." })
  district?: string | null;

  @Field(() => String, { nullable: true, description: "Offices of this postal circle (exact name, any case, e.g. 'north eastern')." })
  circle?: string | null;

  @Field(() => String, { nullable: true, description: "Offices of this postal region (exact name without 'Region', any case)." })
  region?: string | null;

  @Field(() => String, { nullable: true, description: "Offices of this postal division (exact name without 'Division', any case)." })
  division?: string | null;

  @Field(() => OfficeType, { nullable: true, description: "Offices of this type." })
  officeType?: OfficeType | null;

  @Field(() => Boolean, {
    nullable: true,
    description: "true: delivery offices only; false: non-delivery offices only. Offices of unknown status match neither.",
  })
  delivery?: boolean | null;
}

/** The generated filter and order inputs of post offices (src/lib/query-inputs.ts). */
export const PostOfficeWhere = QUERY.where("PostOffice");
export const PostOfficeOrderBy = QUERY.orderBy("PostOffice");

/** By name (code point order), ties by id: the order of `postOffices` and `Pincode.postOffices` without `orderBy`. */
export const POST_OFFICE_DEFAULT_ORDER = [orderTerm(QUERY_MODEL, "PostOffice", "NAME", false)];

/** A page of post offices: `where`, `orderBy` and the page arguments (Pincode.postOffices takes these; Query.postOffices too). */
@ArgsType()
export class PostOfficePageArgs extends BidirectionalPageArgs {
  @Field(() => PostOfficeWhere, {
    nullable: true,
    description: "Which offices: conditions on their fields and on their PIN area (and its circle); omitted: all.",
  })
  where?: Record<string, unknown> | null;

  @Field(() => [PostOfficeOrderBy], {
    nullable: true,
    description:
      "Order, key by key; ties are broken by the office's internal id. Names sort by Unicode code point (A–Z before a–z). " +
      "Default: by name ([{ field: NAME }]). Replaces the enum of 0.1.0: NAME_ASC is [{ field: NAME }], NAME_DESC " +
      "[{ field: NAME, direction: DESC }], PINCODE_ASC [{ field: PINCODE_CODE }], PINCODE_DESC [{ field: PINCODE_CODE, direction: DESC }].",
  })
  orderBy?: { field: string; direction?: string | null }[] | null;
}

@ArgsType()
export class PostOfficesArgs extends PostOfficePageArgs {
  @Field(() => PostOfficeFilter, { nullable: true, description: "Which offices (the name search: nameContains and nameStartsWith use the name indexes); with `where`, both hold. Omitted: all." })
  filter?: PostOfficeFilter | null;
}

/** What each post-office input selects rows by (access.inputs.ts). */
export const postOfficeInputAccess: InputDeclarations = {
  "Query.postOffice(id:)": "PostOffice.id",
  "Query.postOffices(filter:)": BY_FIELD,
  "Query.postOffices(where:)": BY_FIELD,
  "Query.postOffices(orderBy:)": BY_FIELD,
  ...Object.fromEntries(
    ["Query.postOffices", "Pincode.postOffices"].flatMap((field) => ["first", "after", "last", "before"].map((arg) => [`${field}(${arg}:)`, UNSELECTIVE])),
  ),
  "Pincode.postOffices(where:)": BY_FIELD,
  "Pincode.postOffices(orderBy:)": BY_FIELD,
  "PostOfficeFilter.nameContains": "PostOffice.name",
  "PostOfficeFilter.nameStartsWith": "PostOffice.name",
  "PostOfficeFilter.pincode": "PostOffice.pincode",
  "PostOfficeFilter.state": "PostOffice.state",
  "PostOfficeFilter.district": "PostOffice.district",
  "PostOfficeFilter.circle": "PostOffice.circle",
  "PostOfficeFilter.region": "PostOffice.region",
  "PostOfficeFilter.division": "PostOffice.division",
  "PostOfficeFilter.officeType": "PostOffice.officeType",
  "PostOfficeFilter.delivery": "PostOffice.delivery",
};
