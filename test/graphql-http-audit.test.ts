import { type AuditResult, serverAudits } from "graphql-http";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/http.js";

/**
 * graphql-http's audits of the GraphQL-over-HTTP spec (the `graphql-http` npm package), run against the real HTTP
 * server with the production defaults (NODE_ENV=production: response cache on):
 * no MUST may fail and no SHOULD may warn. MAY audits that fail are notices: GET requests without a preflight header
 * are refused on purpose (CSRF prevention), which some MAY audits try.
 *
 * The audits send their requests as a VIEWER key: some of them introspect (`__type`), which production keeps from
 * anonymous callers (DAKGRAPH_INTROSPECTION=authenticated, tested in access-inputs.test.ts).
 */
describe.each(engines)("GraphQL over HTTP audits on %s", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let results: AuditResult[];

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    server = await startTestServer(db.database, { NODE_ENV: "production", DAKGRAPH_RATE_LIMIT_BURST: "100000" });
    const { key } = await createApiKey(db.database.db, { name: "graphql-http audits", organisation: "PARTNERSHIP", roles: ["VIEWER"] });
    const fetchFn = (input: string | URL | Request, init: RequestInit = {}) => {
      const headers = new Headers(init.headers);
      headers.set("authorization", `Bearer ${key}`);
      return fetch(input, { ...init, headers });
    };
    results = [];
    // One after another, as a client would: the audits share one server.
    for (const audit of serverAudits({ url: server.url, fetchFn })) results.push(await audit.fn());
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  it("passes every MUST and every SHOULD audit", () => {
    const level = (result: AuditResult) => result.name.split(" ")[0];
    const count = (wanted: string, status: string) => results.filter((r) => level(r) === wanted && r.status === status).length;
    console.info(
      `graphql-http audits on ${engine}: ${results.length} audits; MUST ${count("MUST", "ok")} ok, ${count("MUST", "error")} failed; ` +
        `SHOULD ${count("SHOULD", "ok")} ok, ${count("SHOULD", "warn")} warnings; MAY ${count("MAY", "ok")} ok, ${count("MAY", "notice")} notices`,
    );
    const failures = results.filter((r) => r.status === "error" || r.status === "warn").map((r) => `${r.name}: ${"reason" in r ? r.reason : ""}`);
    expect(failures).toEqual([]);
    expect(count("MUST", "ok")).toBeGreaterThan(0);
    expect(count("SHOULD", "ok")).toBeGreaterThan(0);
  });

  // The rule the audits check, spelled out on our own operations: the status of a request error follows the media type.
  const cases = [
    { name: "a parse failure", body: { query: "{ circles { name }" }, code: "GRAPHQL_PARSE_FAILED" },
    { name: "a validation failure", body: { query: "{ circles { colour } }" }, code: "GRAPHQL_VALIDATION_FAILED" },
    { name: "a variable that does not coerce", body: { query: "query ($c: PIN!) { pincode(code: $c) { code } }", variables: { c: "12345" } }, code: "BAD_USER_INPUT" },
    { name: "a NUL character in a variable", body: { query: "query ($c: String!) { pickupLocation(code: $c) { code } }", variables: { c: "A\u0000" } }, code: "BAD_USER_INPUT" },
  ];
  it.each(cases)("answers $name 200 for application/json and 400 for application/graphql-response+json", async ({ body, code }) => {
    for (const [accept, status, type] of [
      ["application/json", 200, "application/json"],
      ["*/*", 200, "application/json"],
      ["application/graphql-response+json", 400, "application/graphql-response+json"],
      ["application/graphql-response+json, application/json;q=0.9", 400, "application/graphql-response+json"],
    ] as const) {
      const result = await server.request(body, { headers: { accept } });
      expect([accept, result.status, result.headers.get("content-type")]).toEqual([accept, status, `${type}; charset=utf-8`]);
      expect(result.body.errors[0].extensions.code).toBe(code);
      expect(result.body.data).toBeUndefined();
    }
  });

  it("keeps 400 for limits and an unknown operationName whatever the media type", async () => {
    const deep = { query: `{ circles { ${"regions { circle { ".repeat(7)}name${" } }".repeat(7)} } }` };
    const unknown = { query: "query A { circles { name } }", operationName: "B" };
    for (const accept of ["application/json", "application/graphql-response+json"]) {
      const tooDeep = await server.request(deep, { headers: { accept } });
      expect([tooDeep.status, tooDeep.body.errors[0].extensions.code]).toEqual([400, "QUERY_TOO_DEEP"]);
      const unresolved = await server.request(unknown, { headers: { accept } });
      expect([unresolved.status, unresolved.body.errors[0].extensions.code]).toEqual([400, "OPERATION_RESOLUTION_FAILURE"]);
    }
  });
});
