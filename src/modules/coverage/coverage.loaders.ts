import DataLoader from "dataloader";
import type { Db } from "../../db/client.js";
import { valueLoader } from "../../lib/loaders.js";
import { findNearestDeliveryOffices, type NearestOfficesKey } from "../post-office/post-office.repository.js";
import type { PostOfficeRow } from "../post-office/post-office.sql.js";
import { findPinCoverage, findRemoteClassList, findRemoteClassesByPincodes, type PinCoverageRow } from "./coverage.repository.js";
import type { RemoteClass } from "./coverage.type.js";

export interface PinCoverageKey {
  readonly pincode: string;
  readonly asOf: string;
  readonly quarter: string;
}

export function createCoverageLoaders(db: Db) {
  let remoteClasses: Promise<RemoteClass[]> | undefined;
  return {
    remoteClassesByPincode: valueLoader((codes: readonly string[]) => findRemoteClassesByPincodes(db, codes), [] as string[]),
    /** One statement per distinct (day, quarter) asked in a tick, for all the PINs asked with it. */
    pinCoverage: new DataLoader<PinCoverageKey, PinCoverageRow, string>(
      async (keys) => {
        const byShape = new Map<string, PinCoverageKey[]>();
        for (const key of keys) byShape.set(`${key.asOf}|${key.quarter}`, [...(byShape.get(`${key.asOf}|${key.quarter}`) ?? []), key]);
        const found = new Map<string, PinCoverageRow>();
        for (const [shape, group] of byShape) {
          for (const row of await findPinCoverage(db, [...new Set(group.map((k) => k.pincode))], group[0]!.asOf, group[0]!.quarter)) {
            found.set(`${row.pincode}|${shape}`, row);
          }
        }
        return keys.map((k) => found.get(`${k.pincode}|${k.asOf}|${k.quarter}`)!);
      },
      { cacheKeyFn: (k) => `${k.pincode}|${k.asOf}|${k.quarter}` },
    ),
    /** PickupLocation.nearestDeliveryOffices: one statement for every location (and first / radiusKm) asked in a tick. */
    nearestDeliveryOffices: new DataLoader<NearestOfficesKey, { office: PostOfficeRow; distanceKm: number }[], string>(
      async (keys) => {
        const found: { office: PostOfficeRow; distanceKm: number }[][] = keys.map(() => []);
        for (const row of await findNearestDeliveryOffices(db, keys)) found[row.key]!.push({ office: row.office, distanceKm: row.distanceKm });
        return found;
      },
      { cacheKeyFn: (k) => `${k.locationId}|${k.first}|${k.radiusKm}` },
    ),
    /** The remote classes with their rules: read once per request. */
    remoteClassList(): Promise<RemoteClass[]> {
      remoteClasses ??= findRemoteClassList(db);
      return remoteClasses;
    },
  };
}
