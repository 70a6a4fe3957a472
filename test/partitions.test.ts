import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordScanEventsDocument, RecordShipmentsDocument, SearchPostOfficesDocument, type ShipmentInput, TrackShipmentDocument, UpsertPickupLocationDocument } from "../src/generated/operations.js";
import { queryRows } from "../src/db/client.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { ensureBookingPartitions, ensurePartitionsAhead, listBookingPartitions } from "../src/modules/shipment/shipment-partition.repository.js";
import { bookingPartitionOfDay } from "../src/modules/shipment/shipment-partition.rules.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { DIRECTORY_FIXTURE } from "./support/delhi-pickup.js";
import { createTestGraph, type GraphResult, root, type TestGraph } from "./support/graph.js";
import { explain, partitionsRead } from "./support/plans.js";

/*
 * shipment and scan_event partitioned by booking quarter (migration 0016_partition_shipments): the partitions are
 * named and bounded by fiscal quarter, made before any write needs them, and the reads that name booking days read
 * only those days' quarters, which EXPLAIN shows on both engines, with the statements' parameters (custom plans)
 * and without them (generic plans, pruned when the executor starts).
 */

/** The quarters the test books into, one day in each, and how many bookings each gets. */
const QUARTERS = ["2023-11-15", "2024-02-15", "2024-05-15", "2024-08-15"] as const;
const PER_QUARTER = 120;
const LOCATIONS = ["PART-A", "PART-B"];

function s10(serial: number): string {
  const digits = String(serial).padStart(8, "0");
  return `EP${digits}${s10CheckDigit(digits)}IN`;
}

function booking(serial: number, day: string, minute: number): ShipmentInput {
  return {
    trackingNumber: s10(serial),
    // 10:00 IST plus a minute per booking: the same IST day for the first 840 bookings.
    bookedAt: new Date(Date.parse(`${day}T04:30:00Z`) + minute * 60_000).toISOString(),
    productCode: "EXPRESS_PARCEL",
    paymentMode: "PREPAID",
    weightGrams: 500,
    pickupLocationCode: LOCATIONS[serial % LOCATIONS.length]!,
    destinationPincode: "194401",
  } as ShipmentInput;
}

describe.each(engines)("shipments partitioned by booking quarter on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    await importPostOfficeCsv(db.database, DIRECTORY_FIXTURE, {});
    graph = await createTestGraph(db.database);
    const offices = await graph.execute(SearchPostOfficesDocument, { filter: { pincode: "110001" } });
    const postOfficeId = root(offices, "postOffices").nodes[0]!.id;
    for (const code of LOCATIONS) {
      const made = await graph.execute(UpsertPickupLocationDocument, {
        input: { code, name: code, postOfficeId, city: "New Delhi", dailyCapacity: 5000, activeFrom: "2013-01-01" },
      });
      expect(made.errors).toBeUndefined();
    }
    const bookings = QUARTERS.flatMap((day, q) => Array.from({ length: PER_QUARTER }, (_, i) => booking(q * PER_QUARTER + i, day, i)));
    const recorded = await graph.execute(RecordShipmentsDocument, { input: { shipments: bookings } });
    expect(recorded.errors).toBeUndefined();
    const scans = await graph.execute(RecordScanEventsDocument, {
      input: { events: bookings.map((b) => ({ trackingNumber: b.trackingNumber, event: "BAGGED", occurredAt: new Date(Date.parse(b.bookedAt as string) + 3_600_000).toISOString() })) },
    });
    expect(scans.errors).toBeUndefined();
    await db.database.db.execute(sql`analyze shipment, scan_event`);
  });
  afterAll(async () => {
    await graph?.stop();
    await db?.drop();
  });

  /** The partitions of `table` every statement of `run` reads, with its parameters and, when `generic`, without them. */
  async function partitionsOf(run: GraphResult<unknown>, table: "shipment" | "scan_event", generic: boolean) {
    const read = new Set<string>();
    for (const [i, text] of run.sql.entries()) {
      if (!new RegExp(`\\b${table}\\b`).test(text)) continue;
      for (const plan of Object.values(await explain(db.database, text, run.parameters[i]!, generic))) {
        for (const name of partitionsRead(plan, table)) read.add(name);
      }
    }
    return [...read].sort();
  }

  it("keeps each quarter's bookings and their scans in that quarter's partitions of both tables, named by fiscal quarter", async () => {
    const partitions = await listBookingPartitions(db.database.db);
    for (const day of QUARTERS) {
      for (const parent of ["shipment", "scan_event"] as const) {
        const name = bookingPartitionOfDay(parent, day);
        const quarterStart = partitions.find((p) => p.name === name);
        expect(quarterStart, name).toMatchObject({ parent });
        expect(day >= quarterStart!.from && day < quarterStart!.to, name).toBe(true);
        const [count] = await queryRows<{ n: number }>(db.database.db, sql`select count(*)::int as n from ${sql.identifier(name)}`);
        expect(count!.n, name).toBe(PER_QUARTER);
      }
    }
    expect(bookingPartitionOfDay("shipment", "2024-02-15")).toBe("shipment_fy2023_24_q4");
    expect(partitions.find((p) => p.name === "shipment_fy2023_24_q4")).toMatchObject({ from: "2024-01-01", to: "2024-04-01" });
  });

  it("makes the current quarter's and the next four quarters' partitions ahead, once", async () => {
    const now = new Date("2031-03-15T12:00:00Z");
    expect(await ensurePartitionsAhead(db.database.db, now)).toBe(10);
    expect(await ensurePartitionsAhead(db.database.db, now)).toBe(0);
    const names = new Set((await listBookingPartitions(db.database.db)).map((p) => p.name));
    for (const name of ["fy2030_31_q4", "fy2031_32_q1", "fy2031_32_q2", "fy2031_32_q3", "fy2031_32_q4"]) {
      expect(names.has(`shipment_${name}`) && names.has(`scan_event_${name}`), name).toBe(true);
    }
    expect(names.has("shipment_fy2032_33_q1")).toBe(false);
  });

  it("creates a missing quarter's partitions in the writing transaction: a booking there is stored, a rolled-back one leaves none", async () => {
    const before = new Set((await listBookingPartitions(db.database.db)).map((p) => p.name));
    expect(before.has("shipment_fy2016_17_q2")).toBe(false);
    const old = await graph.execute(RecordShipmentsDocument, { input: { shipments: [booking(9_000, "2016-08-01", 0)] } });
    expect(old.errors).toBeUndefined();
    expect(old.data!.recordShipments.created).toBe(1);
    const [stored] = await queryRows<{ n: number }>(db.database.db, sql`select count(*)::int as n from shipment_fy2016_17_q2`);
    expect(stored!.n).toBe(1);

    await expect(
      db.database.transaction(async ({ db: tx }) => {
        expect(await ensureBookingPartitions(tx, ["2015-05-05"])).toBe(2);
        throw new Error("rolled back");
      }),
    ).rejects.toThrow("rolled back");
    const after = new Set((await listBookingPartitions(db.database.db)).map((p) => p.name));
    expect(after.has("shipment_fy2015_16_q1") || after.has("scan_event_fy2015_16_q1")).toBe(false);
  });

  it("lets writers that need the same new quarter at once take turns, both succeeding", async () => {
    const both = await Promise.all(
      [0, 1].map((i) =>
        db.database.transaction(async ({ db: tx }) => {
          const made = await ensureBookingPartitions(tx, ["2014-12-01"]);
          await tx.execute(sql`select pg_sleep(${i === 0 ? 0.2 : 0})`);
          return made;
        }),
      ),
    );
    expect(both.sort()).toEqual([0, 2]);
  });

  it("reads only the booking day's quarter for a tracking lookup with its booking day", async () => {
    const day = QUARTERS[2];
    const run = await graph.execute(TrackShipmentDocument, { trackingNumber: s10(2 * PER_QUARTER + 7), bookingDate: day });
    expect(run.errors).toBeUndefined();
    expect(run.data!.shipment!.bookingDate).toBe(day);
    for (const generic of [false, true]) {
      expect(await partitionsOf(run as GraphResult<unknown>, "shipment", generic), `generic: ${generic}`).toEqual([bookingPartitionOfDay("shipment", day)]);
    }
  });

  // Whole months are answered from the monthly rollup, which reads no shipment at all: a range starting on the 2nd
  // makes the aggregate read the rows.
  it("reads only a quarter's partition for an aggregate of days in that quarter, and every partition for all time", async () => {
    const query = `query ($where: ShipmentWhere) { shipmentAggregates(where: $where, groupBy: [{ dimension: PRODUCT }]) { productCode bookedVolume { value } } }`;
    const quarter = await graph.execute<{ shipmentAggregates: { bookedVolume: { value: number } }[] }, Record<string, unknown>>(query, {
      where: { bookingDate: { gte: "2024-04-02", lte: "2024-06-30" } },
    });
    expect(quarter.errors).toBeUndefined();
    expect(quarter.data!.shipmentAggregates.map((g) => g.bookedVolume.value)).toEqual([PER_QUARTER]);
    for (const generic of [false, true]) {
      expect(await partitionsOf(quarter as GraphResult<unknown>, "shipment", generic), `generic: ${generic}`).toEqual([bookingPartitionOfDay("shipment", "2024-05-15")]);
    }
    const all = await graph.execute(query, { where: { bookingDate: { gte: "2013-01-02" } } });
    expect(all.errors).toBeUndefined();
    expect((await partitionsOf(all as GraphResult<unknown>, "shipment", false)).length).toBeGreaterThanOrEqual(QUARTERS.length);
  });

  it("reads only the asked quarters' partitions for a pickup location's bookings in them", async () => {
    const query = `query ($code: String!, $where: ShipmentWhere) { pickupLocation(code: $code) { shipments(first: 20, where: $where) { totalCount nodes { trackingNumber bookingDate } } } }`;
    const run = await graph.execute<{ pickupLocation: { shipments: { totalCount: number; nodes: { bookingDate: string }[] } } }, Record<string, unknown>>(query, {
      code: LOCATIONS[0],
      where: { bookingDate: { gte: "2023-10-01", lte: "2024-03-31" } },
    });
    expect(run.errors).toBeUndefined();
    expect(run.data!.pickupLocation.shipments.totalCount).toBe(PER_QUARTER);
    expect(run.data!.pickupLocation.shipments.nodes.every((n) => n.bookingDate === "2024-02-15")).toBe(true);
    const asked = [bookingPartitionOfDay("shipment", QUARTERS[0]), bookingPartitionOfDay("shipment", QUARTERS[1])].sort();
    for (const generic of [false, true]) {
      expect(await partitionsOf(run as GraphResult<unknown>, "shipment", generic), `generic: ${generic}`).toEqual(asked);
    }
  });
});
