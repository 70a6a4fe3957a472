import { sql } from "drizzle-orm";
import type { GraphQLEnumType, GraphQLObjectType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../src/db/client.js";
import {
  PickupDashboardDocument,
  RecordCodRemittanceDocument,
  RecordScanEventsDocument,
  RecordShipmentsDocument,
  SearchPostOfficesDocument,
  type ShipmentInput,
  ShipmentsDocument,
  ShipmentStatsDocument,
  TrackShipmentDocument,
  UpsertPickupLocationDocument,
} from "../src/generated/operations.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { diffKpiRollups } from "../src/modules/kpi/kpi-rollup.repository.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { createSchema } from "../src/schema.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, root, type TestGraph } from "./support/graph.js";

const FIXTURE = new URL("./fixtures/post-offices-current.csv", import.meta.url).pathname;

/** A valid S10 number with the given serial (check digit computed). */
function s10(prefix: string, serial: number): string {
  const digits = String(serial).padStart(8, "0");
  return `${prefix}${digits}${s10CheckDigit(digits)}IN`;
}

const TABLES = ["shipment", "scan_event", "cod_remittance", "pickup_location"] as const;

describe.each(engines)("operations on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;
  let delhiOffice: string;

  const counts = async () => {
    const out: Record<string, number> = {};
    for (const table of TABLES) {
      out[table] = (await queryRows<{ n: number }>(db.database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n;
    }
    return out;
  };

  // Invalid items are the point of several tests, so overrides are untyped and the item is cast.
  const shipment = (serial: number, overrides: Record<string, unknown> = {}): ShipmentInput => ({
    trackingNumber: s10("EE", serial),
    bookedAt: "2024-08-05T10:00:00+05:30",
    productCode: "SPEED_POST",
    paymentMode: "PREPAID",
    weightGrams: 750,
    pickupLocationCode: "DEL-GPO",
    destinationPincode: "194401",
    ...overrides,
  }) as ShipmentInput;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    await importPostOfficeCsv(db.database, FIXTURE, {});
    graph = await createTestGraph(db.database);
    const offices = await graph.execute(SearchPostOfficesDocument, { filter: { pincode: "110001" } });
    delhiOffice = root(offices, "postOffices").nodes[0]!.id;
    const made = await graph.execute(UpsertPickupLocationDocument, {
      input: { code: "DEL-GPO", name: "Delhi GPO pickup", postOfficeId: delhiOffice, city: "New Delhi", activeFrom: "2021-01-01", dailyCapacity: 5000 },
    });
    expect(made.errors).toBeUndefined();
  });
  afterAll(async () => {
    await graph?.stop();
    await db?.drop();
  });

  it("records a batch of 1,000 shipments, and reports the same batch again as 1,000 unchanged", async () => {
    const batch = Array.from({ length: 1000 }, (_, i) =>
      shipment(10_000 + i, i % 3 === 0 ? { paymentMode: "COD", codAmount: 499 + i, destinationPincode: "744101" } : {}),
    );
    const first = await graph.execute(RecordShipmentsDocument, { input: { shipments: batch } });
    expect(first.errors).toBeUndefined();
    expect(first.data!.recordShipments).toMatchObject({ created: 1000, updated: 0, unchanged: 0 });
    // As a superuser on tables without triggers of ours, the insert runs without per-row key triggers: the
    // references are locked and counted in one statement first (src/db/key-checks.ts).
    const superuser = (await queryRows<{ on: boolean }>(db.database.db, sql`select current_setting('is_superuser') = 'on' as on`))[0]!.on;
    expect(first.sql.some((statement) => statement.includes("lockBookingReferences"))).toBe(superuser);
    expect(await diffKpiRollups(db.database.db)).toEqual([]);
    expect(first.data!.recordShipments.shipments[1]).toMatchObject({ status: "BOOKED", routeClass: "REMOTE", bookingDate: "2024-08-05" });
    const again = await graph.execute(RecordShipmentsDocument, { input: { shipments: batch } });
    expect(again.errors).toBeUndefined();
    expect(again.data!.recordShipments).toMatchObject({ created: 0, updated: 0, unchanged: 1000 });
    expect((await counts()).shipment).toBe(1000);
  });

  it.each([
    ["a COD amount on a prepaid shipment", { codAmount: 100 }, "input.shipments[1].codAmount", "BAD_USER_INPUT"],
    ["₹50,001 COD", { paymentMode: "COD", codAmount: 50_001 }, "input.shipments[1].codAmount", "BAD_USER_INPUT"],
    ["fractional rupees COD", { paymentMode: "COD", codAmount: 10.5 }, "input.shipments[1].codAmount", "BAD_USER_INPUT"],
    ["COD without an amount", { paymentMode: "COD" }, "input.shipments[1].codAmount", "BAD_USER_INPUT"],
    ["a negative weight", { weightGrams: -5 }, "input.shipments[1].weightGrams", "BAD_USER_INPUT"],
    ["an unknown PIN", { destinationPincode: "560999" }, "input.shipments[1].destinationPincode", "BAD_USER_INPUT"],
    ["an unknown pickup location", { pickupLocationCode: "NOWHERE" }, "input.shipments[1].pickupLocationCode", "BAD_USER_INPUT"],
    ["a product not yet offered", { productCode: "INDIA_POST_PARCEL" }, "input.shipments[1].productCode", "BAD_USER_INPUT"],
    ["a zone-9 PIN without an APO", { destinationPincode: "900099" }, "input.shipments[1].armyPostOffice", "BAD_USER_INPUT"],
    ["a booking in the future", { bookedAt: "2999-01-01T00:00:00Z" }, "input.shipments[1].bookedAt", "BAD_USER_INPUT"],
    ["a changed booking fact", { trackingNumber: s10("EE", 10_001), weightGrams: 751 }, "input.shipments[1].weightGrams", "CONFLICT"],
  ])("refuses %s, naming the item and field, and writes nothing", async (_, overrides, field, code) => {
    const before = await counts();
    const result = await graph.execute(RecordShipmentsDocument, {
      input: { shipments: [shipment(20_000), shipment(20_001, overrides)] },
    });
    expect(result.data).toBeNull();
    expect(result.errors?.[0]?.extensions).toMatchObject({ code, field, index: 1 });
    expect(await counts()).toEqual(before);
  });

  it("refuses a bad tracking number with the item's path, and an oversize batch", async () => {
    const before = await counts();
    const bad = await graph.execute(RecordShipmentsDocument, {
      input: { shipments: [shipment(20_000), { ...shipment(20_001), trackingNumber: "EE123456789IN" }] },
    });
    expect(bad.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(bad.errors?.[0]?.message).toContain("input.shipments[1].trackingNumber");
    expect(bad.errors?.[0]?.message).toContain("check digit");
    const big = await graph.execute(RecordShipmentsDocument, { input: { shipments: Array.from({ length: 1001 }, (_, i) => shipment(30_000 + i)) } });
    expect(big.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.shipments", max: 1000 });
    expect(await counts()).toEqual(before);
  });

  it("accepts the UPU S10 examples and normalises spaces and case", async () => {
    const valid = ["RR287043775IN", "EQ949022774IN", "PP116215523IN", "EB126023770IN", "RM019388105IN", "ee 123 456 785 in"];
    const result = await graph.execute(RecordShipmentsDocument, {
      input: { shipments: valid.map((trackingNumber) => ({ ...shipment(0), trackingNumber })) },
    });
    expect(result.errors).toBeUndefined();
    expect(result.data!.recordShipments.shipments.map((s) => s.trackingNumber)).toEqual([
      "RR287043775IN",
      "EQ949022774IN",
      "PP116215523IN",
      "EB126023770IN",
      "RM019388105IN",
      "EE123456785IN",
    ]);
    for (const invalid of ["EE123456789IN", "RK169063347IN"]) {
      const refused = await graph.execute(TrackShipmentDocument, { trackingNumber: invalid });
      expect(refused.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    }
  });

  it("fills facts learnt later (declared value, scan office name) as updates, in one statement each", async () => {
    const later = await graph.execute(RecordShipmentsDocument, {
      input: { shipments: [shipment(10_004, { declaredValue: 1499.5 }), shipment(10_005, { declaredValue: 10 })] },
    });
    expect(later.errors).toBeUndefined();
    expect(later.data!.recordShipments).toMatchObject({ created: 0, updated: 2, unchanged: 0 });
    const value = await graph.execute(`{ shipment(trackingNumber: "${s10("EE", 10_004)}") { declaredValue { paise } } }`);
    expect(value.data).toEqual({ shipment: { declaredValue: { paise: 149_950 } } });
    const scan = { trackingNumber: s10("EE", 10_004), event: "Item Bagged", occurredAt: "2024-08-05T12:00:00+05:30" };
    expect((await graph.execute(RecordScanEventsDocument, { input: { events: [scan] } })).data!.recordScanEvents).toMatchObject({ created: 1 });
    const filled = await graph.execute(RecordScanEventsDocument, { input: { events: [{ ...scan, officeName: "Delhi GPO" }] } });
    expect(filled.data!.recordScanEvents).toMatchObject({ created: 0, updated: 1, unchanged: 0 });
  });

  it("keeps status monotonic: an out-of-order scan is stored but never moves the shipment backwards", async () => {
    const trackingNumber = s10("EE", 10_001);
    const scan = (event: string, occurredAt: string, extra: Record<string, unknown> = {}) => ({ trackingNumber, event, occurredAt, ...extra });
    const delivered = await graph.execute(RecordScanEventsDocument, {
      input: {
        events: [
          scan("Item Booked", "2024-08-05T10:05:00+05:30"),
          scan("Out for Delivery", "2024-08-09T09:00:00+05:30"),
          scan("Item delivery attempted - Door locked", "2024-08-09T14:00:00+05:30"),
          scan("Item Delivered (Addressee)", "2024-08-10T12:00:00+05:30"),
        ],
      },
    });
    expect(delivered.errors).toBeUndefined();
    expect(delivered.data!.recordScanEvents.shipments[0]).toMatchObject({ status: "DELIVERED", attempts: 1 });
    const late = await graph.execute(RecordScanEventsDocument, { input: { events: [scan("Item Dispatched", "2024-08-06T08:00:00+05:30")] } });
    expect(late.errors).toBeUndefined();
    expect(late.data!.recordScanEvents).toMatchObject({ created: 1, shipments: [{ status: "DELIVERED" }] });
    const retry = await graph.execute(RecordScanEventsDocument, { input: { events: [scan("DISPATCHED", "2024-08-06T08:00:00+05:30")] } });
    expect(retry.data!.recordScanEvents).toMatchObject({ created: 0, unchanged: 1 });
    const tracked = await graph.execute(TrackShipmentDocument, { trackingNumber });
    expect(tracked.data!.shipment!.events.map((e) => e.eventType)).toEqual(["BOOKED", "DISPATCHED", "OUT_FOR_DELIVERY", "DELIVERY_ATTEMPTED", "DELIVERED"]);
    expect(tracked.data!.shipment!.events[3]!.failedReason).toBe("DOOR_LOCKED");
    expect(tracked.data!.shipment).toMatchObject({ status: "DELIVERED", attempts: 1, onTime: expect.any(Boolean) });
  });

  it("never counts a return as a delivery", async () => {
    const trackingNumber = s10("EE", 10_002);
    const result = await graph.execute(RecordScanEventsDocument, {
      input: {
        events: [
          { trackingNumber, event: "Item Returned to Sender", occurredAt: "2024-08-12T10:00:00+05:30" },
          { trackingNumber, event: "Item Delivered (Sender)", occurredAt: "2024-08-16T10:00:00+05:30" },
        ],
      },
    });
    expect(result.data!.recordScanEvents.shipments[0]).toMatchObject({ status: "RTO_DELIVERED", deliveredAt: null });
    const stats = await graph.execute(ShipmentStatsDocument, { filter: { status: ["DELIVERED"] }, groupBy: ["STATUS"] });
    expect(root(stats, "shipmentStats")).toEqual([expect.objectContaining({ status: "DELIVERED", shipments: 1, delivered: 1, returned: 0 })]);
    // A return under way: shipmentStats counted RTO_INITIATED as returned; the KPI RETURN_TO_ORIGIN, which it now
    // gives, counts only returns delivered to the sender.
    const returning = s10("EE", 10_007);
    await graph.execute(RecordScanEventsDocument, { input: { events: [{ trackingNumber: returning, event: "Item Returned to Sender", occurredAt: "2024-08-12T10:00:00+05:30" }] } });
    const byStatus = await graph.execute(ShipmentStatsDocument, { filter: { status: ["RTO_INITIATED", "RTO_DELIVERED"] }, groupBy: ["STATUS"] });
    expect(root(byStatus, "shipmentStats").map(({ status, shipments, delivered, returned }) => ({ status, shipments, delivered, returned }))).toEqual([
      { status: "RTO_DELIVERED", shipments: 1, delivered: 0, returned: 1 },
      { status: "RTO_INITIATED", shipments: 1, delivered: 0, returned: 0 },
    ]);
  });

  it("refuses a scan for an unknown tracking number or with unmappable text, writing nothing", async () => {
    const before = await counts();
    const unknown = await graph.execute(RecordScanEventsDocument, {
      input: { events: [{ trackingNumber: s10("EE", 99_999), event: "Item Booked", occurredAt: "2024-08-05T10:00:00Z" }] },
    });
    expect(unknown.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.events[0].trackingNumber", index: 0 });
    const gibberish = await graph.execute(RecordScanEventsDocument, {
      input: {
        events: [
          { trackingNumber: s10("EE", 10_003), event: "Item Booked", occurredAt: "2024-08-05T11:00:00+05:30" },
          { trackingNumber: s10("EE", 10_003), event: "Teleported to Mars", occurredAt: "2024-08-06T10:00:00Z" },
        ],
      },
    });
    expect(gibberish.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.events[1].event", index: 1 });
    expect(await counts()).toEqual(before);
  });

  it("remits COD cash in batches whose amount must equal the shipments' sum", async () => {
    const cod = s10("EE", 10_000); // index 0: COD ₹499 to 744101
    await graph.execute(RecordScanEventsDocument, {
      input: { events: [{ trackingNumber: cod, event: "DELIVERED", occurredAt: "2024-08-11T12:00:00+05:30" }] },
    });
    const input = { reference: "UTR-TEST-0001", remittedOn: "2024-08-20", amount: 499, shipments: [{ trackingNumber: cod }] };
    const wrong = await graph.execute(RecordCodRemittanceDocument, { input: { ...input, amount: 500 } });
    expect(wrong.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.amount", amountPaise: 50_000, shipmentsSumPaise: 49_900 });
    expect(wrong.errors?.[0]?.message).toContain("₹500.00");
    expect(wrong.errors?.[0]?.message).toContain("₹499.00");
    const prepaid = await graph.execute(RecordCodRemittanceDocument, {
      input: { ...input, amount: 0.01, shipments: [{ trackingNumber: s10("EE", 10_001) }] },
    });
    expect(prepaid.errors?.[0]?.extensions).toMatchObject({ index: 0, field: "input.shipments[0].trackingNumber" });
    const ok = await graph.execute(RecordCodRemittanceDocument, { input });
    expect(ok.errors).toBeUndefined();
    expect(ok.data!.recordCodRemittance).toMatchObject({ created: 1, remittance: { amount: { paise: 49_900, formatted: "₹499.00" }, shipmentCount: 1 } });
    const retry = await graph.execute(RecordCodRemittanceDocument, { input });
    expect(retry.data!.recordCodRemittance).toMatchObject({ created: 0, unchanged: 1 });
    const status = await graph.execute(`{ shipment(trackingNumber: "${cod}") { codStatus remittance { reference } codAmount { formatted } codFee { paise } } }`);
    expect(status.data).toEqual({
      shipment: { codStatus: "REMITTED", remittance: { reference: "UTR-TEST-0001" }, codAmount: { formatted: "₹499.00" }, codFee: { paise: 5000 } },
    });
  });

  it("says the data is real when no row came from the demo generator", async () => {
    const result = await graph.execute("{ dataProvenance { containsSyntheticData rows { kind real synthetic } } }");
    const provenance = (result.data as { dataProvenance: { containsSyntheticData: boolean; rows: { kind: string; real: number; synthetic: number }[] } }).dataProvenance;
    expect(provenance.containsSyntheticData).toBe(false);
    expect(provenance.rows.find((r) => r.kind === "shipments")!.real).toBeGreaterThanOrEqual(1000);
    expect(result.statements).toBe(1);
  });

  it("filters, pages and groups shipments", async () => {
    const page1 = await graph.execute(ShipmentsDocument, { filter: { paymentMode: "COD", bookedInQuarter: "Q2 FY25" }, first: 100 });
    expect(root(page1, "shipments").totalCount).toBe(334);
    expect(root(page1, "shipments").nodes).toHaveLength(100);
    const page2 = await graph.execute(ShipmentsDocument, { filter: { paymentMode: "COD" }, first: 300, after: root(page1, "shipments").pageInfo.endCursor });
    expect(root(page2, "shipments").nodes).toHaveLength(234);
    expect(root(page2, "shipments").pageInfo.hasNextPage).toBe(false);
    const byState = await graph.execute(ShipmentStatsDocument, { groupBy: ["DESTINATION_STATE", "PAYMENT_MODE"] });
    expect(root(byState, "shipmentStats")).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ destinationState: "Andaman & Nicobar Islands", paymentMode: "COD", shipments: 334, codShipments: 334 }),
        expect.objectContaining({ destinationState: "Ladakh", paymentMode: "PREPAID" }),
      ]),
    );
    const quarters = await graph.execute(ShipmentStatsDocument, { groupBy: ["BOOKING_QUARTER"] });
    expect(root(quarters, "shipmentStats").map((g) => g.bookingQuarter)).toEqual(["FY2024-25-Q2"]);
  });

  it("answers the deprecated shipmentStats through shipmentAggregates, with the KPIs' definitions", async () => {
    const stats = await graph.execute(ShipmentStatsDocument, { groupBy: ["STATUS", "PAYMENT_MODE"] });
    const aggregates = await graph.execute(`{ shipmentAggregates(groupBy: [{ dimension: STATUS }, { dimension: PAYMENT_MODE }]) {
      status paymentMode bookedVolume { value } deliveredVolume { value } returnToOrigin { numerator }
      transitDaysMean { value } transitDaysP90 { value } codCollected { value } } }`);
    type Aggregate = Record<"bookedVolume" | "deliveredVolume" | "transitDaysMean" | "transitDaysP90" | "codCollected", { value: number | null }> & {
      status: string;
      paymentMode: string;
      returnToOrigin: { numerator: number };
    };
    const expected = (aggregates.data as { shipmentAggregates: Aggregate[] }).shipmentAggregates.map((a) => ({
      status: a.status,
      paymentMode: a.paymentMode,
      shipments: a.bookedVolume.value,
      delivered: a.deliveredVolume.value,
      returned: a.returnToOrigin.numerator,
      meanTransitDays: a.transitDaysMean.value,
      p90TransitDays: a.transitDaysP90.value,
      codAmount: a.codCollected.value === null ? null : Math.round(a.codCollected.value * 100),
    }));
    const groups = root(stats, "shipmentStats").map((g) => ({
      status: g.status,
      paymentMode: g.paymentMode,
      shipments: g.shipments,
      delivered: g.delivered,
      returned: g.returned,
      meanTransitDays: g.meanTransitDays,
      p90TransitDays: g.p90TransitDays,
      codAmount: g.codAmount?.paise ?? null,
    }));
    expect(groups).toEqual(expected);
    expect(groups.some((g) => g.delivered! > 0 && g.p90TransitDays !== null)).toBe(true);
    // COD bookings are no KPI: the same groups counted over the COD shipments.
    expect(root(stats, "shipmentStats").map((g) => [g.status, g.paymentMode, g.codShipments])).toEqual(
      expected.map((g) => [g.status, g.paymentMode, g.paymentMode === "COD" ? g.shipments : 0]),
    );
    // Its own statement is gone: one aggregate statement, and a second only for codShipments.
    const counts = await graph.execute("{ shipmentStats(groupBy: [STATUS]) { status shipments returned } }");
    expect(counts.sql.map((s) => s.match(/\/\* (\w+) \*\//)?.[1])).toEqual(["aggregateShipments"]);
    const withCod = await graph.execute("{ shipmentStats(groupBy: [STATUS]) { status codShipments } }");
    expect(withCod.sql.map((s) => s.match(/\/\* (\w+) \*\//)?.[1])).toEqual(["aggregateShipments", "aggregateShipments"]);
  });

  it("serves the dashboard (locations → latest shipments → office and last scan) in a constant number of statements", async () => {
    const small = await graph.execute(PickupDashboardDocument, { latest: 2 });
    const large = await graph.execute(PickupDashboardDocument, { latest: 20 });
    expect(large.errors).toBeUndefined();
    expect(large.data!.pickupLocations[0]!.shipments!.nodes).toHaveLength(20);
    expect(large.data!.pickupLocations[0]!.shipments!.totalCount).toBeGreaterThanOrEqual(1000);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(8);
  });

  it("answers every Shipment field through a nested page as through the top-level connection", async () => {
    const type = (await createSchema()).getType("Shipment") as GraphQLObjectType;
    // Each field of Shipment alone (object fields by one scalar of theirs), through a nested page (the page
    // loader's rows) and through the top-level connection (its filtered read): the answers must be equal.
    const sub: Record<string, string> = { product: "{ code }", codAmount: "{ paise }", codFee: "{ paise }", remittance: "{ reference }",
      declaredValue: "{ paise }", pickupLocation: "{ code }", destination: "{ code }", deliveryOffice: "{ name }",
      events: "{ eventType occurredAt }", lastEvent: "{ eventType occurredAt }" };
    const selection = (name: string) => `trackingNumber bookingDate ${name} ${sub[name] ?? ""}`;
    type Node = { trackingNumber: string; bookingDate: string } & Record<string, unknown>;
    for (const field of Object.values(type.getFields())) {
      const nested = await graph.execute(`{ pickupLocations { code shipments(first: 25) { nodes { ${selection(field.name)} } } } }`);
      expect(nested.errors, field.name).toBeUndefined();
      const locations = (nested.data as { pickupLocations: { code: string; shipments: { nodes: Node[] } }[] }).pickupLocations;
      let compared = 0;
      for (const location of locations) {
        const whole = await graph.execute(`query ($c: [String!]) { shipments(filter: { pickupLocationCode: $c }, first: 25) { nodes { ${selection(field.name)} } } }`, { c: [location.code] });
        expect(whole.errors, field.name).toBeUndefined();
        expect(location.shipments.nodes, `${field.name} at ${location.code}`).toEqual((whole.data as { shipments: { nodes: Node[] } }).shipments.nodes);
        compared += location.shipments.nodes.length;
      }
      expect(compared, field.name).toBeGreaterThanOrEqual(25);
    }
  });

  /** Every shipment with the values the filter and order tests compare, read page by page. */
  const SNAPSHOT_FIELDS = `trackingNumber bookingDate bookedAt status paymentMode weightGrams attempts deliveredAt deliveryDate transitDays onTime
    productCode routeClass codAmount { paise } destinationPincode pickupLocation { code } destination { primaryState primaryDistrict } deliveryOffice { name }`;
  type Snapshot = Record<string, unknown> & { trackingNumber: string };
  const everyShipment = async (): Promise<Snapshot[]> => {
    const all: Snapshot[] = [];
    let after: string | null = null;
    for (;;) {
      const page: { data?: unknown; errors?: unknown } = await graph.execute(
        `query ($after: String) { shipments(first: 500, after: $after) { pageInfo { hasNextPage endCursor } nodes { ${SNAPSHOT_FIELDS} } } }`,
        { after },
      );
      expect(page.errors).toBeUndefined();
      const { nodes, pageInfo } = (page.data as { shipments: { nodes: Snapshot[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }).shipments;
      all.push(...nodes);
      if (!pageInfo.hasNextPage) return all;
      after = pageInfo.endCursor;
    }
  };
  const numbersWhere = async (where: unknown): Promise<string[]> => {
    const numbers: string[] = [];
    let after: string | null = null;
    for (;;) {
      const result: { data?: unknown; errors?: unknown } = await graph.execute(
        `query ($w: ShipmentWhere, $after: String) { shipments(where: $w, first: 500, after: $after) { totalCount pageInfo { hasNextPage endCursor } nodes { trackingNumber } } }`,
        { w: where, after },
      );
      expect(result.errors, JSON.stringify(where)).toBeUndefined();
      const { totalCount, nodes, pageInfo } = (result.data as { shipments: { totalCount: number; nodes: { trackingNumber: string }[]; pageInfo: { hasNextPage: boolean; endCursor: string } } }).shipments;
      numbers.push(...nodes.map((n) => n.trackingNumber));
      if (!pageInfo.hasNextPage) {
        expect(numbers).toHaveLength(totalCount);
        return numbers.sort();
      }
      after = pageInfo.endCursor;
    }
  };

  it("filters by any field with and / or / not and per-type operators, through relations, as a reference computed from every row", async () => {
    const all = await everyShipment();
    expect(all.length).toBeGreaterThan(1000);
    const cod = (s: Snapshot) => (s.codAmount as { paise: number } | null)?.paise ?? null;
    const cases: [unknown, (s: Snapshot) => boolean][] = [
      [{ paymentMode: { eq: "COD" }, not: { status: { in: ["DELIVERED", "RTO_DELIVERED"] } } }, (s) => s.paymentMode === "COD" && !["DELIVERED", "RTO_DELIVERED"].includes(s.status as string)],
      [{ or: [{ weightGrams: { gt: 1000 } }, { attempts: { gte: 1 } }] }, (s) => (s.weightGrams as number) > 1000 || (s.attempts as number) >= 1],
      [{ destination: { primaryState: { startsWith: "andaman" } } }, (s) => ((s.destination as { primaryState: string } | null)?.primaryState ?? "").toLowerCase().startsWith("andaman")],
      [{ codAmount: { gte: 500, lt: 2000 } }, (s) => cod(s) !== null && cod(s)! >= 50000 && cod(s)! < 200000],
      [{ deliveredAt: { isNull: false }, transitDays: { gte: 0 } }, (s) => s.deliveredAt !== null && (s.transitDays as number) >= 0],
      [{ deliveryDate: { isNull: true }, bookingDate: { gte: "2024-08-05", lte: "2024-09-30" } }, (s) => s.deliveryDate === null && (s.bookingDate as string) >= "2024-08-05" && (s.bookingDate as string) <= "2024-09-30"],
      [{ pickupLocation: { code: { in: ["DEL-GPO"] } }, and: [{ paymentMode: { ne: "COD" } }] }, (s) => (s.pickupLocation as { code: string }).code === "DEL-GPO" && s.paymentMode !== "COD"],
      // A null onTime (not delivered) matches neither the condition nor its not.
      [{ not: { onTime: { eq: false } } }, (s) => s.onTime === true],
      [{ onTime: { eq: true } }, (s) => s.onTime === true],
      [{ or: [] }, () => false],
    ];
    for (const [where, predicate] of cases) {
      const expected = all.filter(predicate).map((s) => s.trackingNumber).sort();
      if (JSON.stringify(where) !== '{"or":[]}') expect(expected.length, `${JSON.stringify(where)} selects some rows but not all`).toBeGreaterThan(0);
      expect(expected.length).toBeLessThan(all.length);
      // Compared as sets of tracking numbers: a reused number counts once per booking on both sides.
      expect(await numbersWhere(where), JSON.stringify(where)).toEqual(expected);
    }
    // Post offices take the same generated filter, through their PIN area too, as the earlier filter finds them.
    const offices = async (args: string) => (await graph.execute(`{ postOffices(${args}, first: 100) { totalCount nodes { id } } }`)).data as { postOffices: { totalCount: number; nodes: { id: string }[] } };
    const byWhere = await offices(`where: { pincode: { primaryState: { eq: "Delhi" } }, name: { contains: "new" } }`);
    expect(byWhere.postOffices.totalCount).toBeGreaterThan(0);
    expect(byWhere).toEqual(await offices(`filter: { state: "Delhi", nameContains: "new" }`));
    const locations = await graph.execute(`{ pickupLocations(where: { code: { startsWith: "del" } }, orderBy: [{ field: DAILY_CAPACITY, direction: DESC }]) { code } }`);
    expect(locations.errors).toBeUndefined();
    expect((locations.data as { pickupLocations: { code: string }[] }).pickupLocations.map((l) => l.code)).toEqual(["DEL-GPO"]);
    // 500 tracking numbers in one filter; 501 are refused naming the list.
    const numbers = all.slice(0, 500).map((s) => s.trackingNumber);
    expect(await numbersWhere({ trackingNumber: { in: numbers } })).toEqual(all.filter((s) => numbers.includes(s.trackingNumber)).map((s) => s.trackingNumber).sort());
    const tooMany = await graph.execute(`query ($w: ShipmentWhere) { shipments(where: $w) { totalCount } }`, { w: { trackingNumber: { in: [...numbers, "EE000000000IN"] } } });
    expect(tooMany.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "where.trackingNumber.in" });
    const badMoney = await graph.execute(`query ($w: ShipmentWhere) { shipments(where: $w) { totalCount } }`, { w: { codAmount: { eq: 1.005 } } });
    expect(badMoney.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "where.codAmount.eq" });
    const hugeMoney = await graph.execute(`query ($w: ShipmentWhere) { shipments(where: $w) { totalCount } }`, { w: { or: [{ codAmount: { in: [5, 1e20] } }] } });
    expect(hugeMoney.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "where.or[0].codAmount.in[1]" });
    // One statement for the page and its count, whatever the filter (the single statement answers it); the resolvers
    // take one for the page and one for the count.
    const counted = await graph.execute(`{ shipments(where: { destination: { primaryState: { eq: "Ladakh" } }, or: [{ weightGrams: { gt: 10 } }] }, first: 5) { totalCount nodes { trackingNumber } } }`);
    expect(counted.statements).toBe(1);
    const resolved = await graph.execute(`{ shipments(where: { destination: { primaryState: { eq: "Ladakh" } }, or: [{ weightGrams: { gt: 10 } }] }, first: 5) { totalCount nodes { trackingNumber codAmount { paise } } } }`);
    expect(resolved.statements).toBe(2);
  });

  it("orders by every order key either way, pages forward and backward through the same rows, and refuses another order's cursor", async () => {
    const schema = await createSchema();
    const keys = (schema.getType("ShipmentOrderField") as GraphQLEnumType).getValues().map((v) => v.name);
    expect(keys.length).toBeGreaterThan(15);
    const all = await everyShipment();
    // A spread of rows: delivered and not, COD and prepaid, each pickup location, so nulls and ties occur.
    const spread = all.filter((_, i) => i % Math.ceil(all.length / 40) === 0);
    const picked = [...new Set([...all.filter((s) => s.deliveredAt !== null).slice(0, 8), ...spread].map((s) => s.trackingNumber))];
    const where = { trackingNumber: { in: picked } };
    type Page = { shipments: { nodes: { trackingNumber: string; bookingDate: string }[]; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string } } };
    const read = async (orderBy: unknown, page: Record<string, unknown>) => {
      const result = await graph.execute(
        `query ($w: ShipmentWhere, $o: [ShipmentOrderBy!], $first: Int, $after: String, $last: Int, $before: String) {
          shipments(where: $w, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
            nodes { trackingNumber bookingDate } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`,
        { w: where, o: orderBy, ...page },
      );
      expect(result.errors, `${JSON.stringify({ orderBy, page })}: ${JSON.stringify(result.errors)}`).toBeUndefined();
      return (result.data as Page).shipments;
    };
    const id = (n: { trackingNumber: string; bookingDate: string }) => `${n.trackingNumber}/${n.bookingDate}`;
    for (const field of keys) {
      for (const direction of ["ASC", "DESC"]) {
        const orderBy = [{ field, direction }];
        const whole = (await read(orderBy, { first: 100 })).nodes.map(id);
        expect(new Set(whole).size).toBe(whole.length);
        const forward: string[] = [];
        let after: string | null = null;
        for (let page = await read(orderBy, { first: 13 }); ; page = await read(orderBy, { first: 13, after })) {
          forward.push(...page.nodes.map(id));
          if (!page.pageInfo.hasNextPage) break;
          after = page.pageInfo.endCursor;
        }
        expect(forward, `${field} ${direction} forward`).toEqual(whole);
        const backward: string[] = [];
        let before: string | null = null;
        for (let page = await read(orderBy, { last: 13 }); ; page = await read(orderBy, { last: 13, before })) {
          backward.unshift(...page.nodes.map(id));
          if (!page.pageInfo.hasPreviousPage) break;
          before = page.pageInfo.startCursor;
        }
        expect(backward, `${field} ${direction} backward`).toEqual(whole);
      }
    }
    // Sorted as stated, null greatest: by delivery time, then weight descending.
    const byTime = await graph.execute(`query ($w: ShipmentWhere) { shipments(where: $w, first: 100, orderBy: [{ field: DELIVERED_AT }, { field: WEIGHT_GRAMS, direction: DESC }]) { nodes { deliveredAt weightGrams } } }`, { w: where });
    const rows = (byTime.data as { shipments: { nodes: { deliveredAt: string | null; weightGrams: number }[] } }).shipments.nodes;
    const rank = (r: { deliveredAt: string | null; weightGrams: number }) => [r.deliveredAt ?? "9999", String(1e9 - r.weightGrams).padStart(10, "0")].join("|");
    expect(rows.map(rank)).toEqual([...rows.map(rank)].sort());
    expect(rows.some((r) => r.deliveredAt === null) && rows.some((r) => r.deliveredAt !== null)).toBe(true);
    const cursor = (await read([{ field: "WEIGHT_GRAMS" }], { first: 1 })).pageInfo.endCursor;
    const foreign = await graph.execute(`query ($c: String) { shipments(first: 1, after: $c, orderBy: [{ field: ATTEMPTS }]) { totalCount } }`, { c: cursor });
    expect(foreign.errors![0]!.extensions).toMatchObject({ code: "INVALID_CURSOR", field: "after" });
    const both = await graph.execute(`{ shipments(first: 1, last: 1) { totalCount } }`);
    expect(both.errors![0]!.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "last" });
  });
});
