import { createHash } from "node:crypto";
import { sql } from "drizzle-orm";
import { print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../src/db/client.js";
import { CirclesDocument, PincodeOfficesDocument } from "../src/generated/operations.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { canonicalOperation, loadOperationRegistry } from "../src/server/operation-registry.js";
import { createRateLimiter } from "../src/server/rate-limit.js";
import { createTestDatabase, engines, SERVER_URL, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/http.js";

const FIXTURE = new URL("./fixtures/post-offices-current.csv", import.meta.url).pathname;


describe("limits over HTTP", () => {
  let db: TestDatabase;
  let server: TestServer;
  let admin: string;

  beforeAll(async () => {
    db = await createTestDatabase("pglite");
    await importPostOfficeCsv(db.database, FIXTURE, {});
    server = await startTestServer(db.database, {
      DAKGRAPH_MAX_DEPTH: "8",
      DAKGRAPH_MAX_ALIASES: "5",
      DAKGRAPH_MAX_BATCH: "3",
      DAKGRAPH_MAX_BODY_BYTES: "4096",
      DAKGRAPH_MAX_COST: "5000",
    });
    admin = (await createApiKey(db.database.db, { name: "limits admin", organisation: "PARTNERSHIP", roles: ["ADMIN"] })).key;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("refuses an operation nested deeper than the maximum, naming the limit and the depth", async () => {
    const query = "{ pincodes(first: 1) { nodes { postOffices(first: 1) { nodes { division { region { circle { regions { circle { name } } } } } } } } } }";
    const result = await server.request({ query });
    expect(result.status).toBe(400);
    expect(result.body.errors[0].extensions).toEqual({ code: "QUERY_TOO_DEEP", limit: "maxDepth", value: 10, max: 8 });
    expect(result.statements).toBe(0);
  });

  it("allows the explorer's introspection query under a strict depth limit", async () => {
    const { getIntrospectionQuery } = await import("graphql");
    const result = await server.request({ query: getIntrospectionQuery() });
    expect(result.status).toBe(200);
    expect(result.body.data.__schema.queryType.name).toBe("Query");
  });

  it("refuses a too costly query before touching the database (zero SQL statements)", async () => {
    const query = "{ postOffices(first: 100) { nodes { pincode { postOffices(first: 100) { nodes { name } } } } } }";
    const result = await server.request({ query }, { headers: { authorization: `Bearer ${admin}` } });
    expect(result.status).toBe(400);
    expect(result.body.errors[0].extensions).toMatchObject({ code: "QUERY_TOO_COMPLEX", limit: "maxCost", max: 5000 });
    expect(result.body.errors[0].extensions.value).toBe(1 + 100 * (1 + 1 + 100 * 1 + 1));
    // The API key lookup is the only statement: the query itself never reached a resolver.
    expect(result.statements).toBe(1);
    const anonymous = await server.request({ query });
    expect(anonymous.body.errors[0].extensions.code).toBe("QUERY_TOO_COMPLEX");
    expect(anonymous.statements).toBe(0);
  });

  it("prices pages from `first`, in variables too", async () => {
    const query = "query ($n: Int) { postOffices(first: $n) { nodes { pincode { postOffices(first: 10) { nodes { name } } } } } }";
    expect((await server.request({ query, variables: { n: 5 } })).body.errors).toBeUndefined();
    expect((await server.request({ query, variables: { n: 400 } })).body.errors[0].extensions.code).toBe("QUERY_TOO_COMPLEX");
    // Costs are remembered per operation and per value of the variables given to `first`, fragments included.
    const fragment = "query ($n: Int, $m: Int) { postOffices(first: $m) { nodes { ...P } } } fragment P on PostOffice { pincode { postOffices(first: $n) { nodes { name } } } }";
    for (const [n, m, refused] of [[20, 20, false], [400, 20, true], [20, 20, false], [20, 400, true], [20, 20, false]] as const) {
      const errors = (await server.request({ query: fragment, variables: { n, m } })).body.errors;
      expect(errors?.[0]?.extensions.code, `n=${n} m=${m}`).toBe(refused ? "QUERY_TOO_COMPLEX" : undefined);
    }
  });

  it("caps aliases", async () => {
    const query = `{ ${Array.from({ length: 6 }, (_, i) => `a${i}: circles { name }`).join(" ")} }`;
    const result = await server.request({ query });
    expect(result.body.errors[0].extensions).toEqual({ code: "TOO_MANY_ALIASES", limit: "maxAliases", value: 6, max: 5 });
    expect(result.statements).toBe(0);
  });

  it("runs batches up to the maximum and refuses larger ones", async () => {
    const ok = await server.request([{ query: "{ circles { name } }" }, { query: "{ products { code } }" }]);
    expect(ok.status).toBe(200);
    expect(ok.body).toHaveLength(2);
    const tooMany = await server.request(Array.from({ length: 4 }, () => ({ query: "{ circles { name } }" })));
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.errors[0].extensions).toEqual({ code: "BATCH_TOO_LARGE", limit: "maxBatch", value: 4, max: 3 });
  });

  it("refuses a body over the configured size", async () => {
    const result = await server.request({ query: `{ circles { name } } # ${"x".repeat(5000)}` });
    expect(result.status).toBe(413);
    expect(result.body.errors[0].extensions).toMatchObject({ code: "PAYLOAD_TOO_LARGE", limit: "maxBodyBytes", max: 4096 });
  });

  it("answers preflights for configured origins only", async () => {
    const cors = await startTestServer(db.database, { DAKGRAPH_CORS_ORIGINS: "https://dash.example.in" });
    try {
      const allowed = await cors.request(undefined, { method: "OPTIONS", headers: { origin: "https://dash.example.in", "access-control-request-method": "POST" } });
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://dash.example.in");
      expect(allowed.headers.get("access-control-allow-headers")).toContain("authorization");
      const other = await cors.request(undefined, { method: "OPTIONS", headers: { origin: "https://evil.example", "access-control-request-method": "POST" } });
      expect(other.headers.get("access-control-allow-origin")).toBeNull();
    } finally {
      await cors.close();
    }
  });
});

describe("rate limit", () => {
  it("is a token bucket: a burst, then the per-minute rate, with the wait in seconds", () => {
    const limiter = createRateLimiter(60, 3);
    expect([0, 1, 2].map(() => limiter.takeAt("k", 1, 1000))).toEqual([0, 0, 0]);
    expect(limiter.takeAt("k", 1, 1000)).toBe(1);
    expect(limiter.takeAt("other", 1, 1000)).toBe(0);
    expect(limiter.takeAt("k", 1, 2000)).toBe(0);
  });

  it("answers 429 RATE_LIMITED with Retry-After over HTTP", async () => {
    const db = await createTestDatabase("pglite");
    const server = await startTestServer(db.database, { DAKGRAPH_RATE_LIMIT_PER_MINUTE: "1", DAKGRAPH_RATE_LIMIT_BURST: "2" });
    try {
      const statuses = [];
      for (let i = 0; i < 3; i += 1) statuses.push((await server.request({ query: "{ circles { name } }" })).status);
      expect(statuses).toEqual([200, 200, 429]);
      const limited = await server.request({ query: "{ circles { name } }" });
      expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(limited.body.errors[0].extensions).toMatchObject({ code: "RATE_LIMITED", limit: "rateLimitPerMinute", max: 1 });
    } finally {
      await server.close();
      await db.drop();
    }
  });
});

describe("the operation allowlist", () => {
  let db: TestDatabase;
  let server: TestServer;
  let admin: string;
  let viewer: string;
  const registry = loadOperationRegistry();
  const circlesHash = [...registry.values()].find((op) => op.name === "Circles")!.hash;

  beforeAll(async () => {
    db = await createTestDatabase("pglite");
    server = await startTestServer(db.database, { DAKGRAPH_OPERATIONS: "allowlist" });
    admin = (await createApiKey(db.database.db, { name: "a", organisation: "PARTNERSHIP", roles: ["ADMIN"] })).key;
    viewer = (await createApiKey(db.database.db, { name: "v", organisation: "AMAZON", roles: ["VIEWER", "ANALYST"] })).key;
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("registers every operation in src/operations by the hash of its canonical text", () => {
    expect([...registry.values()].map((op) => op.name)).toEqual(expect.arrayContaining(["Circles", "PincodeOffices", "UpsertPickupLocation"]));
    const typed = print(CirclesDocument);
    expect(createHash("sha256").update(canonicalOperation((CirclesDocument as never), "Circles")!).digest("hex")).toBe(circlesHash);
    expect(typed).toContain("circles");
  });

  it("runs registered documents however they are formatted, refuses others", async () => {
    const auth = { authorization: `Bearer ${viewer}` };
    const registered = await server.request({ query: print(PincodeOfficesDocument), variables: { code: "194401" } }, { headers: auth });
    expect(registered.body.errors).toBeUndefined();
    const reformatted = await server.request({ query: "# a comment\nquery Circles { circles { id, name officeCount pincodeCount regions { name officeCount } } }" }, { headers: auth });
    expect(reformatted.body.errors).toBeUndefined();
    const adHoc = await server.request({ query: "{ circles { name } }" }, { headers: auth });
    expect(adHoc.status).toBe(403);
    expect(adHoc.body.errors[0].extensions.code).toBe("OPERATION_NOT_ALLOWED");
    expect(adHoc.statements).toBeLessThanOrEqual(1);
    const anonymous = await server.request({ query: "{ circles { name } }" });
    expect(anonymous.body.errors[0].extensions.code).toBe("OPERATION_NOT_ALLOWED");
  });

  it("accepts a persisted-query hash or a documentId instead of the text", async () => {
    const auth = { authorization: `Bearer ${viewer}` };
    const byHash = await server.request({ extensions: { persistedQuery: { version: 1, sha256Hash: circlesHash } } }, { headers: auth });
    expect(byHash.body.errors).toBeUndefined();
    expect(byHash.body.data.circles).toEqual([]);
    const byId = await server.request({ documentId: `sha256:${circlesHash}` }, { headers: auth });
    expect(byId.body.data.circles).toEqual([]);
    const unknown = await server.request({ documentId: "sha256:" + "0".repeat(64) }, { headers: auth });
    expect(unknown.body.errors[0].extensions.code).toBe("PERSISTED_QUERY_NOT_FOUND");
  });

  it("lets ADMIN run anything", async () => {
    const result = await server.request({ query: "{ circles { name } }" }, { headers: { authorization: `Bearer ${admin}` } });
    expect(result.body.errors).toBeUndefined();
  });
});

describe.skipIf(!engines.includes("postgres"))("statement timeout on PostgreSQL", () => {
  it("cancels a statement that runs longer than the timeout", async () => {
    const database = await openDatabase({ databaseUrl: SERVER_URL, dataDir: null, maxConnections: 1, statementTimeoutMs: 100 });
    try {
      await expect(database.db.execute(sql`select pg_sleep(2)`)).rejects.toMatchObject({ cause: { code: "57014" } });
    } finally {
      await database.close();
    }
  });
});
