import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportInProcess } from "../src/cli/export.js";
import { loadConfig } from "../src/config.js";
import { RecordShipmentsDocument, SearchPostOfficesDocument, type ShipmentInput, UpsertPickupLocationDocument } from "../src/generated/operations.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { Role } from "../src/modules/access/access.roles.js";
import { testViewer } from "../src/modules/access/access.viewer.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { createSchema } from "../src/schema.js";
import { createApolloServer } from "../src/server/apollo.js";
import { csvField, csvRecord, planExport, prepareExport } from "../src/server/export.js";
import { EXPORT_EXAMPLE } from "../src/server/explorer.js";
import { createTestDatabase, type TestDatabase } from "./support/databases.js";
import { DIRECTORY_FIXTURE } from "./support/delhi-pickup.js";
import { createTestGraph, root, type TestGraph } from "./support/graph.js";
import { startTestServer, type TestServer } from "./support/http.js";

/** Pages of three rows: the seven shipments below take three pages. */
const ENV = { DAKGRAPH_MAX_PAGE_SIZE: "3" };
const BOM = "\uFEFF";
const ARMY_PIN = "910208";

function s10(serial: number): string {
  const digits = String(serial).padStart(8, "0");
  return `EX${digits}${s10CheckDigit(digits)}IN`;
}

interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly trailers: NodeJS.Dict<string>;
}

/** A GET with node:http, which (unlike fetch) hands over the response's trailers. */
function get(url: string, key: string | null): Promise<Answer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: key === null ? {} : { authorization: `Bearer ${key}` } }, (res) => {
        let body = "";
        res.setEncoding("utf8");
        res.on("data", (chunk: string) => (body += chunk));
        res.on("end", () => resolve({ status: res.statusCode!, headers: res.headers, body, trailers: res.trailers }));
      })
      .on("error", reject);
  });
}

describe("CSV export (GET /export, dakgraph export) on pglite", () => {
  let db: TestDatabase;
  let graph: TestGraph;
  let server: TestServer;
  let base: string;
  const keys: Record<string, string> = {};
  const civilian = [1, 2, 3, 4, 5, 6].map(s10);

  const exportUrl = (operation: string, variables?: unknown) =>
    `${base}?operation=${encodeURIComponent(operation)}${variables === undefined ? "" : `&variables=${encodeURIComponent(typeof variables === "string" ? variables : JSON.stringify(variables))}`}`;

  beforeAll(async () => {
    db = await createTestDatabase("pglite");
    await importPostOfficeCsv(db.database, DIRECTORY_FIXTURE, {});
    graph = await createTestGraph(db.database);
    const offices = await graph.execute(SearchPostOfficesDocument, { filter: { pincode: "110001" } });
    const made = await graph.execute(UpsertPickupLocationDocument, {
      // A comma and quotes: the name must come back quoted as RFC 4180 says.
      input: { code: "DEL-GPO", name: 'Delhi GPO, "Parcel" gate', postOfficeId: root(offices, "postOffices").nodes[0]!.id, city: "New Delhi", validFrom: "2021-01-01", dailyCapacity: 5000 },
    });
    expect(made.errors).toBeUndefined();
    const booking = (trackingNumber: string, day: number, overrides: Partial<ShipmentInput> = {}): ShipmentInput => ({
      trackingNumber,
      bookedAt: `2024-08-${String(day).padStart(2, "0")}T10:00:00+05:30`,
      productCode: "SPEED_POST",
      paymentMode: day % 2 === 0 ? "COD" : "PREPAID",
      ...(day % 2 === 0 ? { codAmount: day * 100 } : {}),
      weightGrams: 750,
      pickupLocationCode: "DEL-GPO",
      destinationPincode: "194401",
      ...overrides,
    });
    // Latest booking first: the Army Postal booking, the oldest, is the seventh row, alone on the third page.
    const shipments = [...civilian.map((n, i) => booking(n, 10 + i)), booking(s10(7), 5, { destinationPincode: ARMY_PIN, armyPostOffice: "APO_56" })];
    const recorded = await graph.execute(RecordShipmentsDocument, { input: { shipments } });
    expect(recorded.errors).toBeUndefined();
    for (const roles of [[Role.ADMIN], [Role.OPERATOR], [Role.OPERATOR, Role.FINANCE]]) {
      keys[roles.join("+")] = (await createApiKey(db.database.db, { name: `export ${roles.join("+")}`, organisation: "AMAZON", roles })).key;
    }
    server = await startTestServer(db.database, ENV);
    base = new URL("/export", server.url).toString();
  });
  afterAll(async () => {
    await server?.close();
    await graph?.stop();
    await db?.drop();
  });

  it("quotes fields as RFC 4180 says and writes numbers unformatted", () => {
    expect(csvField('Delhi GPO, "Parcel" gate')).toBe('"Delhi GPO, ""Parcel"" gate"');
    expect(csvField("two\nlines")).toBe('"two\nlines"');
    expect(csvField(1234567.5)).toBe("1234567.5");
    expect(csvField(null)).toBe("");
    expect(csvField(false)).toBe("false");
    expect(csvRecord(["a", 1, null])).toBe("a,1,\r\n");
  });

  it("plans edges { node }, aliases and inline fragments as it plans nodes", async () => {
    const text = `query EdgesExport($n: Int, $c: String) {
      all: shipments(first: $n, after: $c) {
        info: pageInfo { more: hasNextPage endCursor }
        edges { cursor node { tn: trackingNumber ... on Shipment { pickupLocation { code } } } }
      }
    }`;
    const schema = await createSchema();
    const plan = planExport(schema, { name: "EdgesExport", hash: "", text });
    expect(plan).toMatchObject({ rootKey: "all", kind: "connection", rowsPath: ["edges", "node"], firstVariable: "n", afterVariable: "c", pageInfoPath: ["info", "more", "endCursor"] });
    expect(plan.columns.map((c) => c.name)).toEqual(["tn", "pickupLocation.code"]);
    const unpaged = `query Unpaged { shipments(first: 10) { pageInfo { hasNextPage endCursor } nodes { trackingNumber } } }`;
    expect(() => planExport(schema, { name: "Unpaged", hash: "", text: unpaged })).toThrow(/first: \$variable and after: \$variable/);
  });

  it("answers a list as CSV: BOM, header row, dotted names for nested objects, fragments in place", async () => {
    const answer = await get(exportUrl("PickupLocations"), keys.ADMIN!);
    expect(answer.status).toBe(200);
    expect(answer.headers["content-type"]).toBe("text/csv; charset=utf-8");
    expect(answer.headers["content-disposition"]).toBe('attachment; filename="PickupLocations.csv"');
    expect(answer.body.startsWith(BOM)).toBe(true);
    const lines = answer.body.slice(1).split("\r\n");
    expect(lines[0]).toBe("id,code,name,city,state,validFrom,validTo,dailyCapacity,postOffice.name,postOffice.pincode.code");
    expect(lines[1]).toMatch(/^[^,]+,DEL-GPO,"Delhi GPO, ""Parcel"" gate",New Delhi,[^,]*,2021-01-01,,5000,[^,]+,110001$/);
    expect(lines.slice(2)).toEqual([""]);
    expect(answer.trailers["x-export-status"]).toBe("complete; rows=1");
  });

  it("pages a connection through its first/after variables at the largest page size, the CLI writing the same file", async () => {
    // No filter: the export depends on no filter's shape.
    const answer = await get(exportUrl("ShipmentsExport"), keys.ADMIN!);
    expect(answer.status).toBe(200);
    const lines = answer.body.slice(1).split("\r\n").slice(0, -1);
    expect(lines[0]).toBe(
      "trackingNumber,bookingDate,bookedAt,productCode,paymentMode,codAmount.paise,weightGrams,pickupLocation.code,destinationPincode,routeClass,status,deliveredAt,transitDays,onTime,attempts,synthetic",
    );
    expect(lines.slice(1).map((line) => line.split(",")[0])).toEqual([...civilian].reverse().concat(s10(7)));
    // Day 14: COD ₹1,400 as paise, unformatted; day 15 prepaid, no amount.
    expect(lines[2]).toContain(",2024-08-14,2024-08-14T04:30:00.000Z,SPEED_POST,COD,140000,750,DEL-GPO,194401,");
    expect(lines[1]).toContain(",PREPAID,,750,");
    expect(answer.trailers["x-export-status"]).toBe("complete; rows=7");

    const file = path.join(os.tmpdir(), `dakgraph-export-${process.pid}.csv`);
    const config = loadConfig({ NODE_ENV: "test", ...ENV });
    const outcome = await exportInProcess(config, db.database, { operation: "ShipmentsExport", variables: "{}", apiKey: keys.ADMIN! }, () => fs.createWriteStream(file));
    try {
      expect(outcome).toEqual({ rows: 7, pages: 3, error: null });
      expect(fs.readFileSync(file, "utf8")).toBe(answer.body);
    } finally {
      fs.rmSync(file, { force: true });
    }
  });

  it("refuses, as JSON and before any CSV, a field the viewer may not read", async () => {
    const answer = await get(exportUrl("ShipmentsExport"), keys.OPERATOR!);
    expect(answer.status).toBe(403);
    expect(answer.headers["content-type"]).toMatch(/^application\/json/);
    const body = JSON.parse(answer.body);
    expect(body.errors[0].extensions).toMatchObject({ code: "FORBIDDEN", field: "Shipment.codAmount" });
    // One error per denied field, not one per row.
    expect(body.errors).toHaveLength(1);

    const anonymous = await get(exportUrl("ShipmentsExport"), null);
    expect(anonymous.status).toBe(401);
    expect(JSON.parse(anonymous.body).errors[0].extensions.code).toBe("UNAUTHENTICATED");

    const file = path.join(os.tmpdir(), `dakgraph-export-refused-${process.pid}.csv`);
    const config = loadConfig({ NODE_ENV: "test", ...ENV });
    await expect(exportInProcess(config, db.database, { operation: "ShipmentsExport", apiKey: keys.OPERATOR! }, () => fs.createWriteStream(file))).rejects.toThrow(
      /FORBIDDEN/,
    );
    expect(fs.existsSync(file)).toBe(false);
  });

  it("ends with an error line and trailer when a later page fails, never a silently short file", async () => {
    // OPERATOR + FINANCE reads the civilian rows; the seventh, an Army Postal destination, needs ARMY_POSTAL.
    const answer = await get(exportUrl("ShipmentsExport"), keys["OPERATOR+FINANCE"]!);
    expect(answer.status).toBe(200);
    const lines = answer.body.slice(1).split("\r\n").slice(0, -1);
    expect(lines).toHaveLength(1 + 6 + 1);
    expect(lines.at(-1)).toMatch(/^"?ERROR: export incomplete after 6 rows: FORBIDDEN: Shipment\.destinationPincode/);
    expect(answer.trailers["x-export-status"]).toBe("error; code=FORBIDDEN; rows=6");
  });

  it.each([
    ["an unknown operation", "Nope", undefined, 404, "NOT_FOUND", "operation"],
    ["no operation", "", undefined, 400, "BAD_USER_INPUT", "operation"],
    ["variables that are not JSON", "ShipmentsExport", "{filter", 400, "BAD_USER_INPUT", "variables"],
    ["variables that are not an object", "ShipmentsExport", "[1]", 400, "BAD_USER_INPUT", "variables"],
    ["a list inside a row", "PickupDashboard", undefined, 400, "NOT_EXPORTABLE", "pickupLocations.shipments.nodes"],
    ["a single object", "TrackShipment", { trackingNumber: "EE123456789IN" }, 400, "NOT_EXPORTABLE", "shipment"],
    ["a mutation", "RecordShipments", undefined, 400, "NOT_EXPORTABLE", "operation"],
  ])("refuses %s with a stable code naming the parameter or field", async (_, operation, variables, status, code, field) => {
    const answer = await get(exportUrl(operation, variables), keys.ADMIN!);
    expect(answer.status).toBe(status);
    expect(JSON.parse(answer.body).errors[0].extensions).toMatchObject({ code, field });
  });

  it("answers the explorer's example link without a key (the public directory)", async () => {
    const answer = await get(new URL(EXPORT_EXAMPLE, server.url).toString(), null);
    expect(answer.status).toBe(200);
    expect(answer.body.split("\r\n")[0]).toBe(`${BOM}id,name,officeType,state,pincode.code`);
    expect(answer.trailers["x-export-status"]).toMatch(/^complete; rows=[1-9]/);
  });

  it("refuses variables the operation's types do not accept, as /graphql does", async () => {
    // `after` is the operation's String variable: a number does not coerce.
    const answer = await get(exportUrl("ShipmentsExport", { after: 5 }), keys.ADMIN!);
    expect(answer.status).toBe(400);
    expect(JSON.parse(answer.body).errors[0].extensions.code).toBe("BAD_USER_INPUT");
  });

  it("stops paging when the client is gone", async () => {
    const config = loadConfig({ NODE_ENV: "test", ...ENV });
    const apollo = createApolloServer(await createSchema(), config);
    await apollo.start();
    try {
      const source = { apollo, config, database: db.database, viewer: testViewer([Role.ADMIN]), requestId: "export-test" };
      const prepared = await prepareExport(source, "ShipmentsExport", {});
      const written: string[] = [];
      const outcome = await prepared.write({
        write: async (text) => void written.push(text),
        stopped: () => (written.length >= 2 ? { code: "CLIENT_GONE", message: "gone" } : null),
      });
      expect(outcome).toEqual({ rows: 3, pages: 1, error: { code: "CLIENT_GONE", message: "gone" } });
      expect(written.join("")).not.toContain("ERROR");
    } finally {
      await apollo.stop();
    }
  });
});
