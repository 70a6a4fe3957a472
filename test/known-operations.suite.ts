import { print } from "graphql";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { openDatabase, queryRows } from "../src/db/client.js";
import { sql } from "drizzle-orm";
import { PickupDashboardDocument, TrackShipmentDocument } from "../src/generated/operations.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { Role } from "../src/modules/access/access.roles.js";
import { testViewer } from "../src/modules/access/access.viewer.js";
import { createSchema } from "../src/schema.js";
import { createApolloServer, knownOperationsOf } from "../src/server/apollo.js";
import { listen, type RunningServer } from "../src/server/http.js";
import type { KnownOperations } from "../src/server/known-operations.js";
import type { TestDatabase } from "./support/databases.js";
import { createTestGraph } from "./support/graph.js";

/*
 * The known-operations shortcut (src/server/known-operations.ts) against Apollo Server's own pipeline:
 * every request here goes to a server with the shortcut and to one without it, over the same database,
 * and the two responses must be the same byte for byte (status, content type, body). The shortcut's
 * counter shows which requests it answered, so a test cannot pass by never taking it.
 */

const TRACK = print(TrackShipmentDocument);
const DASHBOARD = print(PickupDashboardDocument);

interface Reply {
  readonly status: number;
  readonly contentType: string | null;
  readonly statements: string | null;
  readonly cache: string | null;
  readonly body: string;
}

async function post(url: string, body: unknown, headers: Record<string, string> = {}): Promise<Reply> {
  const response = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: response.status, contentType: response.headers.get("content-type"), statements: response.headers.get("x-sql-statements"), cache: response.headers.get("x-response-cache"), body: await response.text() };
}

/**
 * The suite, run by test/single-statement.test.ts inside its own describe: it reuses that file's database
 * (the directory and the demo shipments), whose load is most of the time either file would take alone.
 */
export function knownOperationsSuite(engine: "pglite" | "postgres", database: () => TestDatabase): void {
  let db: TestDatabase;
  let fast: { server: RunningServer; known: KnownOperations; stop(): Promise<void> };
  let reference: { server: RunningServer; stop(): Promise<void> };
  let admin: Record<string, string>;
  let viewer: Record<string, string>;
  let delhi: Record<string, string>;
  let bookings: { trackingNumber: string; bookingDate: string }[];

  async function start(env: Record<string, string>, database = db.database) {
    const config = loadConfig({ NODE_ENV: "test", PORT: "0", DAKGRAPH_RATE_LIMIT_PER_MINUTE: "1000000", DAKGRAPH_RATE_LIMIT_BURST: "1000000", ...env });
    const apollo = createApolloServer(await createSchema(), config);
    await apollo.start();
    const server = await listen({ config, database, apollo });
    return {
      server,
      known: knownOperationsOf(apollo),
      async stop() {
        await server.close();
        await apollo.stop();
      },
    };
  }

  /** The same request to both servers: identical replies. */
  async function both(body: unknown, headers: Record<string, string>): Promise<Reply> {
    const a = await post(fast.server.url, body, headers);
    const b = await post(reference.server.url, body, headers);
    expect(a).toEqual(b);
    return a;
  }

  beforeAll(async () => {
    db = database();
    const started = await start({});
    fast = { ...started, known: started.known! };
    reference = await start({ DAKGRAPH_KNOWN_OPERATIONS: "false" });
    const bearer = async (roles: string[], circle?: string) => {
      const organisation = circle === undefined ? "PARTNERSHIP" : "INDIA_POST";
      const { key } = await createApiKey(db.database.db, { name: `known ${roles.join(" ")} ${circle ?? ""}`, organisation, roles, ...(circle === undefined ? {} : { circle }) });
      return { authorization: `Bearer ${key}` };
    };
    admin = await bearer(["ADMIN"]);
    viewer = await bearer(["VIEWER"]);
    delhi = await bearer(["OPERATOR", "ARMY_POSTAL"], "delhi");
    bookings = (
      await queryRows<{ tracking_number: string; booking_date: string }>(
        db.database.db,
        sql`select tracking_number, booking_date::text as booking_date from shipment order by id limit 12`,
      )
    ).map((r) => ({ trackingNumber: r.tracking_number, bookingDate: r.booking_date }));
  });
  afterAll(async () => {
    await fast?.stop();
    await reference?.stop();
  });

  it("answers a tracking lookup it has seen, byte for byte as Apollo does, in 1 statement", async () => {
    expect(fast.known).toBeDefined();
    const before = fast.known.answered;
    for (const [i, variables] of bookings.entries()) {
      const reply = await both({ query: TRACK, variables, operationName: "TrackShipment" }, admin);
      expect(reply.status).toBe(200);
      expect(JSON.parse(reply.body).data.shipment.trackingNumber).toBe(variables.trackingNumber);
      // The first request also looked the API key up.
      expect(reply.statements).toBe(i === 0 ? "2" : "1");
    }
    // The first lookup went through Apollo and taught the shortcut; the other eleven took it.
    expect(fast.known.answered - before).toBe(bookings.length - 1);
    // An unknown number (null shipment), and a number without its day, take it too.
    const unknown = await both({ query: TRACK, variables: { trackingNumber: "EE123456785IN" }, operationName: "TrackShipment" }, admin);
    expect(JSON.parse(unknown.body)).toEqual({ data: { shipment: null } });
    await both({ query: TRACK, variables: { trackingNumber: bookings[0]!.trackingNumber }, operationName: "TrackShipment" }, admin);
    expect(fast.known.answered - before).toBe(bookings.length + 1);
    // The operation name is part of the key: the same text without it is learnt anew.
    await both({ query: TRACK, variables: bookings[5] }, admin);
    expect(fast.known.answered - before).toBe(bookings.length + 1);
  });

  it("learns each page size the cost limit accepted, and leaves refused ones to Apollo", async () => {
    const before = fast.known.answered;
    for (const latest of [20, 20, 3, 3, 20]) await both({ query: DASHBOARD, variables: { latest } }, admin);
    expect(fast.known.answered - before).toBe(3);
    // Over the page size limit: the projection declines, Apollo refuses (PAGE_SIZE_EXCEEDED), every time.
    for (let i = 0; i < 2; i += 1) {
      const refused = await both({ query: DASHBOARD, variables: { latest: 100_000 } }, admin);
      expect(JSON.parse(refused.body).errors[0].extensions.code).toBe("PAGE_SIZE_EXCEEDED");
    }
    expect(fast.known.answered - before).toBe(3);
  });

  it("leaves variables that do not coerce, or hold NUL, to Apollo's error: 200 for application/json, 400 for graphql-response+json", async () => {
    await both({ query: TRACK, variables: bookings[0] }, admin);
    const before = fast.known.answered;
    const refused = [
      { trackingNumber: "EE123456788IN" },
      { trackingNumber: 12 },
      {},
      { trackingNumber: bookings[0]!.trackingNumber, bookingDate: "2026-02-30" },
      { trackingNumber: bookings[0]!.trackingNumber, bookingDate: bookings[0]!.bookingDate, note: "a\u0000" },
    ];
    for (const variables of refused) {
      for (const [accept, status] of [["application/json", 200], ["application/graphql-response+json", 400]] as const) {
        const reply = await both({ query: TRACK, variables }, { ...admin, accept });
        expect(reply.status).toBe(status);
        expect(JSON.parse(reply.body).errors[0].extensions.code).toBe("BAD_USER_INPUT");
      }
    }
    expect(fast.known.answered).toBe(before);
  });

  it("keeps callers of different scopes apart: a viewer never gets what an admin's entry allows", async () => {
    // The ADMIN has taught the shortcut TrackShipment; a VIEWER may not read destinationPincode or the scans' offices.
    await both({ query: TRACK, variables: bookings[1] }, admin);
    const before = fast.known.answered;
    const first = await both({ query: TRACK, variables: bookings[1] }, viewer);
    const second = await both({ query: TRACK, variables: bookings[2] }, viewer);
    expect(JSON.parse(first.body).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    expect(JSON.parse(second.body).errors?.[0]?.extensions?.code).toBe("FORBIDDEN");
    // A circle-scoped key is answered by the resolvers (row scope), never by the shortcut.
    for (const variables of bookings.slice(0, 4)) await both({ query: TRACK, variables }, delhi);
    expect(fast.known.answered).toBe(before);
  });

  it("answers with the content type Apollo chooses for the Accept header, and leaves what it would refuse", async () => {
    await both({ query: TRACK, variables: bookings[3] }, admin);
    const before = fast.known.answered;
    const types = [];
    for (const accept of ["*/*", "application/json", "application/graphql-response+json, application/json;q=0.9", "application/graphql-response+json"]) {
      types.push((await both({ query: TRACK, variables: bookings[3] }, { ...admin, accept })).contentType);
    }
    expect(types).toEqual([
      "application/json; charset=utf-8",
      "application/json; charset=utf-8",
      "application/graphql-response+json; charset=utf-8",
      "application/graphql-response+json; charset=utf-8",
    ]);
    expect(fast.known.answered - before).toBe(4);
    const refused = await both({ query: TRACK, variables: bookings[3] }, { ...admin, accept: "text/plain" });
    expect(refused.status).toBe(406);
    expect(fast.known.answered - before).toBe(4);
  });

  it("leaves bodies with extensions, batches and other operation names to Apollo", async () => {
    await both({ query: TRACK, variables: bookings[4] }, admin);
    const before = fast.known.answered;
    await both({ query: TRACK, variables: bookings[4], extensions: {} }, admin);
    await both([{ query: TRACK, variables: bookings[4] }], admin);
    await both({ query: TRACK, variables: bookings[4], operationName: "Other" }, admin);
    await both({ query: TRACK, variables: "{}" }, admin);
    expect(fast.known.answered).toBe(before);
  });

  it("shares the response cache with Apollo's plugin: hits, misses, roles kept apart, emptied by a mutation", async () => {
    // Let PostgreSQL publish the setup's table statistics first: the cache empties itself when they move.
    if (engine === "postgres") await new Promise((resolve) => setTimeout(resolve, 1200));
    const cachedFast = await start({ DAKGRAPH_RESPONSE_CACHE: "true" });
    const cachedReference = await start({ DAKGRAPH_RESPONSE_CACHE: "true", DAKGRAPH_KNOWN_OPERATIONS: "false" });
    const known = cachedFast.known!;
    const headersOf = async (body: unknown, headers: Record<string, string>) => {
      const a = await post(cachedFast.server.url, body, headers);
      const b = await post(cachedReference.server.url, body, headers);
      expect(a).toEqual(b);
      return a;
    };
    const cacheStates: (string | null)[] = [];
    const send = async (body: unknown, headers: Record<string, string>) => {
      const reply = await headersOf(body, headers);
      const response = await fetch(cachedFast.server.url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
      cacheStates.push(response.headers.get("x-response-cache"));
      expect(await response.text()).toBe(reply.body);
      return reply;
    };
    try {
      const dashboard = { query: DASHBOARD, variables: { latest: 2 } };
      await send(dashboard, admin); // Apollo: miss, then the shortcut's hit
      await send(dashboard, admin); // the shortcut: hit twice
      // A VIEWER may not read destinationPincode: an answer with errors, never cached, never the ADMIN's.
      const refused = await send(dashboard, viewer);
      expect(JSON.parse(refused.body).errors[0].extensions.code).toBe("FORBIDDEN");
      expect(cacheStates).toEqual(["hit", "hit", "miss"]);
      const before = known.answered;
      const first = `{ pickupLocations { code name city activeFrom activeTo dailyCapacity postOffice { id } } }`;
      const location = JSON.parse((await post(cachedFast.server.url, { query: first }, admin)).body).data.pickupLocations[0];
      const { postOffice, ...fields } = location;
      const input = { ...fields, name: `${location.name} (renamed)`, postOfficeId: postOffice.id };
      const mutation = "mutation ($input: UpsertPickupLocationInput!) { upsertPickupLocation(input: $input) { updated } }";
      const changed = await post(cachedFast.server.url, { query: mutation, variables: { input } }, admin);
      expect(JSON.parse(changed.body)).toEqual({ data: { upsertPickupLocation: { updated: 1 } } });
      // The reference server's cache is emptied by a mutation of its own (unchanged by now).
      await post(cachedReference.server.url, { query: mutation, variables: { input } }, admin);
      expect(await headersOf(dashboard, admin)).toMatchObject({ cache: "miss" });
      const after = await post(cachedFast.server.url, dashboard, admin);
      expect(JSON.parse(after.body).data.pickupLocations[0].name).toBe(input.name);
      // The dashboard after the mutation (a miss) and again (a hit); the first query of locations was Apollo's.
      expect(known.answered - before).toBe(2);
    } finally {
      await cachedFast.stop();
      await cachedReference.stop();
    }
  });

  it.runIf(engine === "postgres")("reports a cancelled statement as Apollo does: QUERY_TIMEOUT at the first root field", async () => {
    const slow = await openDatabase({ databaseUrl: db.url, dataDir: null, statementTimeoutMs: 1 });
    const slowReference = await createTestGraph(slow, { DAKGRAPH_KNOWN_OPERATIONS: "false" });
    try {
      const wide = `query Wide { pickupLocations { code shipments(first: 100) { nodes { trackingNumber events { eventType office { name pincode { code } } } } } } }`;
      // Learnt on the working database, then answered on the one whose statements time out.
      await both({ query: wide }, admin);
      const answer = await fast.known.answer({ query: wide }, undefined, testViewer([Role.ADMIN]), slow.db);
      const expected = await slowReference.execute(wide);
      expect(expected.errors?.[0]?.extensions?.code).toBe("QUERY_TIMEOUT");
      expect(answer?.body).toBe(`${JSON.stringify({ errors: expected.errors, data: expected.data })}\n`);
    } finally {
      await slowReference.stop();
      await slow.close();
    }
  });
}
