import { compile } from "vega-lite";
import { describe, expect, it } from "vitest";
import { FINANCE_KPIS, kpiAxisLabel, pickableQuarters, PICKABLE_QUARTERS, readsKpi, readsKpis, scopeInput, TREND_QUARTERS, trendPoints, trendStart } from "../../src/lib/kpi-trend.js";
import { dashboardKpiTrendSpec, KPI_TREND_DATA, KPI_TREND_UNIT } from "../../src/lib/kpi-trend-spec.js";

describe("the dashboard's KPI panel rules", () => {
  it("spans twelve quarters ending with the chosen one", () => {
    expect(TREND_QUARTERS).toBe(12);
    expect(trendStart("FY2026-27-Q2")).toBe("FY2023-24-Q3");
    expect(trendStart("FY2024-25-Q1")).toBe("FY2021-22-Q2");
  });

  it("offers the last complete quarter first, then earlier ones", () => {
    // 3 Dec 2026 IST: Q3 FY2026-27 is running, so Q2 (Jul–Sep 2026) is the last complete one.
    const quarters = pickableQuarters(new Date("2026-12-03T08:00:00Z"));
    expect(quarters).toHaveLength(PICKABLE_QUARTERS);
    expect(quarters[0]).toEqual({ value: "FY2026-27-Q2", label: "Q2 FY27" });
    expect(quarters[1]).toEqual({ value: "FY2026-27-Q1", label: "Q1 FY27" });
    expect(quarters[2]).toEqual({ value: "FY2025-26-Q4", label: "Q4 FY26" });
    // 31 Mar 2027, 23:00 IST is still FY2026-27 Q4; 1 Apr 00:30 IST is the next year's Q1.
    expect(pickableQuarters(new Date("2027-03-31T17:30:00Z"))[0]!.value).toBe("FY2026-27-Q3");
    expect(pickableQuarters(new Date("2027-03-31T19:00:00Z"))[0]!.value).toBe("FY2026-27-Q4");
  });

  it("shows the KPI panels to ANALYST and ADMIN, and money KPIs only with FINANCE or ADMIN", () => {
    expect(readsKpis(["ANALYST"])).toBe(true);
    expect(readsKpis(["ADMIN"])).toBe(true);
    expect(readsKpis(["VIEWER", "FINANCE", "OPERATOR"])).toBe(false);
    expect(readsKpi("DELIVERED_VOLUME", ["ANALYST"])).toBe(true);
    for (const key of FINANCE_KPIS) {
      expect(readsKpi(key, ["ANALYST"]), key).toBe(false);
      expect(readsKpi(key, ["ANALYST", "FINANCE"]), key).toBe(true);
      expect(readsKpi(key, ["ADMIN"]), key).toBe(true);
    }
  });

  it("makes a KPI's points from quarterlyKpis rows, a quarter without the KPI a gap", () => {
    const rows = [
      { quarter: "FY2026-27-Q1", metrics: [{ key: "ON_TIME_DELIVERY", value: 92.5, target: 95 }] },
      { quarter: "FY2026-27-Q2", metrics: [{ key: "ON_TIME_DELIVERY", value: 94, target: null }] },
      { quarter: "FY2026-27-Q3", metrics: [] },
    ];
    expect(trendPoints(rows, "ON_TIME_DELIVERY", "FY2026-27-Q2")).toEqual([
      { quarter: "FY2026-27-Q1", label: "Q1 FY27", value: 92.5, target: 95, current: false },
      { quarter: "FY2026-27-Q2", label: "Q2 FY27", value: 94, target: null, current: true },
      { quarter: "FY2026-27-Q3", label: "Q3 FY27", value: null, target: null, current: false },
    ]);
  });

  it("labels the y axis in the KPI's unit, Indian style", () => {
    expect(kpiAxisLabel(92.5, "PERCENT")).toBe("92.5%");
    expect(kpiAxisLabel(90, "PERCENT")).toBe("90%");
    expect(kpiAxisLabel(3.25, "DAYS")).toBe("3.3");
    expect(kpiAxisLabel(42_000_000, "RUPEES")).toBe("₹4.2 crore");
    expect(kpiAxisLabel(98_765, "RUPEES")).toBe("₹98,765");
    expect(kpiAxisLabel(590_000, "SHIPMENTS")).toBe("5.9 lakh");
    expect(kpiAxisLabel(12_345, "PINS")).toBe("12,345");
  });

  it("reads a picker value as a KPI scope", () => {
    expect(scopeInput("NATIONAL")).toBeNull();
    expect(scopeInput("CIRCLE:Jammu & Kashmir")).toEqual({ kind: "CIRCLE", key: "Jammu & Kashmir" });
    expect(scopeInput("STATE:Dadra and Nagar Haveli: Daman")).toEqual({ kind: "STATE", key: "Dadra and Nagar Haveli: Daman" });
  });

  it("compiles to Vega with the data set and unit the page fills in, and names the marks the test counts", () => {
    const vega = compile(dashboardKpiTrendSpec()).spec;
    expect(vega.data?.find((d) => d.name === KPI_TREND_DATA)).toEqual({ name: KPI_TREND_DATA });
    expect(vega.signals?.find((s) => s.name === KPI_TREND_UNIT)).toMatchObject({ value: "SHIPMENTS" });
    expect((vega.marks ?? []).map((m) => m.name)).toEqual(["kpi_value_marks", "kpi_point_marks", "kpi_current_marks", "kpi_target_marks"]);
    expect(JSON.stringify(vega)).toContain(`kpiAxis(datum.value, ${KPI_TREND_UNIT})`);
  });
});
