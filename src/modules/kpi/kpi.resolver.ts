import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Query, Resolver, Root } from "type-graphql";
import type { Context } from "../../context.js";
import { BadUserInputError, ForbiddenError } from "../../lib/errors.js";
import {
  addQuarters,
  type FiscalQuarter,
  FiscalQuarterScalar,
  formatFiscalQuarter,
  previousQuarter,
  quartersBetween,
  sameQuarterLastYear,
} from "../../lib/fiscal-quarter.js";
import { growth, pointChange } from "../../lib/growth.js";
import { circleScope, Restricted, Role } from "../access/access.roles.js";
import { KPI_DEFINITIONS, MetricUnit } from "./kpi.definitions.js";
import { loadQuarterlyKpis, requireQuarterOrder, resolveKpiScope } from "./kpi.service.js";
import { findScopesWithData } from "./kpi.repository.js";
import { KpiDefinitionType, KpiScope, KpiScopeInput, KpiScopeKind, Metric, MetricChange, QuarterlyKpis } from "./kpi.type.js";
import { BY_FIELD, BY_VALUE, type InputDeclarations } from "../access/access.inputs.js";

/** The longest range quarterlyKpis answers: ten years. */
export const MAX_KPI_QUARTERS = 40;

@ArgsType()
class QuarterlyKpisArgs {
  @Field(() => FiscalQuarterScalar, { description: "First quarter, e.g. \"FY2022-23-Q1\" (also \"Q1 FY23\")." })
  from!: FiscalQuarter;

  @Field(() => FiscalQuarterScalar, { description: `Last quarter (inclusive); at most ${MAX_KPI_QUARTERS} quarters after from.` })
  to!: FiscalQuarter;

  @Field(() => KpiScopeInput, { nullable: true, description: "The scope; default national." })
  scope?: KpiScopeInput | null;
}

@Resolver()
export class KpiResolver {
  @Restricted(Role.ANALYST)
  @Query(() => [QuarterlyKpis], {
    nullable: true,
    description:
      "Every KPI of the quarterly review per fiscal quarter (Indian fiscal year April–March; Q1 = Apr–Jun; boundaries at midnight IST) from `from` to `to`, for one scope, each with its numerator, " +
      "denominator, unit and definition, and growth quarter on quarter, year on year or against any base quarter. Read from rollups kept " +
      "current on every write: the same few SQL statements for 1 quarter or 40, never a scan of shipments.",
  })
  async quarterlyKpis(@Args(() => QuarterlyKpisArgs) args: QuarterlyKpisArgs, @Ctx() ctx: Context): Promise<QuarterlyKpis[]> {
    requireQuarterOrder(args.from, args.to);
    const quarters = quartersBetween(args.from, args.to);
    if (quarters.length > MAX_KPI_QUARTERS) {
      throw new BadUserInputError(`quarterlyKpis spans ${quarters.length} quarters; at most ${MAX_KPI_QUARTERS}.`, { field: "to", max: MAX_KPI_QUARTERS });
    }
    const scope = await resolveKpiScope(ctx, args.scope);
    // The four quarters before `from` ride along in the same batch: quarter-on-quarter and year-on-year need them.
    const before = quartersBetween(addQuarters(args.from, -4), previousQuarter(args.from));
    const [, kpis] = await Promise.all([loadQuarterlyKpis(ctx, scope, before), loadQuarterlyKpis(ctx, scope, quarters)]);
    return kpis;
  }

  @Restricted(Role.ANALYST)
  @Query(() => [QuarterlyKpis], {
    nullable: true,
    description:
      "The KPIs of one quarter for every scope of a kind that has data in it (every destination circle, every pickup location, …), " +
      "sorted by key: the per-circle or per-location table of a review, in the same few statements however many scopes. A viewer " +
      "restricted to one postal circle gets only that circle.",
  })
  async kpiBreakdown(
    @Arg("quarter", () => FiscalQuarterScalar, { description: "The fiscal quarter." }) quarter: FiscalQuarter,
    @Arg("by", () => KpiScopeKind, { description: "The kind of scope to break the quarter down by; NATIONAL gives the one national row." }) by: KpiScopeKind,
    @Ctx() ctx: Context,
  ): Promise<QuarterlyKpis[]> {
    const restricted = circleScope(ctx.viewer);
    if (restricted !== null) {
      if (by !== KpiScopeKind.CIRCLE) throw new ForbiddenError(`Your key is restricted to the postal circle "${restricted}": break down by CIRCLE.`, { field: "by" });
      const scope = await resolveKpiScope(ctx, { kind: by, key: restricted }, "by");
      return loadQuarterlyKpis(ctx, scope, [quarter]);
    }
    if (by === KpiScopeKind.NATIONAL) return loadQuarterlyKpis(ctx, await resolveKpiScope(ctx, null), [quarter]);
    const scopes = await findScopesWithData(ctx.database.db, by, formatFiscalQuarter(quarter));
    const results = await Promise.all(
      scopes.map((s) => loadQuarterlyKpis(ctx, Object.assign(new KpiScope(), { kind: by, key: s.key, name: s.name, storedKey: s.storedKey }), [quarter])),
    );
    return results.flat();
  }

  @Restricted()
  @Query(() => [KpiDefinitionType], { description: "How each KPI is defined, in the review's order: the text every Metric of it carries." })
  kpiDefinitions(): KpiDefinitionType[] {
    const allScopes = Object.values(KpiScopeKind);
    return KPI_DEFINITIONS.map((d) =>
      Object.assign(new KpiDefinitionType(), {
        key: d.key,
        name: d.name,
        unit: d.unit,
        direction: d.direction,
        definition: d.definition,
        scopes: d.scopes === "ALL" ? allScopes : allScopes.filter((k) => d.scopes.includes(k)),
      }),
    );
  }
}

async function compare(ctx: Context, metric: Metric, base: FiscalQuarter): Promise<MetricChange> {
  const [kpis] = await loadQuarterlyKpis(ctx, metric.scope, [base]);
  const same =
    metric.reason === null
      ? kpis!.metrics.find((m) => m.key === metric.key)
      : kpis!.failedAttemptsByReason.find((r) => r.reason === metric.reason)?.metric;
  const baseValue = same?.value ?? null;
  const g = growth(metric.value, baseValue);
  return Object.assign(new MetricChange(), {
    baseQuarter: base,
    baseValue,
    value: metric.value,
    ratio: metric.unit === MetricUnit.PERCENT ? null : g.ratio,
    change: metric.unit === MetricUnit.PERCENT ? null : g.change,
    pointChange: pointChange(metric.value, baseValue),
  });
}

@Resolver(() => Metric)
export class MetricGrowthResolver {
  @FieldResolver(() => MetricChange, { description: "Against the quarter before (same scope)." })
  quarterOnQuarter(@Root() metric: Metric, @Ctx() ctx: Context): Promise<MetricChange> {
    return compare(ctx, metric, previousQuarter(metric.quarter));
  }

  @FieldResolver(() => MetricChange, { description: "Against the same quarter of the previous fiscal year (same scope)." })
  yearOnYear(@Root() metric: Metric, @Ctx() ctx: Context): Promise<MetricChange> {
    return compare(ctx, metric, sameQuarterLastYear(metric.quarter));
  }

  @FieldResolver(() => MetricChange, {
    description:
      "Against any base quarter (same scope): the partnership's \"three-fold in 18 months\" is deliveredVolume's growth(base: \"FY2022-23-Q4\") " +
      "read at FY2024-25-Q2, whose ratio is about 3. Percent KPIs compare in points (pointChange); ratio and change are null for them.",
  })
  growth(
    @Root() metric: Metric,
    @Arg("base", () => FiscalQuarterScalar, { description: "The quarter to compare with." }) base: FiscalQuarter,
    @Ctx() ctx: Context,
  ): Promise<MetricChange> {
    return compare(ctx, metric, base);
  }
}

/** What each KPI input selects or splits by (access.inputs.ts): quarters and scopes of rollups, never single shipments. */
export const kpiInputAccess: InputDeclarations = {
  "Query.quarterlyKpis(from:)": "QuarterlyKpis.quarter",
  "Query.quarterlyKpis(to:)": "QuarterlyKpis.quarter",
  "Query.quarterlyKpis(scope:)": BY_FIELD,
  "KpiScopeInput.kind": BY_VALUE,
  "KpiScopeInput.key": "KpiScope.key",
  "Query.kpiBreakdown(by:)": BY_VALUE,
  "Query.kpiBreakdown(quarter:)": "QuarterlyKpis.quarter",
  "Metric.growth(base:)": "MetricChange.baseQuarter",
  ...Object.fromEntries(Object.values(KpiScopeKind).map((kind) => [`KpiScopeKind.${kind}`, "KpiScope.kind"])),
};
