import { describe, expect, it } from "vitest";
import { addWorkingDays, promisedDateOf, routeClassOf } from "../../src/modules/service-norm/service-norm.rules.js";

const route = (overrides: Partial<Parameters<typeof routeClassOf>[0]> = {}) =>
  routeClassOf({
    originPincode: "110001",
    originCircleId: 5,
    destinationPincode: "110011",
    destinationCircleId: 5,
    destinationRemote: false,
    armyPostal: false,
    ...overrides,
  });

describe("routeClassOf", () => {
  it("classifies by the first matching rule", () => {
    expect(route()).toBe("LOCAL");
    expect(route({ destinationPincode: "400001", destinationCircleId: 14 })).toBe("METRO_TO_METRO");
    expect(route({ destinationPincode: "121001", destinationCircleId: 5 })).toBe("WITHIN_CIRCLE");
    expect(route({ destinationPincode: "302001", destinationCircleId: 18 })).toBe("REST_OF_INDIA");
  });

  it("sends Army Postal and remote-class destinations to REMOTE, before any other rule", () => {
    expect(route({ destinationPincode: "900099", destinationCircleId: null, armyPostal: true })).toBe("REMOTE");
    expect(route({ destinationPincode: "194401", destinationCircleId: 9, destinationRemote: true })).toBe("REMOTE");
    expect(route({ originPincode: "794101", destinationPincode: "794102", destinationRemote: true })).toBe("REMOTE");
  });
});

describe("addWorkingDays", () => {
  it("skips Sundays: Saturday 5 Oct 2024 + 1 working day is Monday 7 Oct", () => {
    expect(addWorkingDays("2024-10-05", 1)).toBe("2024-10-07");
    expect(addWorkingDays("2024-10-04", 2)).toBe("2024-10-07");
    expect(addWorkingDays("2024-10-07", 6)).toBe("2024-10-14");
  });

  it("skips given holidays, and adds a day for a branch office", () => {
    expect(addWorkingDays("2024-10-01", 1, new Set(["2024-10-02"]))).toBe("2024-10-03");
    expect(promisedDateOf("2024-10-04", 2, false)).toBe("2024-10-07");
    expect(promisedDateOf("2024-10-04", 2, true)).toBe("2024-10-08");
  });

  it("rejects a day that is not a date", () => {
    expect(() => addWorkingDays("someday", 1)).toThrow(RangeError);
  });
});
