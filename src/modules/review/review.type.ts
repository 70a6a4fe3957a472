import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from "type-graphql";
import { type FiscalQuarter, FiscalQuarterScalar } from "../../lib/fiscal-quarter.js";
import { DateScalar, DateTimeScalar } from "../../lib/scalars.js";
import { KpiKey, MetricDirection, MetricUnit } from "../kpi/kpi.definitions.js";
import { KpiScope, KpiScopeInput, Metric, QuarterlyKpis } from "../kpi/kpi.type.js";
import { Node } from "../node/node.type.js";
import { PickupLocation } from "../pickup-location/pickup-location.type.js";
import { REVIEW_EARLIEST_DAYS_BEFORE_END } from "./review.ingest.js";

export enum ActionItemOwner {
  AMAZON = "AMAZON",
  INDIA_POST = "INDIA_POST",
  JOINT = "JOINT",
}
registerEnumType(ActionItemOwner, {
  name: "ActionItemOwner",
  description: "Which side of the partnership answers for an action item.",
  valuesConfig: {
    AMAZON: { description: "Amazon India." },
    INDIA_POST: { description: "India Post (Department of Posts, Parcel Directorate)." },
    JOINT: { description: "Both partners together." },
  },
});

export enum ActionItemStatus {
  OPEN = "OPEN",
  IN_PROGRESS = "IN_PROGRESS",
  DONE = "DONE",
  DROPPED = "DROPPED",
}
registerEnumType(ActionItemStatus, {
  name: "ActionItemStatus",
  description: "Where an action item stands. Any status may follow any other (a DONE item can be reopened); the history keeps each change.",
  valuesConfig: {
    OPEN: { description: "Agreed, not started." },
    IN_PROGRESS: { description: "Being worked on." },
    DONE: { description: "Completed." },
    DROPPED: { description: "Abandoned by agreement; kept for the record." },
  },
});

// ---------------------------------------------------------------------------------------------
// Targets.

@InputType("KpiTargetInput", { description: "A target for one KPI." })
export class KpiTargetInput {
  @Field(() => KpiKey, { description: "The KPI. Each KPI at most once per call; it must be defined for the scope (KpiDefinition.scopes)." })
  key!: KpiKey;

  @Field(() => Float, {
    description:
      "The target in the KPI's unit: PERCENT 0 to 100; SHIPMENTS and PINS whole numbers ≥ 0; RUPEES ≥ 0, at most 2 decimals " +
      "(paise); DAYS ≥ 0. For LOWER_IS_BETTER KPIs it is a ceiling (e.g. RTO at most 4.5%), otherwise a floor.",
  })
  value!: number;
}

@InputType("SetKpiTargetsInput", { description: "Targets for one quarter and scope, set all together or not at all." })
export class SetKpiTargetsInput {
  @Field(() => FiscalQuarterScalar, { description: "The quarter the targets are for." })
  quarter!: FiscalQuarter;

  @Field(() => KpiScopeInput, {
    description:
      "The scope: NATIONAL (no key), a CIRCLE or STATE by name (case-insensitive; 'Army Postal Service' for Army Postal destinations), " +
      "a PICKUP_LOCATION by code, a PRODUCT by code, a PAYMENT_MODE (PREPAID or COD). A key that names nothing is refused.",
  })
  scope!: KpiScopeInput;

  @Field(() => [KpiTargetInput], { description: "1 to 50 targets, one per KPI." })
  targets!: KpiTargetInput[];
}

@ObjectType("KpiTarget", { description: "A target agreed for one KPI in one quarter and scope." })
export class KpiTarget {
  @Field(() => FiscalQuarterScalar, { description: "The quarter." })
  quarter!: string;

  @Field(() => KpiKey, { description: "The KPI." })
  key!: KpiKey;

  @Field(() => String, { description: "The KPI's short name." })
  name!: string;

  @Field(() => Float, { description: "The target, in `unit`." })
  value!: number;

  @Field(() => MetricUnit, { description: "The KPI's unit." })
  unit!: MetricUnit;

  @Field(() => MetricDirection, { description: "Which way is better: the target is a floor for HIGHER_IS_BETTER, a ceiling for LOWER_IS_BETTER." })
  direction!: MetricDirection;

  @Field(() => Boolean, { description: "True when `dakgraph seed demo` made this target: synthetic, not agreed by the partners." })
  synthetic!: boolean;

  @Field(() => DateTimeScalar, { description: "When the target was set or last changed." })
  updatedAt!: Date;
}

@ObjectType("SetKpiTargetsPayload", { description: "What setKpiTargets did. created + updated + unchanged = the number of targets sent." })
export class SetKpiTargetsPayload {
  @Field(() => Int, { description: "Targets stored for the first time." })
  created!: number;

  @Field(() => Int, { description: "Stored targets given a new value (or made real where the demo seed had set them)." })
  updated!: number;

  @Field(() => Int, { description: "Targets equal to the stored ones (a retry): nothing written." })
  unchanged!: number;

  @Field(() => FiscalQuarterScalar, { description: "The quarter." })
  quarter!: string;

  @Field(() => KpiScope, { description: "The scope, as resolved (the circle, state or location the key names)." })
  scope!: KpiScope;

  @Field(() => [KpiTarget], { description: "Every target stored for the quarter and scope after the call (not only those sent), in the review's KPI order." })
  targets!: KpiTarget[];
}

// ---------------------------------------------------------------------------------------------
// Reviews.

@InputType("ActionItemInput", { description: "An action item agreed at a review." })
export class ActionItemInput {
  @Field(() => String, { description: "What is to be done, 1 to 500 characters." })
  title!: string;

  @Field(() => ActionItemOwner, { description: "Who answers for it." })
  owner!: ActionItemOwner;

  @Field(() => DateScalar, { description: "When it is due; not before the review was held." })
  due!: string;

  @Field(() => ActionItemStatus, { description: "Its status as recorded at the review (usually OPEN)." })
  status!: ActionItemStatus;
}

@InputType("RecordQuarterlyReviewInput", { description: "The minutes of one quarterly review meeting." })
export class RecordQuarterlyReviewInput {
  @Field(() => FiscalQuarterScalar, { description: "The quarter reviewed (not the quarter the meeting fell in). One review per quarter." })
  quarter!: FiscalQuarter;

  @Field(() => DateScalar, {
    description:
      `The day the review was held: from ${REVIEW_EARLIEST_DAYS_BEFORE_END} days before the quarter's last day (a review may meet on ` +
      "provisional figures in the quarter's last fortnight) to the last day of the following quarter, and not after today.",
  })
  heldOn!: string;

  @Field(() => [String], { description: "Who took part (names or roles, with their side), 1 to 100 entries of up to 500 characters." })
  participants!: string[];

  @Field(() => String, { description: "The summary of the discussion, up to 20,000 characters." })
  summary!: string;

  @Field(() => [String], { description: "The decisions taken, 0 to 100 entries of up to 500 characters." })
  decisions!: string[];

  @Field(() => [ActionItemInput], { description: "The action items agreed, 0 to 100, in the minutes' order." })
  actionItems!: ActionItemInput[];
}

@ObjectType("ActionItemChange", { description: "An action item's state from one moment on: recorded at the review or set by updateActionItem." })
export class ActionItemChange {
  @Field(() => DateTimeScalar, { description: "When the item entered this state." })
  changedAt!: Date;

  @Field(() => ActionItemStatus, { description: "Its status from then on." })
  status!: ActionItemStatus;

  @Field(() => DateScalar, { description: "Its due day from then on." })
  due!: string;

  @Field(() => String, { nullable: true, description: "The note from then on; null when none." })
  note!: string | null;
}

@ObjectType("ReviewActionItem", { implements: Node, description: "An action item agreed at a quarterly review, with its current state." })
export class ReviewActionItem extends Node {
  @Field(() => FiscalQuarterScalar, { description: "The quarter whose review agreed the item." })
  quarter!: string;

  @Field(() => String, { description: "What is to be done." })
  title!: string;

  @Field(() => ActionItemOwner, { description: "Who answers for it." })
  owner!: ActionItemOwner;

  @Field(() => DateScalar, { description: "When it is due now (updateActionItem may move it)." })
  due!: string;

  @Field(() => ActionItemStatus, { description: "Its status now." })
  status!: ActionItemStatus;

  @Field(() => String, { nullable: true, description: "The latest note (progress, reason for dropping); null when none." })
  note!: string | null;

  @Field(() => DateScalar, { description: "The due day as the review recorded it." })
  recordedDue!: string;

  @Field(() => ActionItemStatus, { description: "The status as the review recorded it." })
  recordedStatus!: ActionItemStatus;

  @Field(() => DateTimeScalar, { description: "When the item last changed (or was recorded)." })
  updatedAt!: Date;

  @Field(() => Boolean, { description: "True when `dakgraph seed demo` made this item: synthetic, not the partners' minutes." })
  synthetic!: boolean;
}

@ObjectType("QuarterlyReview", { implements: Node, description: "The record of one quarter's review meeting between Amazon India and India Post." })
export class QuarterlyReview extends Node {
  @Field(() => FiscalQuarterScalar, { description: "The quarter reviewed." })
  quarter!: string;

  @Field(() => DateScalar, { description: "The day the meeting was held." })
  heldOn!: string;

  @Field(() => [String], { description: "Who took part." })
  participants!: string[];

  @Field(() => String, { description: "The summary of the discussion." })
  summary!: string;

  @Field(() => [String], { description: "The decisions taken." })
  decisions!: string[];

  @Field(() => Boolean, { description: "True when `dakgraph seed demo` made this review: synthetic, not the partners' minutes." })
  synthetic!: boolean;

  @Field(() => DateTimeScalar, { description: "When the review was recorded in dakgraph." })
  createdAt!: Date;
}

@ObjectType("RecordQuarterlyReviewPayload", { description: "What recordQuarterlyReview did: created or unchanged is 1." })
export class RecordQuarterlyReviewPayload {
  @Field(() => Int, { description: "1 when the review was recorded now." })
  created!: number;

  @Field(() => Int, { description: "1 when the same review was already recorded (a retry): nothing written." })
  unchanged!: number;

  @Field(() => QuarterlyReview, { description: "The review as stored." })
  review!: QuarterlyReview;
}

@InputType("UpdateActionItemInput", { description: "A new state for an action item." })
export class UpdateActionItemInput {
  @Field(() => ID, { description: "The item's global id (ReviewActionItem.id)." })
  id!: string;

  @Field(() => ActionItemStatus, { description: "Its status from now on." })
  status!: ActionItemStatus;

  @Field(() => String, { nullable: true, description: "A note, up to 20,000 characters; omitted or null keeps the current note, an empty string clears it." })
  note?: string | null;

  @Field(() => DateScalar, { nullable: true, description: "A new due day (not before the review was held); omitted keeps the current one." })
  due?: string | null;
}

@ObjectType("UpdateActionItemPayload", { description: "What updateActionItem did: updated or unchanged is 1." })
export class UpdateActionItemPayload {
  @Field(() => Int, { description: "1 when the item's status, due day or note changed (a history entry was added)." })
  updated!: number;

  @Field(() => Int, { description: "1 when the item already was in that state (a retry): nothing written." })
  unchanged!: number;

  @Field(() => ReviewActionItem, { description: "The item as stored." })
  actionItem!: ReviewActionItem;
}

// ---------------------------------------------------------------------------------------------
// The composed review.

@ObjectType("PinCountChange", { description: "A PIN count of the quarter against the previous quarter (national)." })
export class PinCountChange {
  @Field(() => Metric, { description: "This quarter's metric (with its target and attainment)." })
  current!: Metric;

  @Field(() => Metric, { description: "The previous quarter's metric." })
  previous!: Metric;

  @Field(() => Float, {
    nullable: true,
    description: "current − previous, in PINs; null when either is undefined. Ratio and growth: current.quarterOnQuarter.",
  })
  change!: number | null;
}

@ObjectType("CoverageChange", {
  description:
    "How the partnership's reach moved from the previous quarter: the national SERVICEABLE_PINS and ACTIVE_PINS KPIs of both " +
    "quarters (the KPI rollups, which count as coverage does).",
})
export class CoverageChange {
  @Field(() => FiscalQuarterScalar, { description: "The quarter compared with: the one before." })
  previousQuarter!: FiscalQuarter;

  @Field(() => PinCountChange, { description: "Deliverable PINs marked serviceable on each quarter's last day." })
  serviceablePins!: PinCountChange;

  @Field(() => PinCountChange, { description: "PINs with at least one delivery in each quarter." })
  activePins!: PinCountChange;
}

@ObjectType("PickupUtilisation", { description: "One pickup location's utilisation in the quarter." })
export class PickupUtilisation {
  @Field(() => PickupLocation, { description: "The location (open on at least one day of the quarter)." })
  pickupLocation!: PickupLocation;

  @Field(() => Metric, { description: "Its PICKUP_UTILISATION KPI: parcels handed over ÷ committed capacity, in percent (0 to 100), with target and attainment." })
  metric!: Metric;
}

@ObjectType("QuarterlyReviewReport", {
  description:
    "Everything the quarterly review looks at for one quarter: the national KPIs with their targets and attainment (Metric.target, " +
    "Metric.attainment), the change in coverage, pickup utilisation per location, the review's minutes and action items when " +
    "recorded, and the previous review's action items with their current status.",
})
export class QuarterlyReviewReport {
  @Field(() => FiscalQuarterScalar, { description: "The quarter reviewed." })
  quarter!: FiscalQuarter;

  @Field(() => String, { description: "The quarter for headings, e.g. 'Q3 FY2024-25 (Oct–Dec 2024)'." })
  label!: string;

  @Field(() => QuarterlyReview, { nullable: true, description: "The review's record; null while none is recorded (the figures are there regardless)." })
  review!: QuarterlyReview | null;

  @Field(() => QuarterlyKpis, { description: "The quarter's national KPIs; each Metric carries its target and attainment." })
  kpis!: QuarterlyKpis;

  @Field(() => CoverageChange, { description: "Serviceable and active PINs against the previous quarter." })
  coverageChange!: CoverageChange;

  @Field(() => [PickupUtilisation], { description: "Pickup utilisation of every location open during the quarter, by location code." })
  pickupUtilisation!: PickupUtilisation[];

  @Field(() => [ReviewActionItem], { description: "This review's action items, in the minutes' order; empty while no review is recorded." })
  actionItems!: ReviewActionItem[];

  @Field(() => QuarterlyReview, { nullable: true, description: "The previous quarter's review; null when none was recorded." })
  previousReview!: QuarterlyReview | null;

  @Field(() => [ReviewActionItem], { description: "The previous review's action items with their current status: what this review follows up." })
  previousActionItems!: ReviewActionItem[];
}
