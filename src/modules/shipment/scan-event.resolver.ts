import { Args, Ctx, Query, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import { orderTerm } from "../../db/query-sql.js";
import { ConnectionType } from "../../lib/pagination.js";
import { QUERY_MODEL } from "../../projections.js";
import { circleScope, Restricted } from "../access/access.roles.js";
import { ScanEventsArgs } from "./scan-event.args.js";
import { scanEventConditions, scanEventQuery } from "./scan-event.repository.js";
import { ScanEvent } from "./shipment.type.js";

const ScanEventConnection = ConnectionType(ScanEvent, "ScanEvent", "scan events");

/** Newest scan first: the order of `scanEvents` without `orderBy`. */
const SCAN_EVENT_DEFAULT_ORDER = [orderTerm(QUERY_MODEL, "ScanEvent", "OCCURRED_AT", true)];

@Resolver(() => ScanEvent)
export class ScanEventsResolver {
  // Whoever may read shipments (and so Shipment.events) may read their scans; a viewer limited to a circle, only the
  // scans of shipments bound for it, as `shipments` keeps to them.
  @Restricted()
  @Query(() => ScanEventConnection, {
    nullable: true,
    description:
      "India Post scans of every shipment matching `where`, in any order of their fields (or their shipment's), paged either way " +
      "(first/after or last/before); newest scan first by default.",
  })
  scanEvents(@Args(() => ScanEventsArgs) args: ScanEventsArgs, @Ctx() ctx: Context) {
    return scanEventQuery(QUERY_MODEL).connection(ctx.database.db, args, {
      fallback: SCAN_EVENT_DEFAULT_ORDER,
      conditions: scanEventConditions(circleScope(ctx.viewer)),
      maxPageSize: ctx.config.maxPageSize,
      name: "scanEvents",
    });
  }
}
