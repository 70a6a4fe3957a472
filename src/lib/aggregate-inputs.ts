import type { GraphQLResolveInfo } from "graphql";
import { type ClassType, Field, Float, InputType } from "type-graphql";
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
export function aggregateGroupByInput<D extends string>(prefix: string, query: string, dimensions: object, timeDimensions: string): ClassType<GroupByValue<D>> {
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
export function aggregateHavingInput<M extends string>(prefix: string, measures: object, units: string): ClassType<HavingValue<M>> {
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
export function aggregateOrderInput<D extends string, M extends string>(prefix: string, query: string, measures: object, dimensions: object): ClassType<OrderValue<D, M>> {
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

/**
 * What the arguments and input fields every aggregate root field shares select rows by (access.inputs.ts):
 * `where` and the lists by their fields, dimensions and measures by value (each module declares its enums'
 * values), a page size, a period length and a direction by none.
 */
export function aggregateInputAccess(query: string, prefix: string): InputDeclarations {
  return {
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
