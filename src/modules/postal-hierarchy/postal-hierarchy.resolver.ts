import { Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from "type-graphql";
import { Public } from "../access/access.roles.js";
import type { Context } from "../../context.js";
import { toGlobalId } from "../../lib/global-id.js";
import { type CircleWithCounts, listCirclesWithCounts } from "./postal-hierarchy.repository.js";
import type { CircleRow, DivisionRow, RegionRow } from "./postal-hierarchy.sql.js";
import { Circle, Division, Region } from "./postal-hierarchy.type.js";

type CircleParent = CircleRow & Partial<Pick<CircleWithCounts, "officeCount" | "pincodeCount">>;

@Resolver(() => Circle)
export class CircleResolver {
  @Public()
  @Query(() => [Circle], {
    description: "All postal circles in the directory, by name, with their office and PIN counts (one statement).",
  })
  async circles(@Ctx() ctx: Context): Promise<CircleWithCounts[]> {
    const circles = await listCirclesWithCounts(ctx.database.db);
    for (const circle of circles) ctx.loaders.circleById.prime(circle.id, circle);
    return circles;
  }

  @FieldResolver(() => ID, { description: "Global id of the circle." })
  id(@Root() circle: CircleRow): string {
    return toGlobalId("Circle", circle.id);
  }

  @FieldResolver(() => Int, { description: "Post offices of the circle (all types)." })
  officeCount(@Root() circle: CircleParent, @Ctx() ctx: Context): number | Promise<number> {
    return circle.officeCount ?? ctx.loaders.officeCountByCircleId.load(circle.id);
  }

  @FieldResolver(() => Int, {
    description: "PIN areas whose derived primary circle is this one (see Pincode.primaryState for the rule).",
  })
  pincodeCount(@Root() circle: CircleParent, @Ctx() ctx: Context): number | Promise<number> {
    return circle.pincodeCount ?? ctx.loaders.pincodeCountByCircleId.load(circle.id);
  }

  @FieldResolver(() => [Region], { description: "The regions of the circle, by name." })
  regions(@Root() circle: CircleRow, @Ctx() ctx: Context): Promise<RegionRow[]> {
    return ctx.loaders.regionsByCircleId.load(circle.id);
  }
}

@Resolver(() => Region)
export class RegionResolver {
  @FieldResolver(() => ID, { description: "Global id of the region." })
  id(@Root() region: RegionRow): string {
    return toGlobalId("Region", region.id);
  }

  @FieldResolver(() => Circle, { description: "The circle the region belongs to." })
  async circle(@Root() region: RegionRow, @Ctx() ctx: Context): Promise<CircleRow> {
    return (await ctx.loaders.circleById.load(region.circleId))!;
  }

  @FieldResolver(() => [Division], { description: "The divisions of the region, by name." })
  divisions(@Root() region: RegionRow, @Ctx() ctx: Context): Promise<DivisionRow[]> {
    return ctx.loaders.divisionsByRegionId.load(region.id);
  }

  @FieldResolver(() => Int, { description: "Post offices of the region (all types)." })
  officeCount(@Root() region: RegionRow, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.officeCountByRegionId.load(region.id);
  }
}

@Resolver(() => Division)
export class DivisionResolver {
  @FieldResolver(() => ID, { description: "Global id of the division." })
  id(@Root() division: DivisionRow): string {
    return toGlobalId("Division", division.id);
  }

  @FieldResolver(() => Region, { description: "The region the division belongs to." })
  async region(@Root() division: DivisionRow, @Ctx() ctx: Context): Promise<RegionRow> {
    return (await ctx.loaders.regionById.load(division.regionId))!;
  }

  @FieldResolver(() => Int, { description: "Post offices the division administers (all types)." })
  officeCount(@Root() division: DivisionRow, @Ctx() ctx: Context): Promise<number> {
    return ctx.loaders.officeCountByDivisionId.load(division.id);
  }
}
