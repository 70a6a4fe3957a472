import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import { sql } from "drizzle-orm";
import type { Context } from "../../context.js";
import { queryRows } from "../../db/client.js";
import { Restricted, Role } from "../access/access.roles.js";
import { requireHolidayCount, setPublicHolidays } from "./service-norm.holidays.js";
import type { RouteClassValue } from "./service-norm.sql.js";
import { PublicHoliday, ServiceNorm, SetPublicHolidaysInput, SetPublicHolidaysPayload } from "./service-norm.type.js";

@Resolver()
export class ServiceNormResolver {
  @Restricted()
  @Query(() => [ServiceNorm], { description: "The service norms the on-time KPI measures against, by product and route class." })
  async serviceNorms(@Ctx() ctx: Context): Promise<ServiceNorm[]> {
    const rows = await queryRows<{ product_code: string; route_class: RouteClassValue; days: number }>(
      ctx.database.db,
      sql`select product_code, route_class, days from service_norm order by product_code, days, route_class`,
    );
    return rows.map((r) => Object.assign(new ServiceNorm(), { productCode: r.product_code, routeClass: r.route_class, days: Number(r.days) }));
  }

  @Restricted()
  @Query(() => [PublicHoliday], { description: "The public holidays due dates skip, oldest first." })
  async publicHolidays(@Ctx() ctx: Context): Promise<PublicHoliday[]> {
    const rows = await queryRows<{ day: string; name: string }>(ctx.database.db, sql`select day::text as day, name from public_holiday order by day`);
    return rows.map((r) => Object.assign(new PublicHoliday(), r));
  }

  @Restricted(Role.OPERATOR)
  @Mutation(() => SetPublicHolidaysPayload, {
    description:
      "Adds, renames or removes public holidays, all or nothing; the same call again changes nothing. The promised day of every " +
      "shipment whose service window spans a changed day is re-computed in the same transaction, and the on-time KPI with it.",
  })
  setPublicHolidays(
    @Arg("input", () => SetPublicHolidaysInput, { description: "The days." }) input: SetPublicHolidaysInput,
    @Ctx() ctx: Context,
  ): Promise<SetPublicHolidaysPayload> {
    requireHolidayCount(input.add.length, input.remove.length);
    return ctx.database.transaction(async ({ db }) => Object.assign(new SetPublicHolidaysPayload(), await setPublicHolidays(db, input.add, input.remove)));
  }
}
