import { BadUserInputError } from "./errors.js";

/** India Post's ceiling on the cash collected for one article. */
export const MAX_COD_RUPEES = 50_000;

/** Up to this amount the fee is a percentage with a floor; above it, a fixed part plus a smaller percentage. */
export const COD_FEE_TIER_RUPEES = 5_000;

/** The least fee on any COD article: ₹50. */
export const MIN_COD_FEE_PAISE = 5_000;

/** The fee on an amount of exactly ₹5,000 (2% of it), where the upper tier starts: ₹100. */
const TIER_FEE_PAISE = 10_000;

/**
 * Validates a COD amount: whole rupees, more than 0, at most ₹50,000 (India Post, per article). Returns the
 * amount; the error names the field, the value and the limit.
 */
export function validateCodAmount(rupees: number, field: string): number {
  const details = { field, value: rupees, min: 1, max: MAX_COD_RUPEES };
  const shown = typeof rupees === "number" ? String(rupees) : JSON.stringify(rupees);
  if (typeof rupees !== "number" || !Number.isFinite(rupees)) {
    throw new BadUserInputError(`${field} must be a number of rupees from 1 to ${MAX_COD_RUPEES}; got ${shown}.`, details);
  }
  if (!Number.isInteger(rupees)) {
    throw new BadUserInputError(`${field} is ${shown}: COD amounts are whole rupees (no paise).`, details);
  }
  if (rupees <= 0) {
    throw new BadUserInputError(`${field} is ${shown}: a COD amount must be more than ₹0.`, details);
  }
  if (rupees > MAX_COD_RUPEES) {
    throw new BadUserInputError(
      `${field} is ${shown}: India Post collects at most ₹${MAX_COD_RUPEES} cash on delivery per article.`,
      details,
    );
  }
  return rupees;
}

/**
 * India Post's COD fee, in paise, for a COD amount in rupees: 2% or ₹50, whichever is more, up to ₹5,000;
 * above that ₹100 plus 1% of the excess over ₹5,000. The two tiers meet at ₹5,000 (2% = ₹100), so the fee
 * never drops as the amount rises.
 *
 * Rounding: none is needed, and none is done. COD amounts are whole rupees, so 2% of ₹n is exactly 2n paise
 * and 1% of an excess of ₹n is exactly n paise; an amount that is not whole rupees is refused (as by
 * `validateCodAmount`) rather than rounded, so the fee is always an exact integer number of paise.
 */
export function codFeePaise(amountRupees: number, field = "codAmount"): number {
  const amountPaise = validateCodAmount(amountRupees, field) * 100;
  const tierPaise = COD_FEE_TIER_RUPEES * 100;
  if (amountPaise <= tierPaise) {
    return Math.max((amountPaise * 2) / 100, MIN_COD_FEE_PAISE);
  }
  return TIER_FEE_PAISE + (amountPaise - tierPaise) / 100;
}
