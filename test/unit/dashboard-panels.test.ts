import { describe, expect, it } from "vitest";
import { byAttention, formatIstDay, isOverdue, quarterHeading, quarterWindow } from "../../src/lib/dashboard-panels.js";

describe("the dashboard panels' rules", () => {
  it("bounds a quarter by IST days and by the instants of IST midnight", () => {
    expect(quarterWindow("FY2026-27-Q2")).toEqual({
      quarterFirstDay: "2026-07-01",
      quarterLastDay: "2026-09-30",
      bookedFrom: "2026-06-30T18:30:00.000Z",
      bookedBefore: "2026-09-30T18:30:00.000Z",
    });
    // Q4 runs January to March of the year after the fiscal year starts.
    expect(quarterWindow("FY2024-25-Q4")).toEqual({
      quarterFirstDay: "2025-01-01",
      quarterLastDay: "2025-03-31",
      bookedFrom: "2024-12-31T18:30:00.000Z",
      bookedBefore: "2025-03-31T18:30:00.000Z",
    });
    expect(() => quarterWindow("Q2 FY27")).toThrow(/Not a fiscal quarter/);
    expect(quarterHeading("FY2026-27-Q2")).toBe("Q2 FY2026-27 (Jul–Sep 2026)");
  });

  it("calls an item overdue only while it is still to do after its due day", () => {
    expect(isOverdue({ status: "OPEN", due: "2026-11-30" }, "2026-12-03")).toBe(true);
    expect(isOverdue({ status: "IN_PROGRESS", due: "2026-12-02" }, "2026-12-03")).toBe(true);
    expect(isOverdue({ status: "OPEN", due: "2026-12-03" }, "2026-12-03")).toBe(false);
    expect(isOverdue({ status: "DONE", due: "2026-01-01" }, "2026-12-03")).toBe(false);
    expect(isOverdue({ status: "DROPPED", due: "2026-01-01" }, "2026-12-03")).toBe(false);
  });

  it("orders items still to do first, earliest due first, keeping the minutes' order on ties", () => {
    const items = [
      { id: "a", status: "DONE", due: "2026-10-01" },
      { id: "b", status: "OPEN", due: "2026-12-31" },
      { id: "c", status: "IN_PROGRESS", due: "2026-11-15" },
      { id: "d", status: "DROPPED", due: "2026-09-01" },
      { id: "e", status: "OPEN", due: "2026-11-15" },
    ] as const;
    expect(byAttention(items).map((item) => item.id)).toEqual(["c", "e", "b", "d", "a"]);
  });

  it("writes an IST day the same in any browser time zone", () => {
    expect(formatIstDay("2026-10-04")).toBe("04 Oct 2026");
  });
});
