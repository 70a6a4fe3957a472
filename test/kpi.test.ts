import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  KpiBreakdownDocument,
  KpiGrowthDocument,
  QuarterlyKpisDocument,
  type QuarterlyKpisQuery,
  RecordCodRemittanceDocument,
  RecordScanEventsDocument,
  RecordShipmentsDocument,
  SetPublicHolidaysDocument,
  SetServiceabilityDocument,
  type ShipmentInput,
} from "../src/generated/operations.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { Role } from "../src/modules/access/access.roles.js";
import { testViewer } from "../src/modules/access/access.viewer.js";
import { diffKpiRollups } from "../src/modules/kpi/kpi-rollup.repository.js";
import { aggregateShipments } from "../src/modules/shipment/shipment-aggregate.repository.js";
import { AggregateGranularity } from "../src/lib/aggregate-groups.js";
import { AggregateDimension, AggregateMeasure, MEASURE } from "../src/modules/shipment/shipment-aggregate.rules.js";
import { whereCondition } from "../src/db/query-read.js";
import { QUERY_MODEL } from "../src/projections.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { setUpDelhiPickup } from "./support/delhi-pickup.js";
import { createTestGraph, root, type TestGraph } from "./support/graph.js";

/*
 * Every KPI on a fixture small enough to compute by hand. Pickup location DEL-GPO (New Delhi GPO, 110001,
 * 5,000 parcels a day since 2021). Speed Post to 110001 is LOCAL (1 working day); to 194401 REMOTE (7).
 *
 *   A  booked 2024-09-30 23:30 IST (Q2), delivered 2024-10-01 10:00 IST (Q3): 10.5 h → 11 h, due Oct 1: on time
 *   B  booked 2024-06-30T20:00Z = 1 Jul 01:30 IST (Q2, the IST quarter edge), COD ₹500; attempt failed (addressee
 *      absent) 2 Jul, delivered 3 Jul 11:00 IST: 57.5 h → 58 h, due Jul 2: late; remitted 10 Jul (7 days, Q2)
 *   C  booked 2024-08-10 (Q2) to 194401; attempt failed (door locked) 16 Aug; returned, back with the sender
 *      30 Aug (RTO_DELIVERED); then a late "dispatched" scan of 12 Aug arrives and changes nothing
 *   D  booked 2024-09-20 10:00 IST (Q2), COD ₹1,200, delivered 27 Sep 15:00 IST: 173 h, due Sep 21: late;
 *      remitted 8 Oct (11 days, Q3): a COD shipment delivered in one quarter and remitted in the next
 *   E  booked 2024-09-10 (Q2), no scans yet
 *   F  booked 2024-10-01 10:00 IST (Q3), delivered 3 Oct 10:00 IST: 48 h; due Oct 2 (late) until Gandhi
 *      Jayanti (2 Oct) becomes a public holiday, then due Oct 3 (on time)
 */

function s10(serial: number): string {
  const digits = String(serial).padStart(8, "0");
  return `EK${digits}${s10CheckDigit(digits)}IN`;
}

const [A, B, C, D, E, F] = [1, 2, 3, 4, 5, 6].map(s10) as [string, string, string, string, string, string];

const booking = (trackingNumber: string, bookedAt: string, extra: Partial<ShipmentInput> = {}): ShipmentInput => ({
  trackingNumber,
  bookedAt,
  productCode: "SPEED_POST",
  paymentMode: "PREPAID",
  weightGrams: 500,
  pickupLocationCode: "DEL-GPO",
  destinationPincode: "110001",
  ...extra,
});

const scan = (trackingNumber: string, event: string, occurredAt: string, failedReason?: "ADDRESSEE_ABSENT" | "DOOR_LOCKED") => ({
  trackingNumber,
  event,
  occurredAt,
  ...(failedReason ? { failedReason } : {}),
});

type Quarter = NonNullable<QuarterlyKpisQuery["quarterlyKpis"]>[number];

/** shipmentAggregates' groups of an untyped operation's answer. */
const groups = (result: { data?: unknown }) => (result.data as { shipmentAggregates: Record<string, unknown>[] }).shipmentAggregates;

function metric(quarter: Quarter, key: string) {
  const found = quarter.metrics.find((m) => m.key === key);
  if (found === undefined) throw new Error(`no metric ${key}`);
  return found;
}

describe.each(engines)("quarterly KPIs on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;

  const kpis = async (from: string, to: string, scope?: { kind: string; key?: string }) => {
    const result = await graph.execute(QuarterlyKpisDocument, { from, to, scope: scope as never });
    expect(result.errors).toBeUndefined();
    return root(result, "quarterlyKpis");
  };

  const expectConsistent = async () => expect(await diffKpiRollups(db.database.db)).toEqual([]);

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    graph = await createTestGraph(db.database);
    await setUpDelhiPickup(db.database, graph, 5000);
    const steps = [
      await graph.execute(RecordShipmentsDocument, {
        input: {
          shipments: [
            booking(A, "2024-09-30T23:30:00+05:30"),
            booking(B, "2024-06-30T20:00:00Z", { paymentMode: "COD", codAmount: 500 }),
            booking(C, "2024-08-10T10:00:00+05:30", { destinationPincode: "194401" }),
            booking(D, "2024-09-20T10:00:00+05:30", { paymentMode: "COD", codAmount: 1200 }),
            booking(E, "2024-09-10T10:00:00+05:30"),
            booking(F, "2024-10-01T10:00:00+05:30"),
          ],
        },
      }),
      await graph.execute(RecordScanEventsDocument, {
        input: {
          events: [
            scan(A, "OUT_FOR_DELIVERY", "2024-10-01T08:00:00+05:30"),
            scan(A, "DELIVERED", "2024-10-01T10:00:00+05:30"),
            scan(B, "OUT_FOR_DELIVERY", "2024-07-02T09:00:00+05:30"),
            scan(B, "DELIVERY_ATTEMPTED", "2024-07-02T12:00:00+05:30", "ADDRESSEE_ABSENT"),
            scan(B, "OUT_FOR_DELIVERY", "2024-07-03T09:00:00+05:30"),
            scan(B, "DELIVERED", "2024-07-03T11:00:00+05:30"),
            scan(C, "OUT_FOR_DELIVERY", "2024-08-16T09:00:00+05:30"),
            scan(C, "DELIVERY_ATTEMPTED", "2024-08-16T12:00:00+05:30", "DOOR_LOCKED"),
            scan(C, "RETURNED_TO_SENDER", "2024-08-24T10:00:00+05:30"),
            scan(C, "DELIVERED_TO_SENDER", "2024-08-30T10:00:00+05:30"),
            scan(D, "OUT_FOR_DELIVERY", "2024-09-27T09:00:00+05:30"),
            scan(D, "DELIVERED", "2024-09-27T15:00:00+05:30"),
            scan(F, "OUT_FOR_DELIVERY", "2024-10-03T08:00:00+05:30"),
            scan(F, "DELIVERED", "2024-10-03T10:00:00+05:30"),
          ],
        },
      }),
      // The late scan: dated before the return, sent after it.
      await graph.execute(RecordScanEventsDocument, { input: { events: [scan(C, "DISPATCHED", "2024-08-12T10:00:00+05:30")] } }),
      await graph.execute(RecordCodRemittanceDocument, { input: { reference: "UTR-KPI-0001", remittedOn: "2024-07-10", amount: 500, shipments: [{ trackingNumber: B }] } }),
      await graph.execute(RecordCodRemittanceDocument, { input: { reference: "UTR-KPI-0002", remittedOn: "2024-10-08", amount: 1200, shipments: [{ trackingNumber: D }] } }),
    ];
    for (const step of steps) expect(step.errors).toBeUndefined();
  });
  afterAll(async () => {
    await graph?.stop();
    await db?.drop();
  });

  it("gives every KPI of the quarter the IST boundaries put shipments in, with numerator and denominator", async () => {
    const [q2, q3] = await kpis("FY2024-25-Q2", "FY2024-25-Q3");
    expect(q2!.quarter).toBe("FY2024-25-Q2");
    expect([q2!.startDate, q2!.endDate]).toEqual(["2024-07-01", "2024-09-30"]);
    const figures = (q: Quarter) => Object.fromEntries(q.metrics.map((m) => [m.key, [m.value, m.numerator, m.denominator]]));
    const capacity = 92 * 5000;
    expect(figures(q2!)).toEqual({
      BOOKED_VOLUME: [5, 5, null], // A (23:30 IST on 30 Sep), B (01:30 IST on 1 Jul), C, D, E
      DELIVERED_VOLUME: [2, 2, null], // B, D; A was delivered in Q3
      ON_TIME_DELIVERY: [0, 0, 2],
      FIRST_ATTEMPT_DELIVERY: [100 / 3, 1, 3], // D; B and C failed first; A's first attempt is in Q3
      FAILED_ATTEMPT_RATE: [200 / 3, 2, 3],
      TRANSIT_DAYS_MEAN: [231 / 48, 231 / 24, 2],
      TRANSIT_DAYS_P50: [58 / 24, null, 2],
      TRANSIT_DAYS_P90: [173 / 24, null, 2],
      TRANSIT_DAYS_P95: [173 / 24, null, 2],
      RETURN_TO_ORIGIN: [25, 1, 4], // C of A, B, C, D (E is not final)
      COD_COLLECTED: [1700, 1700, null],
      COD_REMITTED: [500, 500, null],
      COD_OUTSTANDING: [1200, 1200, null],
      REMITTANCE_DAYS_MEAN: [7, 7, 1],
      REMITTANCE_DAYS_P90: [7, null, 1],
      REMITTANCE_WITHIN_CYCLE: [100, 1, 1],
      PICKUP_UTILISATION: [(100 * 5) / capacity, 5, capacity],
      SERVICEABLE_PINS: [1, 1, null],
      ACTIVE_PINS: [1, 1, null],
    });
    const reasons = Object.fromEntries(q2!.failedAttemptsByReason.map((r) => [r.reason, [r.metric.numerator, r.metric.denominator]]));
    expect(reasons).toMatchObject({ ADDRESSEE_ABSENT: [1, 3], DOOR_LOCKED: [1, 3], REFUSED: [0, 3], OTHER: [0, 3] });

    expect(figures(q3!)).toMatchObject({
      BOOKED_VOLUME: [1, 1, null],
      DELIVERED_VOLUME: [2, 2, null],
      ON_TIME_DELIVERY: [50, 1, 2], // A on time; F due on 2 Oct, delivered on 3 Oct
      FIRST_ATTEMPT_DELIVERY: [100, 2, 2],
      TRANSIT_DAYS_MEAN: [59 / 48, 59 / 24, 2],
      TRANSIT_DAYS_P50: [11 / 24, null, 2],
      RETURN_TO_ORIGIN: [0, 0, 1],
      COD_COLLECTED: [0, 0, null],
      COD_REMITTED: [1200, 1200, null],
      COD_OUTSTANDING: [0, 0, null],
      REMITTANCE_DAYS_MEAN: [11, 11, 1],
      REMITTANCE_WITHIN_CYCLE: [0, 0, 1],
      SERVICEABLE_PINS: [1, 1, null],
      ACTIVE_PINS: [1, 1, null],
    });
    expect(metric(q3!, "DELIVERED_VOLUME").quarterOnQuarter).toMatchObject({ baseValue: 2, ratio: 1, change: 0 });
    expect(metric(q3!, "ON_TIME_DELIVERY").quarterOnQuarter).toMatchObject({ baseValue: 0, ratio: null, pointChange: 50 });
    const [q1] = await kpis("FY2024-25-Q1", "FY2024-25-Q1");
    expect(metric(q1!, "SERVICEABLE_PINS").value).toBe(0); // serviceable from 1 Jul
    expect(metric(q1!, "ON_TIME_DELIVERY").value).toBeNull(); // nothing delivered: undefined, not 0
    await expectConsistent();
  });

  it("groups shipmentAggregates by delivery (and booking) fiscal quarter into exactly quarterlyKpis' national figures, from the rollup and from the rows", async () => {
    const [q2, q3] = await kpis("FY2024-25-Q2", "FY2024-25-Q3");
    const kpiFigures = (q: Quarter, keys: string[]) => Object.fromEntries(keys.map((k) => [k, (({ value, numerator, denominator }) => ({ value, numerator, denominator }))(metric(q, k))]));
    const ask = async (time: string, fields: Record<string, string>, filter?: Record<string, unknown>) => {
      const selection = Object.values(fields).map((f) => `${f} { value numerator denominator }`).join(" ");
      const key = time === "DELIVERED_AT" ? "deliveredAt" : "bookedAt";
      const result = await graph.execute(
        `query ($f: ShipmentWhere) { shipmentAggregates(where: $f, groupBy: [{ dimension: ${time}, granularity: FISCAL_QUARTER }]) { ${key} { label start end } ${selection} } }`,
        { f: filter ?? null },
      );
      expect(result.errors).toBeUndefined();
      return Object.fromEntries(
        (groups(result) as Record<string, { label: string } & Record<string, unknown>>[]).map((g) => [
          (g[key] as { label: string }).label,
          Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, g[f]])),
        ]),
      );
    };
    const byDelivery = {
      DELIVERED_VOLUME: "deliveredVolume",
      ON_TIME_DELIVERY: "onTimeDelivery",
      TRANSIT_DAYS_MEAN: "transitDaysMean",
      TRANSIT_DAYS_P50: "transitDaysP50",
      TRANSIT_DAYS_P90: "transitDaysP90",
      TRANSIT_DAYS_P95: "transitDaysP95",
      COD_COLLECTED: "codCollected",
    };
    const byBooking = { BOOKED_VOLUME: "bookedVolume", RETURN_TO_ORIGIN: "returnToOrigin" };
    const expected = (keys: string[]) => ({ "FY2024-25-Q2": kpiFigures(q2!, keys), "FY2024-25-Q3": kpiFigures(q3!, keys) });
    // No filter: the rollup answers; a filter every shipment meets: the rows answer. Both equal the KPIs.
    for (const filter of [undefined, { synthetic: { eq: false } }]) {
      expect(await ask("DELIVERED_AT", byDelivery, filter)).toEqual(expected(Object.keys(byDelivery)));
      expect(await ask("BOOKED_AT", byBooking, filter)).toEqual(expected(Object.keys(byBooking)));
    }
    const plan = { groupings: [{ dimension: AggregateDimension.DELIVERED_AT, granularity: AggregateGranularity.FISCAL_QUARTER }], measures: [MEASURE.get(AggregateMeasure.TRANSIT_DAYS_P90)!], revealArmyPincodes: true };
    expect((await aggregateShipments(db.database.db, { ...plan, filter: {}, where: null, whereInput: null })).source).toBe("ROLLUP");
    const realOnlyInput = { synthetic: { eq: false } };
    const realOnly = whereCondition(QUERY_MODEL, "Shipment", realOnlyInput, "shipment");
    expect((await aggregateShipments(db.database.db, { ...plan, filter: {}, where: realOnly, whereInput: realOnlyInput })).source).toBe("SHIPMENTS");
    // Only what is asked is computed: the statement without a percentile reads no histogram.
    const lean = await graph.execute("{ shipmentAggregates(groupBy: [{ dimension: STATUS }]) { status bookedVolume { value } } }", {});
    expect(groups(lean)).toEqual([
      { status: "DELIVERED", bookedVolume: { value: 4 } },
      { status: "RTO_DELIVERED", bookedVolume: { value: 1 } },
      { status: "BOOKED", bookedVolume: { value: 1 } },
    ].sort((a, b) => a.status.localeCompare(b.status)));
  });

  it("answers a rollup scope with the same keys and figures as the rows, and groups by every dimension on this engine", async () => {
    const byState = (filter: Record<string, unknown> | null) =>
      graph.execute(
        "query ($f: ShipmentWhere) { shipmentAggregates(where: $f, groupBy: [{ dimension: BOOKED_AT, granularity: FISCAL_QUARTER }, { dimension: DESTINATION_STATE }]) { bookedAt { label } destinationState bookedVolume { value numerator denominator } returnToOrigin { value numerator denominator } } }",
        { f: filter },
      );
    const [rollup, rows] = [await byState(null), await byState({ synthetic: { eq: false } })];
    expect(rollup.errors).toBeUndefined();
    expect(groups(rollup)).toEqual(groups(rows));
    const byYear = (filter: Record<string, unknown> | null) =>
      graph.execute(
        "query ($f: ShipmentWhere) { shipmentAggregates(where: $f, groupBy: [{ dimension: PICKUP_LOCATION }, { dimension: DELIVERED_AT, granularity: FISCAL_YEAR }]) { pickupLocation { code } deliveredAt { label start end } deliveredVolume { value } transitDaysP95 { value denominator } } }",
        { f: filter },
      );
    const [yearRollup, yearRows] = [await byYear(null), await byYear({ synthetic: { eq: false } })];
    expect(groups(yearRollup)).toEqual([
      { pickupLocation: { code: "DEL-GPO" }, deliveredAt: { label: "FY2024-25", start: "2024-04-01", end: "2025-03-31" }, deliveredVolume: { value: 4 }, transitDaysP95: { value: 173 / 24, denominator: 4 } },
    ]);
    expect(groups(yearRollup)).toEqual(groups(yearRows));
    expect(groups(rollup).find((g) => g.destinationState === "Ladakh")).toMatchObject({ bookedVolume: { value: 1 }, returnToOrigin: { value: 100 } });
    const dimensions: [string, string][] = [
      ["{ dimension: BOOKED_AT, granularity: DAY }", "bookedAt { label }"],
      ["{ dimension: BOOKED_AT, granularity: WEEK }", "bookedAt { label }"],
      ["{ dimension: DELIVERED_AT, granularity: FISCAL_YEAR }", "deliveredAt { label }"],
      ["{ dimension: DESTINATION_CIRCLE }", "destinationCircle"],
      ["{ dimension: DESTINATION_DISTRICT }", "destinationState destinationDistrict"],
      ["{ dimension: DESTINATION_PINCODE }", "destinationPincode"],
      ["{ dimension: PRODUCT }", "productCode"],
      ["{ dimension: PICKUP_LOCATION }", "pickupLocation { code }"],
      ["{ dimension: ROUTE_CLASS }", "routeClass"],
      ["{ dimension: REMOTE_CLASS }", "remoteClass"],
    ];
    const answers: Record<string, unknown> = {};
    for (const [groupBy, keys] of dimensions) {
      const result = await graph.execute(`{ shipmentAggregates(groupBy: [${groupBy}]) { ${keys} bookedVolume { value } transitDaysP90 { value } } }`, {});
      expect(result.errors, groupBy).toBeUndefined();
      answers[groupBy] = groups(result);
      const total = groups(result).reduce((n, g) => n + (g.bookedVolume as { value: number }).value, 0);
      expect(total, groupBy).toBe(groupBy.includes("DELIVERED_AT") ? 4 : 6); // every shipment once; A, B, D, F delivered
    }
    expect(answers["{ dimension: DESTINATION_DISTRICT }"]).toEqual([
      expect.objectContaining({ destinationState: "Delhi", bookedVolume: { value: 5 } }),
      expect.objectContaining({ destinationState: "Ladakh", destinationDistrict: expect.any(String), bookedVolume: { value: 1 } }),
    ]);
    expect(answers["{ dimension: REMOTE_CLASS }"]).toEqual([
      { remoteClass: "LADAKH_JK_HILLS", bookedVolume: { value: 1 }, transitDaysP90: { value: null } },
      { remoteClass: null, bookedVolume: { value: 5 }, transitDaysP90: { value: 173 / 24 } },
    ]);
    expect(answers["{ dimension: DELIVERED_AT, granularity: FISCAL_YEAR }"]).toEqual([{ deliveredAt: { label: "FY2024-25" }, bookedVolume: { value: 4 }, transitDaysP90: { value: 173 / 24 } }]);
  });

  it("keeps shipmentAggregates' COD money to FINANCE without losing the rest, and a circle-restricted viewer to its circle", async () => {
    const query = "{ shipmentAggregates(groupBy: [{ dimension: PAYMENT_MODE }]) { paymentMode bookedVolume { value } codCollected { value } } }";
    const analyst = await graph.execute(query, {}, { viewer: testViewer([Role.ANALYST]) });
    expect(groups(analyst)).toEqual([
      { paymentMode: "COD", bookedVolume: { value: 2 }, codCollected: null },
      { paymentMode: "PREPAID", bookedVolume: { value: 4 }, codCollected: null },
    ]);
    expect(analyst.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", field: "ShipmentAggregate.codCollected" });
    const having = await graph.execute("{ shipmentAggregates(groupBy: [{ dimension: PAYMENT_MODE }], having: [{ measure: COD_COLLECTED, gt: 0 }]) { paymentMode } }", {}, { viewer: testViewer([Role.ANALYST]) });
    expect(having.data).toEqual({ shipmentAggregates: null }); // nullable: a denial nulls the field, not the answer
    expect(having.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", field: "ShipmentAggregateMeasure.COD_COLLECTED", mirrors: "ShipmentAggregate.codCollected" });
    const finance = await graph.execute(query, {}, { viewer: testViewer([Role.ANALYST, Role.FINANCE]) });
    expect(groups(finance)[0]).toEqual({ paymentMode: "COD", bookedVolume: { value: 2 }, codCollected: { value: 1700 } });
    const total = "{ shipmentAggregates { bookedVolume { value } } }";
    const ladakh = await graph.execute(total, {}, { viewer: testViewer([Role.ANALYST], { organisation: "INDIA_POST", circle: "Jammu & Kashmir" }) });
    expect(groups(ladakh)).toEqual([{ bookedVolume: { value: 1 } }]); // C, to Nubra Valley
    const delhi = await graph.execute(total, {}, { viewer: testViewer([Role.ANALYST], { organisation: "INDIA_POST", circle: "Delhi" }) });
    expect(groups(delhi)).toEqual([{ bookedVolume: { value: 5 } }]);
  });

  it("orders, filters and limits shipmentAggregates' groups, and refuses what it cannot answer naming the input", async () => {
    const result = await graph.execute(
      "{ shipmentAggregates(groupBy: [{ dimension: BOOKED_AT, granularity: MONTH }], having: [{ measure: BOOKED_VOLUME, gte: 1 }], orderBy: [{ measure: BOOKED_VOLUME, direction: DESC }], first: 2) { bookedAt { label start end } bookedVolume { value } } }",
      {},
    );
    expect(result.errors).toBeUndefined();
    expect(groups(result)).toEqual([
      { bookedAt: { label: "2024-09", start: "2024-09-01", end: "2024-09-30" }, bookedVolume: { value: 3 } }, // A, D, E
      { bookedAt: { label: "2024-07", start: "2024-07-01", end: "2024-07-31" }, bookedVolume: { value: 1 } }, // B; then Aug (C) and Oct (F), later in time
    ]);
    // No grouping: one group of everything, or none when nothing matches; with no measure asked, still one group.
    expect(groups(await graph.execute('{ shipmentAggregates(where: { productCode: { in: ["NONE"] } }) { bookedVolume { value } transitDaysP50 { value } } }', {}))).toEqual([]);
    expect(groups(await graph.execute("{ shipmentAggregates(where: { synthetic: { eq: false } }) { destinationCircle } }", {}))).toEqual([{ destinationCircle: null }]);
    const refusals: [string, Record<string, unknown>][] = [
      ["{ shipmentAggregates(first: 501) { bookedVolume { value } } }", { code: "PAGE_SIZE_EXCEEDED", field: "first" }],
      ["{ shipmentAggregates(groupBy: [{ dimension: STATUS, granularity: DAY }]) { status } }", { code: "BAD_USER_INPUT", field: "groupBy[0].granularity" }],
      ["{ shipmentAggregates(groupBy: [{ dimension: STATUS }, { dimension: STATUS }]) { status } }", { code: "BAD_USER_INPUT", field: "groupBy[1].dimension" }],
      ["{ shipmentAggregates(orderBy: [{ }]) { status } }", { code: "BAD_USER_INPUT", field: "orderBy[0]" }],
    ];
    for (const [query, extensions] of refusals) {
      const refused = await graph.execute(query, {});
      expect(refused.errors![0]!.extensions, query).toMatchObject(extensions);
      expect(refused.data, query).toEqual({ shipmentAggregates: null });
    }
  });

  it("reads growth against any base quarter", async () => {
    const result = await graph.execute(KpiGrowthDocument, { quarter: "FY2024-25-Q3", base: "FY2024-25-Q2" });
    expect(result.errors).toBeUndefined();
    const booked = root(result, "quarterlyKpis")[0]!.metrics.find((m) => m.key === "BOOKED_VOLUME")!;
    expect(booked.growth).toMatchObject({ baseQuarter: "FY2024-25-Q2", baseValue: 5, ratio: 0.2 });
  });

  it("keeps COD money and remittance KPIs to FINANCE, at every scope: an ANALYST reads them as null", async () => {
    const COD_KPIS = ["COD_COLLECTED", "COD_REMITTED", "COD_OUTSTANDING", "REMITTANCE_DAYS_MEAN", "REMITTANCE_DAYS_P90", "REMITTANCE_WITHIN_CYCLE"];
    const analyst = testViewer([Role.ANALYST]);
    const finance = testViewer([Role.ANALYST, Role.FINANCE]);
    for (const scope of [undefined, { kind: "PICKUP_LOCATION", key: "DEL-GPO" }, { kind: "PAYMENT_MODE", key: "COD" }]) {
      const read = async (viewer: typeof analyst) => {
        const result = await graph.execute(QuarterlyKpisDocument, { from: "FY2024-25-Q2", to: "FY2024-25-Q2", scope: scope as never }, { viewer });
        expect(result.errors).toBeUndefined();
        return root(result, "quarterlyKpis")[0]!;
      };
      const hidden = await read(analyst);
      for (const key of COD_KPIS) {
        const m = metric(hidden, key);
        expect([m.value, m.numerator, m.denominator], `${key} ${JSON.stringify(scope)}`).toEqual([null, null, null]);
        expect(m.quarterOnQuarter).toMatchObject({ baseValue: null, ratio: null });
      }
      expect(metric(hidden, "BOOKED_VOLUME").value).toBeGreaterThan(0);
      const shown = await read(finance);
      expect(metric(shown, "COD_COLLECTED").value).toBe(1700);
      expect(metric(shown, "REMITTANCE_DAYS_MEAN").value).toBe(7);
    }
    const perLocation = await graph.execute(KpiBreakdownDocument, { quarter: "FY2024-25-Q2", by: "PICKUP_LOCATION" }, { viewer: analyst });
    expect(perLocation.errors).toBeUndefined();
    for (const row of root(perLocation, "kpiBreakdown")) expect(row.metrics.find((m) => m.key === "COD_COLLECTED")!.value).toBeNull();
  });

  it("narrows to a scope: payment mode, pickup location, destination circle", async () => {
    const [cod] = await kpis("FY2024-25-Q2", "FY2024-25-Q2", { kind: "PAYMENT_MODE", key: "cod" });
    expect(cod!.scope).toEqual({ kind: "PAYMENT_MODE", key: "COD", name: "Cash on delivery" });
    expect(metric(cod!, "BOOKED_VOLUME").value).toBe(2);
    expect(metric(cod!, "COD_COLLECTED").value).toBe(1700);
    expect(metric(cod!, "PICKUP_UTILISATION").value).toBeNull(); // not defined for a payment mode
    const [pickup] = await kpis("FY2024-25-Q2", "FY2024-25-Q2", { kind: "PICKUP_LOCATION", key: "DEL-GPO" });
    expect(metric(pickup!, "PICKUP_UTILISATION").denominator).toBe(92 * 5000);
    const [ladakh] = await kpis("FY2024-25-Q2", "FY2024-25-Q2", { kind: "STATE", key: "ladakh" });
    expect(metric(ladakh!, "BOOKED_VOLUME").value).toBe(1); // C
    expect(metric(ladakh!, "RETURN_TO_ORIGIN").value).toBe(100);
    const bad = await graph.execute(QuarterlyKpisDocument, { from: "FY2024-25-Q2", to: "FY2024-25-Q2", scope: { kind: "CIRCLE", key: "Atlantis" } });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "scope.key" });
    const backwards = await graph.execute(QuarterlyKpisDocument, { from: "FY2024-25-Q3", to: "FY2024-25-Q2" });
    expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "from" });
  });

  it("breaks a quarter down by destination state in as many statements as one scope", async () => {
    const one = await graph.execute(KpiBreakdownDocument, { quarter: "FY2024-25-Q2", by: "NATIONAL" });
    const states = await graph.execute(KpiBreakdownDocument, { quarter: "FY2024-25-Q2", by: "STATE" });
    expect(states.errors).toBeUndefined();
    const booked = Object.fromEntries(root(states, "kpiBreakdown").map((k) => [k.scope.key, k.metrics.find((m) => m.key === "BOOKED_VOLUME")!.value]));
    expect(booked).toEqual({ Delhi: 4, Ladakh: 1 });
    expect(states.statements).toBeLessThanOrEqual(one.statements + 1); // + the list of states with data, whatever their number
  });

  it("moves the on-time KPI when a public holiday is added, and back when it is removed", async () => {
    const add = await graph.execute(SetPublicHolidaysDocument, { input: { add: [{ date: "2024-10-02", name: "Gandhi Jayanti" }] } });
    expect(add.errors).toBeUndefined();
    expect(add.data!.setPublicHolidays).toMatchObject({ created: 1, shipmentsRescheduled: 1 }); // F only
    let [q3] = await kpis("FY2024-25-Q3", "FY2024-25-Q3");
    expect(metric(q3!, "ON_TIME_DELIVERY")).toMatchObject({ value: 100, numerator: 2, denominator: 2 });
    const again = await graph.execute(SetPublicHolidaysDocument, { input: { add: [{ date: "2024-10-02", name: "Gandhi Jayanti" }] } });
    expect(again.data!.setPublicHolidays).toMatchObject({ created: 0, unchanged: 1, shipmentsRescheduled: 0 });
    await expectConsistent();
    const remove = await graph.execute(SetPublicHolidaysDocument, { input: { remove: ["2024-10-02"] } });
    expect(remove.data!.setPublicHolidays).toMatchObject({ removed: 1, shipmentsRescheduled: 1 });
    [q3] = await kpis("FY2024-25-Q3", "FY2024-25-Q3");
    expect(metric(q3!, "ON_TIME_DELIVERY").value).toBe(50);
    const twice = await graph.execute(SetPublicHolidaysDocument, {
      input: { add: [{ date: "2024-12-25", name: "Christmas" }, { date: "2024-12-25", name: "Christmas Day" }] },
    });
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.add[1].date", index: 1 });
    await expectConsistent();
  });

  it("keeps the rollups equal to a recomputation after more scans and a changed serviceability period", async () => {
    const late = await graph.execute(RecordScanEventsDocument, {
      input: { events: [scan(E, "OUT_FOR_DELIVERY", "2024-09-12T09:00:00+05:30"), scan(E, "DELIVERED", "2024-09-12T13:00:00+05:30")] },
    });
    expect(late.errors).toBeUndefined();
    const closed = await graph.execute(SetServiceabilityDocument, { input: { entries: [{ pincode: "110001", validFrom: "2024-07-01", validTo: "2024-09-15" }] } });
    expect(closed.errors).toBeUndefined();
    const [q2, q3] = await kpis("FY2024-25-Q2", "FY2024-25-Q3");
    expect(metric(q2!, "DELIVERED_VOLUME").value).toBe(3);
    expect(metric(q2!, "SERVICEABLE_PINS").value).toBe(0); // the period ended before 30 Sep
    expect(metric(q3!, "SERVICEABLE_PINS").value).toBe(0);
    expect(metric(q2!, "ACTIVE_PINS").value).toBe(1);
    await expectConsistent();
  });

  it("reads 12 quarters with growth in as many SQL statements as 1 quarter", async () => {
    const one = await graph.execute(QuarterlyKpisDocument, { from: "FY2024-25-Q3", to: "FY2024-25-Q3" });
    const twelve = await graph.execute(QuarterlyKpisDocument, { from: "FY2022-23-Q1", to: "FY2024-25-Q4" });
    expect(one.errors).toBeUndefined();
    expect(twelve.errors).toBeUndefined();
    expect(twelve.data!.quarterlyKpis).toHaveLength(12);
    expect(twelve.statements).toBe(one.statements);
    expect(one.statements).toBeLessThanOrEqual(5);
  });
});
