import { describe, expect, it } from "vitest";
import { fiscalQuarterLastDay, fitBox, INDIA_BOX, MAP_ASPECT, pinClass, project } from "../../src/lib/coverage-map.js";
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

  it("fits a circle's points in a box of India's shape, with a margin", () => {
    expect(fitBox([])).toEqual(INDIA_BOX);
    const ladakh = [
      { latitude: 34.1, longitude: 77.5 },
      { latitude: 33.8599, longitude: 75.5778 },
      { latitude: 32.7, longitude: 74.9 },
    ];
    const box = fitBox(ladakh);
    for (const p of ladakh) {
      const { x, y } = project(p.latitude, p.longitude, 100, 100, box);
      expect(x).toBeGreaterThan(0);
      expect(x).toBeLessThan(100);
      expect(y).toBeGreaterThan(0);
      expect(y).toBeLessThan(100);
    }
    expect((box.east - box.west) / (box.north - box.south)).toBeCloseTo((INDIA_BOX.east - INDIA_BOX.west) / (INDIA_BOX.north - INDIA_BOX.south), 9);
    expect(box.north - box.south).toBeLessThan(5);
    // One point: half a degree high around it, not a zoom without end.
    const one = fitBox([{ latitude: 20, longitude: 80 }]);
    expect(one.north - one.south).toBeCloseTo(0.5, 9);
    expect(one.south).toBeCloseTo(19.75, 9);
  });

  it("gives each quarter's last day as fiscal-quarter.ts does", () => {
    for (const quarter of ["FY2026-27-Q1", "FY2026-27-Q2", "FY2026-27-Q3", "FY2026-27-Q4", "FY2023-24-Q4"]) {
      expect(fiscalQuarterLastDay(quarter), quarter).toBe(quarterEndDate(parseFiscalQuarter(quarter)));
    }
    expect(fiscalQuarterLastDay("FY2023-24-Q4")).toBe("2024-03-31");
    expect(() => fiscalQuarterLastDay("Q3 FY25")).toThrow(/Not a fiscal quarter/);
  });
});
