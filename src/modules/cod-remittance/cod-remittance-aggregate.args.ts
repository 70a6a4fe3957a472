import { registerEnumType } from "type-graphql";
import type { InputDeclarations } from "../access/access.inputs.js";
import { aggregateArgs, type AggregateArgsValue, aggregateInputAccess } from "../../lib/aggregate-inputs.js";
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

export const CodRemittanceAggregatesArgs = aggregateArgs<RemittanceDimension, RemittanceMeasure>({
  prefix: "CodRemittanceAggregate",
  query: "codRemittanceAggregates",
  dimensions: RemittanceDimension,
  measures: RemittanceMeasure,
  timeDimensions: "REMITTED_ON",
  units: "batches or shipments, a count; AMOUNT in rupees",
  where: CodRemittanceWhere,
  whereDescription: "Which batches to aggregate, as `codRemittances(where:)` takes them (amount in rupees); omitted: all.",
  row: "batch",
});
export type CodRemittanceAggregatesArgs = AggregateArgsValue<RemittanceDimension, RemittanceMeasure>;

export const codRemittanceAggregateInputAccess: InputDeclarations = aggregateInputAccess(
  "codRemittanceAggregates",
  "CodRemittanceAggregate",
  { REMITTED_ON: "CodRemittance.remittedOn" },
  REMITTANCE_MEASURE_FIELD,
);
