import type { Db } from "../../db/client.js";
import { ConflictError, type DakgraphError } from "../../lib/errors.js";
import { formatIndianRupees } from "../../lib/money.js";
import { problemCollector } from "../../lib/batch-errors.js";
import { READS_ALL_STORED, type StoredValueReader } from "../access/access.roles.js";
import { draftShipment, type ShipmentDraft, type ShipmentSource } from "./shipment.draft.js";
import { loadShipmentReferences, type ReferenceLoader, type ShipmentReferences } from "./shipment.references.js";
import { findShipmentsByKeys } from "./shipment.repository.js";
import { resolveShipment } from "./shipment.resolve.js";
import type { ShipmentInsert, ShipmentRow } from "./shipment.sql.js";

/*
 * Deciding, per item of a batch, create / update / unchanged against the stored shipment:
 *
 * - A shipment is identified by (tracking number, IST booking date). Sending one again with the same
 *   facts is a no-op ("unchanged"). A fact left out (null) is "not told", never "erase".
 * - Facts that may be learnt later (declared value, delivering office) fill a stored null: "updated".
 * - Any other difference from the stored shipment is a CONFLICT naming the item and the field: a
 *   booking is not edited by re-sending it.
 */

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

/**
 * A stored value as the error names it, in the input field's unit: money columns hold paise, their input
 * fields take rupees, so `value` and `stored` are rupees (as sent) and the paise ride beside them, named so.
 */
function echo(column: string, value: unknown, key: "value" | "stored"): { text: string; extensions: Record<string, unknown> } {
  if (!column.endsWith("Paise") || typeof value !== "number") return { text: show(value), extensions: { [key]: value } };
  return { text: formatIndianRupees(value), extensions: { [key]: value / 100, [`${key}Paise`]: value } };
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
  const given = echo(column, values[column], "value");
  if (!readable(output, stored.destinationKind === "ARMY_POSTAL")) {
    return new ConflictError(`${path}: ${given.text} differs from the stored value of ${booking} (${output} is not visible to this viewer).${tail}`, {
      field: path,
      ...given.extensions,
    });
  }
  const kept = echo(column, stored[column], "stored");
  // Money is named as the input names it (codAmount, in rupees), not as the column holds it (codAmountPaise).
  const label = column.endsWith("Paise") ? path.slice(path.lastIndexOf(".") + 1) : column;
  return new ConflictError(`${path}: ${booking} is stored with ${label} ${kept.text}, not ${given.text}.${tail}`, {
    field: path,
    ...given.extensions,
    ...kept.extensions,
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
 *
 * `storedCheck: "assume-none"` skips the stored-shipment check (and the wait for `landed`): every valid item is a
 * create. Only for a writer whose insert fails on a stored booking's unique key and then plans the batch again
 * with the check (a file import's optimistic COPY, shipment.import.ts).
 */
export async function planShipmentBatch(
  db: Db,
  sources: readonly ShipmentSource[],
  prefixOf: (index: number) => string,
  now = new Date(),
  landed: Promise<unknown> = Promise.resolve(),
  references: ReferenceLoader = loadShipmentReferences,
  readable: StoredValueReader = READS_ALL_STORED,
  storedCheck: "check" | "assume-none" = "check",
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
  let stored = new Map<string, ShipmentRow>();
  if (storedCheck === "check") {
    await landed;
    stored = new Map((await findShipmentsByKeys(db, values.filter((v): v is ShipmentInsert => v !== null))).map((row) => [keyOf(row), row]));
  }
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
