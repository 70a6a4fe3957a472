import { Field, Float, InputType, ObjectType, registerEnumType } from "type-graphql";
import { enumOf } from "../../lib/enum.js";
import { visibleTo } from "../access/access.roles.js";
import { KPI_SCOPE_KINDS, type KpiScopeKindValue } from "./kpi.sql.js";
import { type FiscalQuarter, FiscalQuarterScalar } from "../../lib/fiscal-quarter.js";
import { DateScalar } from "../../lib/scalars.js";
import { FAILED_ATTEMPT_REASON_DESCRIPTIONS, type FailedAttemptReason } from "../shipment/scan-event.rules.js";
import { FailedAttemptReason as FailedAttemptReasonEnum } from "../shipment/shipment.type.js";
import { KPI_DEFINITIONS, KpiKey, METRIC_UNIT_DESCRIPTIONS, MetricDirection, MetricUnit } from "./kpi.definitions.js";

/** Every KPI's description states its unit, and a share its scale (docs/ARCHITECTURE.md, Naming). */
function unitText(unit: MetricUnit): string {
  return unit === MetricUnit.PERCENT ? "Unit: PERCENT, a percentage from 0 to 100." : `Unit: ${unit}.`;
}

registerEnumType(KpiKey, {
  name: "KpiKey",
  description: "The KPIs of the partnership's quarterly review, per fiscal quarter (April–March, quarter boundaries at midnight IST). Each value's description is its definition.",
  valuesConfig: Object.fromEntries(
    KPI_DEFINITIONS.map((d) => [
      d.key,
      { description: `${d.name}: ${d.definition} ${unitText(d.unit)}${d.roles === undefined ? "" : ` Figures ${visibleTo({ roles: d.roles }).replace(/^V/, "v")}`}` },
    ]),
  ),
});

registerEnumType(MetricUnit, {
  name: "MetricUnit",
  description: "What a Metric's value counts.",
  valuesConfig: Object.fromEntries(Object.entries(METRIC_UNIT_DESCRIPTIONS).map(([k, description]) => [k, { description }])),
});

registerEnumType(MetricDirection, {
  name: "MetricDirection",
  description: "Which way a KPI improves: attainment and the report's highlights read it.",
  valuesConfig: {
    HIGHER_IS_BETTER: { description: "A larger value is better (volumes, on-time %)." },
    LOWER_IS_BETTER: { description: "A smaller value is better (transit days, RTO %, COD outstanding)." },
  },
});

/** The scope kinds of the rollup tables (kpi.sql.ts), as a GraphQL enum. */
export const KpiScopeKind = enumOf(KPI_SCOPE_KINDS);
export type KpiScopeKind = KpiScopeKindValue;
registerEnumType(KpiScopeKind, {
  name: "KpiScopeKind",
  description:
    "What part of the partnership a KPI covers. CIRCLE and STATE are the destination's: the derived primary circle and state of " +
    "the destination PIN (as coverage counts them), 'Army Postal Service' for Army Postal destinations.",
  valuesConfig: {
    NATIONAL: { description: "Every shipment; key omitted." },
    CIRCLE: { description: "Shipments bound for one postal circle; key: the circle's name, e.g. 'Maharashtra', or 'Army Postal Service'." },
    STATE: { description: "Shipments bound for one state or union territory; key: its name as the directory writes it, e.g. 'Karnataka'." },
    PICKUP_LOCATION: { description: "Shipments handed over at one pickup location; key: its code, e.g. 'SYN-DEL'." },
    PRODUCT: { description: "Shipments of one product; key: the product code, e.g. 'SP_PARCEL'." },
    PAYMENT_MODE: { description: "Prepaid or cash-on-delivery shipments; key: PREPAID or COD." },
  },
});

@InputType("KpiScopeInput", { description: "The part of the partnership KPIs are computed for." })
export class KpiScopeInput {
  @Field(() => KpiScopeKind, { description: "The kind of scope." })
  kind!: KpiScopeKind;

  @Field(() => String, { nullable: true, description: "Which one (see KpiScopeKind); omitted for NATIONAL, required otherwise." })
  key?: string | null;
}

@ObjectType("KpiScope", { description: "The part of the partnership a set of KPIs covers." })
export class KpiScope {
  @Field(() => KpiScopeKind, { description: "The kind of scope." })
  kind!: KpiScopeKind;

  @Field(() => String, { nullable: true, description: "The key as given (circle or state name, pickup location code, product code, payment mode); null for NATIONAL." })
  key!: string | null;

  @Field(() => String, { description: "A name for headings: 'India', the circle or state, the pickup location's name, the product's name, 'Prepaid' or 'Cash on delivery'." })
  name!: string;

  /** The key the rollups are stored under (a pickup location's id; otherwise the key; '' for NATIONAL). */
  storedKey!: string;
}

@ObjectType("MetricChange", {
  description:
    "A KPI compared with the same KPI of an earlier quarter (same scope). ratio and change are for volumes and amounts; " +
    "pointChange is how percentages are compared (92% against 90% is +2 points).",
})
export class MetricChange {
  @Field(() => FiscalQuarterScalar, { description: "The quarter compared with." })
  baseQuarter!: FiscalQuarter;

  @Field(() => Float, { nullable: true, description: "The KPI's value in the base quarter; null when undefined there." })
  baseValue!: number | null;

  @Field(() => Float, { nullable: true, description: "The KPI's value in this quarter." })
  value!: number | null;

  @Field(() => Float, { nullable: true, description: "value ÷ baseValue, as a multiple (3.0 is three-fold); null when the base is 0 or either is undefined." })
  ratio!: number | null;

  @Field(() => Float, { nullable: true, description: "ratio − 1, as a fraction (2.0 is +200%); null when ratio is." })
  change!: number | null;

  @Field(() => Float, { nullable: true, description: "value − baseValue in the KPI's unit: percentage points for PERCENT KPIs." })
  pointChange!: number | null;
}

/** What the loaders compute for one KPI of one quarter and scope, before definitions are attached. */
export interface MetricFigures {
  readonly key: KpiKey;
  readonly reason: FailedAttemptReason | null;
  readonly value: number | null;
  readonly numerator: number | null;
  readonly denominator: number | null;
}

@ObjectType("Metric", {
  description:
    "One KPI for one quarter and scope, with the counts it is made of so a dashboard can show the formula beside the figure " +
    "and re-aggregate. For counts and amounts the numerator is the value and the denominator is null; for percentages " +
    "value = 100 × numerator ÷ denominator; for percentiles the denominator is the sample size and the numerator null.",
})
export class Metric implements MetricFigures {
  @Field(() => KpiKey, { description: "Which KPI." })
  key!: KpiKey;

  @Field(() => FailedAttemptReasonEnum, { nullable: true, description: "For FAILED_ATTEMPT_RATE by reason: the reason; null otherwise." })
  reason!: FailedAttemptReason | null;

  @Field(() => String, { description: "A short name for tables and charts." })
  name!: string;

  @Field(() => FiscalQuarterScalar, { description: "The fiscal quarter the figure belongs to." })
  quarter!: FiscalQuarter;

  @Field(() => KpiScope, { description: "The scope the figure covers." })
  scope!: KpiScope;

  @Field(() => Float, {
    nullable: true,
    description:
      "The figure, in `unit` (PERCENT: 0 to 100); null where undefined (a denominator of 0, or a KPI not defined for the scope), and, with numerator and " +
      "denominator, for a KPI whose figures the viewer's roles may not read (COD money and remittance KPIs: FINANCE; see KpiKey).",
  })
  value!: number | null;

  @Field(() => Float, { nullable: true, description: "The count or amount on top (see the type's description)." })
  numerator!: number | null;

  @Field(() => Float, { nullable: true, description: "The count underneath (see the type's description)." })
  denominator!: number | null;

  @Field(() => MetricUnit, { description: "The unit of value." })
  unit!: MetricUnit;

  @Field(() => MetricDirection, { description: "Which way is better." })
  direction!: MetricDirection;

  @Field(() => String, { description: "The formula: what is counted, divided by what, in which quarter." })
  definition!: string;
}

@ObjectType("ReasonMetric", { description: "The failed-attempt rate for one reason." })
export class ReasonMetric {
  @Field(() => FailedAttemptReasonEnum, { description: "Why the attempts failed." })
  reason!: FailedAttemptReason;

  @Field(() => Metric, { description: "Shipments with a failed attempt for this reason ÷ shipments attempted, in percent (0 to 100)." })
  metric!: Metric;
}

@ObjectType("QuarterlyKpis", { description: "Every KPI of the quarterly review for one fiscal quarter and scope." })
export class QuarterlyKpis {
  @Field(() => FiscalQuarterScalar, { description: "The fiscal quarter." })
  quarter!: FiscalQuarter;

  @Field(() => String, { description: "The quarter for headings, e.g. 'Q3 FY2024-25 (Oct–Dec 2024)'." })
  label!: string;

  @Field(() => DateScalar, { description: "First day of the quarter (IST calendar)." })
  startDate!: string;

  @Field(() => DateScalar, { description: "Last day of the quarter (IST calendar)." })
  endDate!: string;

  @Field(() => KpiScope, { description: "The scope." })
  scope!: KpiScope;

  @Field(() => [Metric], { description: "Every KPI, in the review's order (failed attempts by reason are in failedAttemptsByReason)." })
  metrics!: Metric[];

  @Field(() => [ReasonMetric], { description: `The failed-attempt rate per reason: ${Object.keys(FAILED_ATTEMPT_REASON_DESCRIPTIONS).join(", ")}.` })
  failedAttemptsByReason!: ReasonMetric[];
}

@ObjectType("KpiDefinition", { description: "How a KPI is defined: the same text every Metric of it carries." })
export class KpiDefinitionType {
  @Field(() => KpiKey, { description: "The KPI." })
  key!: KpiKey;

  @Field(() => String, { description: "Short name." })
  name!: string;

  @Field(() => MetricUnit, { description: "Unit of its values." })
  unit!: MetricUnit;

  @Field(() => MetricDirection, { description: "Which way is better." })
  direction!: MetricDirection;

  @Field(() => String, { description: "The formula." })
  definition!: string;

  @Field(() => [KpiScopeKind], { description: "The scope kinds it is defined for." })
  scopes!: KpiScopeKind[];
}
