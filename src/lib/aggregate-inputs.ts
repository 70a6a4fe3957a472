import type { GraphQLResolveInfo } from "graphql";
import { ArgsType, type ClassType, Field, Float, InputType, Int } from "type-graphql";
import { BY_FIELD, BY_VALUE, type InputDeclarations, UNSELECTIVE } from "../modules/access/access.inputs.js";
import { AggregateGranularity } from "./aggregate-groups.js";
import { OrderDirection } from "./order-direction.js";
import { forEachField } from "./selection.js";

/*
 * The input types every aggregate root field takes the same way (groupBy, having, orderBy), made per field
 * because each has its own dimension and measure enums: `<Prefix>GroupBy`, `<Prefix>Having`, `<Prefix>Order`.
 * lib/aggregate-groups.ts checks and applies them.
 */

export interface GroupByValue<D extends string> {
  dimension: D;
  granularity?: AggregateGranularity | null;
}

export interface HavingValue<M extends string> {
  measure: M;
  gt?: number | null;
  gte?: number | null;
  lt?: number | null;
  lte?: number | null;
  eq?: number | null;
}

export interface OrderValue<D extends string, M extends string> {
  measure?: M | null;
  dimension?: D | null;
  direction?: OrderDirection | null;
}

/** `<prefix>GroupBy`: a dimension, and for a time dimension its period (`timeDimensions` names them). */
function aggregateGroupByInput<D extends string>(prefix: string, query: string, dimensions: object, timeDimensions: string): ClassType<GroupByValue<D>> {
  @InputType(`${prefix}GroupBy`, { description: `One grouping of ${query}: a dimension, and for a time dimension its calendar period.` })
  class GroupBy {
    @Field(() => dimensions, { description: "The dimension." })
    dimension!: D;

    @Field(() => AggregateGranularity, {
      nullable: true,
      description: `For ${timeDimensions} only: the calendar period; default FISCAL_QUARTER. Given for another dimension: BAD_USER_INPUT.`,
    })
    granularity?: AggregateGranularity | null;
  }
  return GroupBy;
}

/** `<prefix>Having`: a condition on a group's measure value; `units` says the measures' units. */
function aggregateHavingInput<M extends string>(prefix: string, measures: object, units: string): ClassType<HavingValue<M>> {
  @InputType(`${prefix}Having`, {
    description:
      `A condition on a group's measure value (in the measure's unit: ${units}). Every operator given ` +
      "must hold; a group whose value is null fails it; with no operator the condition asks only that the value is not null.",
  })
  class Having {
    @Field(() => measures, { description: "The measure compared." })
    measure!: M;

    @Field(() => Float, { nullable: true, description: "Value greater than this." })
    gt?: number | null;

    @Field(() => Float, { nullable: true, description: "Value greater than or equal to this." })
    gte?: number | null;

    @Field(() => Float, { nullable: true, description: "Value less than this." })
    lt?: number | null;

    @Field(() => Float, { nullable: true, description: "Value less than or equal to this." })
    lte?: number | null;

    @Field(() => Float, { nullable: true, description: "Value equal to this." })
    eq?: number | null;
  }
  return Having;
}

/** `<prefix>Order`: one sort key, a measure's value or a grouped dimension's key. */
function aggregateOrderInput<D extends string, M extends string>(prefix: string, query: string, measures: object, dimensions: object): ClassType<OrderValue<D, M>> {
  @InputType(`${prefix}Order`, {
    description: `One sort key of ${query}: a measure's value or a grouped dimension's key (exactly one of the two). Nulls come last.`,
  })
  class Order {
    @Field(() => measures, { nullable: true, description: "Sort by this measure's value." })
    measure?: M | null;

    @Field(() => dimensions, { nullable: true, description: "Sort by this dimension's key: periods in time order, names A–Z. A dimension not grouped by has no key, so it changes nothing." })
    dimension?: D | null;

    @Field(() => OrderDirection, { nullable: true, description: "Direction; default ASC. Groups whose value is null come last in either direction." })
    direction?: OrderDirection | null;
  }
  return Order;
}

/** The arguments of an aggregate root field, as type-graphql hands them over. */
export interface AggregateArgsValue<D extends string, M extends string> {
  where?: Record<string, unknown> | null;
  groupBy?: GroupByValue<D>[] | null;
  having?: HavingValue<M>[] | null;
  orderBy?: OrderValue<D, M>[] | null;
  first?: number | null;
}

export interface AggregateShape {
  /** The input types' name prefix ("ShipmentAggregate"). */
  readonly prefix: string;
  /** The root field ("shipmentAggregates"). */
  readonly query: string;
  /** The registered dimension and measure enums. */
  readonly dimensions: object;
  readonly measures: object;
  /** The time dimensions, as the granularity's description names them ("BOOKED_AT and DELIVERED_AT"). */
  readonly timeDimensions: string;
  /** The measures' units, for having's description. */
  readonly units: string;
  /** The generated `where` input of the rows, and what it selects. */
  readonly where: ClassType;
  readonly whereDescription: string;
  /** One row, for the description of a grouping of none ("shipment"). */
  readonly row: string;
}

/** The arguments every aggregate root field takes: where, groupBy, having, orderBy, first (and their input types). */
export function aggregateArgs<D extends string, M extends string>(shape: AggregateShape): ClassType<AggregateArgsValue<D, M>> {
  const GroupBy = aggregateGroupByInput<D>(shape.prefix, shape.query, shape.dimensions, shape.timeDimensions);
  const Having = aggregateHavingInput<M>(shape.prefix, shape.measures, shape.units);
  const Order = aggregateOrderInput<D, M>(shape.prefix, shape.query, shape.measures, shape.dimensions);

  @ArgsType()
  class AggregateArgs {
    @Field(() => shape.where, { nullable: true, description: shape.whereDescription })
    where?: Record<string, unknown> | null;

    @Field(() => [GroupBy], {
      nullable: true,
      description: `The groupings, each dimension at most once; omitted or empty: one group of every ${shape.row} matching the filter.`,
    })
    groupBy?: GroupByValue<D>[] | null;

    @Field(() => [Having], { nullable: true, description: "Conditions every group kept must meet." })
    having?: HavingValue<M>[] | null;

    @Field(() => [Order], {
      nullable: true,
      description: "Sort keys, most significant first; ties (and the default) follow the grouped keys ascending in groupBy order.",
    })
    orderBy?: OrderValue<D, M>[] | null;

    @Field(() => Int, {
      nullable: true,
      description: "How many groups to return, after having and orderBy: at most the server's page size limit (500 by default); default that limit.",
    })
    first?: number | null;
  }
  return AggregateArgs;
}

/**
 * What the arguments and input fields of an aggregate root field select rows by (access.inputs.ts): `where` and the
 * lists by their fields; a dimension (enum `<prefix>Dimension`) by the output field showing its value on a row,
 * `dimensionMirrors`; a measure (enum `<prefix>Measure`) by the `<prefix>` field showing it, `measureFields`; a page
 * size, a period length and a direction by none.
 */
export function aggregateInputAccess(
  query: string,
  prefix: string,
  dimensionMirrors: Readonly<Record<string, string>>,
  measureFields: Readonly<Record<string, string>>,
): InputDeclarations {
  return {
    ...Object.fromEntries(Object.entries(dimensionMirrors).map(([d, mirror]) => [`${prefix}Dimension.${d}`, mirror])),
    ...Object.fromEntries(Object.entries(measureFields).map(([m, field]) => [`${prefix}Measure.${m}`, `${prefix}.${field}`])),
    [`Query.${query}(where:)`]: BY_FIELD,
    [`Query.${query}(groupBy:)`]: BY_FIELD,
    [`Query.${query}(having:)`]: BY_FIELD,
    [`Query.${query}(orderBy:)`]: BY_FIELD,
    [`Query.${query}(first:)`]: UNSELECTIVE,
    [`${prefix}GroupBy.dimension`]: BY_VALUE,
    // A period length and a sort direction pick how groups are cut and listed, never which rows are read.
    [`${prefix}GroupBy.granularity`]: UNSELECTIVE,
    [`${prefix}Order.direction`]: UNSELECTIVE,
    [`${prefix}Order.dimension`]: BY_VALUE,
    [`${prefix}Order.measure`]: BY_VALUE,
    [`${prefix}Having.measure`]: BY_VALUE,
    ...Object.fromEntries(["gt", "gte", "lt", "lte", "eq"].map((op) => [`${prefix}Having.${op}`, UNSELECTIVE])),
  };
}

/**
 * The measures an aggregate request computes: those selected (through fragments too), by the output field showing
 * each (`byField`), and those having and orderBy name. The rest are never computed.
 */
export function selectedMeasures<M extends string>(
  info: GraphQLResolveInfo,
  byField: ReadonlyMap<string, M>,
  having: readonly { readonly measure: M }[] | null | undefined,
  orderBy: readonly { readonly measure?: M | null }[] | null | undefined,
): Set<M> {
  const wanted = new Set<M>();
  for (const node of info.fieldNodes) {
    forEachField(info, node.selectionSet, (name) => {
      const m = byField.get(name);
      if (m !== undefined) wanted.add(m);
    });
  }
  for (const h of having ?? []) wanted.add(h.measure);
  for (const o of orderBy ?? []) if (o.measure) wanted.add(o.measure);
  return wanted;
}
