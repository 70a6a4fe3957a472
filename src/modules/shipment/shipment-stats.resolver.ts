import type { GraphQLResolveInfo } from "graphql";
import { Args, Ctx, FieldResolver, Info, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { BadUserInputError } from "../../lib/errors.js";
import { Money, toMoney } from "../../lib/money.js";
import { selectsField } from "../../lib/selection.js";
import { Restricted, Role } from "../access/access.roles.js";
import type { PickupLocationRow } from "../pickup-location/pickup-location.sql.js";
import { PickupLocation } from "../pickup-location/pickup-location.type.js";
import { shipmentGroups } from "./shipment-aggregate.resolver.js";
import { AggregateGranularity } from "../../lib/aggregate-groups.js";
import {
  AggregateDimension,
  type AggregateFigures,
  type AggregateGroup,
  AggregateMeasure,
  groupFigures,
  type Grouping,
  MEASURE,
} from "./shipment-aggregate.rules.js";
import { ShipmentDimension, ShipmentStatsArgs } from "./shipment.args.js";
import { shipmentFilterValues } from "./shipment.resolver.js";
import { ShipmentStatsGroup } from "./shipment.type.js";

/*
 * shipmentStats, deprecated: a thin alias of shipmentAggregates. Its filter and dimensions are mapped onto
 * shipmentAggregates' groupings, its measure fields onto the KPI measures (so they now have the KPIs'
 * definitions, which each field's description states), and the groups back onto ShipmentStatsGroup. It goes
 * with this file in the release after next.
 */

/** Each shipmentStats dimension as a shipmentAggregates grouping, and the ShipmentStatsGroup field showing its key. */
const GROUPING: Readonly<Record<ShipmentDimension, Grouping & { readonly field: string }>> = {
  STATUS: { dimension: AggregateDimension.STATUS, granularity: null, field: "status" },
  PRODUCT: { dimension: AggregateDimension.PRODUCT, granularity: null, field: "productCode" },
  PAYMENT_MODE: { dimension: AggregateDimension.PAYMENT_MODE, granularity: null, field: "paymentMode" },
  PICKUP_LOCATION: { dimension: AggregateDimension.PICKUP_LOCATION, granularity: null, field: "pickupLocationId" },
  DESTINATION_STATE: { dimension: AggregateDimension.DESTINATION_STATE, granularity: null, field: "destinationState" },
  DESTINATION_CIRCLE: { dimension: AggregateDimension.DESTINATION_CIRCLE, granularity: null, field: "destinationCircle" },
  BOOKING_QUARTER: { dimension: AggregateDimension.BOOKED_AT, granularity: AggregateGranularity.FISCAL_QUARTER, field: "bookingQuarter" },
};

/** Each measure field of ShipmentStatsGroup: the KPI measure it now is, and what of its figures it shows. */
const MEASURE_FIELDS: Readonly<Record<string, { readonly measure: AggregateMeasure; readonly read: (f: AggregateFigures) => unknown }>> = {
  shipments: { measure: AggregateMeasure.BOOKED_VOLUME, read: (f) => f.value },
  delivered: { measure: AggregateMeasure.DELIVERED_VOLUME, read: (f) => f.value },
  returned: { measure: AggregateMeasure.RETURN_TO_ORIGIN, read: (f) => f.numerator },
  meanTransitDays: { measure: AggregateMeasure.TRANSIT_DAYS_MEAN, read: (f) => f.value },
  p90TransitDays: { measure: AggregateMeasure.TRANSIT_DAYS_P90, read: (f) => f.value },
  // The KPI is in rupees; a whole number of paise comes back exactly.
  codAmount: { measure: AggregateMeasure.COD_COLLECTED, read: (f) => (f.value === null ? null : toMoney(Math.round(f.value * 100))) },
};

/** A group as the ShipmentStatsGroup fields read it: each key and measure under its field's name. */
type StatsValue = Record<string, unknown> & { readonly pickupLocationId: number | null; readonly codAmount?: Money | null };

const keyOf = (group: AggregateGroup, groupings: readonly Grouping[]) => JSON.stringify(groupings.map((g) => group.keys.get(g.dimension) ?? null));

function toStatsValue(group: AggregateGroup, dimensions: readonly ShipmentDimension[]): StatsValue {
  const value: Record<string, unknown> = { pickupLocationId: null };
  for (const d of dimensions) {
    const key = group.keys.get(GROUPING[d].dimension) ?? null;
    value[GROUPING[d].field] = d === ShipmentDimension.PICKUP_LOCATION && key !== null ? Number(key) : key;
  }
  for (const [field, { measure, read }] of Object.entries(MEASURE_FIELDS)) {
    const figures = group.figures.get(measure);
    if (figures !== undefined) value[field] = read(figures);
  }
  return value as StatsValue;
}

@Resolver(() => ShipmentStatsGroup)
export class ShipmentStatsResolver {
  @Restricted()
  @Query(() => [ShipmentStatsGroup], {
    nullable: true,
    deprecationReason:
      "Use shipmentAggregates, which this field now reads: its measures are the KPIs' definitions (each field says which, and " +
      "what changed). Removed in the release after next.",
    description:
      "Counts, COD sums and transit times of shipments, grouped by any of the dimensions (one row per group, sorted by the group " +
      "keys; without groupBy one group, of zeros when nothing matches). Read through shipmentAggregates: each measure is a KPI's " +
      "definition (kpiDefinitions), computed only when selected.",
  })
  async shipmentStats(
    @Args(() => ShipmentStatsArgs) args: ShipmentStatsArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<StatsValue[]> {
    const dimensions = [...new Set(args.groupBy ?? [])];
    if (dimensions.length !== (args.groupBy ?? []).length) {
      throw new BadUserInputError("groupBy lists a dimension more than once.", { field: "groupBy", value: args.groupBy });
    }
    const groupings = dimensions.map((d) => GROUPING[d]);
    const measures = Object.entries(MEASURE_FIELDS)
      .filter(([field]) => selectsField(info, field))
      .map(([, { measure }]) => MEASURE.get(measure)!);
    const query = { groupings, filter: await shipmentFilterValues(args.filter, ctx), having: [], order: [], first: Number.POSITIVE_INFINITY };
    const groups = await shipmentGroups(ctx, { ...query, measures, whereInput: null });
    // The statement over no rows has no group; shipmentStats always answered one group when not grouping.
    if (groupings.length === 0 && groups.length === 0) groups.push({ keys: new Map(), figures: groupFigures({}, null, measures) });
    const values = groups.map((g) => toStatsValue(g, dimensions));
    if (selectsField(info, "codShipments")) {
      // No KPI counts COD bookings: the same groups' booked volume, over the COD shipments only.
      const cod = await shipmentGroups(ctx, {
        ...query,
        measures: [MEASURE.get(AggregateMeasure.BOOKED_VOLUME)!],
        whereInput: { paymentMode: { eq: "COD" } },
      });
      const booked = new Map(cod.map((g) => [keyOf(g, groupings), g.figures.get(AggregateMeasure.BOOKED_VOLUME)!.value]));
      groups.forEach((g, i) => (values[i]!.codShipments = booked.get(keyOf(g, groupings)) ?? 0));
    }
    return values;
  }

  @FieldResolver(() => PickupLocation, { nullable: true, description: "The group's pickup location, when grouped by PICKUP_LOCATION." })
  async pickupLocation(@Root() g: StatsValue, @Ctx() ctx: Context): Promise<PickupLocationRow | null> {
    return g.pickupLocationId === null ? null : ((await ctx.loaders.pickupLocationById.load(g.pickupLocationId)) ?? null);
  }

  // Nullable: a viewer without FINANCE gets null here, not the whole shipmentStats answer nulled.
  @Restricted(Role.FINANCE)
  @FieldResolver(() => Money, {
    nullable: true,
    description:
      "The KPI COD_COLLECTED of the group: the COD amounts of its COD shipments delivered to the addressee (before shipmentStats " +
      "read shipmentAggregates, of every COD shipment whatever its status).",
  })
  codAmount(@Root() g: StatsValue): Money | null {
    return g.codAmount ?? null;
  }
}
