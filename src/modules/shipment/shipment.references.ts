import type { Db } from "../../db/client.js";
import { findRemoteClassesByPincodes } from "../coverage/coverage.repository.js";
import { findPickupLocationRefs, type PickupRef } from "../pickup-location/pickup-location.repository.js";
import { findPincodeRefs, type PincodeRef } from "../pincode/pincode.repository.js";
import { findOfficeRefs, type OfficeRef } from "../post-office/post-office.repository.js";
import { findProductRefs, type ProductRef } from "../product/product.repository.js";
import { findPublicHolidays, findServiceNormDays } from "../service-norm/service-norm.repository.js";
import type { ShipmentDraft } from "./shipment.draft.js";

/*
 * The reference data validating a batch of shipments needs (pickup locations, products, norms, PINs,
 * offices, holidays), read through each domain's repository in a fixed number of statements per batch,
 * whatever its size.
 */

/** What validating a batch needs from the database, read once per batch. */
export interface ShipmentReferences {
  readonly pickups: ReadonlyMap<string, PickupRef>;
  readonly products: ReadonlyMap<string, ProductRef>;
  readonly norms: ReadonlyMap<string, number>;
  readonly pincodes: ReadonlyMap<string, PincodeRef>;
  /** Destination PINs of the batch in a remote class (coverage module). */
  readonly remotePincodes: ReadonlySet<string>;
  readonly offices: ReadonlyMap<number, OfficeRef>;
  /** Public holidays (YYYY-MM-DD): due dates skip them. */
  readonly holidays: ReadonlySet<string>;
}


type FixedReferences = Pick<ShipmentReferences, "pickups" | "products" | "norms" | "holidays">;

/** The small reference tables, read whole: pickup locations, products, service norms, holidays. */
async function loadFixedReferences(db: Db): Promise<FixedReferences> {
  const [pickups, products, norms, holidays] = await Promise.all([
    findPickupLocationRefs(db),
    findProductRefs(db),
    findServiceNormDays(db),
    findPublicHolidays(db),
  ]);
  return {
    pickups: new Map(pickups.map((p) => [p.code, p])),
    products: new Map(products.map((p) => [p.code, p])),
    norms: new Map(norms.map((n) => [n.key, n.days])),
    holidays,
  };
}

/** The directory rows of some PINs (absent: not a PIN) and which of them are in a remote class. */
async function loadPinReferences(db: Db, pins: readonly string[]): Promise<{ pincodes: PincodeRef[]; remote: string[] }> {
  if (pins.length === 0) return { pincodes: [], remote: [] };
  const [pincodes, remote] = await Promise.all([
    findPincodeRefs(db, pins),
    findRemoteClassesByPincodes(db, pins),
  ]);
  return { pincodes, remote: [...remote.keys()] };
}

function loadOfficeReferences(db: Db, ids: readonly number[]): Promise<OfficeRef[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return findOfficeRefs(db, ids);
}

const pinsOf = (drafts: readonly ShipmentDraft[]) => [...new Set(drafts.filter((d) => d.armyPostOffice === null).map((d) => d.destinationPincode))];
const officeIdsOf = (drafts: readonly ShipmentDraft[]) => [...new Set(drafts.map((d) => d.deliveryOfficeId).filter((id): id is number => id !== null))];

/** Reads what validating some drafts needs (loadShipmentReferences, or an import's cache of it). */
export type ReferenceLoader = (db: Db, drafts: readonly ShipmentDraft[]) => Promise<ShipmentReferences>;

/** Reference rows for a batch: 7 statements, or fewer when the batch names no PIN or office. */
export const loadShipmentReferences: ReferenceLoader = async (db, drafts) => {
  const [fixed, pins, offices] = await Promise.all([loadFixedReferences(db), loadPinReferences(db, pinsOf(drafts)), loadOfficeReferences(db, officeIdsOf(drafts))]);
  return {
    ...fixed,
    pincodes: new Map(pins.pincodes.map((p) => [p.code, p])),
    offices: new Map(offices.map((o) => [Number(o.id), o])),
    remotePincodes: new Set(pins.remote),
  };
};

/**
 * loadShipmentReferences for a file import: the small tables are read once, and each PIN and office
 * once, the first time a chunk names it. A million-row import names at most the ~19,000 PINs, so
 * after its first chunks validation reads nothing (it read 10,000 PINs and their remote classes per
 * chunk, a sixth of PostgreSQL's time per chunk). Reference data is therefore as of its first read in
 * the import; a pickup location, product or office deleted since is still caught by the import's
 * key check before its chunk is inserted.
 */
export function cachedReferenceLoader(options: { serialise?: <T>(read: () => Promise<T>) => Promise<T> } = {}): ReferenceLoader {
  // `serialise` runs the reads when the caller's connection is free for them (the import's, while no savepoint is
  // open); a call that finds everything cached reads nothing and does not wait.
  const serialise = options.serialise ?? ((read) => read());
  let fixed: FixedReferences | undefined;
  const pincodes = new Map<string, PincodeRef>();
  const remotePincodes = new Set<string>();
  const offices = new Map<number, OfficeRef>();
  const askedPins = new Set<string>();
  const askedOffices = new Set<number>();
  return async (db, drafts) => {
    const pins = pinsOf(drafts).filter((pin) => !askedPins.has(pin));
    const officeIds = officeIdsOf(drafts).filter((id) => !askedOffices.has(id));
    if (fixed === undefined || pins.length > 0 || officeIds.length > 0) {
      const [base, found, foundOffices] = await serialise(() =>
        Promise.all([fixed ?? loadFixedReferences(db), loadPinReferences(db, pins), loadOfficeReferences(db, officeIds)]),
      );
      fixed = base;
      for (const pin of pins) askedPins.add(pin);
      for (const id of officeIds) askedOffices.add(id);
      for (const p of found.pincodes) pincodes.set(p.code, p);
      for (const pin of found.remote) remotePincodes.add(pin);
      for (const o of foundOffices) offices.set(Number(o.id), o);
    }
    return { ...fixed!, pincodes, remotePincodes, offices };
  };
}
