import { Arg, Ctx, Field, InputType, Resolver, Root, Subscription } from "type-graphql";
import type { Context } from "../../context.js";
import { feedKey, SCAN_RECORDED_TOPIC, type ScanRecorded, SHIPMENT_CHANGED_TOPIC, type ShipmentChanged } from "../../lib/change-events.js";
import { BadUserInputError } from "../../lib/errors.js";
import { TrackingNumberScalar } from "../../lib/s10.js";
import { BY_FIELD, type InputDeclarations } from "../access/access.inputs.js";
import { Restricted } from "../access/access.roles.js";
import { withinCircleScope } from "./shipment.resolver.js";
import type { ScanEventRow, ShipmentRow } from "./shipment.sql.js";
import { ScanEvent, Shipment } from "./shipment.type.js";

/** Most tracking numbers one shipmentUpdated subscription follows. */
export const MAX_TRACKED_SHIPMENTS = 100;

@InputType("ScanRecordedFilter", { description: "Which scans a scanRecorded subscription hears; every given condition must hold. Omitted: every scan the viewer may see." })
export class ScanRecordedFilter {
  @Field(() => [String], { nullable: true, description: "Scans of shipments booked at any of these pickup locations (codes, any case)." })
  pickupLocationCode?: string[] | null;

  @Field(() => [String], { nullable: true, description: "Scans of shipments going to PINs whose primary postal circle is any of these (exact names, any case)." })
  destinationCircle?: string[] | null;
}

function requireTrackedCount(trackingNumbers: readonly string[]): void {
  if (trackingNumbers.length < 1 || trackingNumbers.length > MAX_TRACKED_SHIPMENTS) {
    throw new BadUserInputError(`trackingNumbers must hold 1 to ${MAX_TRACKED_SHIPMENTS} numbers; got ${trackingNumbers.length}.`, {
      field: "trackingNumbers",
      value: trackingNumbers.length,
      max: MAX_TRACKED_SHIPMENTS,
    });
  }
}

/** The event's context: the subscriber's viewer with the event's loaders (src/lib/change-events.ts). */
function eventContext(context: Context, loaders: Context["loaders"]): Context {
  return { ...context, loaders };
}

async function visibleShipment(event: ShipmentChanged | ScanRecorded, shipmentId: number, context: Context): Promise<ShipmentRow | null> {
  const row = await event.loaders.shipmentById.load(shipmentId);
  return row !== null && row !== undefined && (await withinCircleScope(row, eventContext(context, event.loaders))) ? row : null;
}

/** Whether a scan's shipment passes a ScanRecordedFilter. */
async function scanMatches(row: ShipmentRow, filter: ScanRecordedFilter | null | undefined, event: ScanRecorded): Promise<boolean> {
  if (filter?.pickupLocationCode != null) {
    const codes = new Set(filter.pickupLocationCode.map((c) => c.trim().toUpperCase()));
    const location = await event.loaders.pickupLocationById.load(row.pickupLocationId);
    if (location == null || !codes.has(location.code)) return false;
  }
  if (filter?.destinationCircle != null) {
    const circles = new Set(filter.destinationCircle.map((c) => c.trim().toLowerCase()));
    const pin = row.destinationKind === "ARMY_POSTAL" ? null : await event.loaders.pincodeByCode.load(row.destinationPincode);
    const circle = pin?.primaryCircleId == null ? null : await event.loaders.circleById.load(pin.primaryCircleId);
    if (circle == null || !circles.has(circle.name.toLowerCase())) return false;
  }
  return true;
}

/**
 * Live shipments and scans. The events come from the writes' own NOTIFY (src/lib/change-events.ts); each is read
 * again here through the loaders, so the rows a subscriber gets are the rows a query would return to it, with the
 * same field roles, and a viewer limited to a postal circle hears only its circle's shipments.
 */
@Resolver()
export class ShipmentSubscriptionResolver {
  @Restricted()
  @Subscription(() => Shipment, {
    // Nullable as every restricted field is (test/access.test.ts); a denied subscription is refused before its first event.
    nullable: true,
    // Runs once, when the subscription starts: a bad argument is refused then, not at each event.
    topics: ({ args }) => {
      requireTrackedCount(args.trackingNumbers as string[]);
      return SHIPMENT_CHANGED_TOPIC;
    },
    topicId: ({ context }) => feedKey((context as Context).database),
    filter: async ({ payload, args, context }) => {
      const event = payload as ShipmentChanged;
      const row = await visibleShipment(event, event.shipmentId, context as Context);
      return row !== null && (args.trackingNumbers as string[]).includes(row.trackingNumber);
    },
    description:
      "The shipments with these tracking numbers, each time one of them changes: booked or re-booked, scanned, or its status " +
      "re-derived (status, lastEvent). Every booking of a reused number is followed. Over a WebSocket (graphql-ws), not HTTP.",
  })
  shipmentUpdated(
    @Arg("trackingNumbers", () => [TrackingNumberScalar], { description: `The S10 tracking numbers to follow (spaces and case forgiven), 1 to ${MAX_TRACKED_SHIPMENTS}.` })
    _trackingNumbers: string[],
    @Root() event: ShipmentChanged,
    @Ctx() ctx: Context,
  ): Promise<ShipmentRow> {
    // The filter read the row with these loaders, so this is the same row, already loaded.
    return ctx.loaders.shipmentById.load(event.shipmentId) as Promise<ShipmentRow>;
  }

  @Restricted()
  @Subscription(() => ScanEvent, {
    nullable: true,
    topics: SCAN_RECORDED_TOPIC,
    topicId: ({ context }) => feedKey((context as Context).database),
    filter: async ({ payload, args, context }) => {
      const event = payload as ScanRecorded;
      const scan = await event.loaders.scanEventById.load(event.scanEventId);
      if (scan == null) return false;
      const row = await visibleShipment(event, scan.shipmentId, context as Context);
      return row !== null && scanMatches(row, args.filter as ScanRecordedFilter | null | undefined, event);
    },
    description:
      "Each India Post scan as it is stored (by the recordScanEvents mutation or `dakgraph import shipments`; the demo seed's bulk load sends KPI events only), for the " +
      "shipments the filter and the viewer's postal circle admit. Over a WebSocket (graphql-ws), not HTTP.",
  })
  scanRecorded(
    @Arg("filter", () => ScanRecordedFilter, { nullable: true, description: "Which scans; omitted: all." }) _filter: ScanRecordedFilter | null,
    @Root() event: ScanRecorded,
    @Ctx() ctx: Context,
  ): Promise<ScanEventRow> {
    return ctx.loaders.scanEventById.load(event.scanEventId) as Promise<ScanEventRow>;
  }
}

/** What the subscriptions' inputs select by (access.inputs.ts): the same output fields as the queries' filters. */
export const shipmentSubscriptionInputAccess: InputDeclarations = {
  "Subscription.shipmentUpdated(trackingNumbers:)": "Shipment.trackingNumber",
  "Subscription.scanRecorded(filter:)": BY_FIELD,
  "ScanRecordedFilter.pickupLocationCode": "Shipment.pickupLocation",
  "ScanRecordedFilter.destinationCircle": "Shipment.destination",
};
