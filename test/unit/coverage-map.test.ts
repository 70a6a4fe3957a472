import { describe, expect, it } from "vitest";
import { fiscalQuarterLastDay, MAP_ASPECT, pinClass, project } from "../../src/lib/coverage-map.js";
import { parseFiscalQuarter, quarterEndDate } from "../../src/lib/fiscal-quarter.js";

describe("coverage map rules", () => {
  it("classes a PIN: a delivery in the quarter makes it active, else serviceable makes it served", () => {
    expect(pinClass({ serviceable: true, activeInQuarter: true })).toBe("ACTIVE");
    expect(pinClass({ serviceable: false, activeInQuarter: true })).toBe("ACTIVE");
    expect(pinClass({ serviceable: true, activeInQuarter: false })).toBe("SERVED");
    expect(pinClass({ serviceable: false, activeInQuarter: false })).toBe("NOT_SERVED");
    expect(pinClass(null)).toBe("HIDDEN");
  });

  it("projects India's box corners onto the canvas corners, north up", () => {
    expect(project(37.5, 68, 300, 400)).toEqual({ x: 0, y: 0 });
    expect(project(6, 97.5, 300, 400)).toEqual({ x: 300, y: 400 });
    // Nubra Valley (194401) sits in the upper left quarter.
    const nubra = project(33.8599, 75.5778, 300, 400);
    expect(nubra.x).toBeLessThan(150);
    expect(nubra.y).toBeLessThan(100);
    expect(MAP_ASPECT).toBeCloseTo(0.8698, 3);
  });

  it("gives each quarter's last day as fiscal-quarter.ts does", () => {
    for (const quarter of ["FY2026-27-Q1", "FY2026-27-Q2", "FY2026-27-Q3", "FY2026-27-Q4", "FY2023-24-Q4"]) {
      expect(fiscalQuarterLastDay(quarter), quarter).toBe(quarterEndDate(parseFiscalQuarter(quarter)));
    }
    expect(fiscalQuarterLastDay("FY2023-24-Q4")).toBe("2024-03-31");
    expect(() => fiscalQuarterLastDay("Q3 FY25")).toThrow(/Not a fiscal quarter/);
  });
});
