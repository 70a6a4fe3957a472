import { ArgsType, Field } from "type-graphql";
import { BidirectionalPageArgs } from "../../lib/pagination.js";
import { QUERY } from "../../projections.js";
import { BY_FIELD, type InputDeclarations, UNSELECTIVE } from "../access/access.inputs.js";
import type { OrderByValue } from "./shipment.args.js";

/** The generated filter and order inputs of scans (src/lib/query-inputs.ts). */
export const ScanEventWhere = QUERY.where("ScanEvent");
export const ScanEventOrderBy = QUERY.orderBy("ScanEvent");

@ArgsType()
export class ScanEventsArgs extends BidirectionalPageArgs {
  @Field(() => ScanEventWhere, {
    nullable: true,
    description: "Which scans: conditions on their fields, on the scanning post office and on the scanned shipment (and, through it, its destination, pickup location and delivery office); omitted: all.",
  })
  where?: Record<string, unknown> | null;

  @Field(() => [ScanEventOrderBy], {
    nullable: true,
    description: "Order, key by key; ties are broken by the scan's internal id. Default: newest scan first ([{ field: OCCURRED_AT, direction: DESC }]).",
  })
  orderBy?: OrderByValue[] | null;
}

/** What each scan-event argument selects rows by (access.inputs.ts); the generated inputs declare themselves. */
export const scanEventInputAccess: InputDeclarations = {
  "Query.scanEvents(where:)": BY_FIELD,
  "Query.scanEvents(orderBy:)": BY_FIELD,
  "Query.scanEvents(first:)": UNSELECTIVE,
  "Query.scanEvents(after:)": UNSELECTIVE,
  "Query.scanEvents(last:)": UNSELECTIVE,
  "Query.scanEvents(before:)": UNSELECTIVE,
};
