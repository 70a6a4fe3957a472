import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CoverageDocument,
  CoverageTrendDocument,
  PincodeCoverageDocument,
  RecordScanEventsDocument,
  RecordShipmentsDocument,
  SearchPostOfficesDocument,
  SetServiceabilityDocument,
  UpsertPickupLocationDocument,
} from "../src/generated/operations.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { importServiceabilityCsv } from "../src/modules/coverage/coverage.import.js";
import { diffPinDeliveryRollup, refreshPinDeliveryRollup } from "../src/modules/coverage/coverage.repository.js";
import { queryRows } from "../src/db/client.js";
import { anonymousViewer, type Viewer } from "../src/modules/access/access.viewer.js";
import { findPincodesNear } from "../src/modules/pincode/pincode.repository.js";
import { findPostOfficesByPincodes } from "../src/modules/post-office/post-office.repository.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { Role } from "../src/modules/access/access.roles.js";
import { testViewer } from "../src/modules/access/access.viewer.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, root, type TestGraph } from "./support/graph.js";

const FIXTURE = new URL("./fixtures/post-offices-current.csv", import.meta.url).pathname;
// A PIN whose only office does not deliver: it must never count as deliverable or be made serviceable.
const NON_DELIVERY = [
  "circlename,regionname,divisionname,officename,pincode,officetype,delivery,district,statename,latitude,longitude",
  "Delhi Circle,Delhi Region,New Delhi Central Division,Nirman Bhawan S.O,110099,PO,Non Delivery,CENTRAL DELHI,DELHI,28.61,77.21",
].join("\n");

const s10 = (serial: number) => {
  const d = String(serial).padStart(8, "0");
  return `EE${d}${s10CheckDigit(d)}IN`;
};

const COUNTS = [
  "pinsTotal",
  "pinsDeliverable",
  "pinsDeliveryStatusUnknown",
  "pinsServiceable",
  "pinsActive",
  "officesInServiceablePins",
  "deliveryOfficesInServiceablePins",
  "armyLocationsServed",
  "armyLocationsActive",
  "remotePinsTotal",
  "remotePinsServed",
  "shipmentsDelivered",
] as const;

describe.each(engines)("coverage on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;
  let dir: string;

  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-coverage-"));
    db = await createTestDatabase(engine);
    await importPostOfficeCsv(db.database, FIXTURE, {});
    fs.writeFileSync(path.join(dir, "nd.csv"), NON_DELIVERY);
    await importPostOfficeCsv(db.database, path.join(dir, "nd.csv"), {});
    graph = await createTestGraph(db.database);
    const offices = await graph.execute(SearchPostOfficesDocument, { filter: { pincode: "110001" } });
    await graph.execute(UpsertPickupLocationDocument, {
      input: { code: "DEL-GPO", name: "Delhi GPO", postOfficeId: root(offices, "postOffices").nodes[0]!.id, city: "New Delhi", activeFrom: "2021-01-01", dailyCapacity: 500 },
    });
  });
  afterAll(async () => {
    await graph?.stop();
    await db?.drop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("sets serviceability idempotently and refuses overlaps naming both ranges", async () => {
    const entries = [
      { pincode: "194401", validFrom: "2023-01-01" },
      { pincode: "744101", validFrom: "2023-01-01" },
      { pincode: "794102", validFrom: "2024-01-01", validTo: "2024-06-30" },
      { pincode: "110001", validFrom: "2022-04-01" },
      { pincode: "900099", validFrom: "2023-04-01" },
    ];
    const first = await graph.execute(SetServiceabilityDocument, { input: { entries } });
    expect(first.errors).toBeUndefined();
    expect(first.data!.setServiceability).toMatchObject({ created: 5, unchanged: 0 });
    expect(first.data!.setServiceability.entries[4]).toMatchObject({ channel: "ARMY_POSTAL_SERVICE" });
    const again = await graph.execute(SetServiceabilityDocument, { input: { entries } });
    expect(again.data!.setServiceability).toMatchObject({ created: 0, updated: 0, unchanged: 5 });
    const overlap = await graph.execute(SetServiceabilityDocument, { input: { entries: [{ pincode: "794102", validFrom: "2024-06-01" }] } });
    expect(overlap.errors?.[0]?.extensions).toMatchObject({ code: "CONFLICT", index: 0 });
    expect(overlap.errors?.[0]?.message).toContain("2024-06-01 to open-ended");
    expect(overlap.errors?.[0]?.message).toContain("2024-01-01 to 2024-06-30");
    const nonDelivery = await graph.execute(SetServiceabilityDocument, { input: { entries: [{ pincode: "110099", validFrom: "2024-01-01" }] } });
    expect(nonDelivery.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.entries[0].pincode" });
    const extend = await graph.execute(SetServiceabilityDocument, { input: { entries: [{ pincode: "794102", validFrom: "2024-01-01" }] } });
    expect(extend.data!.setServiceability).toMatchObject({ updated: 1, entries: [{ validTo: null }] });
  });

  it("imports serviceability from CSV: the same file twice changes nothing, overlaps are rejected with both ranges", async () => {
    const file = path.join(dir, "svc.csv");
    fs.writeFileSync(file, "PIN,From,To,Channel\n194101,2023-01-01,2023-12-31,india_post\n194101,2023-06-01,,\n194101,2024-01-01,,\n12345,2023-01-01,,\n");
    const first = await importServiceabilityCsv(db.database, file);
    expect(first, JSON.stringify(first.rejects)).toMatchObject({ rows: 4, created: 2, unchanged: 0 });
    expect(first.rejects.map((r) => r.line)).toEqual([3, 5]);
    expect(first.rejects[0]!.reason).toContain("2023-06-01 to open-ended");
    expect(first.rejects[0]!.reason).toContain("2023-01-01 to 2023-12-31");
    const second = await importServiceabilityCsv(db.database, file);
    expect(second).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
  });

  it("counts coverage per area that add up to the national row, from the delivery rollup", async () => {
    const booked = await graph.execute(RecordShipmentsDocument, {
      input: {
        shipments: [
          { trackingNumber: s10(1), bookedAt: "2024-08-01T10:00:00+05:30", productCode: "SPEED_POST", paymentMode: "PREPAID", weightGrams: 500, pickupLocationCode: "DEL-GPO", destinationPincode: "194401" },
          { trackingNumber: s10(2), bookedAt: "2024-08-01T10:00:00+05:30", productCode: "SPEED_POST", paymentMode: "PREPAID", weightGrams: 500, pickupLocationCode: "DEL-GPO", destinationPincode: "900099", armyPostOffice: "APO_99" },
          { trackingNumber: s10(3), bookedAt: "2024-08-01T10:00:00+05:30", productCode: "SPEED_POST", paymentMode: "PREPAID", weightGrams: 500, pickupLocationCode: "DEL-GPO", destinationPincode: "744101" },
        ],
      },
    });
    expect(booked.errors).toBeUndefined();
    await graph.execute(RecordScanEventsDocument, {
      input: {
        events: [1, 2, 3].map((i) => ({ trackingNumber: s10(i), event: "Item Delivered (Addressee)", occurredAt: "2024-08-06T12:00:00+05:30" })),
      },
    });
    const national = await graph.execute(CoverageDocument, { level: "NATIONAL", asOf: "2024-09-30", quarter: "Q2 FY25" });
    expect(national.errors).toBeUndefined();
    const india = national.data!.coverage.areas[0]!;
    expect(india).toMatchObject({ area: "India", pinsServiceable: 5, pinsActive: 2, armyLocationsServed: 1, armyLocationsActive: 1, shipmentsDelivered: 3 });
    expect(india.pinsTotal - india.pinsDeliverable).toBe(1); // 110099: only a non-delivery office
    expect(india.remotePinsServed).toBe(4); // Nubra Valley, Leh, Port Blair, Baghmara
    // A share is a percentage (0 to 100), as PERCENT KPIs are: 5 serviceable of the deliverable PINs.
    expect(india.shareServed).toEqual({ numerator: 5, denominator: india.pinsDeliverable, percent: (100 * 5) / india.pinsDeliverable });
    expect(india.shareServed.percent!).toBeGreaterThan(1);
    const deprecated = (await graph.execute(`{ coverage(level: NATIONAL, asOf: "2024-09-30", quarter: "Q2 FY25") { areas { shareServed { value percent } } } }`)).data as {
      coverage: { areas: { shareServed: { value: number; percent: number } }[] };
    };
    expect(deprecated.coverage.areas[0]!.shareServed.value).toBeCloseTo(deprecated.coverage.areas[0]!.shareServed.percent / 100, 12);
    for (const level of ["ZONE", "CIRCLE", "STATE", "DISTRICT"] as const) {
      const areas = (await graph.execute(CoverageDocument, { level, asOf: "2024-09-30", quarter: "Q2 FY25" })).data!.coverage.areas;
      for (const count of COUNTS) expect(areas.reduce((sum, a) => sum + a[count], 0), `${level} ${count}`).toBe(india[count]);
    }
    // The PIN filter's conditions count as coverage does: serviceable on a day, active in a quarter, remote class.
    const count = async (where: unknown, viewer?: Viewer) => {
      const result = await graph.execute(`query ($w: PincodeWhere) { pincodes(where: $w, first: 500) { totalCount nodes { code } } }`, { w: where }, viewer === undefined ? {} : { viewer });
      return result.errors === undefined ? (result.data as { pincodes: { totalCount: number } }).pincodes.totalCount : result.errors[0]!.extensions!.code;
    };
    const deliverable = { or: [{ isDeliverable: { eq: true } }, { isDeliverable: { isNull: true } }] };
    expect(await count({ serviceableAsOf: "2024-09-30", and: [deliverable] })).toBe(india.pinsServiceable);
    expect(await count({ activeInQuarter: "Q2 FY25" })).toBe(india.pinsActive - india.armyLocationsActive + 1);
    // Deliverable PINs not yet serviceable: the coverage gap.
    expect(await count({ not: { serviceableAsOf: "2024-09-30" }, and: [deliverable] })).toBe(india.pinsDeliverable - india.pinsServiceable);
    expect(await count({ remoteClass: "LADAKH_JK_HILLS", code: { eq: "194401" } })).toBe(1);
    expect(await count({ primaryCircle: { name: { startsWith: "north" } }, remoteClass: "NORTH_EAST" })).toBeGreaterThan(0);
    // Serviceability is for authenticated viewers (Pincode.coverage): the public directory cannot filter by it.
    expect(await count({ serviceableAsOf: "2024-09-30" }, anonymousViewer())).toBe("UNAUTHENTICATED");
    const pin = await graph.execute(PincodeCoverageDocument, { code: "194401", asOf: "2024-09-30", quarter: "FY2024-25-Q2" });
    expect(pin.data!.pincode).toMatchObject({
      remoteClasses: ["LADAKH_JK_HILLS"],
      coverage: { serviceable: true, serviceableFrom: "2023-01-01", activeInQuarter: true, shipmentsDelivered: 1 },
    });
    expect(await diffPinDeliveryRollup(db.database.db)).toEqual([]);
    await refreshPinDeliveryRollup(db.database.db);
    expect(await diffPinDeliveryRollup(db.database.db)).toEqual([]);
  });

  it("shows a key limited to a postal circle that circle's coverage only: no other circle's deliveries, no Army locations", async () => {
    const args = { asOf: "2024-09-30", quarter: "Q2 FY25" };
    const delhi = testViewer([Role.ANALYST], { organisation: "INDIA_POST", circle: "Delhi" });
    const everyone = (await graph.execute(CoverageDocument, { level: "CIRCLE", ...args })).data!.coverage.areas;
    expect(everyone.length).toBeGreaterThan(2);
    expect(everyone.reduce((sum, a) => sum + a.shipmentsDelivered, 0)).toBe(3);
    const circles = await graph.execute(CoverageDocument, { level: "CIRCLE", ...args }, { viewer: delhi });
    expect(circles.errors).toBeUndefined();
    expect(circles.data!.coverage.areas.map((a) => a.area)).toEqual(["Delhi"]);
    expect(circles.data!.coverage.areas[0]).toEqual(everyone.find((a) => a.area === "Delhi"));
    const [india] = (await graph.execute(CoverageDocument, { level: "NATIONAL", ...args }, { viewer: delhi })).data!.coverage.areas;
    // The three deliveries went to Ladakh, an Army location and Port Blair: none in Delhi.
    expect(india).toMatchObject({ area: "India", shipmentsDelivered: 0, armyLocationsServed: 0, armyLocationsActive: 0, pinsServiceable: 1 });
    const trend = await graph.execute(CoverageTrendDocument, { level: "CIRCLE", from: "FY2024-25-Q2", to: "FY2024-25-Q2" }, { viewer: delhi });
    expect(trend.data!.coverageTrend.flatMap((r) => r.areas.map((a) => a.area))).toEqual(["Delhi"]);
    const outside = await graph.execute(PincodeCoverageDocument, { code: "194401", ...args, quarter: "FY2024-25-Q2" }, { viewer: delhi });
    expect(outside.errors).toBeUndefined();
    expect(outside.data!.pincode!.coverage).toBeNull();
    const inside = await graph.execute(PincodeCoverageDocument, { code: "110001", ...args, quarter: "FY2024-25-Q2" }, { viewer: delhi });
    expect(inside.data!.pincode!.coverage).toMatchObject({ serviceable: true });
  });

  it("gives distances: pickup to destination, and the delivery offices nearest a pickup location", async () => {
    // CSV imports carry office coordinates but PIN points come from the npm package: set the two PINs' points as it would.
    await db.database.db.execute(sql`update pincode set latitude = 28.6328, longitude = 77.2197, coordinate_quality = 'IN_INDIA' where code = '110001'`);
    await db.database.db.execute(sql`update pincode set latitude = 34.5497, longitude = 77.5563, coordinate_quality = 'IN_INDIA' where code = '194401'`);
    const result = await graph.execute(`{
      shipment(trackingNumber: "${s10(1)}") { distanceKm }
      army: shipment(trackingNumber: "${s10(2)}") { distanceKm }
      pickupLocation(code: "DEL-GPO") { nearestDeliveryOffices(first: 3) { distanceKm office { name pincode { code } } } }
    }`);
    expect(result.errors).toBeUndefined();
    const data = result.data as { shipment: { distanceKm: number }; army: { distanceKm: null }; pickupLocation: { nearestDeliveryOffices: { distanceKm: number; office: { name: string } }[] } };
    expect(data.shipment.distanceKm).toBeGreaterThan(640); // New Delhi to Diskit, Nubra Valley: about 660 km as the crow flies
    expect(data.shipment.distanceKm).toBeLessThan(680);
    expect(data.army.distanceKm).toBeNull();
    const nearest = data.pickupLocation.nearestDeliveryOffices;
    expect(nearest.length).toBeGreaterThan(0);
    expect(nearest[0]!.distanceKm).toBe(0);
    expect(nearest.map((n) => n.distanceKm)).toEqual([...nearest.map((n) => n.distanceKm)].sort((a, b) => a - b));
  });

  it("answers coverage and its trend in a constant number of statements", async () => {
    const one = await graph.execute(CoverageTrendDocument, { level: "CIRCLE", from: "FY2024-25-Q1", to: "FY2024-25-Q1" });
    const four = await graph.execute(CoverageTrendDocument, { level: "CIRCLE", from: "FY2024-25-Q1", to: "FY2024-25-Q4" });
    expect(four.errors).toBeUndefined();
    expect(four.data!.coverageTrend).toHaveLength(4);
    expect(one.statements).toBe(1);
    expect(four.statements).toBe(4);
    const national = await graph.execute(CoverageDocument, { level: "CIRCLE", asOf: "2024-09-30" });
    expect(national.statements).toBe(1);
  });

  it("answers nearestDeliveryOffices for every pickup location in one statement, as the per-location search does", async () => {
    const points: Record<string, [number, number]> = {
      "110001": [28.6328, 77.2197],
      "110099": [28.61, 77.21],
      "194401": [34.5497, 77.5563],
      "194101": [34.1526, 77.5771],
      "744101": [11.6234, 92.7265],
      "794102": [25.5138, 90.2036],
    };
    for (const [code, [lat, lng]] of Object.entries(points)) {
      await db.database.db.execute(sql`update pincode set latitude = ${lat}, longitude = ${lng}, coordinate_quality = 'IN_INDIA' where code = ${code}`);
    }
    // Opened later than DEL-GPO, so that a day before lists DEL-GPO alone.
    for (const [code, pin] of [["DEL-NIR", "110099"], ["LEH-HO", "194101"], ["NUB-DSK", "194401"], ["PBL-HO", "744101"], ["MEG-BGM", "794102"]] as const) {
      const office = root(await graph.execute(SearchPostOfficesDocument, { filter: { pincode: pin } }), "postOffices").nodes[0]!;
      const made = await graph.execute(UpsertPickupLocationDocument, {
        input: { code, name: code, postOfficeId: office.id, city: "Test", activeFrom: "2022-01-01", dailyCapacity: 100 },
      });
      expect(made.errors).toBeUndefined();
    }
    const selection = "code nearestDeliveryOffices(first: 4, radiusKm: 200) { distanceKm office { name pincode { code } } }";
    type Answer = { code: string; nearestDeliveryOffices: { distanceKm: number; office: { name: string; pincode: { code: string } } }[] };
    const nearest = (sqlText: readonly string[]) => sqlText.filter((text) => text.includes("/* findNearestDeliveryOffices */")).length;
    const all = await graph.execute<{ pickupLocations: Answer[] }, Record<string, never>>(`{ pickupLocations { ${selection} } }`);
    expect(all.errors).toBeUndefined();
    const locations = all.data!.pickupLocations;
    expect(locations).toHaveLength(6);
    expect(nearest(all.sql)).toBe(1);
    const one = await graph.execute<{ pickupLocations: Answer[] }, Record<string, never>>(`{ pickupLocations(asOf: "2021-06-01") { ${selection} } }`);
    expect(one.data!.pickupLocations.map((l) => l.code)).toEqual(["DEL-GPO"]);
    expect(nearest(one.sql)).toBe(1);
    expect(all.statements).toBe(one.statements);

    // Each location alone, through the graph and through the per-location search the field ran before it was batched.
    for (const location of locations) {
      const alone = await graph.execute<{ pickupLocation: Answer }, Record<string, never>>(`{ pickupLocation(code: "${location.code}") { ${selection} } }`);
      expect(alone.data!.pickupLocation).toEqual(location);
      const [origin] = await queryRows<{ latitude: number; longitude: number }>(
        db.database.db,
        sql`select p.latitude, p.longitude from pickup_location l join post_office o on o.id = l.post_office_id
          join pincode p on p.code = o.pincode where l.code = ${location.code}`,
      );
      const near = await findPincodesNear(db.database.db, Number(origin!.latitude), Number(origin!.longitude), 200, 200);
      const offices = await findPostOfficesByPincodes(db.database.db, near.map((n) => n.pincode.code));
      const expected = near
        .flatMap((n) => offices.filter((o) => o.pincode === n.pincode.code && o.delivery !== false).map((o) => ({ distanceKm: Math.round(n.distanceKm * 100) / 100, office: { name: o.name, pincode: { code: o.pincode } } })))
        .slice(0, 4);
      expect(location.nearestDeliveryOffices).toEqual(expected);
    }
    const byCode = new Map(locations.map((l) => [l.code, l.nearestDeliveryOffices]));
    // 110001's two delivering offices; 110099's only office does not deliver.
    expect(byCode.get("DEL-GPO")!.map((n) => n.office.pincode.code)).toEqual(["110001", "110001"]);
    expect(byCode.get("DEL-NIR")!.map((n) => n.office.name)).toEqual(byCode.get("DEL-GPO")!.map((n) => n.office.name));
    expect(byCode.get("LEH-HO")!.map((n) => n.office.pincode.code)).toContain("194401"); // Diskit, about 45 km from Leh
    expect(byCode.get("PBL-HO")!.every((n) => n.office.pincode.code === "744101")).toBe(true);
  });
});
