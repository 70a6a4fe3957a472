import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { sql } from "drizzle-orm";
import { type GraphQLSchema, print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createContext } from "../src/context.js";
import { openDatabase, queryRows } from "../src/db/client.js";
import { PickupDashboardDocument, TrackShipmentDocument } from "../src/generated/operations.js";
import { progressBar } from "../src/lib/progress.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { Role } from "../src/modules/access/access.roles.js";
import { testViewer, type Viewer } from "../src/modules/access/access.viewer.js";
import { seedDemo } from "../src/modules/demo/demo.seed.js";
import { createSchema } from "../src/schema.js";
import { createApolloServer } from "../src/server/apollo.js";
import { listen, type RunningServer } from "../src/server/http.js";
import { createDirectoryDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, type GraphResult, type TestGraph } from "./support/graph.js";
import { EVERY_ROLE, FIXTURE_HAS_ONE_VALUE, registry, selectionOf, valuesByField } from "./support/field-registry.js";

/*
 * The single-statement executor (src/server/single-statement.ts) against the resolvers: every operation
 * here runs through both (the second graph has no single statement: `{ singleStatement: false }`) on the same demo data, and the
 * answers must be identical. What it answers costs 1 statement; what it declines runs through the resolvers.
 * The first tests generate their operations from the field registry (test/support/field-registry.ts), so every
 * field with a SQL definition is compared, including ones no hand-written operation here selects.
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
  let schema: GraphQLSchema;
  const types = registry();

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
    db = await createDirectoryDatabase(engine);
    await seedDemo(db.database, { shipments: 6_000, seed: 5, until: "2026-09-30", replace: false }, progressBar(false));
    // The operation selecting every defined field (below) asks for more rows than a caller may: it is a test's, not a caller's.
    const env = { DAKGRAPH_MAX_COST: "1000000" };
    single = await createTestGraph(db.database, env);
    reference = await createTestGraph(db.database, env, { singleStatement: false });
    schema = await createSchema();
  });
  afterAll(async () => {
    await single?.stop();
    await reference?.stop();
    await db?.drop();
  });

  it("answers every field reachable from the pickup locations identically, each with real values", async () => {
    const seen = new Set<string>();
    const query = `{ pickupLocations { ${selectionOf(schema, types, "PickupLocation", ["Query"], seen, 90)} } }`;
    const a = await single.execute(query, {}, { viewer: EVERY_ROLE });
    const b = await reference.execute(query, {}, { viewer: EVERY_ROLE });
    expect(a.errors).toBeUndefined();
    expect(b.errors).toBeUndefined();
    // Answered by the single statement (not declined to the resolvers), and by the resolvers' loaders.
    expect(a.statements).toBe(1);
    expect(b.statements).toBeGreaterThan(1);
    expect(JSON.stringify(a.data)).toBe(JSON.stringify(b.data));

    // Every defined field of every type (Query's entry points aside) was selected.
    const defined = [...types].filter(([type]) => type !== "Query").flatMap(([type, fields]) => [...fields.keys()].map((name) => `${type}.${name}`));
    expect(defined.filter((name) => !seen.has(name))).toEqual([]);

    // Each leaf was compared on real values: at least one non-null (booleans: both true and false).
    const values = new Map<string, unknown[]>();
    valuesByField(schema, schema.getQueryType()!, a.data, values);
    const weak: string[] = [];
    for (const name of defined) {
      const [type, field] = name.split(".") as [string, string];
      if (types.get(type)!.get(field)!.kind !== "value" || FIXTURE_HAS_ONE_VALUE[name] !== undefined) continue;
      const seenValues = new Set((values.get(name) ?? []).filter((v) => v !== null));
      const booleanField = [...seenValues].some((v) => typeof v === "boolean");
      if (seenValues.size === 0 || (booleanField && seenValues.size < 2)) weak.push(name);
    }
    expect(weak, "defined fields the fixture never gives a value (or only one boolean)").toEqual([]);
  });

  it("answers filtered, ordered pages either way in 1 statement, cursors and page info included, as the resolvers do", async () => {
    const query = `query ($w: ShipmentWhere, $o: [ShipmentOrderBy!], $first: Int, $after: String, $last: Int, $before: String) {
      shipments(where: $w, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { trackingNumber bookingDate status transitDays } } nodes { trackingNumber codStatus deliveryDate } } }`;
    const cases: Record<string, unknown>[] = [
      { first: 20 },
      { w: { paymentMode: { eq: "COD" }, deliveredAt: { isNull: false } }, o: [{ field: "COD_AMOUNT", direction: "DESC" }], first: 15 },
      { w: { or: [{ status: { in: ["RTO_DELIVERED", "LOST"] } }, { transitDays: { gt: 6 } }] }, o: [{ field: "TRANSIT_DAYS" }, { field: "STATUS", direction: "DESC" }], first: 25 },
      { w: { destination: { primaryCircle: { name: { startsWith: "North" } } }, not: { onTime: { eq: true } } }, o: [{ field: "DESTINATION_PRIMARY_STATE" }], last: 10 },
      { w: { pickupLocation: { code: { in: ["SYN-DEL", "SYN-BOM"] } }, bookingDate: { gte: "2025-01-01" } }, o: [{ field: "DELIVERY_DATE", direction: "DESC" }], first: 30 },
      { w: { codAmount: { gte: 1000 }, codStatus: { ne: "REMITTED" } }, o: [{ field: "PICKUP_LOCATION_CODE" }, { field: "BOOKED_AT" }], first: 12 },
    ];
    let paged = 0;
    for (const variables of cases) {
      // The first page, then the next (or previous) one through its cursor: both answered by one statement.
      const first = await both(query, variables, EVERY_ROLE);
      expect(first.single.errors, JSON.stringify(variables)).toBeUndefined();
      expect(first.single.statements, JSON.stringify(variables)).toBe(1);
      const page = (first.single.data as { shipments: { totalCount: number; pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string; endCursor: string } } }).shipments;
      expect(page.totalCount, JSON.stringify(variables)).toBeGreaterThan(0);
      const backward = variables.last !== undefined;
      if (backward ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage) {
        const next = await both(query, backward ? { ...variables, before: page.pageInfo.startCursor } : { ...variables, after: page.pageInfo.endCursor }, EVERY_ROLE);
        expect(next.single.statements).toBe(1);
        paged += 1;
      }
    }
    expect(paged).toBeGreaterThan(3);
    // What the resolvers refuse, they refuse: the plan declines to them.
    const refused = await both(query, { first: 1, last: 1 }, EVERY_ROLE);
    expect(refused.single.errors![0]!.extensions!.code).toBe("BAD_USER_INPUT");
    const foreign = await both(query, { o: [{ field: "ATTEMPTS" }], after: "WyJCT09LRURfQVQtIiwgIjIwMjUtMDEtMDFUMDA6MDA6MDBaIiwgMV0" }, EVERY_ROLE);
    expect(foreign.single.errors![0]!.extensions!.code).toBe("INVALID_CURSOR");
  });

  it("reads the definitions for rows read without them: a filtered page and tracking lookups agree with the single statement", async () => {
    const leaves = [...types.get("Shipment")!].filter(([, p]) => p.kind === "value").map(([name]) => name);
    // Query.shipments reads its rows without the computed fields: the resolvers take them from their loader.
    const page = await reference.execute(`{ shipments(first: 500) { nodes { ${leaves.join(" ")} } } }`, {}, { viewer: EVERY_ROLE });
    expect(page.errors).toBeUndefined();
    const nodes = (page.data as { shipments: { nodes: Record<string, unknown>[] } }).shipments.nodes;
    const sample = nodes.filter((n, i) => i % 10 === 0 || n.armyPostOffice !== null || n.codStatus === "REMITTED");
    expect(sample.length).toBeGreaterThan(50);
    for (const node of sample) {
      const query = `{ shipment(trackingNumber: "${node.trackingNumber}", bookingDate: "${node.bookingDate}") { ${leaves.join(" ")} } }`;
      const a = await single.execute(query, {}, { viewer: EVERY_ROLE });
      const b = await reference.execute(query, {}, { viewer: EVERY_ROLE });
      expect(a.statements).toBe(1);
      expect(JSON.stringify(a.data)).toBe(JSON.stringify(b.data));
      expect((a.data as { shipment: unknown }).shipment).toEqual(node);
    }
  });
  it("answers the pickup dashboard in 1 statement, exactly as the resolvers do", async () => {
    for (const variables of [{ latest: 20 }, { latest: 0 }, { asOf: "2022-04-01", latest: 3 }, {}]) {
      const { single: a, reference: b } = await both(PickupDashboardDocument, variables);
      expect(a.errors).toBeUndefined();
      expect(a.statements).toBe(1);
      expect(b.statements).toBeGreaterThan(1);
    }
    const dashboard = await single.execute(PickupDashboardDocument, { latest: 20 });
    const locations = dashboard.data!.pickupLocations;
    expect(locations).toHaveLength(13);
    expect(locations.every((l) => l.shipments!.nodes.length === 20 && l.shipments!.totalCount > 20)).toBe(true);
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

  it.runIf(engine === "postgres")("answers 503 DATABASE_UNAVAILABLE with Retry-After when its statement cannot reach the database", async () => {
    // Nothing listens on port 1: every connection is refused, for real.
    const away = await openDatabase({ databaseUrl: "postgres://postgres@127.0.0.1:1/dakgraph", dataDir: null, connectTimeoutMs: 1000 });
    const apollo = createApolloServer(await createSchema(), loadConfig({ NODE_ENV: "test" }));
    await apollo.start();
    try {
      const response = await apollo.executeOperation(
        { query: print(PickupDashboardDocument), variables: { latest: 2 } },
        { contextValue: createContext(loadConfig({ NODE_ENV: "test" }), away, testViewer([Role.ADMIN])) },
      );
      expect(response.http.status).toBe(503);
      expect(response.http.headers.get("retry-after")).toBe("2");
      const body = response.body.kind === "single" ? response.body.singleResult : undefined;
      expect(body?.data).toBeNull();
      expect(body?.errors?.map((e) => [e.extensions?.code, e.path])).toEqual([["DATABASE_UNAVAILABLE", ["pickupLocations"]]]);
    } finally {
      await apollo.stop();
      await away.close();
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

  describe("over HTTP, inside Apollo Server's pipeline (its responseForOperation hook)", () => {
    const TRACK = print(TrackShipmentDocument);
    const DASHBOARD = print(PickupDashboardDocument);
    let servers: { server: RunningServer; stop(): Promise<void> }[] = [];
    let url: string;
    let admin: Record<string, string>;
    let viewer: Record<string, string>;
    let delhi: Record<string, string>;
    let bookings: { trackingNumber: string; bookingDate: string }[];

    interface Reply {
      readonly status: number;
      readonly contentType: string | null;
      readonly statements: number;
      readonly cache: string | null;
      readonly text: string;
      readonly json: { data?: Record<string, any> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] };
    }

    async function post(to: string, body: unknown, headers: Record<string, string>): Promise<Reply> {
      const response = await fetch(to, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
      const text = await response.text();
      return {
        status: response.status,
        contentType: response.headers.get("content-type"),
        statements: Number(response.headers.get("x-sql-statements")),
        cache: response.headers.get("x-response-cache"),
        text,
        json: JSON.parse(text),
      };
    }

    async function start(env: Record<string, string>): Promise<string> {
      const config = loadConfig({ NODE_ENV: "test", PORT: "0", DAKGRAPH_RATE_LIMIT_PER_MINUTE: "1000000", DAKGRAPH_RATE_LIMIT_BURST: "1000000", ...env });
      const apollo = createApolloServer(await createSchema(), config);
      await apollo.start();
      const server = await listen({ config, database: db.database, apollo });
      servers.push({
        server,
        async stop() {
          await server.close();
          await apollo.stop();
        },
      });
      return server.url;
    }

    beforeAll(async () => {
      url = await start({});
      const bearer = async (roles: string[], circle?: string) => {
        const organisation = circle === undefined ? "PARTNERSHIP" : "INDIA_POST";
        const { key } = await createApiKey(db.database.db, { name: `http ${roles.join(" ")} ${circle ?? ""}`, organisation, roles, ...(circle === undefined ? {} : { circle }) });
        return { authorization: `Bearer ${key}` };
      };
      admin = await bearer(["ADMIN"]);
      viewer = await bearer(["VIEWER"]);
      delhi = await bearer(["OPERATOR", "ARMY_POSTAL"], "delhi");
      bookings = (
        await queryRows<{ tracking_number: string; booking_date: string }>(
          db.database.db,
          sql`select tracking_number, booking_date::text as booking_date from shipment order by id limit 6`,
        )
      ).map((r) => ({ trackingNumber: r.tracking_number, bookingDate: r.booking_date }));
    });
    afterAll(async () => {
      for (const server of servers) await server.stop();
      servers = [];
    });

    it("answers tracking lookups in 1 statement each, every one through the pipeline", async () => {
      for (const [i, variables] of bookings.entries()) {
        const reply = await post(url, { query: TRACK, variables, operationName: "TrackShipment" }, admin);
        expect(reply.status).toBe(200);
        expect(reply.contentType).toBe("application/json; charset=utf-8");
        expect(reply.json.data!.shipment.trackingNumber).toBe(variables.trackingNumber);
        // The first request also looked the API key up.
        expect(reply.statements).toBe(i === 0 ? 2 : 1);
      }
      const unknown = await post(url, { query: TRACK, variables: { trackingNumber: "EE123456785IN" } }, admin);
      expect(unknown.json).toEqual({ data: { shipment: null } });
      expect(unknown.statements).toBe(1);
    });

    it("runs the limits before it: a refused operation issues no statement", async () => {
      const strict = await start({ DAKGRAPH_MAX_COST: "10" });
      await post(strict, { query: "{ circles { name } }" }, admin);
      const refused = await post(strict, { query: DASHBOARD, variables: { latest: 20 } }, admin);
      expect(refused.json.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
      expect(refused.statements).toBe(0);
      const tooLarge = await post(url, { query: DASHBOARD, variables: { latest: 100_000 } }, admin);
      expect(tooLarge.json.errors?.[0]?.extensions?.code).toBe("PAGE_SIZE_EXCEEDED");
    });

    it("leaves variables that do not coerce, or hold NUL, to Apollo's error: 200 for application/json, 400 for graphql-response+json", async () => {
      const refused = [
        { trackingNumber: "EE123456788IN" },
        { trackingNumber: 12 },
        {},
        { trackingNumber: bookings[0]!.trackingNumber, bookingDate: "2026-02-30" },
        { trackingNumber: bookings[0]!.trackingNumber, bookingDate: bookings[0]!.bookingDate, note: "a\u0000" },
      ];
      for (const variables of refused) {
        for (const [accept, status] of [["application/json", 200], ["application/graphql-response+json", 400]] as const) {
          const reply = await post(url, { query: TRACK, variables }, { ...admin, accept });
          expect(reply.status).toBe(status);
          expect(reply.json.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
          expect(reply.statements).toBe(0);
        }
      }
    });

    it("keeps each caller's access: a VIEWER is refused what an ADMIN reads, a circle-scoped key gets the resolvers", async () => {
      await post(url, { query: TRACK, variables: bookings[1] }, admin);
      for (const variables of bookings.slice(1, 3)) {
        const refused = await post(url, { query: TRACK, variables }, viewer);
        expect(refused.json.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
      }
      await post(url, { query: TRACK, variables: bookings[0] }, delhi);
      const scoped = await post(url, { query: DASHBOARD, variables: { latest: 2 } }, delhi);
      expect(scoped.status).toBe(200);
      expect(scoped.statements).toBeGreaterThan(1);
    });

    it("answers with the content type Apollo chooses for the Accept header, and 406 for one it cannot serve", async () => {
      const types = [];
      for (const accept of ["*/*", "application/json", "application/graphql-response+json, application/json;q=0.9", "application/graphql-response+json"]) {
        const reply = await post(url, { query: TRACK, variables: bookings[3] }, { ...admin, accept });
        expect(reply.statements).toBe(1);
        types.push(reply.contentType);
      }
      expect(types).toEqual([
        "application/json; charset=utf-8",
        "application/json; charset=utf-8",
        "application/graphql-response+json; charset=utf-8",
        "application/graphql-response+json; charset=utf-8",
      ]);
      const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", accept: "text/plain", ...admin }, body: JSON.stringify({ query: TRACK, variables: bookings[3] }) });
      expect(response.status).toBe(406);
    });

    it("is asked after the response cache: hits issue no statement, errors are never stored, a mutation empties it", async () => {
      // Let PostgreSQL publish the setup's table statistics first: the cache empties itself when they move.
      if (engine === "postgres") await new Promise((resolve) => setTimeout(resolve, 1200));
      const cached = await start({ DAKGRAPH_RESPONSE_CACHE: "true" });
      const dashboard = { query: DASHBOARD, variables: { latest: 2 } };
      const miss = await post(cached, dashboard, admin);
      expect([miss.cache, miss.statements]).toEqual(["miss", 2]);
      const hit = await post(cached, dashboard, admin);
      expect([hit.cache, hit.statements]).toEqual(["hit", 0]);
      // A hit is written from the text stored with the answer (stringifyResult): the same bytes as Apollo writes.
      expect(miss.text).toBe(`${JSON.stringify({ data: miss.json.data })}\n`);
      expect(hit.text).toBe(miss.text);
      // A VIEWER may not read destinationPincode: an answer with errors, never stored, never the ADMIN's.
      for (let i = 0; i < 2; i += 1) {
        const refused = await post(cached, dashboard, viewer);
        expect(refused.json.errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
        expect(refused.cache).toBe("miss");
      }
      const first = `{ pickupLocations { code name city activeFrom activeTo dailyCapacity postOffice { id } } }`;
      const location = (await post(cached, { query: first }, admin)).json.data!.pickupLocations[0];
      const { postOffice, ...fields } = location;
      const input = { ...fields, name: `${location.name} (renamed)`, postOfficeId: postOffice.id };
      const mutation = "mutation ($input: UpsertPickupLocationInput!) { upsertPickupLocation(input: $input) { updated } }";
      expect((await post(cached, { query: mutation, variables: { input } }, admin)).json).toEqual({ data: { upsertPickupLocation: { updated: 1 } } });
      const after = await post(cached, dashboard, admin);
      expect([after.cache, after.statements]).toEqual(["miss", 1]);
      expect(after.json.data!.pickupLocations[0].name).toBe(input.name);
      expect((await post(cached, dashboard, admin)).cache).toBe("hit");
      // Put the name back for the tests that compare with the resolvers.
      await post(cached, { query: mutation, variables: { input: { ...input, name: location.name } } }, admin);
    });
  });
});

