import type { GraphQLResolveInfo } from "graphql";
import { Args, Ctx, FieldResolver, Info, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { whereCondition } from "../../db/query-read.js";
import { type AggregateGroup, aggregatePeriod, type Grouping, checkGroupings, checkOrder, finishGroups } from "../../lib/aggregate-groups.js";
import { selectedMeasures } from "../../lib/aggregate-inputs.js";
import { pageSize } from "../../lib/pagination.js";
import { QUERY_MODEL } from "../../projections.js";
import { circleScope, Restricted, Role } from "../access/access.roles.js";
import type { PickupLocationRow } from "../pickup-location/pickup-location.sql.js";
import { PickupLocation } from "../pickup-location/pickup-location.type.js";
import type { PostOfficeRow } from "../post-office/post-office.sql.js";
import { PostOffice } from "../post-office/post-office.type.js";
import { SCAN_EVENT_MEASURE_FIELD, SCAN_EVENT_TIME_DIMENSIONS, ScanEventAggregatesArgs, ScanEventDimension, ScanEventMeasure } from "./scan-event-aggregate.args.js";
import { aggregateScanEvents } from "./scan-event-aggregate.repository.js";
import { ScanEventAggregate, type ScanEventAggregateValue } from "./scan-event-aggregate.type.js";
import { scanEventConditions } from "./scan-event.repository.js";

const MEASURE_BY_FIELD = new Map(Object.values(ScanEventMeasure).map((m) => [SCAN_EVENT_MEASURE_FIELD[m], m]));

/** The ScanEventAggregate field showing each dimension's key (the office and the pickup location: their ids). */
const KEY_FIELD: Readonly<Record<ScanEventDimension, string>> = {
  OCCURRED_AT: "occurredAt",
  EVENT_TYPE: "eventType",
  FAILED_REASON: "failedReason",
  OFFICE: "officeId",
  OFFICE_CIRCLE: "officeCircle",
  PICKUP_LOCATION: "pickupLocationId",
  DESTINATION_CIRCLE: "destinationCircle",
};

function toValue(group: AggregateGroup<ScanEventDimension, ScanEventMeasure>, groupings: readonly Grouping<ScanEventDimension>[]): ScanEventAggregateValue {
  const value: Record<string, unknown> = { officeId: null, pickupLocationId: null };
  for (const { dimension, granularity } of groupings) {
    const key = group.keys.get(dimension) ?? null;
    if (key === null) value[KEY_FIELD[dimension]] = null;
    else if (granularity !== null) value[KEY_FIELD[dimension]] = aggregatePeriod(granularity, key);
    else if (dimension === ScanEventDimension.OFFICE || dimension === ScanEventDimension.PICKUP_LOCATION) value[KEY_FIELD[dimension]] = Number(key);
    else value[KEY_FIELD[dimension]] = key;
  }
  for (const [measure, figure] of group.figures) value[SCAN_EVENT_MEASURE_FIELD[measure]] = figure.value;
  return value as ScanEventAggregateValue;
}

@Resolver(() => ScanEventAggregate)
export class ScanEventAggregateResolver {
  // As scanEvents: whoever may read shipments may count their scans; a viewer limited to a circle, only the scans of
  // shipments bound for it.
  @Restricted()
  @Query(() => [ScanEventAggregate], {
    nullable: true,
    description:
      "India Post scans grouped by any set of dimensions (the scan's time at day, ISO week, month, fiscal quarter or fiscal year, " +
      "IST; its type, failure reason, office and office circle; its shipment's pickup location and destination circle), counting " +
      "scans and distinct shipments. Only the measures selected (or named in having and orderBy) are computed, in one statement " +
      "over the scans. Groups are sorted by orderBy, then by their keys.",
  })
  async scanEventAggregates(@Args(() => ScanEventAggregatesArgs) args: ScanEventAggregatesArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<ScanEventAggregateValue[]> {
    const groupings = checkGroupings(args.groupBy, SCAN_EVENT_TIME_DIMENSIONS);
    const order = checkOrder(args.orderBy);
    const measures = selectedMeasures(info, MEASURE_BY_FIELD, args.having, args.orderBy);
    const where = whereCondition(QUERY_MODEL, "ScanEvent", args.where, "scan_event");
    const rows = await aggregateScanEvents(ctx.database.db, {
      groupings,
      measures,
      conditions: [...scanEventConditions(circleScope(ctx.viewer)), ...(where === null ? [] : [where])],
    });
    const groups = rows.map((row) => ({
      keys: new Map(groupings.map((g, i) => [g.dimension, row.keys[i] ?? null])),
      figures: new Map([...measures].map((m) => [m, { value: row.values.get(m) ?? 0 }])),
    }));
    const first = pageSize(args.first ?? ctx.config.maxPageSize, ctx.config.maxPageSize);
    return finishGroups(groups, groupings, args.having ?? [], order, first).map((g) => toValue(g, groupings));
  }

  // As ScanEvent.office: the offices that scanned trace parcels to their addressees' delivery offices.
  @Restricted(Role.OPERATOR)
  @FieldResolver(() => PostOffice, { nullable: true, description: "The directory office that scanned, when grouped by OFFICE; null otherwise, and for scans with no directory office." })
  async office(@Root() g: ScanEventAggregateValue, @Ctx() ctx: Context): Promise<PostOfficeRow | null> {
    return g.officeId === null ? null : ((await ctx.loaders.postOfficeById.load(g.officeId)) ?? null);
  }

  @FieldResolver(() => PickupLocation, { nullable: true, description: "The pickup location the scanned shipments were booked at, when grouped by PICKUP_LOCATION; null otherwise." })
  async pickupLocation(@Root() g: ScanEventAggregateValue, @Ctx() ctx: Context): Promise<PickupLocationRow | null> {
    return g.pickupLocationId === null ? null : ((await ctx.loaders.pickupLocationById.load(g.pickupLocationId)) ?? null);
  }
}
