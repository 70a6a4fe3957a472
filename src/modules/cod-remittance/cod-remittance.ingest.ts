import type { Db } from "../../db/client.js";
import { withKpiDelta } from "../kpi/kpi-rollup.repository.js";
import { BadUserInputError, ConflictError } from "../../lib/errors.js";
import { istDateOf } from "../../lib/fiscal-quarter.js";
import { formatIndianRupees, rupeesToPaise } from "../../lib/money.js";
import { READS_ALL_STORED, type StoredValueReader } from "../access/access.roles.js";
import { problemCollector } from "../../lib/batch-errors.js";
import { findShipmentsByTrackingNumbers, setCodRemittance } from "../shipment/shipment.repository.js";
import type { ShipmentRow } from "../shipment/shipment.sql.js";
import { findRemittanceByReference, insertRemittance } from "./cod-remittance.repository.js";
import type { CodRemittanceRow } from "./cod-remittance.sql.js";

/** Most shipments one remittance batch may cover. */
export const MAX_SHIPMENTS_PER_REMITTANCE = 5000;

export interface CodRemittanceSource {
  readonly reference: string;
  readonly remittedOn: string;
  readonly amount: number;
  readonly shipments: readonly { readonly trackingNumber: string; readonly bookingDate?: string | null }[];
}

export interface CodRemittanceOutcome {
  readonly created: number;
  readonly unchanged: number;
  readonly remittance: CodRemittanceRow;
}

/**
 * Records a COD remittance batch, all or nothing (run inside a transaction). Checks, each naming its field:
 * reference format; day not in the future; every shipment exists, is COD, is delivered on or before the
 * remittance day, appears once, and is not in another batch; amount = Σ COD amounts (both figures given).
 */
export async function recordCodRemittance(
  db: Db,
  input: CodRemittanceSource,
  readable: StoredValueReader = READS_ALL_STORED,
  now = new Date(),
): Promise<CodRemittanceOutcome> {
  const reference = input.reference.trim().toUpperCase();
  if (!/^[A-Z0-9][A-Z0-9-]{3,34}$/.test(reference)) {
    throw new BadUserInputError(`input.reference must be 4-35 letters, digits or hyphens (a UTR); got ${JSON.stringify(input.reference)}.`, {
      field: "input.reference",
      value: input.reference,
    });
  }
  if (input.remittedOn > istDateOf(now)) {
    throw new BadUserInputError(`input.remittedOn is ${input.remittedOn}, in the future.`, { field: "input.remittedOn", value: input.remittedOn });
  }
  const amountPaise = rupeesToPaise(input.amount, "input.amount");
  if (amountPaise <= 0) throw new BadUserInputError(`input.amount must be more than ₹0; got ${input.amount}.`, { field: "input.amount", value: input.amount });
  const count = input.shipments.length;
  if (count < 1 || count > MAX_SHIPMENTS_PER_REMITTANCE) {
    throw new BadUserInputError(`input.shipments must hold 1 to ${MAX_SHIPMENTS_PER_REMITTANCE} shipments; got ${count}.`, {
      field: "input.shipments",
      value: count,
      max: MAX_SHIPMENTS_PER_REMITTANCE,
    });
  }

  const existing = await findRemittanceByReference(db, reference);
  const bookings = await findShipmentsByTrackingNumbers(db, [...new Set(input.shipments.map((s) => s.trackingNumber))]);
  const { capture, throwIfAny } = problemCollector(count);
  const seen = new Set<number>();
  const covered: ShipmentRow[] = [];
  input.shipments.forEach((ref, index) =>
    capture(index, () => {
      const field = `input.shipments[${index}]`;
      const details = { field: `${field}.trackingNumber`, value: ref.trackingNumber };
      const refuse = (message: string) => new BadUserInputError(`${field}: ${message}`, details);
      const candidates = bookings.filter((b) => b.trackingNumber === ref.trackingNumber);
      const shipment = ref.bookingDate ? candidates.find((b) => b.bookingDate === ref.bookingDate) : candidates[0];
      if (shipment === undefined) throw refuse(`no shipment ${ref.trackingNumber}${ref.bookingDate ? ` booked on ${ref.bookingDate}` : ""}.`);
      if (seen.has(shipment.id)) throw refuse(`${ref.trackingNumber} is listed twice in the batch.`);
      seen.add(shipment.id);
      if (shipment.paymentMode !== "COD") throw refuse(`${ref.trackingNumber} is PREPAID: there is no cash to remit.`);
      if (shipment.status !== "DELIVERED" || shipment.deliveredAt === null) {
        throw refuse(`${ref.trackingNumber} is ${shipment.status}, not DELIVERED: its cash has not been collected.`);
      }
      if (istDateOf(shipment.deliveredAt) > input.remittedOn) {
        throw refuse(`${ref.trackingNumber} was delivered on ${istDateOf(shipment.deliveredAt)}, after the remittance day ${input.remittedOn}.`);
      }
      if (shipment.codRemittanceId !== null && shipment.codRemittanceId !== existing?.id) {
        throw new ConflictError(`${field}: ${ref.trackingNumber} is already covered by another remittance batch.`, details);
      }
      covered.push(shipment);
    }),
  );
  throwIfAny();

  const sumPaise = covered.reduce((sum, s) => sum + (s.codAmountPaise ?? 0), 0);
  if (sumPaise !== amountPaise && !readable("Shipment.codAmount", false)) {
    // The sum of one shipment's batch is its COD amount: FINANCE's to read.
    throw new BadUserInputError(
      `input.amount is ${formatIndianRupees(amountPaise)} but differs from the sum of the ${count} shipments' COD amounts (not visible to this viewer): ` +
        "a batch must remit exactly what it covers.",
      { field: "input.amount", value: input.amount, amountPaise },
    );
  }
  if (sumPaise !== amountPaise) {
    throw new BadUserInputError(
      `input.amount is ${formatIndianRupees(amountPaise)} but the ${count} shipments' COD amounts add up to ${formatIndianRupees(sumPaise)}: ` +
        "a batch must remit exactly what it covers.",
      { field: "input.amount", value: input.amount, amountPaise, shipmentsSumPaise: sumPaise },
    );
  }

  if (existing !== undefined) {
    const sameShipments = covered.every((s) => s.codRemittanceId === existing.id) && existing.shipmentCount === count;
    const mismatch =
      existing.remittedOn !== input.remittedOn ? "remittedOn" : existing.amountPaise !== amountPaise ? "amount" : !sameShipments ? "shipments" : null;
    if (mismatch !== null) {
      throw new ConflictError(`input.${mismatch}: remittance ${reference} is already stored with other content; a batch is not edited by re-sending it.`, {
        field: `input.${mismatch}`,
        value: reference,
      });
    }
    return { created: 0, unchanged: 1, remittance: existing };
  }

  const remittance = await insertRemittance(db, { reference, remittedOn: input.remittedOn, amountPaise, shipmentCount: count });
  const coveredIds = covered.map((s) => s.id);
  await withKpiDelta(db, coveredIds, () => setCodRemittance(db, coveredIds, remittance!.id));
  return { created: 1, unchanged: 0, remittance: remittance! };
}
