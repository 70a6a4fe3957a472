import { validateCodAmount } from "../../lib/cod.js";
import { fieldError, withField } from "../../lib/batch-errors.js";
import { istDateOf } from "../../lib/fiscal-quarter.js";
import { rupeesToPaise } from "../../lib/money.js";
import { parsePin } from "../../lib/scalars.js";
import { parseTrackingNumber } from "../../lib/s10.js";
import type { ArmyPostOfficeValue, PaymentModeValue } from "./shipment.sql.js";

/* A shipment's own fields, checked without the database: the first step of recording one (shipment.record.ts). */

/** The earliest booking accepted: the partnership's first Speed Post consignment was in 2013. */
const EARLIEST_BOOKING = Date.UTC(2013, 0, 1);
/** Bookings may carry a clock a little ahead of ours; more than this is a data error. */
const FUTURE_TOLERANCE_MS = 10 * 60 * 1000;
/** India Post accepts parcels up to 35 kg; no product here takes more. */
export const MAX_WEIGHT_GRAMS = 35_000;
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
