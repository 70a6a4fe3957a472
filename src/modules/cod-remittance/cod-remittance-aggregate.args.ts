import { ArgsType, Field, Int, registerEnumType } from "type-graphql";
import type { InputDeclarations } from "../access/access.inputs.js";
import {
  aggregateGroupByInput,
  aggregateHavingInput,
  aggregateInputAccess,
  aggregateOrderInput,
  type GroupByValue,
  type HavingValue,
  type OrderValue,
} from "../../lib/aggregate-inputs.js";
import { CodRemittanceWhere } from "./cod-remittance.resolver.js";

/** What codRemittanceAggregates can group by. */
export enum RemittanceDimension {
  REMITTED_ON = "REMITTED_ON",
}

/** What codRemittanceAggregates measures. */
export enum RemittanceMeasure {
  BATCHES = "BATCHES",
  SHIPMENTS = "SHIPMENTS",
  AMOUNT = "AMOUNT",
}

export const REMITTANCE_TIME_DIMENSIONS: readonly RemittanceDimension[] = [RemittanceDimension.REMITTED_ON];

/** The CodRemittanceAggregate field showing each measure. */
export const REMITTANCE_MEASURE_FIELD: Readonly<Record<RemittanceMeasure, string>> = { BATCHES: "batches", SHIPMENTS: "shipments", AMOUNT: "amount" };

registerEnumType(RemittanceDimension, {
  name: "CodRemittanceAggregateDimension",
  description: "What codRemittanceAggregates can group by. Each key shows in the CodRemittanceAggregate field of the same meaning.",
  valuesConfig: {
    REMITTED_ON: { description: "The IST day the batch was remitted, bucketed by `granularity` (CodRemittanceAggregate.remittedOn)." },
  },
});

registerEnumType(RemittanceMeasure, {
  name: "CodRemittanceAggregateMeasure",
  description: "A measure of codRemittanceAggregates, for having and orderBy, compared by its value.",
  valuesConfig: {
    BATCHES: { description: "Remittance batches in the group, a count (CodRemittanceAggregate.batches)." },
    SHIPMENTS: { description: "COD shipments the group's batches cover, the sum of their shipment counts (CodRemittanceAggregate.shipments)." },
    AMOUNT: { description: "Money remitted by the group's batches, compared in rupees (CodRemittanceAggregate.amount.rupees)." },
  },
});

export const CodRemittanceAggregateGroupBy = aggregateGroupByInput<RemittanceDimension>("CodRemittanceAggregate", "codRemittanceAggregates", RemittanceDimension, "REMITTED_ON");
export const CodRemittanceAggregateHaving = aggregateHavingInput<RemittanceMeasure>("CodRemittanceAggregate", RemittanceMeasure, "batches or shipments, a count; AMOUNT in rupees");
export const CodRemittanceAggregateOrder = aggregateOrderInput<RemittanceDimension, RemittanceMeasure>(
  "CodRemittanceAggregate",
  "codRemittanceAggregates",
  RemittanceMeasure,
  RemittanceDimension,
);

@ArgsType()
export class CodRemittanceAggregatesArgs {
  @Field(() => CodRemittanceWhere, { nullable: true, description: "Which batches to aggregate, as `codRemittances(where:)` takes them (amount in rupees); omitted: all." })
  where?: Record<string, unknown> | null;

  @Field(() => [CodRemittanceAggregateGroupBy], {
    nullable: true,
    description: "The groupings, each dimension at most once; omitted or empty: one group of every batch matching the filter.",
  })
  groupBy?: GroupByValue<RemittanceDimension>[] | null;

  @Field(() => [CodRemittanceAggregateHaving], { nullable: true, description: "Conditions every group kept must meet." })
  having?: HavingValue<RemittanceMeasure>[] | null;

  @Field(() => [CodRemittanceAggregateOrder], {
    nullable: true,
    description: "Sort keys, most significant first; ties (and the default) follow the grouped keys ascending in groupBy order.",
  })
  orderBy?: OrderValue<RemittanceDimension, RemittanceMeasure>[] | null;

  @Field(() => Int, {
    nullable: true,
    description: "How many groups to return, after having and orderBy: at most the server's page size limit (500 by default); default that limit.",
  })
  first?: number | null;
}

export const codRemittanceAggregateInputAccess: InputDeclarations = {
  ...aggregateInputAccess("codRemittanceAggregates", "CodRemittanceAggregate"),
  "CodRemittanceAggregateDimension.REMITTED_ON": "CodRemittance.remittedOn",
  ...Object.fromEntries(Object.values(RemittanceMeasure).map((m) => [`CodRemittanceAggregateMeasure.${m}`, `CodRemittanceAggregate.${REMITTANCE_MEASURE_FIELD[m]}`])),
};
