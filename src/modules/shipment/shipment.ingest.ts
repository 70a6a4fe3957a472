import { sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { queryRows } from "../../db/client.js";
import { canDeferKeyChecks, withKeyChecksDeferred } from "../../db/key-checks.js";
import { intArray, pinArray } from "../../db/rows.js";
import { validateCodAmount } from "../../lib/cod.js";
import { BadUserInputError, ConflictError, type DakgraphError, findDakgraphError } from "../../lib/errors.js";
import { istDateOf } from "../../lib/fiscal-quarter.js";
import { rupeesToPaise } from "../../lib/money.js";
import { parsePin } from "../../lib/scalars.js";
import { parseTrackingNumber } from "../../lib/s10.js";
import { findRemoteClassesByPincodes } from "../coverage/coverage.repository.js";
import { findPublicHolidays } from "../service-norm/service-norm.repository.js";
import { promisedDateOf, routeClassOf } from "../service-norm/service-norm.rules.js";
import type { ArmyPostOfficeValue, PaymentModeValue, ShipmentInsert, ShipmentRow } from "./shipment.sql.js";
import { findShipmentsByKeys, insertShipments, lockBookingReferences, updateShipmentFacts } from "./shipment.repository.js";
import { READS_ALL_STORED, type StoredValueReader } from "../access/access.roles.js";

/*
 * Recording shipments, shared by the recordShipments mutation and `dakgraph import shipments`.
 *
 * - A shipment is identified by (tracking number, IST booking date). Sending one again with the same
 *   facts is a no-op ("unchanged"). A fact left out (null) is "not told", never "erase".
 * - Facts that may be learnt later (declared value, delivering office) fill a stored null: "updated".
 * - Any other difference from the stored shipment is a CONFLICT naming the item and the field: a
 *   booking is not edited by re-sending it.
 * - Validation needs reference data (pickup locations, products, norms, PINs, offices); it is read in
 *   a fixed number of statements per batch, whatever its size.
 */

/** Most items one recordShipments call takes. */
export const MAX_SHIPMENTS_PER_BATCH = 1000;

/** The earliest booking accepted: the partnership's first Speed Post consignment was in 2013. */
const EARLIEST_BOOKING = Date.UTC(2013, 0, 1);
/** Bookings may carry a clock a little ahead of ours; more than this is a data error. */
const FUTURE_TOLERANCE_MS = 10 * 60 * 1000;
/** India Post accepts parcels up to 35 kg; no product here takes more. */
const MAX_WEIGHT_GRAMS = 35_000;
/** Declared values above ₹10 lakh are not plausible for an e-commerce parcel: refused as a typo guard. */
const MAX_DECLARED_VALUE_PAISE = 100_000_000;

/** One shipment as received, before validation (the GraphQL input or a parsed file line). */
export interface ShipmentSource {
  readonly trackingNumber: unknown;
  readonly bookedAt: unknown;
  readonly productCode: unknown;
  readonly paymentMode: unknown;
  readonly codAmount?: unknown;
  readonly weightGrams: unknown;
  readonly declaredValue?: unknown;
  readonly pickupLocationCode: unknown;
  readonly destinationPincode: unknown;
  readonly armyPostOffice?: unknown;
  /** Directory id of the delivering office (already decoded from a global id by the caller). */
  readonly deliveryOfficeId?: number | null;
}

/** A shipment whose own fields are valid; references to other rows are checked by `resolveShipments`. */
export interface ShipmentDraft {
  readonly trackingNumber: string;
  readonly bookedAt: Date;
  readonly bookingDate: string;
  readonly productCode: string;
  readonly paymentMode: PaymentModeValue;
  readonly codAmountPaise: number | null;
  readonly weightGrams: number;
  readonly declaredValuePaise: number | null;
  readonly pickupLocationCode: string;
  readonly destinationPincode: string;
  readonly armyPostOffice: ArmyPostOfficeValue | null;
  readonly deliveryOfficeId: number | null;
}

/** A problem with one item of a batch: which item, which field, why. */
export interface ItemProblem {
  readonly index: number;
  readonly field: string;
  readonly message: string;
  readonly code: string;
}

/** A BadUserInputError whose message starts with the field path; `message` continues the sentence. */
export function fieldError(field: string, value: unknown, message: string): BadUserInputError {
  return new BadUserInputError(`${field} ${message}`, { field, value });
}

/** Re-raises a scalar parser's error with the field path in front, so every message names its item. */
export function withField<T>(field: string, value: unknown, parse: (v: unknown) => T): T {
  try {
    return parse(value);
  } catch (error) {
    const ours = findDakgraphError(error);
    if (ours === undefined) throw error;
    throw new BadUserInputError(`${field}: ${ours.message}`, { ...ours.extensions, field, value });
  }
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== "string" || value.trim() === "" || value.trim().length > max) {
    throw fieldError(field, value, `must be text of 1 to ${max} characters; got ${JSON.stringify(value)}.`);
  }
  return value.trim();
}

const PAYMENT_MODE_NAMES: readonly string[] = ["PREPAID", "COD"];
const APO_NAMES: readonly string[] = ["APO_56", "APO_99"];

/** Validates the fields of one shipment that need no database; throws a BadUserInputError naming `prefix.field`. */
export function draftShipment(source: ShipmentSource, prefix: string, now: Date = new Date()): ShipmentDraft {
  const trackingNumber = withField(`${prefix}.trackingNumber`, source.trackingNumber, parseTrackingNumber);
  const bookedAt = source.bookedAt instanceof Date ? source.bookedAt : new Date(Number.NaN);
  if (Number.isNaN(bookedAt.getTime())) {
    throw fieldError(`${prefix}.bookedAt`, source.bookedAt, "must be a date and time with a time zone.");
  }
  if (bookedAt.getTime() < EARLIEST_BOOKING || bookedAt.getTime() > now.getTime() + FUTURE_TOLERANCE_MS) {
    throw fieldError(
      `${prefix}.bookedAt`,
      source.bookedAt,
      `is ${bookedAt.toISOString()}: bookings run from 2013-01-01 up to now; a future booking is refused.`,
    );
  }
  const productCode = text(source.productCode, `${prefix}.productCode`, 40).toUpperCase();
  const paymentMode = String(source.paymentMode);
  if (!PAYMENT_MODE_NAMES.includes(paymentMode)) {
    throw fieldError(`${prefix}.paymentMode`, source.paymentMode, `must be PREPAID or COD; got ${JSON.stringify(source.paymentMode)}.`);
  }
  const codGiven = source.codAmount !== null && source.codAmount !== undefined;
  if (paymentMode === "PREPAID" && codGiven) {
    throw fieldError(`${prefix}.codAmount`, source.codAmount, "must be left out on a PREPAID shipment: only COD shipments collect cash.");
  }
  if (paymentMode === "COD" && !codGiven) {
    throw fieldError(`${prefix}.codAmount`, source.codAmount ?? null, "is required when paymentMode is COD (whole rupees, 1 to 50,000).");
  }
  const codAmountPaise = codGiven ? validateCodAmount(source.codAmount as number, `${prefix}.codAmount`) * 100 : null;
  const weight = source.weightGrams;
  if (typeof weight !== "number" || !Number.isInteger(weight) || weight < 1 || weight > MAX_WEIGHT_GRAMS) {
    throw fieldError(`${prefix}.weightGrams`, weight, `must be a whole number of grams from 1 to ${MAX_WEIGHT_GRAMS}; got ${JSON.stringify(weight)}.`);
  }
  let declaredValuePaise: number | null = null;
  if (source.declaredValue !== null && source.declaredValue !== undefined) {
    declaredValuePaise = rupeesToPaise(source.declaredValue as number, `${prefix}.declaredValue`);
    if (declaredValuePaise < 0 || declaredValuePaise > MAX_DECLARED_VALUE_PAISE) {
      throw fieldError(`${prefix}.declaredValue`, source.declaredValue, "must be from ₹0 to ₹10,00,000.");
    }
  }
  const pickupLocationCode = text(source.pickupLocationCode, `${prefix}.pickupLocationCode`, 32).toUpperCase();
  const destinationPincode = withField(`${prefix}.destinationPincode`, source.destinationPincode, parsePin);
  const apo = source.armyPostOffice ?? null;
  if (apo !== null && !APO_NAMES.includes(String(apo))) {
    throw fieldError(`${prefix}.armyPostOffice`, apo, `must be APO_56 or APO_99; got ${JSON.stringify(apo)}.`);
  }
  const armyPostOffice = apo as ArmyPostOfficeValue | null;
  if (armyPostOffice !== null && !destinationPincode.startsWith("9")) {
    throw fieldError(`${prefix}.destinationPincode`, destinationPincode, "must be an Army Postal PIN (9xxxxx) when armyPostOffice is given.");
  }
  if (armyPostOffice === null && destinationPincode.startsWith("9")) {
    throw fieldError(
      `${prefix}.armyPostOffice`,
      null,
      `is required: ${destinationPincode} is an Army Postal Service PIN (zone 9); address it c/o 56 APO or c/o 99 APO.`,
    );
  }
  const deliveryOfficeId = source.deliveryOfficeId ?? null;
  if (armyPostOffice !== null && deliveryOfficeId !== null) {
    throw fieldError(`${prefix}.deliveryOfficeId`, deliveryOfficeId, "must be left out for an Army Postal destination: Army post offices are not in the directory.");
  }
  return {
    trackingNumber,
    bookedAt,
    bookingDate: istDateOf(bookedAt),
    productCode,
    paymentMode: paymentMode as PaymentModeValue,
    codAmountPaise,
    weightGrams: weight,
    declaredValuePaise,
    pickupLocationCode,
    destinationPincode,
    armyPostOffice,
    deliveryOfficeId,
  };
}

interface PickupRef {
  readonly id: number;
  readonly code: string;
  readonly active_from: string;
  readonly active_to: string | null;
  readonly pincode: string;
  readonly circle_id: number | null;
}
interface ProductRef {
  readonly code: string;
  readonly effective_from: string | null;
  readonly effective_to: string | null;
  readonly min_weight_grams: number | null;
  readonly max_weight_grams: number | null;
}
interface PincodeRef {
  readonly code: string;
  readonly primary_state: string | null;
  readonly primary_circle_id: number | null;
  readonly delivery_office_count: number | null;
}
interface OfficeRef {
  readonly id: number;
  readonly pincode: string;
  readonly office_type: string | null;
  readonly delivery: boolean | null;
}

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
    queryRows<PickupRef>(
      db,
      sql`/* loadShipmentReferences */ select p.id, p.code, p.active_from::text, p.active_to::text, o.pincode, o.circle_id
          from pickup_location p join post_office o on o.id = p.post_office_id`,
    ),
    queryRows<ProductRef>(db, sql`select code, effective_from::text, effective_to::text, min_weight_grams, max_weight_grams from product`),
    queryRows<{ key: string; days: number }>(db, sql`select product_code || '/' || route_class as key, days from service_norm`),
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
    queryRows<PincodeRef>(
      db,
      sql`select code, primary_state, primary_circle_id, delivery_office_count from pincode
          where code = any(${pinArray(pins)})`,
    ),
    findRemoteClassesByPincodes(db, pins),
  ]);
  return { pincodes, remote: [...remote.keys()] };
}

function loadOfficeReferences(db: Db, ids: readonly number[]): Promise<OfficeRef[]> {
  if (ids.length === 0) return Promise.resolve([]);
  return queryRows<OfficeRef>(
    db,
    sql`select id, pincode, office_type, delivery from post_office
        where id = any(${intArray(ids)})`,
  );
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
export function cachedReferenceLoader(): ReferenceLoader {
  let fixed: Promise<FixedReferences> | undefined;
  const pincodes = new Map<string, PincodeRef>();
  const remotePincodes = new Set<string>();
  const offices = new Map<number, OfficeRef>();
  const askedPins = new Set<string>();
  const askedOffices = new Set<number>();
  return async (db, drafts) => {
    fixed ??= loadFixedReferences(db);
    const pins = pinsOf(drafts).filter((pin) => !askedPins.has(pin));
    const officeIds = officeIdsOf(drafts).filter((id) => !askedOffices.has(id));
    const [base, found, foundOffices] = await Promise.all([fixed, loadPinReferences(db, pins), loadOfficeReferences(db, officeIds)]);
    for (const pin of pins) askedPins.add(pin);
    for (const id of officeIds) askedOffices.add(id);
    for (const p of found.pincodes) pincodes.set(p.code, p);
    for (const pin of found.remote) remotePincodes.add(pin);
    for (const o of foundOffices) offices.set(Number(o.id), o);
    return { ...base, pincodes, remotePincodes, offices };
  };
}

/** Column values of a validated shipment, its references checked; throws naming `prefix.field`. */
export function resolveShipment(draft: ShipmentDraft, refs: ShipmentReferences, prefix: string): ShipmentInsert {
  const day = draft.bookingDate;
  const pickup = refs.pickups.get(draft.pickupLocationCode);
  if (pickup === undefined) {
    throw fieldError(`${prefix}.pickupLocationCode`, draft.pickupLocationCode, `names no pickup location: ${JSON.stringify(draft.pickupLocationCode)}.`);
  }
  if (pickup.active_from > day || (pickup.active_to !== null && pickup.active_to < day)) {
    throw fieldError(
      `${prefix}.pickupLocationCode`,
      draft.pickupLocationCode,
      `names ${pickup.code}, which was not open on the booking day ${day} (open ${pickup.active_from} to ${pickup.active_to ?? "now"}).`,
    );
  }
  const product = refs.products.get(draft.productCode);
  if (product === undefined) {
    throw fieldError(`${prefix}.productCode`, draft.productCode, `names no product: ${JSON.stringify(draft.productCode)} (see the products query).`);
  }
  if ((product.effective_from !== null && product.effective_from > day) || (product.effective_to !== null && product.effective_to < day)) {
    throw fieldError(
      `${prefix}.productCode`,
      draft.productCode,
      `names ${product.code}, which was not offered on the booking day ${day} (offered ${product.effective_from ?? "always"} to ${product.effective_to ?? "now"}).`,
    );
  }
  if (
    (product.min_weight_grams !== null && draft.weightGrams < product.min_weight_grams) ||
    (product.max_weight_grams !== null && draft.weightGrams > product.max_weight_grams)
  ) {
    throw fieldError(
      `${prefix}.weightGrams`,
      draft.weightGrams,
      `is ${draft.weightGrams} g, outside ${product.code}'s limits (${product.min_weight_grams ?? 1} to ${product.max_weight_grams ?? MAX_WEIGHT_GRAMS} g).`,
    );
  }
  const army = draft.armyPostOffice !== null;
  const pincode = army ? undefined : refs.pincodes.get(draft.destinationPincode);
  if (!army && pincode === undefined) {
    throw fieldError(`${prefix}.destinationPincode`, draft.destinationPincode, `is not a PIN of the post-office directory: ${draft.destinationPincode}.`);
  }
  if (pincode !== undefined && pincode.delivery_office_count === 0) {
    throw fieldError(`${prefix}.destinationPincode`, draft.destinationPincode, `has no delivery office: nothing can be delivered to ${draft.destinationPincode}.`);
  }
  let office: OfficeRef | undefined;
  if (draft.deliveryOfficeId !== null) {
    office = refs.offices.get(draft.deliveryOfficeId);
    if (office === undefined || office.pincode !== draft.destinationPincode || office.delivery === false) {
      throw fieldError(
        `${prefix}.deliveryOfficeId`,
        draft.deliveryOfficeId,
        office === undefined
          ? "names no post office."
          : office.pincode !== draft.destinationPincode
            ? `names an office of PIN ${office.pincode}, not of the destination ${draft.destinationPincode}.`
            : "names a non-delivery office.",
      );
    }
  }
  const routeClass = routeClassOf({
    originPincode: pickup.pincode,
    originCircleId: pickup.circle_id,
    destinationPincode: draft.destinationPincode,
    destinationCircleId: pincode?.primary_circle_id ?? null,
    destinationRemote: refs.remotePincodes.has(draft.destinationPincode),
    armyPostal: army,
  });
  const days = refs.norms.get(`${product.code}/${routeClass}`);
  if (days === undefined) {
    throw fieldError(`${prefix}.productCode`, draft.productCode, `has no service norm for route class ${routeClass}: add one to service_norm.`);
  }
  return {
    trackingNumber: draft.trackingNumber,
    bookingDate: day,
    bookedAt: draft.bookedAt,
    productCode: draft.productCode,
    paymentMode: draft.paymentMode,
    codAmountPaise: draft.codAmountPaise,
    weightGrams: draft.weightGrams,
    declaredValuePaise: draft.declaredValuePaise,
    pickupLocationId: pickup.id,
    destinationKind: army ? "ARMY_POSTAL" : "PIN_CODE",
    destinationPincode: draft.destinationPincode,
    armyPostOffice: draft.armyPostOffice,
    deliveryOfficeId: draft.deliveryOfficeId,
    routeClass,
    serviceNormDays: days,
    promisedDate: promisedDateOf(day, days, office?.office_type === "BRANCH", refs.holidays),
  };
}

/** Facts fixed at booking: a difference from the stored row is a conflict. With the output field that shows each. */
const FIXED_FIELDS = [
  ["bookedAt", "bookedAt", "Shipment.bookedAt"],
  ["productCode", "productCode", "Shipment.productCode"],
  ["paymentMode", "paymentMode", "Shipment.paymentMode"],
  ["codAmountPaise", "codAmount", "Shipment.codAmount"],
  ["weightGrams", "weightGrams", "Shipment.weightGrams"],
  ["pickupLocationId", "pickupLocationCode", "Shipment.pickupLocation"],
  ["destinationPincode", "destinationPincode", "Shipment.destinationPincode"],
  ["armyPostOffice", "armyPostOffice", "Shipment.armyPostOffice"],
] as const;

/** Facts that may arrive after booking: they fill a stored null, and otherwise must agree. */
const LEARNT_FIELDS = [
  ["declaredValuePaise", "declaredValue", "Shipment.declaredValue"],
  ["deliveryOfficeId", "deliveryOfficeId", "Shipment.deliveryOffice"],
] as const;

function same(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}

function show(value: unknown): string {
  if (value instanceof Date) return value.toISOString();
  return JSON.stringify(value);
}

export type ShipmentPlan =
  | { readonly kind: "create"; readonly values: ShipmentInsert }
  | { readonly kind: "update"; readonly stored: ShipmentRow; readonly changes: Partial<ShipmentInsert> }
  | { readonly kind: "unchanged"; readonly stored: ShipmentRow };

/**
 * A conflict with the stored shipment: the stored value is echoed (message and `extensions.stored`) only
 * when the caller could read it through `output`; otherwise the error says the input differs from it.
 */
function storedConflict(
  values: ShipmentInsert,
  stored: ShipmentRow,
  column: keyof ShipmentRow & keyof ShipmentInsert,
  path: string,
  output: string,
  readable: StoredValueReader,
  tail: string,
): ConflictError {
  const booking = `shipment ${values.trackingNumber} booked ${values.bookingDate}`;
  if (!readable(output, stored.destinationKind === "ARMY_POSTAL")) {
    return new ConflictError(`${path}: ${show(values[column])} differs from the stored value of ${booking} (${output} is not visible to this viewer).${tail}`, {
      field: path,
      value: values[column],
    });
  }
  return new ConflictError(`${path}: ${booking} is stored with ${column} ${show(stored[column])}, not ${show(values[column])}.${tail}`, {
    field: path,
    value: values[column],
    stored: stored[column],
  });
}

/** What to do with one resolved shipment given the stored one (if any); throws ConflictError naming the field. */
export function planShipment(values: ShipmentInsert, stored: ShipmentRow | undefined, prefix: string, readable = READS_ALL_STORED): ShipmentPlan {
  if (stored === undefined) return { kind: "create", values };
  for (const [column, field, output] of FIXED_FIELDS) {
    if (!same(stored[column], values[column])) {
      throw storedConflict(values, stored, column, `${prefix}.${field}`, output, readable, " A booking is not edited by re-sending it.");
    }
  }
  const changes: Partial<ShipmentInsert> = {};
  for (const [column, field, output] of LEARNT_FIELDS) {
    const given = values[column];
    if (given === null || given === undefined || same(stored[column], given)) continue;
    if (stored[column] !== null) throw storedConflict(values, stored, column, `${prefix}.${field}`, output, readable, "");
    Object.assign(changes, { [column]: given });
  }
  if (changes.deliveryOfficeId !== undefined) changes.promisedDate = values.promisedDate;
  return Object.keys(changes).length === 0 ? { kind: "unchanged", stored } : { kind: "update", stored, changes };
}

export const keyOf = (s: { trackingNumber: string; bookingDate: string }) => `${s.trackingNumber}/${s.bookingDate}`;

export interface ShipmentBatchOutcome {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  /** The affected shipments, in input order (a repeated item appears once per occurrence). */
  readonly shipments: ShipmentRow[];
}

/** A batch error: the first problem's message and code, with every problem found listed in `problems`. */
export function batchError(problems: readonly { index: number; error: DakgraphError }[], total: number): DakgraphError {
  const [first] = problems;
  const list = problems.slice(0, 50).map(({ index, error }) => ({
    index,
    code: error.extensions.code,
    field: error.extensions.field,
    message: error.message,
  }));
  const more = problems.length > 1 ? ` (${problems.length} of ${total} items have problems; see extensions.problems)` : "";
  const error = first!.error;
  Object.assign(error.extensions, { index: first!.index, problems: list });
  Object.defineProperty(error, "message", { value: `${error.message}${more}` });
  return error;
}

/**
 * Collects per-item problems of a batch: `capture(i, work)` runs one item's check and keeps a client error
 * against its index (anything else propagates); `throwIfAny` raises them as one batchError.
 */
export function problemCollector(total: number) {
  const problems: { index: number; error: DakgraphError }[] = [];
  return {
    capture(index: number, work: () => void): void {
      try {
        work();
      } catch (error) {
        const ours = findDakgraphError(error);
        if (ours === undefined) throw error;
        problems.push({ index, error: ours });
      }
    },
    throwIfAny(): void {
      if (problems.length > 0) throw batchError([...problems].sort((a, b) => a.index - b.index), total);
    },
    problems,
  };
}

export interface ShipmentBatchPlan {
  /** Per item: what to do, or null for an invalid item or a repeat of an earlier item of the batch. */
  readonly plans: readonly (ShipmentPlan | null)[];
  /** Per item: its resolved values, null when invalid. */
  readonly values: readonly (ShipmentInsert | null)[];
  /** Stored shipments the batch names, by key. */
  readonly stored: ReadonlyMap<string, ShipmentRow>;
  /** Every invalid or conflicting item, in index order. */
  readonly problems: readonly { index: number; error: DakgraphError }[];
}

/**
 * Validates a batch and decides, per item, create / update / unchanged, without writing: a fixed number of
 * statements whatever the batch size. `prefixOf(i)` names item i in messages (an input path, a file line);
 * field and reference checks run at once, the stored-shipment check once `landed` settles.
 */
export async function planShipmentBatch(
  db: Db,
  sources: readonly ShipmentSource[],
  prefixOf: (index: number) => string,
  now = new Date(),
  landed: Promise<unknown> = Promise.resolve(),
  references: ReferenceLoader = loadShipmentReferences,
  readable: StoredValueReader = READS_ALL_STORED,
): Promise<ShipmentBatchPlan> {
  const { capture, problems } = problemCollector(sources.length);
  const drafts: (ShipmentDraft | null)[] = sources.map(() => null);
  sources.forEach((source, i) => capture(i, () => (drafts[i] = draftShipment(source, prefixOf(i), now))));
  // Reference data does not depend on earlier writes still landing (a pipelined import's previous chunk)…
  let refs: ShipmentReferences;
  try {
    refs = await references(db, drafts.filter((d): d is ShipmentDraft => d !== null));
  } catch (error) {
    await landed; // …but when such a write failed, its error is the one to report.
    throw error;
  }
  const values: (ShipmentInsert | null)[] = sources.map(() => null);
  drafts.forEach((draft, i) => {
    if (draft !== null) capture(i, () => (values[i] = resolveShipment(draft, refs, prefixOf(i))));
  });
  // …while the stored-shipment check must see them.
  await landed;
  const stored = new Map((await findShipmentsByKeys(db, values.filter((v): v is ShipmentInsert => v !== null))).map((row) => [keyOf(row), row]));
  const plans: (ShipmentPlan | null)[] = sources.map(() => null);
  const firstInBatch = new Map<string, ShipmentInsert>();
  values.forEach((value, i) => {
    if (value === null) return;
    capture(i, () => {
      const key = keyOf(value);
      const earlier = firstInBatch.get(key);
      // An item repeated within the batch must agree with its first occurrence, as a retry would.
      if (earlier !== undefined) planShipment(value, { ...(earlier as ShipmentRow) }, prefixOf(i));
      else firstInBatch.set(key, value);
      plans[i] = earlier !== undefined ? null : planShipment(value, stored.get(key), prefixOf(i), readable);
    });
  });
  // A repeat that conflicts with its first occurrence leaves that first occurrence valid: drop its value too.
  for (const { index } of problems) values[index] = null;
  return { plans, values, stored, problems: [...problems].sort((a, b) => a.index - b.index) };
}

/**
 * New bookings, inserted with their KPI contribution. Where src/db/key-checks.ts allows it, without the three
 * per-row foreign-key triggers (about 40 of the 80-120 ms a 1,000-row insert took at 1M shipments): the
 * references are locked and counted set-wise first.
 */
async function insertCreates(db: Db, creates: readonly ShipmentInsert[]): Promise<ShipmentRow[]> {
  if (creates.length === 0) return [];
  const deferKeys = await canDeferKeyChecks(db, ["shipment", "kpi_rollup", "kpi_histogram"]);
  if (deferKeys && (await lockBookingReferences(db, creates)) > 0) {
    throw new ConflictError("A pickup location, product or office this batch names was deleted while it was recorded: nothing was written. Retry.");
  }
  return withKeyChecksDeferred(db, deferKeys, () => insertShipments(db, creates));
}

/**
 * Records a batch of shipments, all or nothing: every item is validated first, and any problem throws
 * (naming the first item and field, listing the others) before anything is written. Run it inside a
 * transaction so concurrent writers cannot interleave between the check and the insert.
 */
export async function recordShipmentBatch(
  db: Db,
  sources: readonly ShipmentSource[],
  prefix: string,
  readable: StoredValueReader = READS_ALL_STORED,
  now = new Date(),
): Promise<ShipmentBatchOutcome> {
  const { plans, values, stored, problems } = await planShipmentBatch(db, sources, (i) => `${prefix}[${i}]`, now, undefined, undefined, readable);
  if (problems.length > 0) throw batchError(problems, sources.length);
  const creates = plans.filter((p): p is Extract<ShipmentPlan, { kind: "create" }> => p?.kind === "create");
  const inserted = new Map((await insertCreates(db, creates.map((p) => p.values))).map((row) => [keyOf(row), row]));
  const updates = plans.filter((p): p is Extract<ShipmentPlan, { kind: "update" }> => p?.kind === "update");
  const updated = new Map((await updateShipmentFacts(db, updates.map((p) => ({ id: p.stored.id, changes: p.changes })))).map((row) => [keyOf(row), row]));
  const shipments = values.map((value) => {
    const key = keyOf(value!);
    return (updated.get(key) ?? inserted.get(key) ?? stored.get(key))!;
  });
  return {
    created: creates.length,
    updated: updates.length,
    unchanged: sources.length - creates.length - updates.length,
    shipments,
  };
}
