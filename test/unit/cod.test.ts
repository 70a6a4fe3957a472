import { describe, expect, it } from "vitest";
import { codFeePaise, MAX_COD_RUPEES, validateCodAmount } from "../../src/lib/cod.js";
import { ErrorCode } from "../../src/lib/errors.js";

describe("COD fee (paise)", () => {
  // Hand-computed: 2% or ₹50, whichever is more, up to ₹5,000; then ₹100 + 1% of the excess.
  it.each([
    [1, 5_000], //          2% = ₹0.02 → ₹50 floor
    [2_499, 5_000], //      2% = ₹49.98 → ₹50 floor
    [2_500, 5_000], //      2% = ₹50 exactly
    [2_501, 5_002], //      2% = ₹50.02
    [4_999, 9_998], //      2% = ₹99.98
    [5_000, 10_000], //     2% = ₹100, where the tiers meet
    [5_001, 10_001], //     ₹100 + 1% of ₹1 = ₹100.01
    [10_000, 15_000], //    ₹100 + 1% of ₹5,000 = ₹150
    [49_999, 54_999], //    ₹100 + 1% of ₹44,999 = ₹549.99
    [50_000, 55_000], //    ₹100 + 1% of ₹45,000 = ₹550
  ])("on ₹%i is %i paise", (rupees, fee) => {
    expect(codFeePaise(rupees)).toBe(fee);
  });

  it("never falls as the amount rises", () => {
    let previous = 0;
    for (let rupees = 1; rupees <= MAX_COD_RUPEES; rupees += 1) {
      const fee = codFeePaise(rupees);
      expect(Number.isInteger(fee)).toBe(true);
      if (fee < previous) throw new Error(`fee falls at ₹${rupees}`);
      previous = fee;
    }
  });

  it("refuses amounts COD cannot carry, naming the field", () => {
    expect(() => codFeePaise(50_001)).toThrow(/codAmount is 50001/);
    expect(() => codFeePaise(10.5, "input.codAmount")).toThrow(/input.codAmount is 10.5: .*whole rupees/);
  });
});

describe("validateCodAmount", () => {
  it("accepts whole rupees from 1 to 50,000", () => {
    expect(MAX_COD_RUPEES).toBe(50_000);
    for (const rupees of [1, 2_500, 50_000]) expect(validateCodAmount(rupees, "codAmount")).toBe(rupees);
  });

  it.each([
    [50_001, /at most ₹50000/],
    [0, /more than ₹0/],
    [-1, /more than ₹0/],
    [-500, /more than ₹0/],
    [10.5, /whole rupees/],
    [0.5, /whole rupees/],
    [Number.NaN, /from 1 to 50000/],
    [Number.POSITIVE_INFINITY, /from 1 to 50000/],
  ])("rejects %d", (rupees, reason) => {
    const call = () => validateCodAmount(rupees, "input.shipments[3].codAmount");
    expect(call).toThrow(reason);
    expect(call).toThrow(/input\.shipments\[3\]\.codAmount/);
    expect(call).toThrow(
      expect.objectContaining({
        extensions: expect.objectContaining({
          code: ErrorCode.BAD_USER_INPUT,
          field: "input.shipments[3].codAmount",
          value: rupees,
          max: 50_000,
        }),
      }),
    );
  });
});
