import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { sql } from "drizzle-orm";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, queryRows } from "../src/db/client.js";
import { PickupDashboardDocument, TrackShipmentDocument } from "../src/generated/operations.js";
import { progressBar } from "../src/lib/progress.js";
import { Role } from "../src/modules/access/access.roles.js";
import { testViewer, type Viewer } from "../src/modules/access/access.viewer.js";
import { seedDemo } from "../src/modules/demo/demo.seed.js";
import { loadDirectoryFromPackages } from "../src/modules/post-office/post-office.directory.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, type GraphResult, type TestGraph } from "./support/graph.js";
import { knownOperationsSuite } from "./known-operations.suite.js";

/*
 * The single-statement executor (src/server/single-statement.ts) against the resolvers: every operation
 * here runs through both (the second graph has DAKGRAPH_EXECUTOR=compiled) on the same demo data, and the
 * answers must be identical. What it answers costs 1 statement; what it declines runs through the resolvers.
 */

const WIDE = `
fragment Office on PostOffice { id name officeType delivery district state taluk source pincode { id code officeCount deliveryOfficeCount primaryState primaryDistrict coordinateQuality } }
fragment Scan on ScanEvent { id __typename occurredAt eventType failedReason officeName rawText office { ...Office } }
query Wide($first: Int) {
  locations: pickupLocations {
    __typename id code name city state activeFrom activeTo dailyCapacity synthetic
    postOffice { ...Office }
    shipments(first: $first) {
      __typename
      count: totalCount
      nodes {
        id trackingNumber bookingDate bookedAt productCode paymentMode weightGrams destinationKind routeClass serviceNormDays
        promisedDate status deliveredAt attempts outForDeliveryCount firstAttemptAt returnedAt rtoDeliveredAt lastEventAt synthetic
        destinationPincode transitDays onTime
        pickupLocation { code postOffice { name } }
        deliveryOffice { ...Office }
        events { ...Scan }
        latest: lastEvent { ...Scan }
        ... on Shipment { trackingNumber status }
      }
    }
    also: shipments(first: 2) { nodes { trackingNumber } }
  }
}`;

describe.each(engines)("the single-statement executor on %s", (engine) => {
  let db: TestDatabase;
  let single: TestGraph;
  let reference: TestGraph;

  /** The same operation through both executors: equal answers; the statements each took. */
  // Variables are typed loosely: both executors get the same ones, and the server checks them.
  async function both<T = unknown>(document: TypedDocumentNode<T, any> | string, variables: Record<string, unknown> = {}, viewer?: Viewer) {
    const options = viewer === undefined ? {} : { viewer };
    const a = (await single.execute(document as never, variables as never, options)) as GraphResult<T>;
    const b = (await reference.execute(document as never, variables as never, options)) as GraphResult<T>;
    expect(a.data).toEqual(b.data);
    expect(a.errors).toEqual(b.errors);
    // Key order too: the response is written in the selection's order.
    expect(JSON.stringify(a.data)).toBe(JSON.stringify(b.data));
    return { single: a, reference: b };
  }

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    await loadDirectoryFromPackages(db.database, progressBar(false));
    await seedDemo(db.database, { shipments: 6_000, seed: 5, until: "2026-09-30", replace: false }, progressBar(false));
    single = await createTestGraph(db.database);
    reference = await createTestGraph(db.database, { DAKGRAPH_EXECUTOR: "compiled" });
  });
  afterAll(async () => {
    await single?.stop();
    await reference?.stop();
    await db?.drop();
  });

  it("answers the pickup dashboard in 1 statement, exactly as the resolvers do", async () => {
    for (const variables of [{ latest: 20 }, { latest: 0 }, { activeOn: "2022-04-01", latest: 3 }, {}]) {
      const { single: a, reference: b } = await both(PickupDashboardDocument, variables);
      expect(a.errors).toBeUndefined();
      expect(a.statements).toBe(1);
      expect(b.statements).toBeGreaterThan(1);
    }
    const dashboard = await single.execute(PickupDashboardDocument, { latest: 20 });
    const locations = dashboard.data!.pickupLocations;
    expect(locations).toHaveLength(13);
    expect(locations.every((l) => l.shipments.nodes.length === 20 && l.shipments.totalCount > 20)).toBe(true);
  });

  it("answers tracking lookups in 1 statement: delivered, in transit, returned, Army Postal and unknown numbers", async () => {
    const sample = await queryRows<{ tracking_number: string; booking_date: string }>(
      db.database.db,
      sql`(select distinct on (status, destination_kind) tracking_number, booking_date::text as booking_date from shipment order by status, destination_kind, id)
          union all (select tracking_number, booking_date::text from shipment where id % 500 = 7)`,
    );
    expect(sample.length).toBeGreaterThan(12);
    for (const row of sample) {
      for (const variables of [{ trackingNumber: row.tracking_number, bookingDate: row.booking_date }, { trackingNumber: row.tracking_number.toLowerCase() }]) {
        const { single: a } = await both(TrackShipmentDocument, variables);
        expect(a.errors).toBeUndefined();
        expect(a.statements).toBe(1);
        expect(a.data!.shipment!.trackingNumber).toBe(row.tracking_number);
      }
    }
    // Another series' prefix: a valid S10 number (the check digit covers the serial only) that was never booked.
    const missing = await both(TrackShipmentDocument, { trackingNumber: `ZZ${sample[0]!.tracking_number.slice(2)}` });
    expect(missing.single.data).toEqual({ shipment: null });
    expect(missing.single.statements).toBe(1);
  });

  it("answers every projected field, with aliases, fragments and __typename, as the resolvers do", async () => {
    const { single: a } = await both(WIDE, { first: 25 });
    expect(a.errors).toBeUndefined();
    expect(a.statements).toBe(1);
    const nodes = (a.data as { locations: { shipments: { nodes: { transitDays: number | null; destinationKind: string }[] } }[] }).locations.flatMap(
      (l) => l.shipments.nodes,
    );
    // The sample covers what the projections compute: transit days of delivered shipments, Army Postal PINs.
    expect(nodes.some((n) => n.transitDays !== null && !Number.isInteger(n.transitDays))).toBe(true);
  });

  it("computes transit days and on-time exactly as the resolvers do, for every delivered shipment", async () => {
    const query = `{ pickupLocations { shipments(first: 500) { nodes { trackingNumber transitDays onTime deliveredAt bookedAt } } } }`;
    const { single: a } = await both(query);
    expect(a.statements).toBe(1);
  });

  it.runIf(engine === "postgres")("reports a statement cancelled by the timeout as QUERY_TIMEOUT, as the resolvers do", async () => {
    const slow = await openDatabase({ databaseUrl: db.url, dataDir: null, statementTimeoutMs: 1 });
    const graph = await createTestGraph(slow, { DAKGRAPH_MAX_COST: "100000000" });
    try {
      const result = await graph.execute(WIDE, { first: 500 });
      expect(result.statements).toBe(1);
      expect(result.data).toBeNull();
      expect(result.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([["QUERY_TIMEOUT", ["locations"]]]);
    } finally {
      await graph.stop();
      await slow.close();
    }
  });

  it("leaves to the resolvers what it cannot answer exactly, with the same answers and errors", async () => {
    const cases: { document: string; variables?: Record<string, unknown>; viewer?: Viewer }[] = [
      // A field without a projection.
      { document: `{ pickupLocations { code shipments(first: 2) { nodes { product { code name } } } } }` },
      // Cursors and page info.
      { document: `{ pickupLocations { shipments(first: 2) { pageInfo { hasNextPage endCursor } nodes { trackingNumber } } } }` },
      // Directives.
      { document: `query($yes: Boolean!) { pickupLocations { code postOffice { name @include(if: $yes) } } }`, variables: { yes: false } },
      // A viewer without ARMY_POSTAL: Army Postal PINs are refused per row by the resolver.
      { document: `{ pickupLocations { shipments(first: 200) { nodes { destinationKind destinationPincode } } } }`, viewer: testViewer([Role.OPERATOR]) },
      // A viewer without OPERATOR: deliveryOffice is FORBIDDEN.
      { document: `{ pickupLocations { shipments(first: 2) { nodes { trackingNumber deliveryOffice { name } } } } }`, viewer: testViewer([Role.ANALYST]) },
      // A viewer limited to one circle: rows are scoped.
      { document: print(PickupDashboardDocument), variables: { latest: 5 }, viewer: testViewer([Role.OPERATOR], { circle: "Maharashtra" }) },
    ];
    for (const { document, variables, viewer } of cases) {
      const { single: a } = await both(document, variables, viewer);
      expect(a.statements, document).toBeGreaterThan(1);
    }
    // A page size over the limit: the same PAGE_SIZE_EXCEEDED error.
    const tooLarge = await both(`query($n: Int) { pickupLocations { shipments(first: $n) { nodes { trackingNumber } } } }`, { n: 501 });
    expect(tooLarge.single.errors?.[0]?.extensions?.code).toBe("PAGE_SIZE_EXCEEDED");
    // The per-row refusal really happens in the sample, and a cursor is followed.
    const army = await single.execute(`{ pickupLocations { shipments(first: 200) { nodes { destinationKind destinationPincode } } } }`, {}, { viewer: testViewer([Role.OPERATOR]) });
    expect(army.errors?.some((e) => e.extensions?.code === "FORBIDDEN")).toBe(true);
    const first = await single.execute(`{ pickupLocations { shipments(first: 2) { pageInfo { endCursor } } } }`);
    const cursor = (first.data as { pickupLocations: { shipments: { pageInfo: { endCursor: string } } }[] }).pickupLocations[0]!.shipments.pageInfo.endCursor;
    const next = await both(`{ pickupLocations { code shipments(first: 2, after: "${cursor}") { nodes { trackingNumber } } } }`);
    expect(next.single.statements).toBeGreaterThan(1);
  });

  describe("known operations (src/server/known-operations.ts)", () => knownOperationsSuite(engine, () => db));
});

