import type { GraphQLResolveInfo } from "graphql";
import { Args, Ctx, FieldResolver, Info, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { BadUserInputError } from "../../lib/errors.js";
import { pageSize } from "../../lib/pagination.js";
import { selectedMeasures } from "../../lib/aggregate-inputs.js";
import { hasAnyRole, Restricted, Role } from "../access/access.roles.js";
import { percentilesOf } from "../kpi/kpi.repository.js";
import type { PickupLocationRow } from "../pickup-location/pickup-location.sql.js";
import { PickupLocation } from "../pickup-location/pickup-location.type.js";
import { OrderDirection } from "../../lib/order-direction.js";
import { ShipmentAggregatesArgs } from "./shipment-aggregate.args.js";
import { type AggregateQuery, aggregateShipments } from "./shipment-aggregate.repository.js";
import { aggregatePeriod, checkGroupings, checkOrder, finishGroups } from "../../lib/aggregate-groups.js";
import {
  AggregateDimension,
  type AggregateGroup,
  type AggregateMeasure,
  DIMENSION_FIELD,
  type Grouping,
  groupFigures,
  type HavingCondition,
  MEASURE,
  MEASURE_BY_FIELD,
  type MeasureDefinition,
  type OrderTerm,
  TIME_DIMENSIONS,
} from "./shipment-aggregate.rules.js";
import { ShipmentAggregate } from "./shipment-aggregate.type.js";
import { whereCondition } from "../../db/query-read.js";
import { QUERY_MODEL } from "../../projections.js";
import { circleScope } from "../access/access.roles.js";

/** A group as the ShipmentAggregate fields read it: keys by field, figures by field, and the pickup location's id. */
type AggregateValue = Record<string, unknown> & { readonly pickupLocationId: number | null };

/** The groupBy argument, checked (lib/aggregate-groups.ts checkGroupings). */
export function groupingsOf(args: ShipmentAggregatesArgs): Grouping[] {
  return checkGroupings(args.groupBy, TIME_DIMENSIONS);
}

/** The measures to compute: those selected, and those having and orderBy name. */
function measuresOf(args: ShipmentAggregatesArgs, info: GraphQLResolveInfo): MeasureDefinition[] {
  return [...selectedMeasures(info, MEASURE_BY_FIELD_NAME, args.having, args.orderBy)].map((m) => MEASURE.get(m)!);
}

const MEASURE_BY_FIELD_NAME: ReadonlyMap<string, AggregateMeasure> = new Map([...MEASURE_BY_FIELD].map(([field, m]) => [field, m.measure]));

/** A group's output object: each grouped key in its field (periods and districts unpacked), each measure's figures. */
function toValue(group: AggregateGroup, groupings: readonly Grouping[]): AggregateValue {
  const value: Record<string, unknown> = { pickupLocationId: null };
  for (const g of groupings) {
    const key = group.keys.get(g.dimension) ?? null;
    if (g.dimension === AggregateDimension.PICKUP_LOCATION) value.pickupLocationId = key === null ? null : Number(key);
    else if (key === null) value[DIMENSION_FIELD[g.dimension]] = null;
    else if (g.granularity !== null) value[DIMENSION_FIELD[g.dimension]] = aggregatePeriod(g.granularity, key);
    else if (g.dimension === AggregateDimension.DESTINATION_DISTRICT) {
      const bar = key.indexOf("|");
      value.destinationState = key.slice(0, bar);
      value.destinationDistrict = key.slice(bar + 1);
    } else value[DIMENSION_FIELD[g.dimension]] = key;
  }
  for (const [measure, figures] of group.figures) value[MEASURE.get(measure)!.field] = figures;
  return value as AggregateValue;
}

/** What a set of shipment groups is asked by: the statement's query, and what is done to its groups after. */
/** An aggregate question as the resolvers ask it: the filter as given, which becomes SQL here, once. */
export interface ShipmentGroupsQuery extends Omit<AggregateQuery, "revealArmyPincodes" | "where"> {
  readonly having: readonly HavingCondition[];
  readonly order: readonly OrderTerm[];
  readonly first: number;
}

/**
 * The groups of shipmentAggregates (and of its deprecated alias shipmentStats): one statement (from the KPI rollup
 * where it answers), each group's figures by the KPI arithmetic, then having, order and the first `first`.
 */
export async function shipmentGroups(ctx: Context, q: ShipmentGroupsQuery): Promise<AggregateGroup[]> {
  const { rows } = await aggregateShipments(ctx.database.db, {
    ...q,
    where: whereCondition(QUERY_MODEL, "Shipment", q.whereInput, "shipment"),
    revealArmyPincodes: hasAnyRole(ctx.viewer, [Role.ARMY_POSTAL]),
  });
  const groups: AggregateGroup[] = rows.map((row) => ({
    keys: new Map(q.groupings.map((g, i) => [g.dimension, row.keys[i] ?? null])),
    figures: groupFigures(row.sums, row.transit === null ? null : percentilesOf(row.transit as [number, number][]), q.measures),
  }));
  return finishGroups(groups, q.groupings, q.having, q.order, q.first);
}

@Resolver(() => ShipmentAggregate)
export class ShipmentAggregateResolver {
  @Restricted()
  @Query(() => [ShipmentAggregate], {
    nullable: true,
    description:
      "Shipments grouped by any set of dimensions (times at day, ISO week, month, fiscal quarter or fiscal year, IST), with " +
      "measures that are the KPIs (kpiDefinitions): the same numerator, denominator and percentile rule, computed by the same " +
      "code. Only the measures selected (or named in having and orderBy) are computed. Grouped by delivery FISCAL_QUARTER (or by " +
      "booking FISCAL_QUARTER for the booking measures) and nothing else, a measure equals quarterlyKpis' national figure; with " +
      "no filter and at most one of circle, state, pickup location, product or payment mode beside that fiscal quarter (or " +
      "year), the groups are read from the quarterly KPI rollup instead of the shipment rows; grouped by month, fiscal quarter " +
      "or year and any of circle, state, product and payment mode, with no percentile and a filter of only whole months of the " +
      "grouped event's day (deliveryDate or bookingDate) and eq / in on productCode and paymentMode, from the monthly one. " +
      "Groups are sorted by orderBy, then by their keys.",
  })
  async shipmentAggregates(@Args(() => ShipmentAggregatesArgs) args: ShipmentAggregatesArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): Promise<AggregateValue[]> {
    const groupings = groupingsOf(args);
    const groups = await shipmentGroups(ctx, {
      groupings,
      measures: measuresOf(args, info),
      filter: { circleScope: circleScope(ctx.viewer) },
      whereInput: args.where ?? null,
      having: args.having ?? [],
      order: checkOrder(args.orderBy),
      first: pageSize(args.first ?? ctx.config.maxPageSize, ctx.config.maxPageSize),
    });
    return groups.map((g) => toValue(g, groupings));
  }

  @FieldResolver(() => PickupLocation, { nullable: true, description: "The pickup location the shipments were booked at, when grouped by PICKUP_LOCATION; null otherwise." })
  async pickupLocation(@Root() g: AggregateValue, @Ctx() ctx: Context): Promise<PickupLocationRow | null> {
    return g.pickupLocationId === null ? null : ((await ctx.loaders.pickupLocationById.load(g.pickupLocationId)) ?? null);
  }
}
