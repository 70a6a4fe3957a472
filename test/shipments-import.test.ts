import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../src/db/client.js";
import { canDeferKeyChecks } from "../src/db/key-checks.js";
import { SearchPostOfficesDocument, TrackShipmentDocument, UpsertPickupLocationDocument } from "../src/generated/operations.js";
import { withRequestScope } from "../src/lib/request-scope.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { diffKpiRollups } from "../src/modules/kpi/kpi-rollup.repository.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { importShipmentsFile, ShipmentImportError } from "../src/modules/shipment/shipment.import.js";
import { listBookingPartitions } from "../src/modules/shipment/shipment-partition.repository.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, root, type TestGraph } from "./support/graph.js";

const FIXTURE = new URL("./fixtures/post-offices-current.csv", import.meta.url).pathname;

function s10(serial: number): string {
  const digits = String(serial).padStart(8, "0");
  return `CM${digits}${s10CheckDigit(digits)}IN`;
}

describe.each(engines)("dakgraph import shipments on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;
  let dir: string;

  const write = (name: string, text: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, text);
    return file;
  };
  const count = async (table: string) =>
    (await queryRows<{ n: number }>(db.database.db, sql`select count(*)::int as n from ${sql.identifier(table)}`))[0]!.n;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-import-"));
    db = await createTestDatabase(engine);
    await importPostOfficeCsv(db.database, FIXTURE, {});
    graph = await createTestGraph(db.database);
    const offices = await graph.execute(SearchPostOfficesDocument, { filter: { pincode: "110001" } });
    await graph.execute(UpsertPickupLocationDocument, {
      input: { code: "DEL-GPO", name: "Delhi GPO", postOfficeId: root(offices, "postOffices").nodes[0]!.id, city: "New Delhi", activeFrom: "2021-01-01", dailyCapacity: 5000 },
    });
  });
  afterAll(async () => {
    await graph?.stop();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("loads a CSV of shipments and scans, rejecting bad records with their line, and is idempotent", async () => {
    const csv = [
      "Tracking_Number,booked_at,product_code,payment_mode,cod_amount,weight_grams,pickup_location_code,destination_pincode,event,occurred_at",
      `${s10(1)},2024-08-05T10:00:00+05:30,BUSINESS_PARCEL,COD,1200,2500,DEL-GPO,194401,,`,
      `${s10(2)},2024-08-05T10:00:00+05:30,BUSINESS_PARCEL,PREPAID,,2500,DEL-GPO,744101,,`,
      `CM000000000IN,2024-08-05T10:00:00+05:30,BUSINESS_PARCEL,PREPAID,,2500,DEL-GPO,744101,,`,
      `${s10(3)},2024-08-05T10:00:00+05:30,BUSINESS_PARCEL,PREPAID,,-1,DEL-GPO,744101,,`,
      `${s10(4)},yesterday,BUSINESS_PARCEL,PREPAID,,2500,DEL-GPO,744101,,`,
      `${s10(1)},,,,,,,,Item Booked,2024-08-05T10:05:00+05:30`,
      `${s10(1)},,,,,,,,Item Delivered (Addressee),2024-08-12T11:00:00+05:30`,
      `${s10(9)},,,,,,,,Item Booked,2024-08-05T10:05:00+05:30`,
    ].join("\n");
    const file = write("batch.csv", `${csv}\n`);
    const report = await importShipmentsFile(db.database, file);
    expect(report).toMatchObject({ format: "csv", records: 8, shipments: { created: 2, unchanged: 0 }, events: { created: 2 }, rejected: 4 });
    expect(report.rejects.map((r) => r.line)).toEqual([4, 5, 6, 9]);
    expect(report.rejects[0]!.reason).toContain("check digit");
    expect(report.rejects[1]!.reason).toContain("weightGrams");
    expect(report.rejects[2]!.reason).toContain("bookedAt");
    expect(report.rejects[3]!.reason).toContain("matches no shipment");
    const tracked = await graph.execute(TrackShipmentDocument, { trackingNumber: s10(1) });
    expect(tracked.data!.shipment).toMatchObject({ status: "DELIVERED", paymentMode: "COD", routeClass: "REMOTE" });

    const again = await importShipmentsFile(db.database, file);
    expect(again).toMatchObject({ shipments: { created: 0, unchanged: 2 }, events: { created: 0, unchanged: 2 }, rejected: 4 });
    expect(await count("shipment")).toBe(2);
    expect(await count("scan_event")).toBe(2);
    // The bookings were COPYed without their KPI contribution, which was added before the scans moved it.
    expect(await diffKpiRollups(db.database.db)).toEqual([]);
    // The COPY made its booking quarter's partitions first (there is no default partition to fall back on).
    expect((await listBookingPartitions(db.database.db)).map((p) => p.name)).toEqual(expect.arrayContaining(["shipment_fy2024_25_q2", "scan_event_fy2024_25_q2"]));
  });

  it("loads NDJSON in camelCase or snake_case, and reports a conflicting re-send as a reject", async () => {
    const lines = [
      { trackingNumber: s10(5), bookedAt: "2024-09-01T09:00:00Z", productCode: "SPEED_POST", paymentMode: "PREPAID", weightGrams: 400, pickupLocationCode: "del-gpo", destinationPincode: "110001" },
      { tracking_number: s10(6), booked_at: "2024-09-01T09:00:00Z", product_code: "SPEED_POST", payment_mode: "prepaid", weight_grams: 400, pickup_location_code: "DEL-GPO", destination_pincode: "900099", army_post_office: "APO_99" },
      { trackingNumber: s10(2), bookedAt: "2024-08-05T10:00:00+05:30", productCode: "BUSINESS_PARCEL", paymentMode: "PREPAID", weightGrams: 2600, pickupLocationCode: "DEL-GPO", destinationPincode: "744101" },
    ];
    const report = await importShipmentsFile(db.database, write("more.ndjson", lines.map((l) => JSON.stringify(l)).join("\n")));
    expect(report).toMatchObject({ format: "ndjson", shipments: { created: 2 }, rejected: 1 });
    expect(report.rejects[0]).toMatchObject({ line: 3 });
    expect(report.rejects[0]!.reason).toContain("CONFLICT");
  });

  // 10,000 rows make a chunk: the second chunk is parsed while the first is written (pipelined).
  const bookingLine = (serial: number, weight = 700) =>
    `${s10(serial)},2024-10-0${1 + (serial % 9)}T09:00:00Z,SPEED_POST,${serial % 3 === 0 ? "COD" : "PREPAID"},${serial % 3 === 0 ? 300 : ""},${weight},DEL-GPO,${["110001", "744101", "194401"][serial % 3]}`;
  const HEADER = "tracking_number,booked_at,product_code,payment_mode,cod_amount,weight_grams,pickup_location_code,destination_pincode";

  it("checks each chunk against the ones before it, and keeps the KPI rollups exact", async () => {
    const before = await count("shipment");
    const first = Array.from({ length: 10_000 }, (_, i) => bookingLine(100_000 + i));
    // In the second chunk: ten repeats of the first chunk (unchanged), two with another weight (conflicts), five new.
    const second = [
      ...Array.from({ length: 10 }, (_, i) => bookingLine(100_000 + i)),
      bookingLine(100_010, 900),
      bookingLine(100_011, 900),
      ...Array.from({ length: 5 }, (_, i) => bookingLine(200_000 + i)),
    ];
    const scope = { requestId: "import", statements: 0, log: [] as string[] };
    const report = await withRequestScope(scope, () => importShipmentsFile(db.database, write("chunks.csv", [HEADER, ...first, ...second].join("\n"))));
    // Reference data is read once per import, not per chunk: the second chunk names no new PIN.
    expect(scope.log.filter((q) => q.includes("loadShipmentReferences"))).toHaveLength(1);
    expect(scope.log.filter((q) => q.includes("findRemoteClassesByPincodes"))).toHaveLength(1);
    // The first chunk is COPYed unchecked; the second's COPY meets stored bookings, is undone, and the chunk is
    // checked against them: one check.
    expect(scope.log.filter((q) => q.includes("findShipmentsByKeys"))).toHaveLength(1);
    expect(report).toMatchObject({ records: 10_017, shipments: { created: 10_005, updated: 0, unchanged: 10 }, rejected: 2 });
    expect(report.rejects.map((r) => r.line)).toEqual([10_012, 10_013]);
    expect(report.rejects.every((r) => r.reason.includes("CONFLICT"))).toBe(true);
    expect(await count("shipment")).toBe(before + 10_005);
    // The rollups were added to once for the COPYed chunk and in the insert's own statement for the other: they equal a recomputation.
    expect(await diffKpiRollups(db.database.db)).toEqual([]);
  });

  it.runIf(engine === "postgres")("skips a booking a concurrent writer stored after the check: it is left out, unchanged", async () => {
    // Another connection stores booking 500,000 (a copy of a stored row, the same facts under its number) and holds it
    // uncommitted: the import's COPY waits on the unique index until the writer commits, then fails on it and is
    // undone; the chunk is checked again, finds the booking stored with the same facts (unchanged), and the rest
    // is inserted. First, a stored booking with the same facts for the writer to copy.
    await importShipmentsFile(db.database, write("template.csv", [HEADER, bookingLine(500_000).replace(s10(500_000), s10(499_999))].join("\n")));
    const before = await count("shipment");
    const lines = Array.from({ length: 20 }, (_, i) => bookingLine(500_000 + i));
    const [, bookedAt] = lines[0]!.split(",");
    // Two connections: one holds the transaction, the other watches for the import to wait on it.
    const writer = postgres(db.url!, { max: 2, onnotice: () => {} });
    try {
      const reserved = writer.reserve();
      const connection = await reserved;
      await connection`begin`;
      await connection`insert into shipment (tracking_number, booking_date, booked_at, product_code, payment_mode, cod_amount_paise, weight_grams, pickup_location_id,
          destination_kind, destination_pincode, delivery_office_id, route_class, service_norm_days, promised_date)
        select ${s10(500_000)}, (${bookedAt!}::timestamptz at time zone 'Asia/Kolkata')::date, ${bookedAt!}::timestamptz, product_code, payment_mode, cod_amount_paise,
          weight_grams, pickup_location_id, destination_kind, destination_pincode, delivery_office_id, route_class, service_norm_days, promised_date
        from shipment where tracking_number = ${s10(499_999)}`;
      const importing = importShipmentsFile(db.database, write("concurrent.csv", [HEADER, ...lines].join("\n")));
      // Commit once the import waits for this transaction's row lock.
      for (let i = 0; i < 200; i += 1) {
        const [waiting] = await writer`select count(*)::int as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`;
        if (waiting!.n > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      await connection`commit`;
      connection.release();
      const report = await importing;
      expect(report).toMatchObject({ records: 20, shipments: { created: 19, updated: 0, unchanged: 1 }, rejected: 0 });
    } finally {
      await writer.end();
    }
    expect(await count("shipment")).toBe(before + 20);
    // The writer added no KPI delta for its row: without it, the rollups hold exactly the 19 the import created.
    await db.database.db.execute(sql`delete from shipment where tracking_number = ${s10(500_000)}`);
    expect(await diffKpiRollups(db.database.db)).toEqual([]);
  });

  it("switches foreign-key triggers off for its insert only as a superuser on tables without triggers of ours", async () => {
    const tables = ["shipment", "kpi_rollup", "kpi_histogram"];
    const superuser = (await queryRows<{ on: boolean }>(db.database.db, sql`select current_setting('is_superuser') = 'on' as on`))[0]!.on;
    expect(await canDeferKeyChecks(db.database.db, tables)).toBe(superuser);
    await db.database.db.execute(sql`create function dakgraph_test_noop() returns trigger language plpgsql as $$ begin return new; end $$`);
    await db.database.db.execute(sql`create trigger dakgraph_test_noop before insert on kpi_histogram for each row execute function dakgraph_test_noop()`);
    try {
      expect(await canDeferKeyChecks(db.database.db, tables)).toBe(false);
    } finally {
      await db.database.db.execute(sql`drop trigger dakgraph_test_noop on kpi_histogram`);
      await db.database.db.execute(sql`drop function dakgraph_test_noop()`);
    }
  });

  it("writes nothing when the file breaks after a chunk was written", async () => {
    const before = await count("shipment");
    const lines = [HEADER, ...Array.from({ length: 10_000 }, (_, i) => bookingLine(300_000 + i)), `${s10(400_000)},"unterminated`];
    await expect(importShipmentsFile(db.database, write("late-break.csv", lines.join("\n")))).rejects.toBeInstanceOf(ShipmentImportError);
    expect(await count("shipment")).toBe(before);
    expect(await diffKpiRollups(db.database.db)).toEqual([]);
  });

  it("writes nothing when the file breaks part-way", async () => {
    const before = await count("shipment");
    const good = JSON.stringify({ trackingNumber: s10(7), bookedAt: "2024-09-01T09:00:00Z", productCode: "SPEED_POST", paymentMode: "PREPAID", weightGrams: 400, pickupLocationCode: "DEL-GPO", destinationPincode: "110001" });
    await expect(importShipmentsFile(db.database, write("broken.ndjson", `${good}\n{not json\n`))).rejects.toBeInstanceOf(ShipmentImportError);
    await expect(importShipmentsFile(db.database, path.join(dir, "missing.csv"))).rejects.toThrow(/Cannot read/);
    expect(await count("shipment")).toBe(before);
  });
});
