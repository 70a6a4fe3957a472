import type { GraphQLResolveInfo } from "graphql";
import { Args, Ctx, Info, Query, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import { whereCondition } from "../../db/query-read.js";
import { aggregatePeriod, checkGroupings, checkOrder, finishGroups } from "../../lib/aggregate-groups.js";
import { selectedMeasures } from "../../lib/aggregate-inputs.js";
import { toMoney } from "../../lib/money.js";
import { pageSize } from "../../lib/pagination.js";
import { QUERY_MODEL } from "../../projections.js";
import { Restricted, Role } from "../access/access.roles.js";
import { CodRemittanceAggregatesArgs, REMITTANCE_MEASURE_FIELD, REMITTANCE_TIME_DIMENSIONS, RemittanceMeasure } from "./cod-remittance-aggregate.args.js";
import { CodRemittanceAggregate } from "./cod-remittance-aggregate.type.js";
import { aggregateRemittances } from "./cod-remittance.repository.js";

const MEASURE_BY_FIELD = new Map(Object.values(RemittanceMeasure).map((m) => [REMITTANCE_MEASURE_FIELD[m], m]));

@Resolver(() => CodRemittanceAggregate)
export class CodRemittanceAggregateResolver {
  @Restricted(Role.FINANCE)
  @Query(() => [CodRemittanceAggregate], {
    nullable: true,
    description:
      "COD remittance batches grouped by remittance period (IST day, ISO week, month, fiscal quarter or fiscal year), counting " +
      "batches and the shipments they cover and summing the money remitted. Only the measures selected (or named in having and " +
      "orderBy) are computed, in one statement. Groups are sorted by orderBy, then by period.",
  })
  async codRemittanceAggregates(
    @Args(() => CodRemittanceAggregatesArgs) args: CodRemittanceAggregatesArgs,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<CodRemittanceAggregate[]> {
    const groupings = checkGroupings(args.groupBy, REMITTANCE_TIME_DIMENSIONS);
    const order = checkOrder(args.orderBy);
    const measures = selectedMeasures(info, MEASURE_BY_FIELD, args.having, args.orderBy);
    const where = whereCondition(QUERY_MODEL, "CodRemittance", args.where, "cod_remittance");
    const rows = await aggregateRemittances(ctx.database.db, { periods: groupings.map((g) => g.granularity!), measures, conditions: where === null ? [] : [where] });
    // Having and orderBy compare AMOUNT in rupees, as the batches' filter takes amounts; the output keeps the paise.
    const groups = rows.map((row) => ({
      keys: new Map(groupings.map((g, i) => [g.dimension, row.keys[i] ?? null])),
      figures: new Map([...measures].map((m) => [m, { value: m === RemittanceMeasure.AMOUNT ? row.values.get(m)! / 100 : row.values.get(m)!, raw: row.values.get(m)! }])),
    }));
    const first = pageSize(args.first ?? ctx.config.maxPageSize, ctx.config.maxPageSize);
    // REMITTED_ON is the one dimension: at most one grouping.
    const period = groupings[0] ?? null;
    return finishGroups(groups, groupings, args.having ?? [], order, first).map((g) => {
      const key = period === null ? null : (g.keys.get(period.dimension) ?? null);
      const figure = (m: RemittanceMeasure) => g.figures.get(m)?.raw ?? null;
      const amount = figure(RemittanceMeasure.AMOUNT);
      return Object.assign(new CodRemittanceAggregate(), {
        remittedOn: key === null ? null : aggregatePeriod(period!.granularity!, key),
        batches: figure(RemittanceMeasure.BATCHES),
        shipments: figure(RemittanceMeasure.SHIPMENTS),
        amount: amount === null ? null : toMoney(amount),
      });
    });
  }
}
