import { describe, expect, it } from "vitest";
import { EventBudget, idPayloads, integerIds, textIds } from "../../src/lib/notify-payload.js";

describe("change notification payloads", () => {
  it("joins ids with commas, once each, and splits them so no payload exceeds the limit", () => {
    expect(idPayloads([3, 1, 3, 2], 7999)).toEqual(["3,1,2"]);
    expect(idPayloads([], 7999)).toEqual([]);
    const ids = Array.from({ length: 3000 }, (_, i) => 1_000_000 + i);
    const payloads = idPayloads(ids, 7999);
    expect(payloads.length).toBe(Math.ceil((3000 * 8 - 1) / 8000));
    for (const payload of payloads) expect(Buffer.byteLength(payload)).toBeLessThanOrEqual(7999);
    expect(payloads.flatMap(integerIds)).toEqual(ids);
    expect(idPayloads([12, 34, 56], 5)).toEqual(["12,34", "56"]);
  });

  it("refuses an id that could not be read back", () => {
    expect(() => idPayloads(["a,b"], 100)).toThrow(RangeError);
    expect(() => idPayloads([""], 100)).toThrow(RangeError);
    expect(() => idPayloads(["123456"], 5)).toThrow(RangeError);
  });

  it("reads ids and quarters back, skipping what is not one", () => {
    expect(integerIds("1,2,x,-4,5.5,6")).toEqual([1, 2, 6]);
    expect(textIds("FY2025-26-Q3, FY2025-26-Q2,,")).toEqual(["FY2025-26-Q3", "FY2025-26-Q2"]);
  });
});

describe("EventBudget", () => {
  it("allows perSecond events in each one-second window", () => {
    const budget = new EventBudget(2);
    expect([budget.take(0), budget.take(10), budget.take(999)]).toEqual([true, true, false]);
    expect([budget.take(1000), budget.take(1500), budget.take(1999), budget.take(2000)]).toEqual([true, true, false, true]);
  });
});
