import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../src/db/client.js";
import {
  QuarterlyReviewDocument,
  RecordQuarterlyReviewDocument,
  RecordScanEventsDocument,
  RecordShipmentsDocument,
  SearchPostOfficesDocument,
  SetKpiTargetsDocument,
  UpdateActionItemDocument,
  UpsertPickupLocationDocument,
} from "../src/generated/operations.js";
import { toGlobalId } from "../src/lib/global-id.js";
import { fiscalQuarter } from "../src/lib/fiscal-quarter.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { Role } from "../src/modules/access/access.roles.js";
import { testViewer } from "../src/modules/access/access.viewer.js";
import { MetricDirection } from "../src/modules/kpi/kpi.definitions.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { reviewWindow } from "../src/modules/review/review.ingest.js";
import { attainment, targetMet } from "../src/modules/review/review.rules.js";
import { seedDemoReviews } from "../src/modules/review/review.seed.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, root, type TestGraph } from "./support/graph.js";

const FIXTURE = new URL("./fixtures/post-offices-current.csv", import.meta.url).pathname;

const s10 = (serial: number) => {
  const d = String(serial).padStart(8, "0");
  return `EE${d}${s10CheckDigit(d)}IN`;
};

describe("attainment and targetMet", () => {
  const { HIGHER_IS_BETTER: UP, LOWER_IS_BETTER: DOWN } = MetricDirection;

  it("divides value by target when higher is better, target by value when lower is better", () => {
    expect(attainment(UP, 92, 95)).toBeCloseTo(0.968421, 6);
    expect(attainment(UP, 120, 100)).toBe(1.2);
    expect(attainment(DOWN, 5, 4)).toBe(0.8);
    expect(attainment(DOWN, 2, 4)).toBe(2);
  });

  it("is null when a figure is missing or the divisor is 0; targetMet still answers a zero", () => {
    expect(attainment(UP, null, 4)).toBeNull();
    expect(attainment(UP, 3, null)).toBeNull();
    expect(attainment(UP, 3, 0)).toBeNull();
    expect(attainment(DOWN, 0, 10)).toBeNull();
    expect(targetMet(DOWN, 0, 10)).toBe(true);
    expect(targetMet(UP, 3, 0)).toBe(true);
    expect(targetMet(UP, 94.9, 95)).toBe(false);
    expect(targetMet(DOWN, 4, 4)).toBe(true);
    expect(targetMet(DOWN, null, 4)).toBeNull();
  });

  it("allows a review from 14 days before the quarter's last day to the end of the next quarter, never after today", () => {
    const q3 = fiscalQuarter(2024, 3);
    expect(reviewWindow(q3, "2026-01-01")).toEqual({ earliest: "2024-12-17", latest: "2025-03-31" });
    expect(reviewWindow(q3, "2025-01-10")).toEqual({ earliest: "2024-12-17", latest: "2025-01-10" });
    expect(reviewWindow(fiscalQuarter(2024, 4), "2026-01-01")).toEqual({ earliest: "2025-03-17", latest: "2025-06-30" });
  });
});

const REVIEW_Q2 = {
  quarter: "Q2 FY25",
  heldOn: "2024-10-15",
  participants: ["Director (Parcel), India Post", " Head of Last Mile, Amazon India "],
  summary: "Volumes on track; transit days above target.",
  decisions: ["Add a second daily dispatch at Delhi GPO."],
  actionItems: [
    { title: "Second dispatch at Delhi GPO", owner: "INDIA_POST" as const, due: "2024-11-30", status: "OPEN" as const },
    { title: "Share weekly pickup forecasts", owner: "AMAZON" as const, due: "2024-12-15", status: "OPEN" as const },
  ],
};

describe.each(engines)("KPI targets and quarterly reviews on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;
  let officeId: string;
  const count = async (table: string) =>
    (await queryRows<{ n: number }>(db.database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    await importPostOfficeCsv(db.database, FIXTURE, {});
    graph = await createTestGraph(db.database);
    const offices = await graph.execute(SearchPostOfficesDocument, { filter: { pincode: "110001" } });
    officeId = root(offices, "postOffices").nodes[0]!.id;
    await graph.execute(UpsertPickupLocationDocument, {
      input: { code: "DEL-GPO", name: "Delhi GPO", postOfficeId: officeId, city: "New Delhi", activeFrom: "2021-01-01", dailyCapacity: 500 },
    });
    // Q2 FY2024-25: 4 booked on 1 Aug, 3 of them delivered exactly 5 days (120 hours) later, none attempted and failed.
    const booked = await graph.execute(RecordShipmentsDocument, {
      input: {
        shipments: [1, 2, 3, 4].map((i) => ({
          trackingNumber: s10(i),
          bookedAt: "2024-08-01T10:00:00+05:30",
          productCode: "SPEED_POST",
          paymentMode: "PREPAID" as const,
          weightGrams: 500,
          pickupLocationCode: "DEL-GPO",
          destinationPincode: "194401",
        })),
      },
    });
    expect(booked.errors).toBeUndefined();
    const delivered = await graph.execute(RecordScanEventsDocument, {
      input: { events: [1, 2, 3].map((i) => ({ trackingNumber: s10(i), event: "Item Delivered (Addressee)", occurredAt: "2024-08-06T10:00:00+05:30" })) },
    });
    expect(delivered.errors).toBeUndefined();
  });
  afterAll(async () => {
    await graph?.stop();
    await db?.drop();
  });

  it("sets targets, takes a retry as unchanged and a new value as updated", async () => {
    const input = {
      quarter: "Q2 FY25",
      scope: { kind: "NATIONAL" as const },
      targets: [
        { key: "BOOKED_VOLUME" as const, value: 4 },
        { key: "DELIVERED_VOLUME" as const, value: 4 },
        { key: "TRANSIT_DAYS_MEAN" as const, value: 4 },
        { key: "FAILED_ATTEMPT_RATE" as const, value: 10 },
      ],
    };
    const first = await graph.execute(SetKpiTargetsDocument, { input });
    expect(first.errors).toBeUndefined();
    expect(first.data!.setKpiTargets).toMatchObject({ created: 4, updated: 0, unchanged: 0, quarter: "FY2024-25-Q2", scope: { kind: "NATIONAL", key: null, name: "India" } });
    const retry = await graph.execute(SetKpiTargetsDocument, { input });
    expect(retry.data!.setKpiTargets).toMatchObject({ created: 0, updated: 0, unchanged: 4 });
    const onTime = await graph.execute(SetKpiTargetsDocument, {
      input: { ...input, targets: [{ key: "ON_TIME_DELIVERY", value: 92.5 }, { key: "DELIVERED_VOLUME", value: 4 }] },
    });
    expect(onTime.data!.setKpiTargets).toMatchObject({ created: 1, updated: 0, unchanged: 1 });
    const changed = await graph.execute(SetKpiTargetsDocument, { input: { ...input, targets: [{ key: "ON_TIME_DELIVERY", value: 95 }] } });
    expect(changed.data!.setKpiTargets).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
    // Every target of the quarter and scope comes back, in the review's KPI order.
    expect(changed.data!.setKpiTargets.targets.map((t) => [t.key, t.value, t.unit])).toEqual([
      ["BOOKED_VOLUME", 4, "SHIPMENTS"],
      ["DELIVERED_VOLUME", 4, "SHIPMENTS"],
      ["ON_TIME_DELIVERY", 95, "PERCENT"],
      ["FAILED_ATTEMPT_RATE", 10, "PERCENT"],
      ["TRANSIT_DAYS_MEAN", 4, "DAYS"],
    ]);
    const pickup = await graph.execute(SetKpiTargetsDocument, {
      input: { quarter: "FY2024-25-Q2", scope: { kind: "PICKUP_LOCATION", key: " del-gpo " }, targets: [{ key: "PICKUP_UTILISATION", value: 60 }] },
    });
    expect(pickup.errors).toBeUndefined();
    expect(pickup.data!.setKpiTargets).toMatchObject({ created: 1, scope: { kind: "PICKUP_LOCATION", key: "DEL-GPO", name: "Delhi GPO" } });
    expect(await count("kpi_target")).toBe(6);
  });

  it.each([
    ["a percentage above 100", "NATIONAL", null, [{ key: "ON_TIME_DELIVERY", value: 100.5 }], "input.targets[0].value"],
    ["a fractional count", "NATIONAL", null, [{ key: "BOOKED_VOLUME", value: 10.5 }], "input.targets[0].value"],
    ["rupees finer than a paisa", "NATIONAL", null, [{ key: "COD_COLLECTED", value: 100.125 }], "input.targets[0].value"],
    ["negative days", "NATIONAL", null, [{ key: "TRANSIT_DAYS_P90", value: -1 }], "input.targets[0].value"],
    ["a KPI not defined for the scope", "PICKUP_LOCATION", "DEL-GPO", [{ key: "SERVICEABLE_PINS", value: 10 }], "input.targets[0].key"],
    ["an unknown circle", "CIRCLE", "Atlantis", [{ key: "BOOKED_VOLUME", value: 10 }], "input.scope.key"],
    ["an unknown pickup location", "PICKUP_LOCATION", "NOWHERE-1", [{ key: "BOOKED_VOLUME", value: 10 }], "input.scope.key"],
    ["an unknown product", "PRODUCT", "CARRIER_PIGEON", [{ key: "BOOKED_VOLUME", value: 10 }], "input.scope.key"],
    ["a key for NATIONAL", "NATIONAL", "India", [{ key: "BOOKED_VOLUME", value: 10 }], "input.scope.key"],
  ])("refuses %s, naming %s, and writes nothing", async (_, kind, key, targets, field) => {
    const before = await count("kpi_target");
    const result = await graph.execute(SetKpiTargetsDocument, {
      input: { quarter: "FY2024-25-Q3", scope: { kind: kind as "NATIONAL", key }, targets: [{ key: "DELIVERED_VOLUME", value: 5 }, ...targets] as never },
    });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: field.replace("[0]", "[1]") });
    expect(result.data).toBeNull();
    expect(await count("kpi_target")).toBe(before);
  });

  it("refuses a KPI given twice naming both indexes, and lists every bad item", async () => {
    const before = await count("kpi_target");
    const result = await graph.execute(SetKpiTargetsDocument, {
      input: {
        quarter: "FY2024-25-Q3",
        scope: { kind: "CIRCLE", key: "jammu & kashmir" },
        targets: [
          { key: "BOOKED_VOLUME", value: 10 },
          { key: "ON_TIME_DELIVERY", value: 101 },
          { key: "BOOKED_VOLUME", value: 12 },
        ],
      },
    });
    const error = result.errors?.[0];
    expect(error?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.targets[1].value", index: 1 });
    const problems = error?.extensions?.problems as { index: number; field: string; message: string }[];
    expect(problems.map((p) => [p.index, p.field])).toEqual([
      [1, "input.targets[1].value"],
      [2, "input.targets[2].key"],
    ]);
    expect(problems[1]!.message).toContain("input.targets[0]");
    expect(problems[1]!.message).toContain("input.targets[2]");
    expect(await count("kpi_target")).toBe(before);
  });

  it("gives each metric its target and attainment, computed both ways", async () => {
    const result = await graph.execute(`{
      quarterlyKpis(from: "FY2024-25-Q2", to: "FY2024-25-Q2") { metrics { key value target attainment targetMet } failedAttemptsByReason { metric { target } } }
    }`);
    expect(result.errors).toBeUndefined();
    const [kpis] = (result.data as { quarterlyKpis: { metrics: { key: string; value: number | null; target: number | null; attainment: number | null; targetMet: boolean | null }[]; failedAttemptsByReason: { metric: { target: number | null } }[] }[] }).quarterlyKpis;
    const m = (key: string) => kpis!.metrics.find((x) => x.key === key)!;
    // Higher is better: value ÷ target. 4 booked against 4; 3 delivered against 4.
    expect(m("BOOKED_VOLUME")).toEqual({ key: "BOOKED_VOLUME", value: 4, target: 4, attainment: 1, targetMet: true });
    expect(m("DELIVERED_VOLUME")).toEqual({ key: "DELIVERED_VOLUME", value: 3, target: 4, attainment: 0.75, targetMet: false });
    // Lower is better: target ÷ value. Mean transit 120 h = 5 days against a 4-day ceiling.
    expect(m("TRANSIT_DAYS_MEAN")).toEqual({ key: "TRANSIT_DAYS_MEAN", value: 5, target: 4, attainment: 0.8, targetMet: false });
    // No failed attempt: 0% against a 10% ceiling is met, but 10 ÷ 0 has no attainment.
    expect(m("FAILED_ATTEMPT_RATE")).toEqual({ key: "FAILED_ATTEMPT_RATE", value: 0, target: 10, attainment: null, targetMet: true });
    expect(m("RETURN_TO_ORIGIN")).toMatchObject({ target: null, attainment: null, targetMet: null });
    expect(kpis!.failedAttemptsByReason.every((r) => r.metric.target === null)).toBe(true);
  });

  it("reads every metric's target in one statement, for 1 quarter or 12", async () => {
    const query = (to: string, targets: boolean) =>
      graph.execute(`{ quarterlyKpis(from: "FY2022-23-Q1", to: "${to}") { metrics { key value ${targets ? "target attainment targetMet" : ""} } } }`);
    const one = await query("FY2022-23-Q1", true);
    const twelve = await query("FY2024-25-Q4", true);
    const plain = await query("FY2024-25-Q4", false);
    expect(twelve.errors).toBeUndefined();
    expect((twelve.data as { quarterlyKpis: unknown[] }).quarterlyKpis).toHaveLength(12);
    expect(twelve.statements).toBe(one.statements);
    expect(twelve.statements).toBe(plain.statements + 1);
    expect(twelve.sql.filter((s) => s.includes("findKpiTargetsByQuarters"))).toHaveLength(1);
  });

  it("records a review once: a retry is unchanged, different content a CONFLICT naming the field", async () => {
    const first = await graph.execute(RecordQuarterlyReviewDocument, { input: REVIEW_Q2 });
    expect(first.errors).toBeUndefined();
    const review = first.data!.recordQuarterlyReview;
    expect(review).toMatchObject({ created: 1, unchanged: 0, review: { quarter: "FY2024-25-Q2", heldOn: "2024-10-15", synthetic: false } });
    expect(review.review.participants[1]).toBe("Head of Last Mile, Amazon India");
    expect(review.review.actionItems.map((a) => [a.title, a.owner, a.status, a.quarter])).toEqual([
      ["Second dispatch at Delhi GPO", "INDIA_POST", "OPEN", "FY2024-25-Q2"],
      ["Share weekly pickup forecasts", "AMAZON", "OPEN", "FY2024-25-Q2"],
    ]);
    const retry = await graph.execute(RecordQuarterlyReviewDocument, { input: REVIEW_Q2 });
    expect(retry.data!.recordQuarterlyReview).toMatchObject({ created: 0, unchanged: 1, review: { id: review.review.id } });

    const summary = await graph.execute(RecordQuarterlyReviewDocument, { input: { ...REVIEW_Q2, summary: "Something else." } });
    expect(summary.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.summary", stored: REVIEW_Q2.summary });
    const owner = await graph.execute(RecordQuarterlyReviewDocument, {
      input: { ...REVIEW_Q2, actionItems: [REVIEW_Q2.actionItems[0]!, { ...REVIEW_Q2.actionItems[1]!, owner: "JOINT" }] },
    });
    expect(owner.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.actionItems[1].owner", value: "JOINT", stored: "AMAZON" });
    const extra = await graph.execute(RecordQuarterlyReviewDocument, {
      input: { ...REVIEW_Q2, actionItems: [...REVIEW_Q2.actionItems, { title: "More", owner: "JOINT", due: "2025-01-31", status: "OPEN" }] },
    });
    expect(extra.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", field: "input.actionItems" });
    expect(await count("quarterly_review")).toBe(1);
    expect(await count("review_action_item")).toBe(2);
  });

  it.each([
    ["held too early", { heldOn: "2024-09-01" }, "input.heldOn", undefined],
    ["held after the next quarter", { quarter: "FY2023-24-Q1", heldOn: "2024-01-05" }, "input.heldOn", undefined],
    ["held in the future", { quarter: "FY2098-99-Q1", heldOn: "2098-07-01" }, "input.heldOn", undefined],
    ["without participants", { quarter: "FY2024-25-Q1", heldOn: "2024-07-10", participants: [] }, "input.participants", undefined],
    ["with a blank decision", { quarter: "FY2024-25-Q1", heldOn: "2024-07-10", decisions: ["ok", "  "] }, "input.decisions[1]", undefined],
    [
      "with an item due before the meeting",
      { quarter: "FY2024-25-Q1", heldOn: "2024-07-10", actionItems: [REVIEW_Q2.actionItems[0]!, { ...REVIEW_Q2.actionItems[1]!, due: "2024-07-01" }] },
      "input.actionItems[1].due",
      1,
    ],
  ])("refuses a review %s, naming %s", async (_, overrides, field, index) => {
    const result = await graph.execute(RecordQuarterlyReviewDocument, { input: { ...REVIEW_Q2, ...overrides } });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field, ...(index === undefined ? {} : { index }) });
    expect(await count("quarterly_review")).toBe(1);
  });

  it("moves an action item on idempotently, keeping its history; an unknown id is NOT_FOUND", async () => {
    const quarter = await graph.execute(QuarterlyReviewDocument, { quarter: "FY2024-25-Q2" });
    const item = root(quarter, "quarterlyReview").actionItems[0]!;
    const input = { id: item.id, status: "IN_PROGRESS" as const, note: "Second dispatch trial from 1 Nov." };
    const first = await graph.execute(UpdateActionItemDocument, { input });
    expect(first.errors).toBeUndefined();
    expect(first.data!.updateActionItem).toMatchObject({ updated: 1, unchanged: 0, actionItem: { status: "IN_PROGRESS", recordedStatus: "OPEN", note: input.note } });
    const retry = await graph.execute(UpdateActionItemDocument, { input });
    expect(retry.data!.updateActionItem).toMatchObject({ updated: 0, unchanged: 1 });
    // Omitting the note keeps it; a new due day is a change.
    const done = await graph.execute(UpdateActionItemDocument, { input: { id: item.id, status: "DONE", due: "2024-12-10" } });
    expect(done.data!.updateActionItem.actionItem).toMatchObject({ status: "DONE", due: "2024-12-10", recordedDue: "2024-11-30", note: input.note });
    expect(done.data!.updateActionItem.actionItem.history.map((h) => [h.status, h.due])).toEqual([
      ["OPEN", "2024-11-30"],
      ["IN_PROGRESS", "2024-11-30"],
      ["DONE", "2024-12-10"],
    ]);
    // The review's retry still matches what was recorded.
    const again = await graph.execute(RecordQuarterlyReviewDocument, { input: REVIEW_Q2 });
    expect(again.data!.recordQuarterlyReview).toMatchObject({ unchanged: 1 });

    const missing = await graph.execute(UpdateActionItemDocument, { input: { id: toGlobalId("ReviewActionItem", 987654), status: "DONE" } });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: "NOT_FOUND", field: "input.id" });
    const wrongType = await graph.execute(UpdateActionItemDocument, { input: { id: toGlobalId("Shipment", 1), status: "DONE" } });
    expect(wrongType.errors?.[0]?.extensions).toMatchObject({ code: "INVALID_ID", field: "input.id" });
    const early = await graph.execute(UpdateActionItemDocument, { input: { id: item.id, status: "DONE", due: "2024-10-01" } });
    expect(early.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.due" });
    expect(await count("review_action_item_change")).toBe(4);
  });

  it("composes the quarterly review: KPIs with targets, coverage change, pickup utilisation, this and the previous review's items", async () => {
    const empty = await graph.execute(QuarterlyReviewDocument, { quarter: "FY2024-25-Q3" });
    expect(empty.errors).toBeUndefined();
    expect(root(empty, "quarterlyReview")).toMatchObject({ quarter: "FY2024-25-Q3", review: null, actionItems: [], previousReview: { quarter: "FY2024-25-Q2" } });
    expect(root(empty, "quarterlyReview").kpis.metrics.length).toBeGreaterThan(10);

    const recorded = await graph.execute(RecordQuarterlyReviewDocument, {
      input: {
        quarter: "FY2024-25-Q3",
        heldOn: "2025-01-20",
        participants: ["Director (Parcel), India Post"],
        summary: "First review after the MoU.",
        decisions: [],
        actionItems: [{ title: "Open a Bhopal pickup location", owner: "JOINT", due: "2025-05-31", status: "OPEN" }],
      },
    });
    expect(recorded.errors).toBeUndefined();
    const q2 = await graph.execute(QuarterlyReviewDocument, { quarter: "FY2024-25-Q2" });
    const report = root(q2, "quarterlyReview");
    expect(report.label).toBe("Q2 FY2024-25 (Jul–Sep 2024)");
    expect(report.kpis.metrics.find((m) => m.key === "DELIVERED_VOLUME")).toMatchObject({ value: 3, target: 4, attainment: 0.75 });
    expect(report.coverageChange).toMatchObject({
      previousQuarter: "FY2024-25-Q1",
      activePins: { current: { key: "ACTIVE_PINS", value: 1 }, previous: { value: 0 }, change: 1 },
    });
    // 4 parcels against 500 a day for the 92 days of Jul–Sep.
    expect(report.pickupUtilisation).toEqual([
      {
        pickupLocation: { code: "DEL-GPO", name: "Delhi GPO", dailyCapacity: 500 },
        metric: expect.objectContaining({ key: "PICKUP_UTILISATION", numerator: 4, denominator: 46000, target: 60, targetMet: false }),
      },
    ]);

    const q3 = await graph.execute(QuarterlyReviewDocument, { quarter: "Q3 FY25" });
    const next = root(q3, "quarterlyReview");
    expect(next.review).toMatchObject({ heldOn: "2025-01-20", summary: "First review after the MoU." });
    expect(next.actionItems.map((a) => a.title)).toEqual(["Open a Bhopal pickup location"]);
    expect(next.previousReview).toMatchObject({ quarter: "FY2024-25-Q2" });
    expect(next.previousActionItems.map((a) => [a.title, a.status, a.recordedStatus])).toEqual([
      ["Second dispatch at Delhi GPO", "DONE", "OPEN"],
      ["Share weekly pickup forecasts", "OPEN", "OPEN"],
    ]);
    expect(next.previousActionItems[0]!.history.map((h) => h.status)).toEqual(["OPEN", "IN_PROGRESS", "DONE"]);
  });

  it("answers the review in the same number of statements however many pickup locations there are", async () => {
    // DataLoader batches what independent fields ask in the same tick; when database answers arrive in a
    // different order (a loaded machine), a batch can split in two. The fewest of three runs is the design's count.
    const statements = async () => {
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await graph.execute(QuarterlyReviewDocument, { quarter: "FY2024-25-Q3" }));
      return { result: runs[0]!, statements: Math.min(...runs.map((r) => r.statements)) };
    };
    const before = await statements();
    const offices = await graph.execute(SearchPostOfficesDocument, { filter: { pincode: "194101" } });
    for (const [code, postOfficeId] of [["LEH-HO", root(offices, "postOffices").nodes[0]!.id], ["DEL-2", officeId]] as const) {
      await graph.execute(UpsertPickupLocationDocument, { input: { code, name: code, postOfficeId, city: "x", activeFrom: "2024-01-01", dailyCapacity: 100 } });
    }
    const after = await statements();
    expect(root(after.result, "quarterlyReview").pickupUtilisation).toHaveLength(3);
    expect(after.statements).toBe(before.statements);
  });

  it("is for analysts; writes are for operators; a circle-restricted viewer gets no national review", async () => {
    const operator = testViewer([Role.OPERATOR], { name: "op" });
    const denied = await graph.execute(QuarterlyReviewDocument, { quarter: "FY2024-25-Q3" }, { viewer: operator });
    expect(denied.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN" });
    const analyst = testViewer([Role.ANALYST], { name: "analyst" });
    const write = await graph.execute(SetKpiTargetsDocument, { input: { quarter: "FY2024-25-Q3", scope: { kind: "NATIONAL" }, targets: [{ key: "BOOKED_VOLUME", value: 1 }] } }, { viewer: analyst });
    expect(write.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN" });
    const circle = testViewer([Role.ANALYST], { name: "delhi", circle: "Delhi" });
    const restricted = await graph.execute(QuarterlyReviewDocument, { quarter: "FY2024-25-Q3" }, { viewer: circle });
    expect(restricted.errors?.[0]?.extensions).toMatchObject({ code: "FORBIDDEN", circle: "Delhi" });
    const node = await graph.execute(`{ node(id: "${toGlobalId("ReviewActionItem", 1)}") { ... on ReviewActionItem { title } } }`, {}, { viewer: analyst });
    expect(node.data).toEqual({ node: { title: "Second dispatch at Delhi GPO" } });
  });

  it("seeds synthetic targets and reviews beside the real ones, and replaces only its own on a second run", async () => {
    const realTargets = await count("kpi_target");
    const first = await seedDemoReviews(db.database.db, "2025-07-15");
    // Quarters FY2024-25-Q3 to FY2025-26-Q1; reviews for Q3 (real: kept) and Q4 (synthetic).
    expect(first.reviews).toBe(1);
    expect(first.actionItems).toBe(3);
    expect(first.targets).toBeGreaterThan(0);
    const second = await seedDemoReviews(db.database.db, "2025-07-15");
    expect(second).toEqual(first);
    expect(await count("kpi_target")).toBe(realTargets + first.targets);
    const provenance = await graph.execute("{ dataProvenance { rows { kind real synthetic } } }");
    const rows = (provenance.data as { dataProvenance: { rows: { kind: string; real: number; synthetic: number }[] } }).dataProvenance.rows;
    expect(rows.filter((r) => r.kind.includes("review") || r.kind.includes("target"))).toEqual([
      { kind: "KPI targets", real: realTargets, synthetic: first.targets },
      { kind: "quarterly reviews", real: 2, synthetic: 1 },
      { kind: "review action items", real: 3, synthetic: 3 },
    ]);
    const q4 = await graph.execute(QuarterlyReviewDocument, { quarter: "FY2024-25-Q4" });
    const report = root(q4, "quarterlyReview");
    expect(report.review).toMatchObject({ synthetic: true, heldOn: "2025-04-20" });
    expect(report.actionItems.map((a) => a.synthetic)).toEqual([true, true, true]);
    // The latest synthetic review's first item has moved on 20 days after the meeting; the real Q3 items are untouched.
    expect(report.actionItems[0]!.status).toBe("IN_PROGRESS");
    expect(report.previousActionItems.map((a) => [a.title, a.synthetic])).toEqual([["Open a Bhopal pickup location", false]]);
    // Targets for Q4 come from Q3's figures: the national ones it has, and pickup utilisation per location.
    expect(report.kpis.metrics.find((m) => m.key === "BOOKED_VOLUME")!.target).toBe(0);
    expect(report.pickupUtilisation.map((p) => p.metric.target !== null)).toContain(true);
  });
});
