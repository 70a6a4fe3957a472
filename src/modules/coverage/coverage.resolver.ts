import type { GraphQLResolveInfo } from "graphql";
import { Arg, Args, ArgsType, Ctx, Field, FieldResolver, Float, Info, InputType, Int, Mutation, Query, Resolver, Root } from "type-graphql";
import { circleScope, Public, requireArmyPostal, Restricted, RestrictedArmyPostal, Role, storedValueReader } from "../access/access.roles.js";
import { isArmyPostal } from "../pincode/pincode.zone.js";
import type { Context } from "../../context.js";
import { BadUserInputError } from "../../lib/errors.js";
import {
  type FiscalQuarter,
  formatFiscalQuarter,
  FiscalQuarterScalar,
  istDateOf,
  quarterEndDate,
  quarterOfDay,
  quartersBetween,
} from "../../lib/fiscal-quarter.js";
import { DateScalar, PinScalar } from "../../lib/scalars.js";
import type { PickupLocationRow } from "../pickup-location/pickup-location.sql.js";
import { PickupLocation } from "../pickup-location/pickup-location.type.js";
import type { PincodeRow } from "../pincode/pincode.sql.js";
import { Pincode } from "../pincode/pincode.type.js";
import { haversineKm } from "../../lib/geo.js";
import { USABLE_COORDINATE_QUALITIES } from "../pincode/pincode.sql.js";
import type { PostOfficeRow } from "../post-office/post-office.sql.js";
import { PostOffice } from "../post-office/post-office.type.js";
import type { ShipmentRow } from "../shipment/shipment.sql.js";
import { Shipment } from "../shipment/shipment.type.js";
import { MAX_SERVICEABILITY_PER_BATCH, setServiceabilityBatch } from "./coverage.ingest.js";
import { coverageReadableInScope } from "./coverage.rules.js";
import { type CoverageAreaRow, type CoverageLevelValue, findCoverage, findServiceabilityByPincodes } from "./coverage.repository.js";
import type { ServiceabilityRow } from "./coverage.sql.js";
import {
  CoverageArea,
  CoverageLevel,
  CoverageReport,
  NearbyOffice,
  PinCoverage,
  ratio,
  RemoteClass,
  Serviceability,
  ServiceabilityChannel,
  SetServiceabilityPayload,
} from "./coverage.type.js";
import { BY_VALUE, type InputDeclarations, UNSELECTIVE } from "../access/access.inputs.js";

@InputType("ServiceabilityInput", { description: "One serviceability period of a PIN or Army Postal location." })
class ServiceabilityInput {
  @Field(() => PinScalar, { description: "A deliverable PIN of the directory, or the zone-9 PIN of an Army Postal location." })
  pincode!: string;

  @Field(() => ServiceabilityChannel, { nullable: true, description: "Omitted: INDIA_POST for civilian PINs, ARMY_POSTAL_SERVICE for zone 9." })
  channel?: ServiceabilityChannel | null;

  @Field(() => DateScalar, { description: "First day serviceable (inclusive); with the PIN, identifies the period." })
  validFrom!: string;

  @Field(() => DateScalar, { nullable: true, description: "Last day serviceable (inclusive); omitted: open-ended." })
  validTo?: string | null;
}

@InputType("SetServiceabilityInput", { description: "Serviceability periods, set all together or not at all." })
class SetServiceabilityInput {
  @Field(() => [ServiceabilityInput], { description: "1 to 5,000 periods." })
  entries!: ServiceabilityInput[];
}

@ArgsType()
class CoverageArgs {
  @Field(() => CoverageLevel, { description: "The level of the areas." })
  level!: CoverageLevel;

  @Field(() => DateScalar, { nullable: true, description: "The day serviceability is read on; default today (IST)." })
  asOf?: string | null;

  @Field(() => FiscalQuarterScalar, { nullable: true, description: "The quarter deliveries are counted in; default the quarter of `asOf`." })
  quarter?: FiscalQuarter | null;
}

@ArgsType()
class CoverageTrendArgs {
  @Field(() => CoverageLevel, { description: "The level of the areas." })
  level!: CoverageLevel;

  @Field(() => FiscalQuarterScalar, { description: "First quarter." })
  from!: FiscalQuarter;

  @Field(() => FiscalQuarterScalar, { description: "Last quarter (inclusive); at most 40 quarters from `from`." })
  to!: FiscalQuarter;
}

const MAX_TREND_QUARTERS = 40;

function toArea(row: CoverageAreaRow): CoverageArea {
  return Object.assign(new CoverageArea(), {
    area: row.key,
    pinsTotal: row.pinsTotal,
    pinsDeliverable: row.pinsDeliverable,
    pinsDeliveryStatusUnknown: row.pinsDeliveryUnknown,
    pinsServiceable: row.pinsServiceable,
    pinsActive: row.pinsActive,
    officesInServiceablePins: row.officesInServiceablePins,
    deliveryOfficesInServiceablePins: row.deliveryOfficesInServiceablePins,
    armyLocationsServed: row.armyLocationsServed,
    armyLocationsActive: row.armyLocationsActive,
    remotePinsTotal: row.remotePinsTotal,
    remotePinsServed: row.remotePinsServed,
    shipmentsDelivered: row.delivered,
    shareServed: ratio(row.pinsServiceable, row.pinsDeliverable, "serviceable deliverable PINs ÷ deliverable PINs"),
    shareActive: ratio(row.pinsActive, row.pinsServiceable, "PINs with ≥ 1 delivery in the quarter ÷ serviceable PINs"),
  });
}

async function report(ctx: Context, level: CoverageLevel, asOf: string, quarter: string): Promise<CoverageReport> {
  // A viewer limited to a postal circle sees its circle's PINs only, as for shipments and KPIs.
  const rows = await findCoverage(ctx.database.db, level as CoverageLevelValue, asOf, quarter, circleScope(ctx.viewer));
  return Object.assign(new CoverageReport(), { level, asOf, quarter, areas: rows.map(toArea) });
}

@Resolver()
export class CoverageResolver {
  @Restricted()
  @Query(() => CoverageReport, {
    description:
      "Where Amazon can deliver through India Post, where it does and where it does not yet, per area: PINs total, deliverable, " +
      "serviceable on `asOf`, active in `quarter`, offices in serviceable PINs, Army locations, remote PINs served, with shares " +
      "as numerator and denominator. Answered from the directory, the serviceability periods and the per-PIN delivery rollup, " +
      "in one statement whatever the number of shipments. A viewer limited to a postal circle gets its circle's PINs only (no Army " +
      "Postal locations).",
  })
  coverage(@Args(() => CoverageArgs) args: CoverageArgs, @Ctx() ctx: Context): Promise<CoverageReport> {
    const asOf = args.asOf ?? istDateOf(new Date());
    const quarter = formatFiscalQuarter(args.quarter ?? quarterOfDay(asOf));
    return report(ctx, args.level, asOf, quarter);
  }

  @Restricted()
  @Query(() => [CoverageReport], {
    description:
      "Coverage per quarter from `from` to `to`: serviceability read on each quarter's last day (today for the current quarter), " +
      "deliveries counted in that quarter. One statement per quarter.",
  })
  async coverageTrend(@Args(() => CoverageTrendArgs) args: CoverageTrendArgs, @Ctx() ctx: Context): Promise<CoverageReport[]> {
    const quarters = quartersBetween(args.from, args.to);
    if (quarters.length > MAX_TREND_QUARTERS) {
      throw new BadUserInputError(`coverageTrend spans ${quarters.length} quarters; at most ${MAX_TREND_QUARTERS}.`, { field: "to", max: MAX_TREND_QUARTERS });
    }
    const today = istDateOf(new Date());
    return Promise.all(
      quarters.map((q) => {
        const end = quarterEndDate(q);
        return report(ctx, args.level, end < today ? end : today, formatFiscalQuarter(q));
      }),
    );
  }

  @Restricted()
  @Query(() => [Serviceability], { nullable: true, description: "The serviceability periods of a PIN or Army Postal location, oldest first (history kept)." })
  serviceability(
    @Arg("pincode", () => PinScalar, { description: "The PIN or zone-9 Army Postal PIN." }) pincode: string,
    @Ctx() ctx: Context,
  ): Promise<ServiceabilityRow[]> {
    return findServiceabilityByPincodes(ctx.database.db, [pincode]);
  }

  @Public()
  @Query(() => [RemoteClass], { description: "The remote and restricted area classes, with their rules." })
  remoteClasses(@Ctx() ctx: Context): Promise<RemoteClass[]> {
    return ctx.loaders.remoteClassList();
  }

  @Restricted(Role.OPERATOR)
  @Mutation(() => SetServiceabilityPayload, {
    description:
      "Marks PINs (and Army Postal locations) serviceable for periods, all or nothing. The same period again is unchanged; a new " +
      "last day for a stored period (same PIN and first day) updates it; a period overlapping another of the same PIN is a CONFLICT " +
      "naming both ranges. A PIN whose offices are all non-delivery cannot be serviceable.",
  })
  async setServiceability(
    @Arg("input", () => SetServiceabilityInput, { description: "The periods." }) input: SetServiceabilityInput,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    const count = input.entries.length;
    if (count < 1 || count > MAX_SERVICEABILITY_PER_BATCH) {
      throw new BadUserInputError(`input.entries must hold 1 to ${MAX_SERVICEABILITY_PER_BATCH} periods; got ${count}.`, {
        field: "input.entries",
        value: count,
        max: MAX_SERVICEABILITY_PER_BATCH,
      });
    }
    const readable = storedValueReader(ctx.viewer, info.schema);
    return ctx.database.transaction(({ db }) => setServiceabilityBatch(db, input.entries, (i) => `input.entries[${i}]`, { readable }));
  }
}

@Resolver(() => Serviceability)
export class ServiceabilityResolver {
  // Army Postal locations are restricted: their periods are details of a named location.
  @RestrictedArmyPostal([], [Role.ARMY_POSTAL])
  @FieldResolver(() => String, { nullable: true, description: "The PIN, or the zone-9 PIN of an Army Postal location." })
  pincode(@Root() row: ServiceabilityRow, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): string {
    if (isArmyPostal(row.pincode)) requireArmyPostal(ctx.viewer, info);
    return row.pincode;
  }
}

@Resolver(() => Pincode)
export class PincodeCoverageResolver {
  // An Army Postal location's periods and deliveries are its details, as through Query.serviceability.
  @RestrictedArmyPostal([], [Role.ARMY_POSTAL])
  @FieldResolver(() => PinCoverage, {
    nullable: true,
    description: "This PIN's serviceability on a day and deliveries in a quarter; null outside the viewer's postal circle.",
  })
  async coverage(
    @Root() pincode: PincodeRow,
    @Arg("asOf", () => DateScalar, { nullable: true, description: "The day serviceability is read on; default today (IST)." }) asOf: string | null,
    @Arg("quarter", () => FiscalQuarterScalar, { nullable: true, description: "The quarter; default that of `asOf`." }) quarter: FiscalQuarter | null,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ): Promise<PinCoverage | null> {
    if (isArmyPostal(pincode.code)) requireArmyPostal(ctx.viewer, info);
    const scope = circleScope(ctx.viewer);
    if (scope !== null) {
      const circle = pincode.primaryCircleId === null ? null : await ctx.loaders.circleById.load(pincode.primaryCircleId);
      if (!coverageReadableInScope(scope, circle?.name ?? null)) return null;
    }
    const day = asOf ?? istDateOf(new Date());
    const q = formatFiscalQuarter(quarter ?? quarterOfDay(day));
    const row = await ctx.loaders.pinCoverage.load({ pincode: pincode.code, asOf: day, quarter: q });
    return Object.assign(new PinCoverage(), {
      serviceable: row.serviceableFrom !== null,
      serviceableFrom: row.serviceableFrom,
      serviceableTo: row.serviceableTo,
      serviceableSince: row.serviceableFrom,
      serviceableUntil: row.serviceableTo,
      channel: row.channel,
      quarter: q,
      activeInQuarter: row.deliveredInQuarter > 0,
      shipmentsDelivered: row.deliveredInQuarter,
      firstDeliveredAt: row.firstDeliveredAt,
      lastDeliveredAt: row.lastDeliveredAt,
    });
  }

  @FieldResolver(() => [String], { description: "Codes of the remote classes this PIN is in (see remoteClasses); empty when none." })
  remoteClasses(@Root() pincode: PincodeRow, @Ctx() ctx: Context): Promise<string[]> {
    return ctx.loaders.remoteClassesByPincode.load(pincode.code);
  }
}

function usable(p: PincodeRow | null): p is PincodeRow & { latitude: number; longitude: number } {
  return p !== null && p.latitude !== null && p.longitude !== null && USABLE_COORDINATE_QUALITIES.includes(p.coordinateQuality);
}

@Resolver(() => Shipment)
export class ShipmentDistanceResolver {
  @Restricted(Role.OPERATOR)
  @FieldResolver(() => Float, {
    nullable: true,
    description:
      "Great-circle distance in km from the pickup location's PIN to the destination PIN (one approximate point per PIN). Null for " +
      "Army Postal destinations and where either PIN lacks trustworthy coordinates (Pincode.coordinateQuality).",
  })
  async distanceKm(@Root() s: ShipmentRow, @Ctx() ctx: Context): Promise<number | null> {
    if (s.destinationKind === "ARMY_POSTAL") return null;
    const pickup = await ctx.loaders.pickupLocationById.load(s.pickupLocationId);
    const office = pickup === null ? null : await ctx.loaders.postOfficeById.load(pickup.postOfficeId);
    const [from, to] = await Promise.all([
      office === null ? null : ctx.loaders.pincodeByCode.load(office.pincode),
      ctx.loaders.pincodeByCode.load(s.destinationPincode),
    ]);
    if (!usable(from) || !usable(to)) return null;
    return Math.round(haversineKm(from.latitude, from.longitude, to.latitude, to.longitude) * 10) / 10;
  }
}

@Resolver(() => NearbyOffice)
export class NearbyOfficeResolver {
  @FieldResolver(() => PostOffice, { description: "The delivery office." })
  office(@Root() near: { office: PostOfficeRow }): PostOfficeRow {
    return near.office;
  }
}

@Resolver(() => PickupLocation)
export class PickupLocationNearbyResolver {
  @FieldResolver(() => [NearbyOffice], {
    description:
      "Delivery offices nearest to this location, by the distance between PIN coordinates (one approximate point per PIN; PINs " +
      "without trustworthy coordinates are left out). Offices whose delivery status is unknown are included.",
  })
  async nearestDeliveryOffices(
    @Root() location: PickupLocationRow,
    @Arg("first", () => Int, { defaultValue: 5, description: "How many offices, 1 to 50." }) first: number,
    @Arg("radiusKm", () => Float, { defaultValue: 25, description: "Search radius in km, up to 200." }) radiusKm: number,
    @Ctx() ctx: Context,
  ): Promise<{ office: PostOfficeRow; distanceKm: number }[]> {
    if (first < 1 || first > 50) throw new BadUserInputError(`first must be 1 to 50; got ${first}.`, { field: "first", value: first });
    if (!(radiusKm > 0 && radiusKm <= 200)) throw new BadUserInputError(`radiusKm must be more than 0 and at most 200; got ${radiusKm}.`, { field: "radiusKm", value: radiusKm });
    const near = await ctx.loaders.nearestDeliveryOffices.load({ locationId: location.id, first, radiusKm });
    return near.map((n) => ({ office: n.office, distanceKm: Math.round(n.distanceKm * 100) / 100 }));
  }
}

/** What each coverage input selects or splits rows by (access.inputs.ts). */
export const coverageInputAccess: InputDeclarations = {
  "Query.coverage(level:)": BY_VALUE,
  "Query.coverage(asOf:)": "CoverageReport.asOf",
  "Query.coverage(quarter:)": "CoverageReport.quarter",
  "Query.coverageTrend(level:)": BY_VALUE,
  "Query.coverageTrend(from:)": "CoverageReport.quarter",
  "Query.coverageTrend(to:)": "CoverageReport.quarter",
  "CoverageLevel.NATIONAL": "CoverageArea.area",
  "CoverageLevel.ZONE": "CoverageArea.area",
  "CoverageLevel.CIRCLE": "CoverageArea.area",
  "CoverageLevel.STATE": "CoverageArea.area",
  "CoverageLevel.DISTRICT": "CoverageArea.area",
  "Query.serviceability(pincode:)": { mirrors: "Serviceability.pincode", armyPostal: (pin) => isArmyPostal(String(pin)) },
  "Pincode.coverage(asOf:)": "PinCoverage.serviceable",
  "Pincode.coverage(quarter:)": "PinCoverage.quarter",
  "PickupLocation.nearestDeliveryOffices(first:)": UNSELECTIVE,
  "PickupLocation.nearestDeliveryOffices(radiusKm:)": UNSELECTIVE,
};
