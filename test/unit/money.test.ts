import { describe, expect, it } from "vitest";
import { getMetadataStorage } from "type-graphql";
import { ErrorCode } from "../../src/lib/errors.js";
import { formatIndianRupees, Money, rupeesToPaise, toMoney } from "../../src/lib/money.js";

describe("formatIndianRupees", () => {
  it.each([
    [1_234_567_800, "₹1,23,45,678.00"],
    [0, "₹0.00"],
    [-0, "₹0.00"],
    [5, "₹0.05"],
    [50, "₹0.50"],
    [16_500_000_00, "₹1,65,00,000.00"],
    [-1_234_567_800, "-₹1,23,45,678.00"],
    [-5, "-₹0.05"],
    [Number.MAX_SAFE_INTEGER, "₹9,00,71,99,25,47,409.91"],
  ])("formats %i paise as %s", (paise, formatted) => {
    expect(formatIndianRupees(paise)).toBe(formatted);
  });
  it("refuses paise that are not whole or not safe integers", () => {
    for (const bad of [1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53]) expect(() => formatIndianRupees(bad)).toThrow(RangeError);
  });
});

describe("rupeesToPaise", () => {
  it.each([
    [0, 0],
    [1, 100],
    [1.1, 110],
    [0.07, 7],
    [0.05, 5],
    [12_345_678, 1_234_567_800],
    [1_234_567.89, 123_456_789],
    [-250.5, -25_050],
  ])("converts ₹%d to %i paise", (rupees, paise) => {
    expect(rupeesToPaise(rupees, "input.amount")).toBe(paise);
  });
  it("never returns -0", () => {
    expect(Object.is(rupeesToPaise(-0, "input.amount"), 0)).toBe(true);
  });
  it.each([1.005, 0.001, 10.555, -0.125])("rejects the fraction of a paisa in %d, naming field and value", (rupees) => {
    expect(() => rupeesToPaise(rupees, "input.amount")).toThrow(`input.amount is ${rupees}`);
    expect(() => rupeesToPaise(rupees, "input.amount")).toThrow(/at most 2 decimals/);
    expect(() => rupeesToPaise(rupees, "input.amount")).toThrow(
      expect.objectContaining({
        extensions: expect.objectContaining({ code: ErrorCode.BAD_USER_INPUT, field: "input.amount", value: rupees }),
      }),
    );
  });
  it.each([Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY])("rejects %d", (rupees) => {
    expect(() => rupeesToPaise(rupees, "input.amount")).toThrow(/input.amount must be a finite amount/);
  });
  it("rejects amounts too large to hold to the paisa", () => {
    expect(() => rupeesToPaise(1e300, "input.amount")).toThrow(/too large/);
  });
});

describe("Money", () => {
  it("builds paise, rupees and the Indian format", () => {
    const money = toMoney(1_234_567_800);
    expect(money).toBeInstanceOf(Money);
    expect(money).toEqual(Object.assign(new Money(), { paise: 1_234_567_800, rupees: 12_345_678, formatted: "₹1,23,45,678.00" }));
    expect(toMoney(5)).toMatchObject({ paise: 5, rupees: 0.05, formatted: "₹0.05" });
  });
  it("holds sums past GraphQL Int's 32-bit limit", () => {
    expect(toMoney(2 ** 31)).toMatchObject({ paise: 2_147_483_648, formatted: "₹2,14,74,836.48" });
  });
  it("is a described GraphQL object type with described fields", () => {
    const storage = getMetadataStorage();
    const type = storage.objectTypes.find((t) => t.target === Money);
    expect(type?.name).toBe("Money");
    expect(type?.description).toMatch(/paise/);
    const fields = storage.fields.filter((f) => f.target === Money);
    expect(fields.map((f) => f.name).sort()).toEqual(["formatted", "paise", "rupees"]);
    for (const field of fields) expect(field.description).toBeTruthy();
  });
});
