import { Arg, Ctx, Mutation, Query, Resolver } from "type-graphql";
import type { Context } from "../../context.js";
import { Restricted, Role } from "../access/access.roles.js";
import { requireHolidayCount, setPublicHolidays } from "./service-norm.holidays.js";
import { findPublicHolidayList, findServiceNorms } from "./service-norm.repository.js";
import { PublicHoliday, ServiceNorm, SetPublicHolidaysInput, SetPublicHolidaysPayload } from "./service-norm.type.js";

@Resolver()
export class ServiceNormResolver {
  @Restricted()
  @Query(() => [ServiceNorm], { description: "The service norms the on-time KPI measures against, by product and route class." })
  async serviceNorms(@Ctx() ctx: Context): Promise<ServiceNorm[]> {
    return (await findServiceNorms(ctx.database.db)).map((r) => Object.assign(new ServiceNorm(), r));
  }

  @Restricted()
  @Query(() => [PublicHoliday], { description: "The public holidays due dates skip, oldest first." })
  async publicHolidays(@Ctx() ctx: Context): Promise<PublicHoliday[]> {
    return (await findPublicHolidayList(ctx.database.db)).map((r) => Object.assign(new PublicHoliday(), r));
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
