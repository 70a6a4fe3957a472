import type { SQL } from "drizzle-orm";
import { Arg, Args, Ctx, FieldResolver, Float, getMetadataStorage, ID, Info, Mutation, Query, Resolver, Root } from "type-graphql";
import type { GraphQLResolveInfo } from "graphql";
import { circleScope, requireArmyPostal, Restricted, RestrictedArmyPostal, Role, storedValueReader } from "../access/access.roles.js";
import type { Context } from "../../context.js";
import { codFeePaise } from "../../lib/cod.js";
import { BadUserInputError } from "../../lib/errors.js";
import { DAY_MS } from "../../lib/days.js";
import { type FiscalQuarter, FiscalQuarterScalar, istDayStart, quarterEnd, quarterStart } from "../../lib/fiscal-quarter.js";
import { integerKeyOf, toGlobalId } from "../../lib/global-id.js";
import { Money, toMoney } from "../../lib/money.js";
import { connectionFrom, PageArgs, pageSize } from "../../lib/pagination.js";
import { decodeOrderCursor, encodeOrderCursor, orderTerm } from "../../db/query-sql.js";
import { QUERY_MODEL } from "../../projections.js";
import { DateScalar } from "../../lib/scalars.js";
import { TrackingNumberScalar } from "../../lib/s10.js";
import type { CodRemittanceRow } from "../cod-remittance/cod-remittance.sql.js";
import type { PickupLocationRow } from "../pickup-location/pickup-location.sql.js";
import { findPickupLocations } from "../pickup-location/pickup-location.repository.js";
import { PickupLocation } from "../pickup-location/pickup-location.type.js";
import type { PincodeRow } from "../pincode/pincode.sql.js";
import { Pincode } from "../pincode/pincode.type.js";
import { isArmyPostal } from "../pincode/pincode.zone.js";
import type { PostOfficeRow } from "../post-office/post-office.sql.js";
import { PostOffice } from "../post-office/post-office.type.js";
import type { ProductRow } from "../product/product.sql.js";
import { Product } from "../product/product.type.js";
import { MAX_EVENTS_PER_BATCH, recordScanEventBatch } from "./scan-event.ingest.js";
import { type ShipmentFilter, ShipmentPageArgs, ShipmentsArgs } from "./shipment.args.js";
import { RecordScanEventsInput, RecordShipmentsInput } from "./shipment.input.js";
import { MAX_SHIPMENTS_PER_BATCH, recordShipmentBatch } from "./shipment.record.js";
import { withConflictRetry } from "../../db/transaction-conflict.js";
import { shipmentConditions, shipmentQuery, findTrackedShipment, type ShipmentFilterValues } from "./shipment.repository.js";
import { shipmentComputed, type ShipmentComputedName } from "./shipment.repository.js";
import type { ChildPageKey } from "./shipment.loaders.js";
import type { ScanEventRow, ShipmentRow } from "./shipment.sql.js";
import { CodCashStatus, CodRemittance, RecordScanEventsPayload, RecordShipmentsPayload, ScanEvent, Shipment, ShipmentConnection } from "./shipment.type.js";

/** Filter input → repository values; pickup codes resolve to ids (unknown codes match nothing). */
export async function shipmentFilterValues(filter: ShipmentFilter | null | undefined, ctx: Context): Promise<ShipmentFilterValues> {
  // An India Post viewer limited to a circle sees the shipments bound for it, whatever the filter says.
  const scope = circleScope(ctx.viewer);
  if (filter === null || filter === undefined) return { circleScope: scope };
  let bookedFrom = filter.bookedFrom ? istDayStart(filter.bookedFrom) : null;
  let bookedBefore = filter.bookedTo ? new Date(istDayStart(filter.bookedTo).getTime() + DAY_MS) : null;
  if (filter.bookedInQuarter) {
    const q: FiscalQuarter = filter.bookedInQuarter;
    const start = quarterStart(q);
    const end = quarterEnd(q);
    bookedFrom = bookedFrom === null || start > bookedFrom ? start : bookedFrom;
    bookedBefore = bookedBefore === null || end < bookedBefore ? end : bookedBefore;
  }
  let pickupLocationIds: number[] | null = null;
  if (filter.pickupLocationCode) {
    const codes = filter.pickupLocationCode.map((c) => c.trim().toUpperCase());
    const all = await findPickupLocations(ctx.database.db, null);
    pickupLocationIds = all.filter((p) => codes.includes(p.code)).map((p) => p.id);
  }
  return {
    statuses: filter.status ?? null,
    productCodes: filter.productCode?.map((c) => c.trim().toUpperCase()) ?? null,
    paymentMode: filter.paymentMode ?? null,
    pickupLocationIds,
    destinationPincode: filter.destinationPincode ?? null,
    destinationState: filter.destinationState ?? null,
    destinationCircle: filter.destinationCircle ?? null,
    bookedFrom,
    bookedBefore,
    armyPostal: filter.armyPostal ?? null,
    synthetic: filter.synthetic ?? null,
    circleScope: scope,
  };
}

/** Whether a viewer limited to a circle may see this shipment: its destination PIN's primary circle is theirs. */
export async function withinCircleScope(row: ShipmentRow, ctx: Context): Promise<boolean> {
  const scope = circleScope(ctx.viewer);
  if (scope === null) return true;
  const pin = row.destinationKind === "ARMY_POSTAL" ? null : await ctx.loaders.pincodeByCode.load(row.destinationPincode);
  const circle = pin?.primaryCircleId == null ? null : await ctx.loaders.circleById.load(pin.primaryCircleId);
  return circle !== null && circle.name.toLowerCase() === scope.toLowerCase();
}

/** A cursor of the default order (latest booking first), as the filtered path writes it, for the batched pages. */
function shipmentCursor(row: ShipmentRow): string {
  return encodeOrderCursor(SHIPMENT_DEFAULT_ORDER, [row.bookedAt.toISOString(), row.id]);
}

function decodeShipmentCursor(after: string | null | undefined): [string, number] | null {
  if (after === null || after === undefined) return null;
  const [, at, id] = decodeOrderCursor(after, SHIPMENT_DEFAULT_ORDER, "n", "after");
  return [at as string, Number(id)];
}

/** Latest booking first: the order of `shipments` without `orderBy`. */
const SHIPMENT_DEFAULT_ORDER = [orderTerm(QUERY_MODEL, "Shipment", "BOOKED_AT", true)];

/**
 * A page of shipments under `where`, any order and either paging direction, besides `conditions` (a parent's key,
 * the viewer's circle, the deprecated filter): one statement, and one more for totalCount when selected.
 */
async function shipmentsWhere(ctx: Context, args: ShipmentPageArgs, conditions: SQL[]) {
  const connection = await shipmentQuery(QUERY_MODEL).connection(ctx.database.db, args, {
    fallback: SHIPMENT_DEFAULT_ORDER,
    conditions,
    maxPageSize: ctx.config.maxPageSize,
    name: "shipments",
  });
  for (const node of connection.nodes) ctx.loaders.shipmentById.prime(node.id, node);
  return connection;
}

/** Whether a nested connection asks for more than its parent's latest shipments (which its batched loader reads). */
const asksMoreThanLatest = (args: ShipmentPageArgs) => [args.where, args.orderBy, args.last, args.before].some((v) => v !== null && v !== undefined);

/** A nested "latest shipments" connection of one parent, through the parent's page loader. */
async function childConnection<P>(
  parentId: P,
  page: PageArgs,
  ctx: Context,
  pages: { load(key: ChildPageKey<P>): Promise<ShipmentRow[]> },
  count: () => Promise<number>,
) {
  const size = pageSize(page.first, ctx.config.maxPageSize);
  const after = decodeShipmentCursor(page.after);
  const rows = size === 0 ? [] : await pages.load({ parentId, limit: size + 1, after });
  return connectionFrom(rows, size, after !== null, shipmentCursor, count);
}

/** A computed field's value (in shipment.repository.ts): the one its row was read with, else its loader's. */
function computed<V>(s: ShipmentRow, name: ShipmentComputedName, ctx: Context): Promise<V> {
  return shipmentComputed.valueOf<V>(s, name, () => ctx.loaders.shipmentComputedById.load(s.id));
}

@Resolver(() => Shipment)
export class ShipmentResolver {
  @Restricted()
  @Query(() => Shipment, {
    nullable: true,
    description:
      "One shipment by tracking number: the latest booking of the number, or the booking of `bookingDate` (numbers may be " +
      "reused after 12 months). Null when there is none.",
  })
  async shipment(
    @Arg("trackingNumber", () => TrackingNumberScalar, { description: "The S10 tracking number (spaces and case forgiven)." }) trackingNumber: string,
    @Arg("bookingDate", () => DateScalar, { nullable: true, description: "The booking day (IST), to pick one booking of a reused number." })
    bookingDate: string | null,
    @Ctx() ctx: Context,
  ): Promise<ShipmentRow | null> {
    const found = await findTrackedShipment(ctx.database.db, trackingNumber, bookingDate ?? null);
    return found === undefined || !(await withinCircleScope(found, ctx)) ? null : found;
  }

  @Restricted()
  @Query(() => ShipmentConnection, {
    nullable: true,
    description: "Shipments matching `where`, in any order of their fields, paged either way (first/after or last/before); latest booking first by default.",
  })
  async shipments(@Args(() => ShipmentsArgs) args: ShipmentsArgs, @Ctx() ctx: Context) {
    return shipmentsWhere(ctx, args, shipmentConditions(await shipmentFilterValues(args.filter, ctx)));
  }

  @Restricted(Role.OPERATOR)
  @Mutation(() => RecordShipmentsPayload, {
    description:
      "Records up to 1,000 shipments, all or nothing. Sending the same shipment again is reported unchanged; a conflicting " +
      "booking fact is a CONFLICT error naming the item (extensions.index) and field (with the stored value in extensions.stored " +
      "when the viewer may read it, e.g. a COD amount only with FINANCE); every invalid item is listed in extensions.problems, and " +
      "after any error nothing was written.",
  })
  async recordShipments(
    @Arg("input", () => RecordShipmentsInput, { description: "The shipments." }) input: RecordShipmentsInput,
    @Ctx() ctx: Context,
    @Info() info: GraphQLResolveInfo,
  ) {
    const items = input.shipments;
    if (items.length < 1 || items.length > MAX_SHIPMENTS_PER_BATCH) {
      throw new BadUserInputError(`input.shipments must hold 1 to ${MAX_SHIPMENTS_PER_BATCH} shipments; got ${items.length}.`, {
        field: "input.shipments",
        value: items.length,
        max: MAX_SHIPMENTS_PER_BATCH,
      });
    }
    const sources = items.map((item, i) => ({
      ...item,
      deliveryOfficeId:
        item.deliveryOfficeId === null || item.deliveryOfficeId === undefined
          ? null
          : integerKeyOf(item.deliveryOfficeId, "PostOffice", `input.shipments[${i}].deliveryOfficeId`),
    }));
    const readable = storedValueReader(ctx.viewer, info.schema);
    // A conflict with a concurrent batch (both creating a new quarter's partition) aborts one: it wrote nothing, so it runs again.
    return withConflictRetry(() => ctx.database.transaction(({ db }) => recordShipmentBatch(db, sources, "input.shipments", readable)));
  }

  @Restricted(Role.OPERATOR)
  @Mutation(() => RecordScanEventsPayload, {
    description:
      "Records up to 1,000 India Post scans, all or nothing, in any order, then re-derives each touched shipment's status " +
      "(monotonic: a late scan never moves it backwards). The same scan again is reported unchanged; errors name the item " +
      "(extensions.index) and field, and leave nothing written.",
  })
  async recordScanEvents(
    @Arg("input", () => RecordScanEventsInput, { description: "The scans." }) input: RecordScanEventsInput,
    @Ctx() ctx: Context,
  ) {
    const items = input.events;
    if (items.length < 1 || items.length > MAX_EVENTS_PER_BATCH) {
      throw new BadUserInputError(`input.events must hold 1 to ${MAX_EVENTS_PER_BATCH} scans; got ${items.length}.`, {
        field: "input.events",
        value: items.length,
        max: MAX_EVENTS_PER_BATCH,
      });
    }
    const sources = items.map((item, i) => ({
      ...item,
      officeId: item.officeId === null || item.officeId === undefined ? null : integerKeyOf(item.officeId, "PostOffice", `input.events[${i}].officeId`),
    }));
    return withConflictRetry(() => ctx.database.transaction(({ db }) => recordScanEventBatch(db, sources, (i) => `input.events[${i}]`)));
  }

  @FieldResolver(() => ID, { description: "Global id of the shipment." })
  id(@Root() s: ShipmentRow): string {
    return toGlobalId("Shipment", s.id);
  }

  @FieldResolver(() => FiscalQuarterScalar, { description: "The fiscal quarter of booking (IST)." })
  bookingQuarter(@Root() s: ShipmentRow, @Ctx() ctx: Context): Promise<string> {
    return computed(s, "bookingQuarter", ctx);
  }

  @FieldResolver(() => Product, { description: "The India Post product it was booked under." })
  async product(@Root() s: ShipmentRow, @Ctx() ctx: Context): Promise<ProductRow> {
    return (await ctx.loaders.productByCode.load(s.productCode))!;
  }

  @Restricted(Role.FINANCE)
  @FieldResolver(() => Money, { nullable: true, description: "Cash to collect on delivery; null for PREPAID." })
  codAmount(@Root() s: ShipmentRow): Money | null {
    return s.codAmountPaise === null ? null : toMoney(s.codAmountPaise);
  }

  @Restricted(Role.FINANCE)
  @FieldResolver(() => Money, {
    nullable: true,
    description: "India Post's COD fee on the amount: 2% or ₹50, whichever is more, up to ₹5,000; above, ₹100 + 1% of the excess. Null for PREPAID.",
  })
  codFee(@Root() s: ShipmentRow): Money | null {
    return s.codAmountPaise === null ? null : toMoney(codFeePaise(s.codAmountPaise / 100));
  }

  @Restricted(Role.FINANCE)
  @FieldResolver(() => CodCashStatus, { nullable: true, description: "Where the COD cash is; null for PREPAID." })
  codStatus(@Root() s: ShipmentRow, @Ctx() ctx: Context): Promise<CodCashStatus | null> {
    return computed(s, "codStatus", ctx);
  }

  @Restricted(Role.FINANCE)
  @FieldResolver(() => CodRemittance, { nullable: true, description: "The remittance batch that paid this shipment's COD cash to Amazon; null until remitted." })
  async remittance(@Root() s: ShipmentRow, @Ctx() ctx: Context): Promise<CodRemittanceRow | null> {
    return s.codRemittanceId === null ? null : ctx.loaders.remittanceById.load(s.codRemittanceId);
  }

  @Restricted(Role.OPERATOR, Role.FINANCE)
  @FieldResolver(() => Money, { nullable: true, description: "Declared value of the contents; null when not declared." })
  declaredValue(@Root() s: ShipmentRow): Money | null {
    return s.declaredValuePaise === null ? null : toMoney(s.declaredValuePaise);
  }

  @FieldResolver(() => PickupLocation, { description: "Where Amazon handed the parcel to India Post." })
  async pickupLocation(@Root() s: ShipmentRow, @Ctx() ctx: Context): Promise<PickupLocationRow> {
    return (await ctx.loaders.pickupLocationById.load(s.pickupLocationId))!;
  }

  @RestrictedArmyPostal([Role.OPERATOR], [Role.ARMY_POSTAL])
  @FieldResolver(() => String, {
    nullable: true,
    description: "The destination PIN (6 digits): a directory PIN, or a zone-9 Army Postal PIN for ARMY_POSTAL destinations.",
  })
  destinationPincode(@Root() s: ShipmentRow, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo): string {
    if (s.destinationKind === "ARMY_POSTAL") requireArmyPostal(ctx.viewer, info);
    return s.destinationPincode;
  }

  @Restricted(Role.OPERATOR)
  @FieldResolver(() => Pincode, { nullable: true, description: "The destination PIN area; null for Army Postal destinations (not in the directory)." })
  async destination(@Root() s: ShipmentRow, @Ctx() ctx: Context): Promise<PincodeRow | null> {
    return s.destinationKind === "ARMY_POSTAL" ? null : ctx.loaders.pincodeByCode.load(s.destinationPincode);
  }

  @Restricted(Role.ARMY_POSTAL)
  @FieldResolver(() => String, { nullable: true, description: "For an Army Postal destination, how it is addressed: \"c/o 56 APO\" or \"c/o 99 APO\"; else null." })
  armyPostOffice(@Root() s: ShipmentRow, @Ctx() ctx: Context): Promise<string | null> {
    return computed(s, "armyPostOffice", ctx);
  }

  @Restricted(Role.OPERATOR)
  @FieldResolver(() => PostOffice, {
    nullable: true,
    description: "The delivery office: as booked when known, else the office of the DELIVERED scan; null while unknown.",
  })
  async deliveryOffice(@Root() s: ShipmentRow, @Ctx() ctx: Context): Promise<PostOfficeRow | null> {
    return s.deliveryOfficeId === null ? null : ctx.loaders.postOfficeById.load(s.deliveryOfficeId);
  }

  @FieldResolver(() => Float, { nullable: true, description: "Days from booking to delivery, fractional (delivered − booked) / 24 h; null unless delivered." })
  transitDays(@Root() s: ShipmentRow, @Ctx() ctx: Context): Promise<number | null> {
    return computed(s, "transitDays", ctx);
  }

  @FieldResolver(() => DateScalar, { nullable: true, description: "The IST calendar day of delivery, as bookingDate is the day of booking; null unless delivered." })
  deliveryDate(@Root() s: ShipmentRow, @Ctx() ctx: Context): Promise<string | null> {
    return computed(s, "deliveryDate", ctx);
  }

  @FieldResolver(() => Boolean, {
    nullable: true,
    description: "Delivered on or before the promised day (IST calendar)? Null unless delivered.",
  })
  onTime(@Root() s: ShipmentRow, @Ctx() ctx: Context): Promise<boolean | null> {
    return computed(s, "onTime", ctx);
  }

  @FieldResolver(() => [ScanEvent], { description: "The scan timeline, in time order (ties in arrival order), late scans included." })
  events(@Root() s: ShipmentRow, @Ctx() ctx: Context): Promise<ScanEventRow[]> {
    return ctx.loaders.eventsByShipmentId.load(s.id);
  }

  @FieldResolver(() => ScanEvent, { nullable: true, description: "The latest scan by time; null before the first scan." })
  lastEvent(@Root() s: ShipmentRow, @Ctx() ctx: Context): Promise<ScanEventRow | null> {
    return ctx.loaders.lastEventByShipmentId.load(s.id);
  }
}

@Resolver(() => ScanEvent)
export class ScanEventResolver {
  @FieldResolver(() => ID, { description: "Global id of the scan." })
  id(@Root() e: ScanEventRow): string {
    return toGlobalId("ScanEvent", e.id);
  }

  @Restricted(Role.OPERATOR)
  @FieldResolver(() => PostOffice, { nullable: true, description: "The directory office that scanned, when known." })
  async office(@Root() e: ScanEventRow, @Ctx() ctx: Context): Promise<PostOfficeRow | null> {
    return e.officeId === null ? null : ctx.loaders.postOfficeById.load(e.officeId);
  }

  @FieldResolver(() => Shipment, { description: "The shipment scanned." })
  async shipment(@Root() e: ScanEventRow, @Ctx() ctx: Context): Promise<ShipmentRow> {
    return (await ctx.loaders.shipmentById.load(e.shipmentId))!;
  }
}

@Resolver(() => PickupLocation)
export class PickupLocationShipmentsResolver {
  @Restricted()
  @FieldResolver(() => ShipmentConnection, { nullable: true, description: "Shipments booked at this location matching `where`, latest booking first unless `orderBy` says otherwise." })
  shipments(@Root() location: PickupLocationRow, @Args(() => ShipmentPageArgs) page: ShipmentPageArgs, @Ctx() ctx: Context) {
    // A viewer limited to one circle sees only the location's shipments bound for it, and a filter or order reads
    // them one location at a time; the batched loaders below serve the plain "latest" page.
    const scope = circleScope(ctx.viewer);
    if (scope !== null || asksMoreThanLatest(page)) {
      return shipmentsWhere(ctx, page, shipmentConditions({ pickupLocationIds: [location.id], circleScope: scope }));
    }
    return childConnection(location.id, page, ctx, ctx.loaders.shipmentPageByPickupLocation, () => ctx.loaders.shipmentCountByPickupLocation.load(location.id));
  }
}

@Resolver(() => Pincode)
export class PincodeShipmentsResolver {
  // Selects shipments by their destination PIN: the rule of Shipment.destinationPincode.
  @RestrictedArmyPostal([Role.OPERATOR], [Role.ARMY_POSTAL])
  @FieldResolver(() => ShipmentConnection, { nullable: true, description: "Shipments going to this PIN, latest booking first." })
  shipments(@Root() pincode: PincodeRow, @Args(() => ShipmentPageArgs) page: ShipmentPageArgs, @Ctx() ctx: Context, @Info() info: GraphQLResolveInfo) {
    if (isArmyPostal(pincode.code)) requireArmyPostal(ctx.viewer, info);
    if (asksMoreThanLatest(page)) return shipmentsWhere(ctx, page, shipmentConditions({ destinationPincode: pincode.code, circleScope: circleScope(ctx.viewer) }));
    return childConnection(pincode.code, page, ctx, ctx.loaders.shipmentPageByPincode, () => ctx.loaders.shipmentCountByPincode.load(pincode.code));
  }
}
