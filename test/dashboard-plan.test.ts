import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PickupDashboardDocument, RecordShipmentsDocument, SearchPostOfficesDocument, type ShipmentInput, UpsertPickupLocationDocument } from "../src/generated/operations.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { listBookingPartitions } from "../src/modules/shipment/shipment-partition.repository.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { DIRECTORY_FIXTURE } from "./support/delhi-pickup.js";
import { createTestGraph, root, type GraphResult, type TestGraph } from "./support/graph.js";
import { explain, type PlanKind, shipmentScans } from "./support/plans.js";

/*
 * The pickup dashboard's plan holds whatever the data: a location with no shipments, or none recent, costs
 * what a busy one costs. Each path's statements (the single statement; the resolvers' page loader) are run
 * again under EXPLAIN ANALYZE with the parameters they were sent with, and no scan of `shipment` may examine
 * more rows than the dashboard returns (plus the one row per location and quarter partition a page reads to see past
 * its end).
 * A plan that walks the (booked_at, id) index keeping one location's rows reads the whole table for the
 * empty and the closed location: thousands of rows here.
 */

const BUSY = ["BUSY-A", "BUSY-B", "BUSY-C", "BUSY-D", "BUSY-E", "BUSY-F"];
const PER_BUSY = 600;
const CLOSED = "CLOSED-2021";
const CLOSED_SHIPMENTS = 150;
const EMPTY = "NEW-EMPTY";
const LATEST = 20;

function s10(serial: number): string {
  const digits = String(serial).padStart(8, "0");
  return `EE${digits}${s10CheckDigit(digits)}IN`;
}

/** A booking `minutes` after `start`, at the location. */
function booking(serial: number, location: string, start: number, minutes: number): ShipmentInput {
  return {
    trackingNumber: s10(serial),
    bookedAt: new Date(start + minutes * 60_000).toISOString(),
    productCode: "EXPRESS_PARCEL",
    paymentMode: "PREPAID",
    weightGrams: 500,
    pickupLocationCode: location,
    destinationPincode: "194401",
  } as ShipmentInput;
}

describe.each(engines)("the pickup dashboard's plan on %s", (engine) => {
  let db: TestDatabase;
  let single: TestGraph;
  let resolvers: TestGraph;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    await importPostOfficeCsv(db.database, DIRECTORY_FIXTURE, {});
    single = await createTestGraph(db.database);
    resolvers = await createTestGraph(db.database, {}, { singleStatement: false });
    const offices = await single.execute(SearchPostOfficesDocument, { filter: { pincode: "110001" } });
    const postOfficeId = root(offices, "postOffices").nodes[0]!.id;
    const locations = [
      ...BUSY.map((code) => ({ code, activeFrom: "2021-01-01" })),
      { code: CLOSED, activeFrom: "2021-01-01", activeTo: "2021-12-31" },
      { code: EMPTY, activeFrom: "2026-09-01" },
    ];
    for (const location of locations) {
      const made = await single.execute(UpsertPickupLocationDocument, {
        input: { name: location.code, postOfficeId, city: "New Delhi", dailyCapacity: 5000, ...location },
      });
      expect(made.errors).toBeUndefined();
    }
    // Recorded in booking order, as a live table fills: the closed location's 2021 bookings, then the busy ones
    // in turns from April 2025 (their rows interleave). The table is then stored in booked_at order, which makes
    // walking the (booked_at, id) index look cheap to the planner: the trap this test is about.
    const bookings: ShipmentInput[] = [];
    const recent = Date.parse("2025-04-01T04:30:00Z");
    for (let i = 0; i < CLOSED_SHIPMENTS; i++) bookings.push(booking(50_000 + i, CLOSED, Date.parse("2021-02-01T04:30:00Z"), i * 600));
    for (let i = 0; i < PER_BUSY * BUSY.length; i++) bookings.push(booking(10_000 + i, BUSY[i % BUSY.length]!, recent, i * 60));
    for (let i = 0; i < bookings.length; i += 1000) {
      const recorded = await single.execute(RecordShipmentsDocument, { input: { shipments: bookings.slice(i, i + 1000) } });
      expect(recorded.errors).toBeUndefined();
    }
    // Statistics as a settled database has them (autovacuum analyzes a server's tables; PGlite's only when told).
    await db.database.db.execute(sql`analyze shipment`);
  });
  afterAll(async () => {
    await single?.stop();
    await resolvers?.stop();
    await db?.drop();
  });

  /** Every statement of the run that reads `shipment`, explained: its scans of `shipment` and what each examined. */
  async function shipmentReads(run: GraphResult<unknown>, generic: boolean) {
    const reads: { statement: string; plan: PlanKind; scans: { scan: string; rows: number }[] }[] = [];
    for (const [i, text] of run.sql.entries()) {
      if (!/\bshipment\b/.test(text)) continue;
      const plans = await explain(db.database, text, run.parameters[i]!, generic);
      for (const [plan, root] of Object.entries(plans)) reads.push({ statement: text, plan: plan as PlanKind, scans: shipmentScans(root) });
    }
    return reads;
  }

  // The single statement reads each page's rows, planned with and without its parameters; the resolvers read each
  // location's page whole through its index walk (joined back by id, the rows were read from every quarter partition
  // of shipment), planned with their parameters.
  it.each([
    ["the single statement", () => single, { statement: "/* singleStatement PickupDashboard */", generic: true, scans: 2 }],
    ["the resolvers", () => resolvers, { statement: "/* findLatestShipmentsPerParent */", generic: false, scans: 1 }],
  ] as const)("reads no more shipments through %s than the dashboard shows, an empty and a closed location among busy ones", async (_, graph, expected) => {
    const run = await graph().execute(PickupDashboardDocument, { latest: LATEST });
    expect(run.errors).toBeUndefined();
    const locations = run.data!.pickupLocations;
    const shown = new Map(locations.map((l) => [l.code, l.shipments!.nodes.length]));
    expect(Object.fromEntries(shown)).toEqual({ ...Object.fromEntries(BUSY.map((c) => [c, LATEST])), [CLOSED]: LATEST, [EMPTY]: 0 });
    expect(locations.find((l) => l.code === CLOSED)!.shipments!.nodes.every((n) => n.bookedAt.startsWith("2021-"))).toBe(true);

    const returned = [...shown.values()].reduce((a, b) => a + b, 0);
    const reads = await shipmentReads(run as GraphResult<unknown>, expected.generic);
    expect(reads.filter((r) => r.plan === "custom").map((r) => r.statement.includes(expected.statement))).toEqual([true]);
    expect(reads.flatMap((r) => r.scans)).toHaveLength(expected.scans);
    // A page merged from shipment's quarter partitions (Merge Append) reads one row past its end in each partition.
    const partitions = (await listBookingPartitions(db.database.db)).filter((p) => p.parent === "shipment").length;
    for (const read of reads) {
      for (const scan of read.scans) {
        expect(scan.rows, `${read.statement.slice(0, 60)} (${read.plan} plan): ${scan.scan}`).toBeLessThanOrEqual(returned + locations.length * partitions);
      }
    }
  });
});
