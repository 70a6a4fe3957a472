import { describe, expect, it } from "vitest";
import { formatFiscalQuarter, previousQuarter, quarterOf } from "../../src/lib/fiscal-quarter.js";
import { compactIndian, formatIndianNumber, formatIst, formatKpiChange, formatKpiFigure, lastCompleteFiscalQuarter } from "../../src/lib/indian-format.js";

describe("Indian number formatting", () => {
  it.each([
    [4438, "4,438"],
    [123456, "1,23,456"],
    [123456789, "12,34,56,789"],
    [999, "999"],
    [-123456, "-1,23,456"],
  ])("groups %d as %s", (value, text) => expect(formatIndianNumber(value)).toBe(text));

  it.each([
    [99_999, null],
    [100_000, "1 lakh"],
    [591_234, "5.9 lakh"],
    [9_999_999, "100 lakh"],
    [42_000_000, "4.2 crore"],
    [1_234_567_890, "123.5 crore"],
  ])("writes %d compactly as %s", (value, text) => expect(compactIndian(value)).toBe(text));

  it("writes each KPI unit", () => {
    expect(formatKpiFigure(42_345_678, "RUPEES")).toEqual({ exact: "₹4,23,45,678", compact: "₹4.2 crore" });
    expect(formatKpiFigure(591_234, "SHIPMENTS")).toEqual({ exact: "5,91,234", compact: "5.9 lakh" });
    expect(formatKpiFigure(4438, "PINS")).toEqual({ exact: "4,438", compact: null });
    expect(formatKpiFigure(92.44, "PERCENT")).toEqual({ exact: "92.4%", compact: null });
    expect(formatKpiFigure(3.25, "DAYS")).toEqual({ exact: "3.3 days", compact: null });
    expect(formatKpiFigure(null, "SHIPMENTS")).toEqual({ exact: "–", compact: null });
  });

  it("writes changes in points for percentages and relative otherwise", () => {
    expect(formatKpiChange({ change: null, pointChange: 1.26 }, "PERCENT")).toBe("+1.3 pts");
    expect(formatKpiChange({ change: null, pointChange: -0.5 }, "PERCENT")).toBe("−0.5 pts");
    expect(formatKpiChange({ change: 0.125, pointChange: 50 }, "SHIPMENTS")).toBe("+12.5%");
    expect(formatKpiChange({ change: -0.2, pointChange: -5 }, "RUPEES")).toBe("−20%");
    expect(formatKpiChange({ change: 0, pointChange: 0 }, "PINS")).toBe("±0%");
    expect(formatKpiChange({ change: null, pointChange: null }, "SHIPMENTS")).toBeNull();
  });
});

describe("formatIst", () => {
  it("writes an instant in India Standard Time", () => {
    expect(formatIst("2024-10-04T08:35:00Z")).toBe("04 Oct 2024, 14:05 IST");
    // 20:00 UTC is already the next day in India.
    expect(formatIst(new Date("2024-12-31T20:00:00Z"))).toBe("01 Jan 2025, 01:30 IST");
  });
});

describe("lastCompleteFiscalQuarter", () => {
  it.each([
    ["2026-12-03T06:00:00Z", "FY2026-27-Q2"],
    ["2026-04-01T00:00:00Z", "FY2025-26-Q4"], // 05:30 IST on 1 April: Q1 has begun
    ["2026-03-31T18:00:00Z", "FY2025-26-Q3"], // 23:30 IST on 31 March: still Q4
    ["2025-01-15T00:00:00Z", "FY2024-25-Q3"],
    ["2025-07-01T00:00:00Z", "FY2025-26-Q1"],
  ])("at %s is %s", (instant, quarter) => expect(lastCompleteFiscalQuarter(new Date(instant))).toBe(quarter));

  it("agrees with the server's fiscal-quarter rules on every day of two years", () => {
    for (let day = 0; day < 730; day++) {
      const instant = new Date(Date.UTC(2025, 0, 1) + day * 86_400_000 + 7 * 3_600_000);
      expect(lastCompleteFiscalQuarter(instant)).toBe(formatFiscalQuarter(previousQuarter(quarterOf(instant))));
    }
  });
});
