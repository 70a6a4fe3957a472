import { OrderDirection } from "../../src/lib/order-direction.js";
import { describe, expect, it } from "vitest";
import { AggregateGranularity as G, aggregatePeriod, finishGroups, isoWeekLabel, meets } from "../../src/lib/aggregate-groups.js";
import { percentilesOf } from "../../src/modules/kpi/kpi.repository.js";
import {
  AggregateDimension as D,
  AggregateMeasure as M,
  groupFigures,
  MEASURE,
  neededSums,
  monthRollupPlan,
  rollupPlan,
  type AggregateGroup,
} from "../../src/modules/shipment/shipment-aggregate.rules.js";

const m = (...keys: M[]) => keys.map((k) => MEASURE.get(k)!);

describe("shipmentAggregates periods", () => {
  it("names each IST period with its first and last day", () => {
    expect(aggregatePeriod(G.DAY, "2024-10-01")).toEqual({ granularity: G.DAY, start: "2024-10-01", end: "2024-10-01", label: "2024-10-01" });
    expect(aggregatePeriod(G.WEEK, "2024-09-30")).toEqual({ granularity: G.WEEK, start: "2024-09-30", end: "2024-10-06", label: "2024-W40" });
    expect(aggregatePeriod(G.MONTH, "2024-02-01")).toMatchObject({ end: "2024-02-29", label: "2024-02" });
    expect(aggregatePeriod(G.MONTH, "2024-12-01")).toMatchObject({ end: "2024-12-31" });
    expect(aggregatePeriod(G.FISCAL_QUARTER, "FY2024-25-Q4")).toMatchObject({ start: "2025-01-01", end: "2025-03-31" });
    expect(aggregatePeriod(G.FISCAL_YEAR, "FY2024-25")).toMatchObject({ start: "2024-04-01", end: "2025-03-31", label: "FY2024-25" });
  });

  it("labels ISO weeks by the year of their Thursday", () => {
    expect(isoWeekLabel("2024-12-30")).toBe("2025-W01"); // Thursday 2 Jan 2025
    expect(isoWeekLabel("2020-12-28")).toBe("2020-W53");
    expect(isoWeekLabel("2024-01-01")).toBe("2024-W01");
  });
});

describe("shipmentAggregates measures are the KPIs", () => {
  it("computes each figure by the KPI arithmetic: percent 0–100, transit days from whole hours, rupees from paise", () => {
    const figures = groupFigures(
      { booked: 5, delivered: 2, on_time: 1, transit_hours_sum: 59, final_state: 4, returned: 1, cod_collected_paise: 170000, attempted: 3, first_attempt_delivered: 1 },
      percentilesOf([[11, 1], [48, 1]]),
      m(M.BOOKED_VOLUME, M.ON_TIME_DELIVERY, M.TRANSIT_DAYS_MEAN, M.TRANSIT_DAYS_P50, M.TRANSIT_DAYS_P90, M.RETURN_TO_ORIGIN, M.COD_COLLECTED, M.FIRST_ATTEMPT_DELIVERY),
    );
    expect(Object.fromEntries(figures)).toEqual({
      BOOKED_VOLUME: { value: 5, numerator: 5, denominator: null },
      ON_TIME_DELIVERY: { value: 50, numerator: 1, denominator: 2 },
      TRANSIT_DAYS_MEAN: { value: 59 / 48, numerator: 59 / 24, denominator: 2 },
      TRANSIT_DAYS_P50: { value: 11 / 24, numerator: null, denominator: 2 }, // nearest rank: ceil(0.5 × 2) = the 1st
      TRANSIT_DAYS_P90: { value: 2, numerator: null, denominator: 2 },
      RETURN_TO_ORIGIN: { value: 25, numerator: 1, denominator: 4 },
      COD_COLLECTED: { value: 1700, numerator: 1700, denominator: null },
      FIRST_ATTEMPT_DELIVERY: { value: 100 / 3, numerator: 1, denominator: 3 },
    });
    expect(groupFigures({}, null, m(M.ON_TIME_DELIVERY)).get(M.ON_TIME_DELIVERY)).toEqual({ value: null, numerator: 0, denominator: 0 });
  });

  it("reads only the sums the asked measures need, and the histogram only for a percentile", () => {
    expect(neededSums(m(M.BOOKED_VOLUME))).toEqual({ sums: ["booked"], histogram: false });
    expect(neededSums(m(M.TRANSIT_DAYS_P95))).toEqual({ sums: ["delivered"], histogram: true });
  });
});

describe("when the KPI rollup answers", () => {
  const quarter = (dimension: D) => ({ dimension, granularity: G.FISCAL_QUARTER });
  it("answers a rollup scope with the quarter every measure counts at, or with no time", () => {
    expect(rollupPlan([quarter(D.DELIVERED_AT), { dimension: D.DESTINATION_CIRCLE, granularity: null }], m(M.DELIVERED_VOLUME, M.TRANSIT_DAYS_P90), false)).toMatchObject({
      scopeKind: "CIRCLE",
      event: "DELIVERED",
    });
    expect(rollupPlan([], m(M.BOOKED_VOLUME, M.FAILED_ATTEMPT_RATE), false)).toMatchObject({ scopeKind: "NATIONAL", event: null });
    expect(rollupPlan([{ dimension: D.PICKUP_LOCATION, granularity: null }], m(M.FIRST_ATTEMPT_DELIVERY), false)).toMatchObject({ scopeKind: "PICKUP_LOCATION" });
  });

  it("leaves to the rows a filter, another dimension or period, two scopes, or a measure of another event", () => {
    expect(rollupPlan([], m(M.BOOKED_VOLUME), true)).toBeNull();
    expect(rollupPlan([{ dimension: D.STATUS, granularity: null }], m(M.BOOKED_VOLUME), false)).toBeNull();
    expect(rollupPlan([{ dimension: D.DELIVERED_AT, granularity: G.MONTH }], m(M.DELIVERED_VOLUME), false)).toBeNull();
    expect(rollupPlan([{ dimension: D.DELIVERED_AT, granularity: G.FISCAL_YEAR }], m(M.DELIVERED_VOLUME), false)).toMatchObject({ event: "DELIVERED" });
    expect(rollupPlan([{ dimension: D.PRODUCT, granularity: null }, { dimension: D.PAYMENT_MODE, granularity: null }], m(M.BOOKED_VOLUME), false)).toBeNull();
    expect(rollupPlan([quarter(D.DELIVERED_AT)], m(M.BOOKED_VOLUME), false)).toBeNull();
    expect(rollupPlan([quarter(D.BOOKED_AT), quarter(D.DELIVERED_AT)], m(M.BOOKED_VOLUME), false)).toBeNull();
  });
});

describe("when the monthly rollup answers", () => {
  const month = (d: D) => ({ dimension: d, granularity: G.MONTH });
  const quarter = (d: D) => ({ dimension: d, granularity: G.FISCAL_QUARTER });
  const circle = { dimension: D.DESTINATION_CIRCLE, granularity: null };
  it("reads month-aligned ranges of the event's day and eq / in on product and payment mode", () => {
    expect(monthRollupPlan([month(D.DELIVERED_AT), circle], m(M.DELIVERED_VOLUME, M.ON_TIME_DELIVERY), { deliveryDate: { gte: "2025-10-01", lte: "2026-09-30" } }, false)).toEqual({
      time: month(D.DELIVERED_AT),
      event: "DELIVERED",
      fromMonth: "2025-10-01",
      toMonth: "2026-09-01",
      columns: [],
    });
    // gt and lt move to the day after and before; `and` lists fold; eq and in intersect.
    expect(
      monthRollupPlan([quarter(D.BOOKED_AT)], m(M.BOOKED_VOLUME), { and: [{ bookingDate: { gt: "2024-03-31" } }, { bookingDate: { lt: "2024-07-01" }, productCode: { in: ["A", "B"] } }], productCode: { eq: "B" }, paymentMode: { in: ["COD"] } }, false),
    ).toMatchObject({ event: "BOOKED", fromMonth: "2024-04-01", toMonth: "2024-06-01", columns: [{ column: "product", values: ["B"] }, { column: "payment", values: ["COD"] }] });
    expect(monthRollupPlan([{ dimension: D.PRODUCT, granularity: null }], m(M.BOOKED_VOLUME, M.DELIVERED_VOLUME, M.FAILED_ATTEMPT_RATE), null, false)).toMatchObject({ event: null, time: null });
  });
  it("leaves to the rows what the cube cannot say", () => {
    const delivered = m(M.DELIVERED_VOLUME);
    expect(monthRollupPlan([month(D.DELIVERED_AT)], delivered, { deliveryDate: { gte: "2025-10-02" } }, false)).toBeNull();
    expect(monthRollupPlan([month(D.DELIVERED_AT)], delivered, { deliveryDate: { lte: "2025-10-30" } }, false)).toBeNull();
    expect(monthRollupPlan([month(D.DELIVERED_AT)], delivered, { deliveryDate: { eq: "2025-10-01" } }, false)).toBeNull();
    expect(monthRollupPlan([month(D.DELIVERED_AT)], delivered, { bookingDate: { gte: "2025-10-01" } }, false)).toBeNull();
    expect(monthRollupPlan([month(D.DELIVERED_AT)], delivered, { or: [{ productCode: { eq: "A" } }] }, false)).toBeNull();
    expect(monthRollupPlan([month(D.DELIVERED_AT)], delivered, { productCode: { startsWith: "SP" } }, false)).toBeNull();
    expect(monthRollupPlan([month(D.DELIVERED_AT)], delivered, { productCode: { eq: "A" }, paymentMode: { eq: "COD" }, and: [{ productCode: { eq: "B" } }] }, false)).toBeNull();
    expect(monthRollupPlan([month(D.DELIVERED_AT)], delivered, null, true)).toBeNull();
    expect(monthRollupPlan([{ dimension: D.DELIVERED_AT, granularity: G.WEEK }], delivered, null, false)).toBeNull();
    expect(monthRollupPlan([month(D.DELIVERED_AT), { dimension: D.PICKUP_LOCATION, granularity: null }], delivered, null, false)).toBeNull();
    expect(monthRollupPlan([month(D.DELIVERED_AT)], m(M.TRANSIT_DAYS_P90), null, false)).toBeNull();
    expect(monthRollupPlan([month(D.DELIVERED_AT)], m(M.BOOKED_VOLUME), null, false)).toBeNull();
    expect(monthRollupPlan([], m(M.BOOKED_VOLUME), { deliveryDate: { gte: "2025-10-01" } }, false)).toBeNull();
  });
});

describe("having, order and first", () => {
  const group = (status: string, booked: number | null): AggregateGroup => ({
    keys: new Map([[D.STATUS, status]]),
    figures: new Map([[M.BOOKED_VOLUME, { value: booked, numerator: booked, denominator: null }]]),
  });
  const groupings = [{ dimension: D.STATUS, granularity: null }];
  const all = [group("DELIVERED", 10), group("BOOKED", 3), group("LOST", null), group("CANCELLED", 3)];

  it("compares values with every operator given; a null value meets nothing", () => {
    expect(meets(5, { measure: M.BOOKED_VOLUME, gt: 4, lte: 5 })).toBe(true);
    expect(meets(5, { measure: M.BOOKED_VOLUME, eq: 4 })).toBe(false);
    expect(meets(null, { measure: M.BOOKED_VOLUME })).toBe(false);
    expect(meets(0, { measure: M.BOOKED_VOLUME })).toBe(true);
  });

  it("sorts by the terms, nulls last either way, ties by the keys; then keeps the first", () => {
    const keys = (gs: AggregateGroup[]) => gs.map((g) => g.keys.get(D.STATUS));
    expect(keys(finishGroups(all, groupings, [], [], 10))).toEqual(["BOOKED", "CANCELLED", "DELIVERED", "LOST"]);
    const desc = [{ measure: M.BOOKED_VOLUME, direction: OrderDirection.DESC }];
    expect(keys(finishGroups(all, groupings, [], desc, 10))).toEqual(["DELIVERED", "BOOKED", "CANCELLED", "LOST"]);
    expect(keys(finishGroups(all, groupings, [], [{ measure: M.BOOKED_VOLUME, direction: OrderDirection.ASC }], 10))).toEqual(["BOOKED", "CANCELLED", "DELIVERED", "LOST"]);
    expect(keys(finishGroups(all, groupings, [{ measure: M.BOOKED_VOLUME, lt: 5 }], desc, 1))).toEqual(["BOOKED"]);
  });
});
