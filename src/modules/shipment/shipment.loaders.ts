import DataLoader from "dataloader";
import type { Db } from "../../db/client.js";
import { groupLoader, rowLoader } from "../../lib/loaders.js";
import {
  countShipmentsPerPickupLocation,
  countShipmentsPerPincode,
  findEventsByIds,
  findEventsByShipmentIds,
  findLastEventsByShipmentIds,
  findLatestShipmentsPerParent,
  findShipmentComputedByIds,
  findShipmentsByIds,
  findShipmentsByTrackingKeys,
  type ShipmentParentColumn,
  type TrackingKey,
} from "./shipment.repository.js";
import type { ShipmentRow } from "./shipment.sql.js";

/** A page of one parent's shipments: the parent, the page size (+1 to see past it) and the cursor key. */
export interface ChildPageKey<P> {
  readonly parentId: P;
  readonly limit: number;
  readonly after: readonly [string, number] | null;
}

/**
 * Latest-first shipment pages of many parents in one statement per distinct (limit, cursor) in a tick:
 * "every pickup location → its 20 latest shipments" is one query, however many locations there are.
 */
function childPageLoader<P extends number | string>(db: Db, parent: ShipmentParentColumn, parentOf: (row: ShipmentRow) => P) {
  return new DataLoader<ChildPageKey<P>, ShipmentRow[], string>(
    async (keys) => {
      const groups = new Map<string, ChildPageKey<P>[]>();
      for (const key of keys) {
        const shape = JSON.stringify([key.limit, key.after]);
        const group = groups.get(shape);
        if (group === undefined) groups.set(shape, [key]);
        else group.push(key);
      }
      const pages = new Map<string, ShipmentRow[]>();
      for (const group of groups.values()) {
        const { limit, after } = group[0]!;
        const rows = await findLatestShipmentsPerParent(db, parent, [...new Set(group.map((k) => k.parentId))], after, limit);
        for (const row of rows) {
          const id = JSON.stringify([parentOf(row), limit, after]);
          const page = pages.get(id);
          if (page === undefined) pages.set(id, [row]);
          else page.push(row);
        }
      }
      return keys.map((k) => pages.get(JSON.stringify([k.parentId, k.limit, k.after])) ?? []);
    },
    { cacheKeyFn: (k) => JSON.stringify([k.parentId, k.limit, k.after]) },
  );
}

/** Shipments per parent (totalCount of the nested connections), all parents of a tick in one statement. */
function childCountLoader<P extends number | string>(count: (ids: readonly P[]) => Promise<Map<string, number>>) {
  return new DataLoader<P, number>(async (ids) => {
    const counts = await count(ids);
    return ids.map((id) => counts.get(String(id)) ?? 0);
  });
}

const trackingKeyOf = (key: TrackingKey) => `${key.trackingNumber} ${key.bookingDate}`;

export function createShipmentLoaders(db: Db) {
  return {
    shipmentById: rowLoader((ids: readonly number[]) => findShipmentsByIds(db, ids), (s) => s.id),
    /** By natural key (tracking number and booking day): the federation @key of Shipment. */
    shipmentByTrackingKey: new DataLoader<TrackingKey, ShipmentRow | null, string>(
      async (keys) => {
        const rows = await findShipmentsByTrackingKeys(db, keys);
        const byKey = new Map(rows.map((row) => [trackingKeyOf(row), row]));
        return keys.map((key) => byKey.get(trackingKeyOf(key)) ?? null);
      },
      { cacheKeyFn: trackingKeyOf },
    ),
    shipmentComputedById: rowLoader((ids: readonly number[]) => findShipmentComputedByIds(db, ids), (s) => s.id),
    scanEventById: rowLoader((ids: readonly number[]) => findEventsByIds(db, ids), (e) => e.id),
    eventsByShipmentId: groupLoader((ids: readonly number[]) => findEventsByShipmentIds(db, ids), (e) => e.shipmentId),
    lastEventByShipmentId: rowLoader((ids: readonly number[]) => findLastEventsByShipmentIds(db, ids), (e) => e.shipmentId),
    shipmentPageByPickupLocation: childPageLoader<number>(db, "pickup_location_id", (s) => s.pickupLocationId),
    shipmentPageByPincode: childPageLoader<string>(db, "destination_pincode", (s) => s.destinationPincode),
    shipmentCountByPickupLocation: childCountLoader<number>((ids) => countShipmentsPerPickupLocation(db, ids)),
    shipmentCountByPincode: childCountLoader<string>((codes) => countShipmentsPerPincode(db, codes)),
  };
}
