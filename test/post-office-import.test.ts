import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type Db, queryRows } from "../src/db/client.js";
import {
  type CsvLayout,
  detectLayout,
  importPostOfficeCsv,
  type PostOfficeImportReport,
  PostOfficeImportError,
  validateRow,
} from "../src/modules/post-office/post-office.import.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph } from "./support/graph.js";

const fixture = (name: string) => path.resolve(import.meta.dirname, "fixtures", name);
const CURRENT = fixture("post-offices-current.csv");
const CURRENT_V2 = fixture("post-offices-current-v2.csv");
const LEGACY = fixture("post-offices-legacy.csv");

const CURRENT_HEADER =
  "circlename,regionname,divisionname,officename,pincode,officetype,delivery,district,statename,latitude,longitude".split(",");
const LEGACY_HEADER =
  "officename,pincode,officeType,Deliverystatus,divisionname,regionname,circlename,Taluk,Districtname,statename".split(",");
const LEGACY_FULL_HEADER = [...LEGACY_HEADER, "Telephone", "Related Suboffice", "Related Headoffice", "longitude", "latitude"];

let scratch: string;
beforeAll(() => {
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-import-"));
});
afterAll(() => {
  fs.rmSync(scratch, { recursive: true, force: true });
});

function writeScratch(name: string, text: string): string {
  const file = path.join(scratch, name);
  fs.writeFileSync(file, text);
  return file;
}

describe("detectLayout", () => {
  it("recognises the current layout", () => {
    const layout = detectLayout(CURRENT_HEADER);
    expect(layout.name).toBe("current");
    expect(layout.width).toBe(11);
    expect(layout.columns.delivery).toEqual({ index: 6, label: "delivery" });
    expect(layout.columns.latitude?.index).toBe(9);
    expect(layout.columns.taluk).toBeUndefined();
  });

  it("recognises the legacy layout, with or without its optional columns", () => {
    const short = detectLayout(LEGACY_HEADER);
    expect(short.name).toBe("legacy");
    expect(short.columns.delivery).toEqual({ index: 3, label: "Deliverystatus" });
    expect(short.columns.latitude).toBeUndefined();

    const full = detectLayout(LEGACY_FULL_HEADER);
    expect(full.name).toBe("legacy");
    expect(full.width).toBe(15);
    // The legacy file puts longitude before latitude.
    expect(full.columns.longitude?.index).toBe(13);
    expect(full.columns.latitude?.index).toBe(14);
  });

  it("matches headers case-insensitively, trimmed, with a BOM ignored", () => {
    const layout = detectLayout([
      "\uFEFF CircleName",
      "REGIONNAME ",
      "DivisionName",
      "OfficeName",
      "PINCODE",
      "OfficeType",
      " Delivery",
      "District",
      "StateName",
      "Latitude",
      "Longitude",
    ]);
    expect(layout.name).toBe("current");
    expect(layout.columns.circle).toEqual({ index: 0, label: "CircleName" });
    expect(layout.columns.delivery).toEqual({ index: 6, label: "Delivery" });

    const legacy = detectLayout(LEGACY_HEADER.map((h) => h.toUpperCase()));
    expect(legacy.name).toBe("legacy");
    expect(legacy.columns.taluk?.label).toBe("TALUK");
  });

  it("names the missing columns of both layouts when the header fits neither", () => {
    const header = CURRENT_HEADER.filter((h) => h !== "delivery" && h !== "longitude");
    expect(() => detectLayout(header)).toThrow(PostOfficeImportError);
    expect(() => detectLayout(header)).toThrow(
      "the current layout is missing delivery, longitude; the legacy layout is missing Deliverystatus, Taluk, Districtname.",
    );
    expect(() => detectLayout(["office", "pin"])).toThrow(/current layout is missing circlename, regionname, .*, longitude;/);
  });
});

describe("validateRow", () => {
  const current = detectLayout(CURRENT_HEADER);
  const legacy = detectLayout(LEGACY_HEADER);
  const row = (layout: CsvLayout, line: string) => validateRow(line.split(","), layout);

  it("normalises a current-layout row", () => {
    const result = row(
      current,
      "Jammu & Kashmir Circle,Srinagar HQ Region,Leh Division,Diskit S.O,194401,PO,Delivery,LEH,LADAKH,34.5497,77.5563",
    );
    expect(result).toEqual({
      ok: true,
      office: {
        pincode: "194401",
        name: "Diskit",
        nameKey: "diskit",
        officeType: "SUB",
        delivery: true,
        unit: { circle: "Jammu & Kashmir", region: "Srinagar HQ", division: "Leh" },
        district: "Leh",
        state: "Ladakh",
        taluk: null,
        latitude: 34.5497,
        longitude: 77.5563,
        coordinateQuality: "IN_INDIA",
      },
    });
  });

  it("normalises a legacy-layout row (old J&K state of Leh put in Ladakh, no coordinate columns)", () => {
    const result = row(legacy, "Hunder B.O,194401,B.O,Non Delivery,Leh,Srinagar HQ,Jammu & Kashmir,Leh,Leh,JAMMU & KASHMIR");
    expect(result.ok && result.office).toMatchObject({
      name: "Hunder",
      officeType: "BRANCH",
      delivery: false,
      state: "Ladakh",
      taluk: "Leh",
      latitude: null,
      longitude: null,
      coordinateQuality: null,
    });
  });

  it("reads NA and blank cells as unknown and swaps a reversed coordinate pair back", () => {
    const na = row(current, "NA,NA,NA,Siju B.O,794102,NA,NA,NA,NA,NA,NA");
    expect(na.ok && na.office).toMatchObject({
      unit: null,
      officeType: "BRANCH",
      delivery: null,
      district: null,
      state: null,
      coordinateQuality: "MISSING",
    });
    const swapped = row(
      current,
      "Jammu & Kashmir Circle,Srinagar HQ Region,Leh Division,Turtuk B.O,194401,BO,Non Delivery,LEH,LADAKH,76.8297,34.8474",
    );
    expect(swapped.ok && swapped.office).toMatchObject({
      latitude: 34.8474,
      longitude: 76.8297,
      coordinateQuality: "SWAPPED_CORRECTED",
    });
  });

  it("rejects with every problem of the row, each naming its column", () => {
    expect(
      row(current, "Delhi Circle,Delhi Region,New Delhi Central Division, ,012345,XO,Maybe,CENTRAL DELHI,DELHI,abc,7x"),
    ).toEqual({
      ok: false,
      reason:
        'pincode "012345" is not a PIN (six digits, the first not 0); officename is empty; ' +
        'officetype "XO" is not an office type (HO, PO, BO or H.O, S.O, B.O); delivery "Maybe" is neither Delivery nor Non Delivery; ' +
        'latitude "abc" is not a number; longitude "7x" is not a number',
    });
    expect(row(legacy, "Diskit S.O,194401,S.O,Delivery")).toEqual({ ok: false, reason: "has 4 columns, the header has 10" });
    expect(row(legacy, "...,194401,S.O,Delivery,Leh,Srinagar HQ,Jammu & Kashmir,Leh,Leh,JAMMU & KASHMIR")).toEqual({
      ok: false,
      reason: 'officename "..." has no letters or digits',
    });
  });
});

const CURRENT_REJECTS = [
  { line: 14, reason: 'pincode "012345" is not a PIN (six digits, the first not 0)' },
  { line: 15, reason: 'pincode "11001" is not a PIN (six digits, the first not 0)' },
  { line: 16, reason: 'officetype "XO" is not an office type (HO, PO, BO or H.O, S.O, B.O)' },
  { line: 17, reason: 'latitude "abc" is not a number' },
  { line: 18, reason: "duplicate of line 3 (same pincode and office name)" },
  { line: 19, reason: "has 9 columns, the header has 11" },
  { line: 20, reason: 'delivery "Maybe" is neither Delivery nor Non Delivery' },
  { line: 21, reason: "officename is empty" },
];

interface OfficeDump {
  pincode: string;
  name: string;
  name_key: string;
  office_type: string | null;
  delivery: boolean | null;
  circle: string | null;
  region: string | null;
  division: string | null;
  district: string | null;
  state: string | null;
  taluk: string | null;
  latitude: number | null;
  longitude: number | null;
  coordinate_quality: string | null;
  source: string;
}

async function offices(db: Db): Promise<(OfficeDump & { id: number })[]> {
  return queryRows(
    db,
    sql`select o.id, o.pincode, o.name, o.name_key, o.office_type, o.delivery, c.name as circle, r.name as region,
          d.name as division, o.district, o.state, o.taluk, o.latitude, o.longitude, o.coordinate_quality, o.source
        from post_office o left join postal_circle c on c.id = o.circle_id left join postal_region r on r.id = o.region_id
          left join postal_division d on d.id = o.division_id
        order by o.pincode, o.name_key`,
  );
}

async function office(db: Db, pincode: string, nameKey: string): Promise<OfficeDump> {
  const row = (await offices(db)).find((o) => o.pincode === pincode && o.name_key === nameKey);
  if (row === undefined) throw new Error(`no office ${pincode} ${nameKey}`);
  const { id: _, ...rest } = row;
  return rest;
}

/** Everything an import may write, updated_at aside. */
async function dump(db: Db) {
  return {
    offices: await queryRows<Record<string, unknown>>(db, sql`select * from post_office order by id`).then((rows) =>
      rows.map(({ updated_at: _, ...rest }) => rest),
    ),
    pincodes: await queryRows<Record<string, unknown>>(db, sql`select * from pincode order by code`).then((rows) =>
      rows.map(({ updated_at: _, ...rest }) => rest),
    ),
    units: await queryRows(
      db,
      sql`select 'circle' as kind, id, name from postal_circle union all select 'region', id, name from postal_region
          union all select 'division', id, name from postal_division order by 1, 2`,
    ),
  };
}

async function updatedAt(db: Db): Promise<Map<string, string>> {
  const rows = await queryRows<{ key: string; at: string }>(
    db,
    sql`select pincode || '|' || name_key as key, updated_at::text as at from post_office
        union all select 'pin ' || code, updated_at::text from pincode`,
  );
  return new Map(rows.map((r) => [r.key, r.at]));
}

async function importCounts(db: Db) {
  return queryRows<{
    origin: string;
    source: string;
    rows_read: number;
    inserted: number;
    updated: number;
    unchanged: number;
    rejected: number;
  }>(db, sql`select origin, source, rows_read, inserted, updated, unchanged, rejected from directory_import order by id`);
}

function counts(report: PostOfficeImportReport) {
  const { rowsRead, inserted, updated, unchanged, rejected } = report;
  return { rowsRead, inserted, updated, unchanged, rejected };
}

describe.each(engines)("importing the data.gov.in post-office CSV on %s", (engine) => {
  let test: TestDatabase;
  let db: Db;

  beforeEach(async () => {
    test = await createTestDatabase(engine);
    db = test.database.db;
  });
  afterEach(async () => {
    await test?.drop();
  });

  it("imports the current layout, rejecting bad rows with their line and reason", async () => {
    const report = await importPostOfficeCsv(test.database, CURRENT);
    expect(report.layout).toBe("current");
    expect(report.origin).toBe("post-offices-current.csv");
    expect(counts(report)).toEqual({ rowsRead: 20, inserted: 12, updated: 0, unchanged: 0, rejected: 8 });
    expect(report.rejects).toEqual(CURRENT_REJECTS);

    expect(await office(db, "194401", "diskit")).toEqual({
      pincode: "194401",
      name: "Diskit",
      name_key: "diskit",
      office_type: "SUB",
      delivery: true,
      circle: "Jammu & Kashmir",
      region: "Srinagar HQ",
      division: "Leh",
      district: "Leh",
      state: "Ladakh",
      taluk: null,
      latitude: 34.5497,
      longitude: 77.5563,
      coordinate_quality: "IN_INDIA",
      source: "DATA_GOV_IN_CSV",
    });
    expect(await office(db, "194401", "turtuk")).toMatchObject({
      delivery: false,
      latitude: 34.8474,
      longitude: 76.8297,
      coordinate_quality: "SWAPPED_CORRECTED",
    });
    expect(await office(db, "194401", "panamik")).toMatchObject({
      latitude: null,
      longitude: null,
      coordinate_quality: "MISSING",
    });
    expect(await office(db, "110001", "connaught place")).toMatchObject({ latitude: null, coordinate_quality: "ZERO" });
    expect(await office(db, "794102", "siju")).toMatchObject({
      delivery: null,
      district: "South Garo Hills",
      circle: "North Eastern",
    });
    expect(await office(db, "110001", "new delhi")).toMatchObject({
      name: "New Delhi",
      office_type: "HEAD",
      division: "New Delhi GPO",
    });
    expect(await office(db, "744101", "port blair")).toMatchObject({
      state: "Andaman & Nicobar Islands",
      circle: "West Bengal",
      division: "A - N Islands",
    });

    const pins = await queryRows<{
      code: string;
      office_count: number;
      delivery_office_count: number | null;
      primary_state: string | null;
    }>(db, sql`select code, office_count, delivery_office_count, primary_state from pincode order by code`);
    expect(pins).toEqual([
      { code: "110001", office_count: 2, delivery_office_count: 2, primary_state: "Delhi" },
      { code: "194101", office_count: 2, delivery_office_count: 2, primary_state: "Ladakh" },
      { code: "194401", office_count: 4, delivery_office_count: 3, primary_state: "Ladakh" },
      { code: "744101", office_count: 2, delivery_office_count: 1, primary_state: "Andaman & Nicobar Islands" },
      { code: "794102", office_count: 2, delivery_office_count: 1, primary_state: "Meghalaya" },
    ]);
    expect(await importCounts(db)).toEqual([
      {
        origin: "post-offices-current.csv",
        source: "DATA_GOV_IN_CSV",
        rows_read: 20,
        inserted: 12,
        updated: 0,
        unchanged: 0,
        rejected: 8,
      },
    ]);
  });

  it("changes nothing when the same file is imported again", async () => {
    await importPostOfficeCsv(test.database, CURRENT);
    const before = await dump(db);
    const stamps = await updatedAt(db);

    const again = await importPostOfficeCsv(test.database, CURRENT);
    expect(counts(again)).toEqual({ rowsRead: 20, inserted: 0, updated: 0, unchanged: 12, rejected: 8 });
    expect(again.rejects).toEqual(CURRENT_REJECTS);
    expect(await dump(db)).toEqual(before);
    expect(await updatedAt(db)).toEqual(stamps);
    expect((await importCounts(db)).map((r) => [r.inserted, r.updated, r.unchanged])).toEqual([
      [12, 0, 0],
      [0, 0, 12],
    ]);
  });

  it("updates exactly what a newer file changed, and never erases a value with NA", async () => {
    await importPostOfficeCsv(test.database, CURRENT);
    const before = await offices(db);
    const stamps = await updatedAt(db);

    const report = await importPostOfficeCsv(test.database, CURRENT_V2);
    expect(counts(report)).toEqual({ rowsRead: 21, inserted: 1, updated: 2, unchanged: 10, rejected: 8 });
    // v2 has one more row before the bad ones.
    expect(report.rejects).toEqual(CURRENT_REJECTS.map((r) => ({ ...r, line: r.line + 1 })));

    const after = await offices(db);
    const changed = after.filter((o) => {
      const old = before.find((b) => b.id === o.id);
      return old === undefined || JSON.stringify(old) !== JSON.stringify(o);
    });
    expect(changed.map((o) => [o.pincode, o.name, o.delivery])).toEqual([
      ["194401", "Turtuk", true],
      ["794102", "Siju", false],
      ["794114", "Rongra", true],
    ]);
    // Marine Jetty's delivery and coordinates are NA in v2: the stored values stay.
    expect(await office(db, "744101", "marine jetty")).toMatchObject({
      delivery: false,
      latitude: 11.6738,
      coordinate_quality: "IN_INDIA",
    });

    const newStamps = await updatedAt(db);
    const touched = [...newStamps]
      .filter(([key, at]) => stamps.get(key) !== at)
      .map(([key]) => key)
      .sort();
    // 794102 still has one delivery office (Siju's unknown status became "Non Delivery"): its PIN row stays as it was.
    expect(touched).toEqual(["194401|turtuk", "794102|siju", "794114|rongra", "pin 194401", "pin 794114"]);

    const pins = await queryRows<{ code: string; office_count: number; delivery_office_count: number | null }>(
      db,
      sql`select code, office_count, delivery_office_count from pincode where code in ('194401', '794102', '794114') order by code`,
    );
    expect(pins).toEqual([
      { code: "194401", office_count: 4, delivery_office_count: 4 },
      { code: "794102", office_count: 2, delivery_office_count: 1 },
      { code: "794114", office_count: 1, delivery_office_count: 1 },
    ]);
  });

  it("imports the legacy layout (BOM, CRLF, mixed-case header, longitude before latitude)", async () => {
    const report = await importPostOfficeCsv(test.database, LEGACY);
    expect(report.layout).toBe("legacy");
    expect(counts(report)).toEqual({ rowsRead: 19, inserted: 12, updated: 0, unchanged: 0, rejected: 7 });
    expect(report.rejects).toEqual([
      { line: 14, reason: 'pincode "012345" is not a PIN (six digits, the first not 0)' },
      { line: 15, reason: 'pincode "11001" is not a PIN (six digits, the first not 0)' },
      { line: 16, reason: 'officeType "T.O" is not an office type (HO, PO, BO or H.O, S.O, B.O)' },
      { line: 17, reason: 'longitude "abc" is not a number' },
      { line: 18, reason: "duplicate of line 2 (same pincode and office name)" },
      { line: 19, reason: "has 10 columns, the header has 15" },
      { line: 20, reason: "officename is empty" },
    ]);
    expect(await office(db, "194401", "diskit")).toMatchObject({
      name: "Diskit",
      office_type: "SUB",
      state: "Ladakh",
      circle: "Jammu & Kashmir",
      taluk: "Nobra",
      latitude: 34.5497,
      longitude: 77.5563,
      coordinate_quality: "IN_INDIA",
    });
    expect(await office(db, "194101", "leh")).toMatchObject({
      office_type: "HEAD",
      latitude: 34.1642,
      longitude: 77.5848,
      coordinate_quality: "SWAPPED_CORRECTED",
    });
    expect(await office(db, "194101", "leh city")).toMatchObject({ taluk: null, coordinate_quality: "MISSING" });
    expect(await office(db, "110001", "parliament house")).toMatchObject({
      delivery: false,
      district: "Central Delhi",
      region: "Delhi",
    });
  });

  it("merges a current file over a legacy import without losing what the current layout lacks", async () => {
    await importPostOfficeCsv(test.database, LEGACY);
    const report = await importPostOfficeCsv(test.database, CURRENT);
    // Diskit, Hunder, Baghmara and Port Blair agree; Turtuk and Siju gain coordinates, Leh H.O's are no longer swapped.
    expect(counts(report)).toEqual({ rowsRead: 20, inserted: 5, updated: 3, unchanged: 4, rejected: 8 });
    expect(await office(db, "194401", "diskit")).toMatchObject({ taluk: "Nobra", delivery: true });
    expect(await office(db, "794102", "siju")).toMatchObject({
      delivery: true,
      taluk: "Baghmara",
      coordinate_quality: "IN_INDIA",
    });
    expect(await office(db, "194101", "leh")).toMatchObject({ coordinate_quality: "IN_INDIA", taluk: "Ladakh" });
  });

  it("counts lines from the start of a record, across quoted line breaks and blank lines", async () => {
    const file = writeScratch(
      "multiline.csv",
      [
        CURRENT_HEADER.join(","),
        "",
        'Jammu & Kashmir Circle,Srinagar HQ Region,Leh Division,"Stok',
        ' B.O",194101,BO,Delivery,LEH,LADAKH,34.0646,77.5536',
        "Jammu & Kashmir Circle,Srinagar HQ Region,Leh Division,Leh H.O,94101,HO,Delivery,LEH,LADAKH,34.1642,77.5848",
        ',,,"Two',
        'lines",1,BO,Delivery,,,,',
        "",
      ].join("\n"),
    );
    const report = await importPostOfficeCsv(test.database, file);
    expect(counts(report)).toEqual({ rowsRead: 3, inserted: 1, updated: 0, unchanged: 0, rejected: 2 });
    expect(report.rejects).toEqual([
      { line: 5, reason: 'pincode "94101" is not a PIN (six digits, the first not 0)' },
      { line: 6, reason: 'pincode "1" is not a PIN (six digits, the first not 0)' },
    ]);
    expect(await office(db, "194101", "stok")).toMatchObject({ name: "Stok", office_type: "BRANCH" });
  });

  it("fails on a header that fits neither layout and writes nothing", async () => {
    const file = writeScratch("bad-header.csv", "office,pin,type,delivery\nDiskit S.O,194401,PO,Delivery\n");
    await expect(importPostOfficeCsv(test.database, file)).rejects.toThrow(
      /bad-header\.csv: The header fits neither data\.gov\.in layout.*current layout is missing circlename, regionname, divisionname, officename, pincode, officetype, district, statename, latitude, longitude;/,
    );
    await expect(importPostOfficeCsv(test.database, path.join(scratch, "absent.csv"))).rejects.toThrow(
      /Cannot read .*absent\.csv: no such file/,
    );
    await expect(importPostOfficeCsv(test.database, writeScratch("empty.csv", ""))).rejects.toThrow(/empty\.csv is empty/);
    const rows = await queryRows<{ n: number }>(
      db,
      sql`select (select count(*) from post_office) + (select count(*) from pincode) + (select count(*) from postal_circle)
          + (select count(*) from directory_import) as n`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it("lands whole or not at all: broken CSV late in the file rolls back the rows before it", async () => {
    const lines = fs.readFileSync(CURRENT, "utf8").split("\n").slice(0, 13);
    const file = writeScratch(
      "unclosed.csv",
      [...lines, 'Delhi Circle,Delhi Region,New Delhi Central Division,"Janpath S.O,110001,PO'].join("\n"),
    );
    await expect(importPostOfficeCsv(test.database, file)).rejects.toThrow(PostOfficeImportError);
    const rows = await queryRows<{ n: number }>(
      db,
      sql`select (select count(*) from post_office) + (select count(*) from directory_import) as n`,
    );
    expect(Number(rows[0]!.n)).toBe(0);
  });

  it("shows the imported delivery status in the graph", async () => {
    const query = `{ pincode(code: "194401") { deliveryOfficeCount isDeliverable postOffices { nodes { name officeType delivery } } } }`;
    await importPostOfficeCsv(test.database, CURRENT);
    const graph = await createTestGraph(test.database);
    try {
      const first = await graph.execute<
        { pincode: { deliveryOfficeCount: number | null; isDeliverable: boolean | null; postOffices: { nodes: unknown[] } } },
        Record<string, never>
      >(query);
      expect(first.errors).toBeUndefined();
      expect(first.data).toEqual({
        pincode: {
          deliveryOfficeCount: 3,
          isDeliverable: true,
          postOffices: {
            nodes: [
              { name: "Diskit", officeType: "SUB", delivery: true },
              { name: "Hunder", officeType: "BRANCH", delivery: true },
              { name: "Panamik", officeType: "BRANCH", delivery: true },
              { name: "Turtuk", officeType: "BRANCH", delivery: false },
            ],
          },
        },
      });

      await importPostOfficeCsv(test.database, CURRENT_V2);
      const second = await graph.execute<
        { pincode: { deliveryOfficeCount: number | null; postOffices: { nodes: { name: string; delivery: boolean | null }[] } } },
        Record<string, never>
      >(query);
      expect(second.data!.pincode.deliveryOfficeCount).toBe(4);
      expect(second.data!.pincode.postOffices.nodes.find((o) => o.name === "Turtuk")?.delivery).toBe(true);
    } finally {
      await graph.stop();
    }
  });
});
