import { ArgsType, Field, InputType, registerEnumType } from "type-graphql";
import { PageArgs } from "../../lib/pagination.js";
import { PinScalar } from "../../lib/scalars.js";
import { QUERY } from "../../projections.js";
import { OfficeType } from "./post-office.type.js";
import { BY_FIELD, type InputDeclarations, UNSELECTIVE } from "../access/access.inputs.js";

export enum PostOfficeOrder {
  NAME_ASC = "NAME_ASC",
  NAME_DESC = "NAME_DESC",
  PINCODE_ASC = "PINCODE_ASC",
  PINCODE_DESC = "PINCODE_DESC",
}

registerEnumType(PostOfficeOrder, {
  name: "PostOfficeOrder",
  description: "Sort order of a post-office list. Names sort by Unicode code point (A–Z before a–z); ties break by id.",
  valuesConfig: {
    NAME_ASC: { description: "By office name, A to Z." },
    NAME_DESC: { description: "By office name, Z to A." },
    PINCODE_ASC: { description: "By PIN, lowest first." },
    PINCODE_DESC: { description: "By PIN, highest first." },
  },
});

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

/** The generated filter input of post offices (src/lib/query-inputs.ts). */
export const PostOfficeWhere = QUERY.where("PostOffice");

@ArgsType()
export class PostOfficesArgs extends PageArgs {
  @Field(() => PostOfficeWhere, {
    nullable: true,
    description: "Which offices: conditions on their fields and on their PIN area (and its circle); with `filter`, both hold. Omitted: all.",
  })
  where?: Record<string, unknown> | null;

  @Field(() => PostOfficeFilter, { nullable: true, description: "Which offices; omitted: all." })
  filter?: PostOfficeFilter | null;

  @Field(() => PostOfficeOrder, { defaultValue: PostOfficeOrder.NAME_ASC, description: "Sort order; default NAME_ASC." })
  orderBy!: PostOfficeOrder;
}

/** What each post-office input selects rows by (access.inputs.ts). */
export const postOfficeInputAccess: InputDeclarations = {
  "Query.postOffice(id:)": "PostOffice.id",
  "Query.postOffices(filter:)": BY_FIELD,
  "Query.postOffices(where:)": BY_FIELD,
  "Query.postOffices(orderBy:)": "PostOffice.name",
  "Query.postOffices(first:)": UNSELECTIVE,
  "Query.postOffices(after:)": UNSELECTIVE,
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
