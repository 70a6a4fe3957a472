import { filter, map, pipe } from "@graphql-yoga/subscription";
import { Arg, Ctx, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "../../context.js";
import { CHANGE_PUBSUB, feedKey, KPIS_CHANGED_TOPIC, type KpisChanged } from "../../lib/change-events.js";
import { type FiscalQuarter, FiscalQuarterScalar, formatFiscalQuarter } from "../../lib/fiscal-quarter.js";
import { BY_FIELD, type InputDeclarations } from "../access/access.inputs.js";
import { Restricted, Role } from "../access/access.roles.js";
import { loadQuarterlyKpis, resolveKpiScope } from "./kpi.service.js";
import { type KpiScope, KpiScopeInput, QuarterlyKpis } from "./kpi.type.js";

/** A KPI event with the subscriber's scope, resolved once when it subscribed. */
interface ScopedKpisChanged extends KpisChanged {
  readonly scope: KpiScope;
}

@Resolver()
export class KpiSubscriptionResolver {
  @Restricted(Role.ANALYST)
  @Subscription(() => QuarterlyKpis, {
    nullable: true,
    // The scope is checked when the subscription starts (an unknown key, or a circle-limited key asking for another
    // scope, is refused then), not at every event.
    subscribe: async ({ args, context }) => {
      const ctx = context as Context;
      const scope = await resolveKpiScope(ctx, args.scope as KpiScopeInput | null | undefined);
      const quarter = formatFiscalQuarter(args.quarter as FiscalQuarter);
      return pipe(
        CHANGE_PUBSUB.subscribe(KPIS_CHANGED_TOPIC, feedKey(ctx.database)),
        filter((event: KpisChanged) => event.quarters.includes(quarter)),
        map((event: KpisChanged): ScopedKpisChanged => ({ ...event, scope })),
      );
    },
    description:
      "The quarter's KPIs for one scope (as quarterlyKpis gives them), each time a write moves the quarter's rollups: a booking, " +
      "a scan that changes a status, a COD remittance, an import or a seed. An event may leave this scope's figures as they " +
      "were (the write moved another scope of the quarter). Over a WebSocket (graphql-ws), not HTTP.",
  })
  kpisChanged(
    @Arg("quarter", () => FiscalQuarterScalar, { description: "The fiscal quarter to follow, e.g. \"FY2025-26-Q3\"." }) quarter: FiscalQuarter,
    @Arg("scope", () => KpiScopeInput, { nullable: true, description: "The scope; default national." }) _scope: KpiScopeInput | null,
    @Root() event: ScopedKpisChanged,
    @Ctx() ctx: Context,
  ): Promise<QuarterlyKpis> {
    return loadQuarterlyKpis(ctx, event.scope, [quarter]).then(([kpis]) => kpis!);
  }
}

/** What kpisChanged's arguments select by (access.inputs.ts): a quarter and a scope of rollups, as quarterlyKpis. */
export const kpiSubscriptionInputAccess: InputDeclarations = {
  "Subscription.kpisChanged(quarter:)": "QuarterlyKpis.quarter",
  "Subscription.kpisChanged(scope:)": BY_FIELD,
};
