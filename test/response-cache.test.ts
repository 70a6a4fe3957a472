import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SearchPostOfficesDocument, UpsertPickupLocationDocument } from "../src/generated/operations.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { anonymousViewer, audienceOf, testViewer } from "../src/modules/access/access.viewer.js";
import { Role } from "../src/modules/access/access.roles.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { RESPONSE_CACHE_HEADER, ResponseCache, stringifyResult } from "../src/server/response-cache.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, root } from "./support/graph.js";
import { startTestServer, type TestServer } from "./support/http.js";

const FIXTURE = new URL("./fixtures/post-offices-current.csv", import.meta.url).pathname;

describe("ResponseCache", () => {
  const data = (n: number) => ({ value: "x".repeat(n) });

  // data(40) takes 53 bytes with a one-letter key: four fit in 212, each within a quarter of it.
  it("drops the least recently used answers beyond its byte budget", () => {
    const cache = new ResponseCache({ maxBytes: 212, ttlMs: 60_000 });
    for (const key of ["a", "b", "c", "d"]) cache.set(key, cache.epoch, data(40));
    expect(cache.size).toEqual({ entries: 4, bytes: 212 });
    expect(cache.get("a")).toEqual(data(40));
    cache.set("e", cache.epoch, data(40));
    expect(cache.size).toEqual({ entries: 4, bytes: 212 });
    expect(cache.get("b")).toBeUndefined();
    for (const key of ["a", "c", "d", "e"]) expect(cache.get(key)).toEqual(data(40));
  });

  it("writes a stored answer from its stored text, anything else as Apollo does, byte for byte alike", () => {
    const cache = new ResponseCache({ maxBytes: 10_000, ttlMs: 60_000 });
    const answer = { offices: [{ name: "Leh \u2028 H.O", pin: 194101, open: null }] };
    cache.set("a", cache.epoch, answer);
    const stored = cache.get("a")!;
    const written = `${JSON.stringify({ data: answer })}\n`;
    expect(stringifyResult({ data: stored })).toBe(written);
    // The text is the one written when the answer was stored: a hit does not serialize the object again.
    (stored as { seen?: boolean }).seen = true;
    expect(stringifyResult({ data: stored })).toBe(written);
    // Not stored, or with errors or extensions: serialized as given.
    const other = { data: { offices: [] }, extensions: { cost: 1 } };
    expect(stringifyResult(other)).toBe(`${JSON.stringify(other)}\n`);
    const failed = { errors: [{ message: "no" }], data: stored };
    expect(stringifyResult(failed)).toBe(`${JSON.stringify(failed)}\n`);
  });

  it("refuses an answer larger than a quarter of the budget", () => {
    const cache = new ResponseCache({ maxBytes: 212, ttlMs: 60_000 });
    cache.set("big", cache.epoch, data(41));
    expect(cache.get("big")).toBeUndefined();
  });

  it("expires answers after the TTL", () => {
    let now = 1_000;
    const cache = new ResponseCache({ maxBytes: 10_000, ttlMs: 500, now: () => now });
    cache.set("a", cache.epoch, data(10));
    now += 499;
    expect(cache.get("a")).toBeDefined();
    now += 1;
    expect(cache.get("a")).toBeUndefined();
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
  });

  it("does not store an answer computed before an invalidation", () => {
    const cache = new ResponseCache({ maxBytes: 10_000, ttlMs: 60_000 });
    const started = cache.epoch;
    cache.set("a", started, data(10));
    cache.invalidate();
    expect(cache.get("a")).toBeUndefined();
    cache.set("b", started, data(10));
    expect(cache.get("b")).toBeUndefined();
  });

  it("serves and stores nothing while suspended, and starts empty when resumed", () => {
    const cache = new ResponseCache({ maxBytes: 10_000, ttlMs: 60_000 });
    cache.set("a", cache.epoch, data(10));
    const before = cache.epoch;
    cache.suspend();
    expect(cache.serving).toBe(false);
    expect(cache.get("a")).toBeUndefined();
    cache.set("b", cache.epoch, data(10));
    expect(cache.size).toEqual({ entries: 0, bytes: 0 });
    cache.resume();
    expect(cache.serving).toBe(true);
    expect(cache.epoch).toBeGreaterThan(before);
    expect(cache.get("b")).toBeUndefined();
    cache.set("c", cache.epoch, data(10));
    expect(cache.get("c")).toEqual(data(10));
  });

  it("keys by roles and circle, never by who the caller is", () => {
    expect(audienceOf(testViewer([Role.VIEWER], { name: "one" }))).toBe(audienceOf(testViewer([Role.VIEWER], { name: "two" })));
    expect(audienceOf(testViewer([Role.ANALYST, Role.VIEWER]))).toBe(audienceOf(testViewer([Role.VIEWER, Role.ANALYST])));
    const scopes = [
      anonymousViewer(),
      testViewer([Role.VIEWER]),
      testViewer([Role.ADMIN]),
      testViewer([Role.VIEWER], { organisation: "INDIA_POST", circle: "Delhi" }),
      testViewer([Role.VIEWER], { organisation: "INDIA_POST", circle: "Jammu & Kashmir" }),
    ].map(audienceOf);
    expect(new Set(scopes).size).toBe(scopes.length);
  });
});

describe.each(engines)("the response cache over HTTP on %s", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  const keys: Record<string, string> = {};
  const as = (key: string) => ({ headers: { authorization: `Bearer ${keys[key]}` } });

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    await importPostOfficeCsv(db.database, FIXTURE, {});
    const graph = await createTestGraph(db.database);
    for (const [code, pin] of [["DEL-1", "110001"], ["LEH-1", "194101"]] as const) {
      const office = await graph.execute(SearchPostOfficesDocument, { filter: { pincode: pin }, first: 1 });
      const input = { code, name: `${code} point`, postOfficeId: root(office, "postOffices").nodes[0]!.id, city: "X", activeFrom: "2023-01-01", dailyCapacity: 100 };
      expect((await graph.execute(UpsertPickupLocationDocument, { input })).errors).toBeUndefined();
    }
    await graph.stop();
    for (const [name, roles, organisation, circle] of [
      ["admin", ["ADMIN"], "PARTNERSHIP", null],
      ["viewer", ["VIEWER"], "PARTNERSHIP", null],
      ["delhi", ["VIEWER"], "INDIA_POST", "Delhi"],
    ] as const) {
      keys[name] = (await createApiKey(db.database.db, { name, organisation, roles: [...roles], circle })).key;
    }
    // Let PostgreSQL publish the setup's table statistics before the server first reads them.
    if (engine === "postgres") await new Promise((resolve) => setTimeout(resolve, 1200));
    server = await startTestServer(db.database, { DAKGRAPH_RESPONSE_CACHE: "true" });
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("answers a second identical request from memory, with no SQL", async () => {
    const query = { query: "{ pickupLocations { code postOffice { name } } }" };
    const first = await server.request(query, as("admin"));
    expect(first.headers.get(RESPONSE_CACHE_HEADER)).toBe("miss");
    expect(first.statements).toBeGreaterThan(0);
    const second = await server.request(query, as("admin"));
    expect(second.headers.get(RESPONSE_CACHE_HEADER)).toBe("hit");
    expect(second.statements).toBe(0);
    expect(second.body).toEqual(first.body);
    const otherVariables = await server.request({ query: "query ($d: Date) { pickupLocations(activeOn: $d) { code } }", variables: { d: "2022-01-01" } }, as("admin"));
    expect(otherVariables.headers.get(RESPONSE_CACHE_HEADER)).toBe("miss");
  });

  it("never gives a VIEWER what it answered an ADMIN", async () => {
    const query = { query: "{ codRemittances(first: 5) { totalCount } }" };
    const admin = await server.request(query, as("admin"));
    expect(admin.body).toEqual({ data: { codRemittances: { totalCount: 0 } } });
    expect((await server.request(query, as("admin"))).headers.get(RESPONSE_CACHE_HEADER)).toBe("hit");
    const viewer = await server.request(query, as("viewer"));
    expect(viewer.headers.get(RESPONSE_CACHE_HEADER)).toBe("miss");
    expect(viewer.body.data).toEqual({ codRemittances: null });
    expect(viewer.body.errors[0].extensions.code).toBe("FORBIDDEN");
    const anonymous = await server.request(query);
    expect(anonymous.headers.get(RESPONSE_CACHE_HEADER)).toBe("miss");
    expect(anonymous.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("keeps a circle-scoped viewer's answers apart from an unscoped viewer's", async () => {
    const query = { query: "{ pickupLocations { code } }" };
    const all = await server.request(query, as("viewer"));
    expect(all.body.data.pickupLocations.map((p: { code: string }) => p.code)).toEqual(["DEL-1", "LEH-1"]);
    expect((await server.request(query, as("viewer"))).headers.get(RESPONSE_CACHE_HEADER)).toBe("hit");
    const delhi = await server.request(query, as("delhi"));
    expect(delhi.headers.get(RESPONSE_CACHE_HEADER)).toBe("miss");
    expect(delhi.body.data.pickupLocations.map((p: { code: string }) => p.code)).toEqual(["DEL-1"]);
  });

  it("never caches the caller's own identity", async () => {
    const query = { query: "{ viewer { name } }" };
    await server.request(query, as("viewer"));
    const again = await server.request(query, as("viewer"));
    expect(again.headers.get(RESPONSE_CACHE_HEADER)).toBe("bypass");
    expect((await server.request(query, as("delhi"))).body.data.viewer.name).toBe("delhi");
  });

  it("forgets every answer when a mutation completes", async () => {
    const query = { query: '{ pickupLocation(code: "DEL-1") { name } }' };
    expect((await server.request(query, as("admin"))).body.data.pickupLocation.name).toBe("DEL-1 point");
    expect((await server.request(query, as("admin"))).headers.get(RESPONSE_CACHE_HEADER)).toBe("hit");
    const offices = await server.request({ query: '{ postOffices(filter: { pincode: "110001" }, first: 1) { nodes { id } } }' }, as("admin"));
    const input = { code: "DEL-1", name: "Delhi GPO dock", postOfficeId: offices.body.data.postOffices.nodes[0].id, city: "X", activeFrom: "2023-01-01", dailyCapacity: 100 };
    const mutation = await server.request({ query: "mutation ($input: UpsertPickupLocationInput!) { upsertPickupLocation(input: $input) { updated } }", variables: { input } }, as("admin"));
    expect(mutation.body.data.upsertPickupLocation.updated).toBe(1);
    const after = await server.request(query, as("admin"));
    expect(after.headers.get(RESPONSE_CACHE_HEADER)).toBe("miss");
    expect(after.body.data.pickupLocation.name).toBe("Delhi GPO dock");
  });

  it.runIf(engine === "postgres")("sees a write made outside the graph within seconds", async () => {
    const query = { query: '{ pickupLocation(code: "LEH-1") { name } }' };
    await server.request(query, as("admin"));
    expect((await server.request(query, as("admin"))).headers.get(RESPONSE_CACHE_HEADER)).toBe("hit");
    await db.database.db.execute(sql`update pickup_location set name = 'Leh dock' where code = 'LEH-1'`);
    let name: string | undefined;
    for (let tries = 0; tries < 50 && name !== "Leh dock"; tries += 1) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      name = (await server.request(query, as("admin"))).body.data.pickupLocation.name;
    }
    expect(name).toBe("Leh dock");
  });
});
