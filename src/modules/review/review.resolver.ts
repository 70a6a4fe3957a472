import { Arg, Ctx, FieldResolver, Float, ID, Mutation, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { ForbiddenError } from "../../lib/errors.js";
import {
  type FiscalQuarter,
  fiscalQuarterLabel,
  FiscalQuarterScalar,
  formatFiscalQuarter,
  istDateOf,
  previousQuarter,
  quarterEndDate,
  quarterStartDate,
} from "../../lib/fiscal-quarter.js";
import { toGlobalId } from "../../lib/global-id.js";
import { circleScope, Restricted, Role } from "../access/access.roles.js";
import { kpiDefinition, KpiKey } from "../kpi/kpi.definitions.js";
import { loadQuarterlyKpis, resolveKpiScope } from "../kpi/kpi.service.js";
import { Metric, QuarterlyKpis } from "../kpi/kpi.type.js";
import type { PickupLocationRow } from "../pickup-location/pickup-location.sql.js";
import { ACTION_ITEM_TYPE, NATIONAL_SCOPE, pickupLocationScope, recordQuarterlyReview, setKpiTargets, updateActionItem } from "./review.ingest.js";
import { findPickupLocationsOpenBetween } from "./review.repository.js";
import { attainment, targetMet } from "./review.rules.js";
import type { ActionItemChangeRow, KpiTargetRow, QuarterlyReviewRow, ReviewActionItemRow } from "./review.sql.js";
import {
  CoverageChange,
  KpiTarget,
  PickupUtilisation,
  PinCountChange,
  QuarterlyReview,
  QuarterlyReviewReport,
  RecordQuarterlyReviewInput,
  RecordQuarterlyReviewPayload,
  ReviewActionItem,
  ActionItemChange,
  SetKpiTargetsInput,
  SetKpiTargetsPayload,
  UpdateActionItemInput,
  UpdateActionItemPayload,
} from "./review.type.js";
import type { InputDeclarations } from "../access/access.inputs.js";

export const REVIEW_TYPE = "QuarterlyReview";

function toKpiTarget(row: KpiTargetRow): KpiTarget {
  const definition = kpiDefinition(row.kpiKey as KpiKey);
  return Object.assign(new KpiTarget(), {
    quarter: row.quarter,
    key: definition.key,
    name: definition.name,
    value: row.value,
    unit: definition.unit,
    direction: definition.direction,
    synthetic: row.synthetic,
    updatedAt: row.updatedAt,
  });
}

/** The target of a metric; failed-attempt rates by reason have none (targets are set per KPI). */
function targetOf(metric: Metric, ctx: Context): Promise<number | null> {
  if (metric.reason !== null) return Promise.resolve(null);
  return ctx.loaders.kpiTargetByMetric.load({
    quarter: formatFiscalQuarter(metric.quarter),
    scopeKind: metric.scope.kind,
    scopeKey: metric.scope.storedKey,
    kpiKey: metric.key,
  });
}

/** The parent of QuarterlyReviewReport's field resolvers. */
interface ReportRoot {
  readonly quarter: FiscalQuarter;
  readonly label: string;
}

@Resolver()
export class ReviewResolver {
  @Restricted(Role.OPERATOR)
  @Mutation(() => SetKpiTargetsPayload, {
    description:
      "Sets KPI targets for one quarter and scope, all or nothing. The same value again is unchanged, a new value updates the target. " +
      "Refused (BAD_USER_INPUT, nothing written): a value outside the KPI's unit (PERCENT 0–100; SHIPMENTS and PINS whole numbers ≥ 0; " +
      "RUPEES ≥ 0 to the paisa; DAYS ≥ 0), a KPI given twice (both indexes named), a KPI not defined for the scope, a scope key " +
      "that names no circle, state, pickup location, product or payment mode. A viewer restricted to a postal circle may set its circle's targets only.",
  })
  async setKpiTargets(
    @Arg("input", () => SetKpiTargetsInput, { description: "The quarter, the scope and the targets." }) input: SetKpiTargetsInput,
    @Ctx() ctx: Context,
  ): Promise<SetKpiTargetsPayload> {
    const scope = await resolveKpiScope(ctx, input.scope, "input.scope");
    const outcome = await ctx.database.transaction(({ db }) => setKpiTargets(db, { quarter: input.quarter, scope, targets: input.targets }));
    return Object.assign(new SetKpiTargetsPayload(), { ...outcome, targets: outcome.targets.map(toKpiTarget) });
  }

  @Restricted(Role.OPERATOR)
  @Mutation(() => RecordQuarterlyReviewPayload, {
    description:
      "Records the minutes of a quarter's review: one review per quarter. The same content again is unchanged (a retry), even after " +
      "its action items have moved on; different content for a recorded quarter is a CONFLICT naming the first field that differs " +
      "(`field`, `value`, `stored`): a recorded review is not edited by re-sending it. heldOn must lie between 14 days before the " +
      "quarter's last day and the end of the following quarter, and not after today; action items may not fall due before it.",
  })
  async recordQuarterlyReview(
    @Arg("input", () => RecordQuarterlyReviewInput, { description: "The minutes." }) input: RecordQuarterlyReviewInput,
    @Ctx() ctx: Context,
  ): Promise<RecordQuarterlyReviewPayload> {
    const today = istDateOf(new Date());
    const outcome = await ctx.database.transaction(({ db }) => recordQuarterlyReview(db, input, { today }));
    return Object.assign(new RecordQuarterlyReviewPayload(), outcome);
  }

  @Restricted(Role.OPERATOR)
  @Mutation(() => UpdateActionItemPayload, {
    description:
      "Moves an action item on: a new status, and optionally a note and a due day. The same state again is unchanged; a change is " +
      "kept in the item's history with its time. An id that names no action item is NOT_FOUND (field input.id).",
  })
  async updateActionItem(
    @Arg("input", () => UpdateActionItemInput, { description: "The item and its new state." }) input: UpdateActionItemInput,
    @Ctx() ctx: Context,
  ): Promise<UpdateActionItemPayload> {
    const outcome = await ctx.database.transaction(({ db }) => updateActionItem(db, input));
    return Object.assign(new UpdateActionItemPayload(), { updated: outcome.updated, unchanged: outcome.unchanged, actionItem: outcome.item });
  }

  @Restricted(Role.ANALYST)
  @Query(() => QuarterlyReviewReport, {
    nullable: true,
    description:
      "The quarterly review of one quarter: national KPIs with targets and attainment, the change in serviceable and active PINs " +
      "against the previous quarter, pickup utilisation per location, this review's minutes and action items (null and empty until " +
      "recorded), and the previous review's action items with their current status. National: not for viewers restricted to a circle. " +
      "Each part is read only when asked for, in a fixed number of statements whatever the number of locations and items.",
  })
  quarterlyReview(
    @Arg("quarter", () => FiscalQuarterScalar, { description: "The quarter reviewed, e.g. \"FY2024-25-Q3\" (also \"Q3 FY25\")." }) quarter: FiscalQuarter,
    @Ctx() ctx: Context,
  ): ReportRoot {
    const circle = circleScope(ctx.viewer);
    if (circle !== null) {
      throw new ForbiddenError(`quarterlyReview covers the whole partnership; this viewer is restricted to the postal circle "${circle}".`, {
        field: "Query.quarterlyReview",
        circle,
      });
    }
    return { quarter, label: fiscalQuarterLabel(quarter) };
  }
}

@Resolver(() => QuarterlyReviewReport)
export class QuarterlyReviewReportResolver {
  @FieldResolver(() => QuarterlyReview, { nullable: true, description: "The review's record; null while none is recorded." })
  review(@Root() report: ReportRoot, @Ctx() ctx: Context): Promise<QuarterlyReviewRow | null> {
    return ctx.loaders.reviewByQuarter.load(formatFiscalQuarter(report.quarter));
  }

  @FieldResolver(() => QuarterlyKpis, { description: "The quarter's national KPIs; each Metric carries its target and attainment." })
  async kpis(@Root() report: ReportRoot, @Ctx() ctx: Context): Promise<QuarterlyKpis> {
    const [kpis] = await loadQuarterlyKpis(ctx, NATIONAL_SCOPE, [report.quarter]);
    return kpis!;
  }

  @FieldResolver(() => CoverageChange, { description: "Serviceable and active PINs against the previous quarter." })
  async coverageChange(@Root() report: ReportRoot, @Ctx() ctx: Context): Promise<CoverageChange> {
    const before = previousQuarter(report.quarter);
    const [previous, current] = await loadQuarterlyKpis(ctx, NATIONAL_SCOPE, [before, report.quarter]);
    const pair = (key: KpiKey) => {
      const now = current!.metrics.find((m) => m.key === key)!;
      const then = previous!.metrics.find((m) => m.key === key)!;
      const change = now.value === null || then.value === null ? null : now.value - then.value;
      return Object.assign(new PinCountChange(), { current: now, previous: then, change });
    };
    return Object.assign(new CoverageChange(), {
      previousQuarter: before,
      serviceablePins: pair(KpiKey.SERVICEABLE_PINS),
      activePins: pair(KpiKey.ACTIVE_PINS),
    });
  }

  @FieldResolver(() => [PickupUtilisation], { description: "Pickup utilisation of every location open during the quarter, by location code." })
  async pickupUtilisation(@Root() report: ReportRoot, @Ctx() ctx: Context): Promise<{ pickupLocation: PickupLocationRow; metric: Metric }[]> {
    const locations = await findPickupLocationsOpenBetween(ctx.database.db, quarterStartDate(report.quarter), quarterEndDate(report.quarter));
    const kpis = await Promise.all(locations.map((l) => loadQuarterlyKpis(ctx, pickupLocationScope(l), [report.quarter])));
    return locations.map((pickupLocation, i) => ({
      pickupLocation,
      metric: kpis[i]![0]!.metrics.find((m) => m.key === KpiKey.PICKUP_UTILISATION)!,
    }));
  }

  @FieldResolver(() => [ReviewActionItem], { description: "This review's action items, in the minutes' order; empty while no review is recorded." })
  async actionItems(@Root() report: ReportRoot, @Ctx() ctx: Context): Promise<ReviewActionItemRow[]> {
    const review = await ctx.loaders.reviewByQuarter.load(formatFiscalQuarter(report.quarter));
    return review === null ? [] : ctx.loaders.actionItemsByReviewId.load(review.id);
  }

  @FieldResolver(() => QuarterlyReview, { nullable: true, description: "The previous quarter's review; null when none was recorded." })
  previousReview(@Root() report: ReportRoot, @Ctx() ctx: Context): Promise<QuarterlyReviewRow | null> {
    return ctx.loaders.reviewByQuarter.load(formatFiscalQuarter(previousQuarter(report.quarter)));
  }

  @FieldResolver(() => [ReviewActionItem], { description: "The previous review's action items with their current status: what this review follows up." })
  async previousActionItems(@Root() report: ReportRoot, @Ctx() ctx: Context): Promise<ReviewActionItemRow[]> {
    const review = await ctx.loaders.reviewByQuarter.load(formatFiscalQuarter(previousQuarter(report.quarter)));
    return review === null ? [] : ctx.loaders.actionItemsByReviewId.load(review.id);
  }
}

@Resolver(() => QuarterlyReview)
export class QuarterlyReviewResolver {
  @FieldResolver(() => ID, { description: "Global id." })
  id(@Root() review: QuarterlyReviewRow): string {
    return toGlobalId(REVIEW_TYPE, review.id);
  }

  @FieldResolver(() => [ReviewActionItem], { description: "The action items agreed, in the minutes' order, with their current state." })
  actionItems(@Root() review: QuarterlyReviewRow, @Ctx() ctx: Context): Promise<ReviewActionItemRow[]> {
    return ctx.loaders.actionItemsByReviewId.load(review.id);
  }
}

@Resolver(() => ReviewActionItem)
export class ReviewActionItemResolver {
  @FieldResolver(() => ID, { description: "Global id: pass it to updateActionItem." })
  id(@Root() item: ReviewActionItemRow): string {
    return toGlobalId(ACTION_ITEM_TYPE, item.id);
  }

  @FieldResolver(() => FiscalQuarterScalar, { description: "The quarter whose review agreed the item." })
  async quarter(@Root() item: ReviewActionItemRow, @Ctx() ctx: Context): Promise<string> {
    return (await ctx.loaders.reviewById.load(item.reviewId))!.quarter;
  }

  @FieldResolver(() => QuarterlyReview, { description: "The review that agreed the item." })
  async review(@Root() item: ReviewActionItemRow, @Ctx() ctx: Context): Promise<QuarterlyReviewRow> {
    return (await ctx.loaders.reviewById.load(item.reviewId))!;
  }

  @FieldResolver(() => [ActionItemChange], { description: "Every state the item has been in, oldest first: as recorded, then each change with its time." })
  history(@Root() item: ReviewActionItemRow, @Ctx() ctx: Context): Promise<ActionItemChangeRow[]> {
    return ctx.loaders.actionItemChangesByItemId.load(item.id);
  }
}

@Resolver(() => Metric)
export class MetricTargetResolver {
  @FieldResolver(() => Float, {
    nullable: true,
    description:
      "The target agreed for this KPI, quarter and scope (setKpiTargets), in the metric's unit; null when none is set, and for " +
      "failed-attempt rates by reason (targets are per KPI).",
  })
  target(@Root() metric: Metric, @Ctx() ctx: Context): Promise<number | null> {
    return targetOf(metric, ctx);
  }

  @FieldResolver(() => Float, {
    nullable: true,
    description:
      "How far the target is attained, as a fraction: 1.0 = exactly met, above 1 better than the target. HIGHER_IS_BETTER: " +
      "value ÷ target (on-time 92% against a 95% target is 0.968); LOWER_IS_BETTER: target ÷ value (RTO 5% against a 4% ceiling " +
      "is 0.8). Null when the value or the target is missing or the divisor is 0 (see targetMet for those).",
  })
  async attainment(@Root() metric: Metric, @Ctx() ctx: Context): Promise<number | null> {
    return attainment(metric.direction, metric.value, await targetOf(metric, ctx));
  }

  @FieldResolver(() => Boolean, {
    nullable: true,
    description: "Whether the target is met: value ≥ target (HIGHER_IS_BETTER) or value ≤ target (LOWER_IS_BETTER); null when either is missing.",
  })
  async targetMet(@Root() metric: Metric, @Ctx() ctx: Context): Promise<boolean | null> {
    return targetMet(metric.direction, metric.value, await targetOf(metric, ctx));
  }
}

/** What each review input selects by (access.inputs.ts). */
export const reviewInputAccess: InputDeclarations = {
  "Query.quarterlyReview(quarter:)": "QuarterlyReviewReport.quarter",
};
