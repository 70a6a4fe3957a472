import { fieldError } from "../../lib/batch-errors.js";
import { promisedDateOf, routeClassOf } from "../service-norm/service-norm.rules.js";
import { MAX_WEIGHT_GRAMS, type ShipmentDraft } from "./shipment.draft.js";
import type { ShipmentReferences } from "./shipment.references.js";
import type { OfficeRef } from "../post-office/post-office.repository.js";
import type { ShipmentInsert } from "./shipment.sql.js";

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
