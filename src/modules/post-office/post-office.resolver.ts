import { QUERY_MODEL } from "../../projections.js";
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from "type-graphql";
import type { GraphQLResolveInfo } from "graphql";
import { selectsField } from "../../lib/selection.js";
import { Public } from "../access/access.roles.js";
import type { Context } from "../../context.js";
import { integerKeyOf, toGlobalId } from "../../lib/global-id.js";
import { textFilter } from "../../lib/text-input.js";
import { Pincode } from "../pincode/pincode.type.js";
import type { PincodeRow } from "../pincode/pincode.sql.js";
import { Circle, Division, Region } from "../postal-hierarchy/postal-hierarchy.type.js";
import type { CircleRow, DivisionRow, RegionRow } from "../postal-hierarchy/postal-hierarchy.sql.js";
import { POST_OFFICE_DEFAULT_ORDER, type PostOfficeFilter, PostOfficesArgs } from "./post-office.args.js";
import { postOfficeConditions, postOfficeQuery, type PostOfficeFilterValues } from "./post-office.repository.js";
import type { PostOfficeRow } from "./post-office.sql.js";
import { type CoordinateQuality, GeoPoint } from "../pincode/pincode.type.js";
import { PostOffice, PostOfficeConnection } from "./post-office.type.js";

function filterValues(filter: PostOfficeFilter | null | undefined): PostOfficeFilterValues {
  if (filter === null || filter === undefined) return {};
  return {
    nameContains: textFilter(filter.nameContains, "filter.nameContains"),
    nameStartsWith: textFilter(filter.nameStartsWith, "filter.nameStartsWith"),
    pincode: filter.pincode ?? null,
    state: textFilter(filter.state, "filter.state"),
    district: textFilter(filter.district, "filter.district"),
    circle: textFilter(filter.circle, "filter.circle"),
    region: textFilter(filter.region, "filter.region"),
    division: textFilter(filter.division, "filter.division"),
    officeType: filter.officeType ?? null,
    delivery: filter.delivery ?? null,
  };
}

@Resolver(() => PostOffice)
export class PostOfficeResolver {
  @Public()
  @Query(() => PostOffice, { nullable: true, description: "One post office by its global id; null when there is none." })
  async postOffice(
    @Arg("id", () => ID, { description: "Global id of the office (PostOffice.id)." }) id: string,
    @Ctx() ctx: Context,
  ): Promise<PostOfficeRow | null> {
    return ctx.loaders.postOfficeById.load(integerKeyOf(id, "PostOffice"));
  }

  @Public()
  @Query(() => PostOfficeConnection, {
    nullable: true,
    description:
      "Post offices of India Post's All India Pincode Directory (about 1.55 lakh offices), filtered, in any order of their " +
      "fields (by name by default) and paged either way (first/after or last/before). " +
      "Source: Department of Posts, All India Pincode Directory, data.gov.in, Government Open Data Licence – India.",
  })
  async postOffices(@Args(() => PostOfficesArgs) args: PostOfficesArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    const filter = filterValues(args.filter);
    const connection = await postOfficeQuery(QUERY_MODEL).connection(ctx.database.db, args, {
      fallback: POST_OFFICE_DEFAULT_ORDER,
      conditions: postOfficeConditions(filter),
      // A name search matches a few thousand offices at most, which the trigram and prefix indexes find.
      sortMatches: Boolean(filter.nameContains || filter.nameStartsWith),
      maxPageSize: ctx.config.maxPageSize,
      name: "postOffices",
      // A search page shows its total.
      countBeside: selectsField(info, "totalCount"),
    });
    for (const office of connection.nodes) ctx.loaders.postOfficeById.prime(office.id, office);
    return connection;
  }

  @FieldResolver(() => ID, { description: "Global id of the office." })
  id(@Root() office: PostOfficeRow): string {
    return toGlobalId("PostOffice", office.id);
  }

  @FieldResolver(() => Pincode, { description: "The PIN area this office belongs to." })
  async pincode(@Root() office: PostOfficeRow, @Ctx() ctx: Context): Promise<PincodeRow> {
    const pincode = await ctx.loaders.pincodeByCode.load(office.pincode);
    if (pincode === null) throw new Error(`post_office ${office.id} references missing pincode ${office.pincode}`);
    return pincode;
  }

  @FieldResolver(() => Circle, { nullable: true, description: "The postal circle of the office." })
  circle(@Root() office: PostOfficeRow, @Ctx() ctx: Context): Promise<CircleRow | null> | null {
    return office.circleId === null ? null : ctx.loaders.circleById.load(office.circleId);
  }

  @FieldResolver(() => Region, { nullable: true, description: "The postal region of the office." })
  region(@Root() office: PostOfficeRow, @Ctx() ctx: Context): Promise<RegionRow | null> | null {
    return office.regionId === null ? null : ctx.loaders.regionById.load(office.regionId);
  }

  @FieldResolver(() => Division, { nullable: true, description: "The postal division that administers the office." })
  division(@Root() office: PostOfficeRow, @Ctx() ctx: Context): Promise<DivisionRow | null> | null {
    return office.divisionId === null ? null : ctx.loaders.divisionById.load(office.divisionId);
  }

  @FieldResolver(() => GeoPoint, {
    nullable: true,
    description:
      "The office's own position, where a data.gov.in CSV import gave one that passed the India-box check; " +
      "otherwise null (use `pincode.location`, one point per PIN).",
  })
  location(@Root() office: PostOfficeRow): GeoPoint | null {
    if (office.latitude === null || office.longitude === null || office.coordinateQuality === null) return null;
    return { latitude: office.latitude, longitude: office.longitude, quality: office.coordinateQuality as CoordinateQuality };
  }
}
