import { describe, expect, it } from "vitest";
import { coverageReadableInScope } from "../../src/modules/coverage/coverage.rules.js";
import type { CoverageMapPinRow } from "../../src/modules/coverage-map/coverage-map.repository.js";
import { coverageMapLists } from "../../src/modules/coverage-map/coverage-map.rules.js";

const pin = (code: string, circle: string | null, serviceable: boolean, activeInQuarter: boolean): CoverageMapPinRow => ({
  code,
  latitude: 28.6328,
  longitude: 77.2197,
  circle,
  serviceable,
  activeInQuarter,
});

describe("coverageReadableInScope", () => {
  it("lets an unscoped viewer read every PIN's coverage, one without a circle included", () => {
    expect(coverageReadableInScope(null, "Delhi")).toBe(true);
    expect(coverageReadableInScope(null, null)).toBe(true);
  });

  it("lets a circle-limited viewer read its own circle's PINs only, whatever the case of the names", () => {
    expect(coverageReadableInScope("Delhi", "Delhi")).toBe(true);
    expect(coverageReadableInScope("delhi", "DELHI")).toBe(true);
    expect(coverageReadableInScope("Delhi", "Haryana")).toBe(false);
    expect(coverageReadableInScope("Delhi", null)).toBe(false);
  });
});

describe("coverageMapLists", () => {
  const rows = [
    pin("110001", "Delhi", true, true),
    pin("122001", "Haryana", true, false),
    pin("194401", "Jammu & Kashmir", false, false),
    pin("744101", null, false, true),
    pin("110011", "Delhi", false, false),
  ];

  it("gives parallel lists in the rows' order, indexes into the sorted circle names, null without a circle", () => {
    const lists = coverageMapLists(rows, null);
    expect(lists.circles).toEqual(["Delhi", "Haryana", "Jammu & Kashmir"]);
    expect(lists.codes).toEqual(["110001", "122001", "194401", "744101", "110011"]);
    expect(lists.circleIndexes).toEqual([0, 1, 2, null, 0]);
    expect(lists.latitudes).toHaveLength(5);
    expect(lists.longitudes).toHaveLength(5);
    // Active wins over served; a delivery makes a PIN active even where no period holds the day.
    expect(lists.classes).toEqual(["ACTIVE", "SERVED", "NOT_SERVED", "ACTIVE", "NOT_SERVED"]);
  });

  it("hides the class of every PIN outside a circle-limited viewer's circle, and of PINs with no circle", () => {
    expect(coverageMapLists(rows, "DELHI").classes).toEqual(["ACTIVE", "HIDDEN", "HIDDEN", "HIDDEN", "NOT_SERVED"]);
  });

  it("answers empty lists for no rows", () => {
    expect(coverageMapLists([], null)).toEqual({ circles: [], codes: [], latitudes: [], longitudes: [], circleIndexes: [], classes: [] });
  });
});
