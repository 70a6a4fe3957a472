import { type DocumentNode, Kind, parse, print } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as generated from "../src/generated/operations.js";
import { CirclesDocument, CoverageDocument, PincodeOfficesDocument } from "../src/generated/operations.js";
import { persistedDocumentIdOf } from "../src/lib/persisted-document.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { loadOperationRegistry, persistedDocumentId } from "../src/server/operation-registry.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { startTestServer, type TestServer } from "./support/http.js";

const FIXTURE = new URL("./fixtures/post-offices-current.csv", import.meta.url).pathname;

/** Every operation document codegen generated (fragments' documents aside), by operation name. */
const generatedOperations = new Map<string, DocumentNode>();
for (const value of Object.values(generated as Record<string, unknown>)) {
  if (typeof value !== "object" || value === null || !("definitions" in value)) continue;
  const operation = (value as DocumentNode).definitions[0];
  if (operation?.kind === Kind.OPERATION_DEFINITION && operation.name !== undefined) generatedOperations.set(operation.name.value, value as DocumentNode);
}

describe("persisted-document ids", () => {
  const registry = loadOperationRegistry();

  it("gives every operation in src/operations the id the server registers it by, in codegen's output", () => {
    expect(registry.size).toBeGreaterThan(0);
    expect(generatedOperations.size).toBe(registry.size);
    for (const operation of registry.values()) {
      const document = generatedOperations.get(operation.name);
      expect(document, operation.name).toBeDefined();
      expect(persistedDocumentIdOf(document!), operation.name).toBe(`sha256:${operation.hash}`);
      // The generated AST itself, as a client holds it, hashes to the same id under the server's rule.
      expect(persistedDocumentId(document!), operation.name).toBe(`sha256:${operation.hash}`);
    }
  });

  it("ignores formatting, comments and where a fragment sits, not the selection", () => {
    const id = persistedDocumentIdOf(CoverageDocument);
    const text = print(CoverageDocument);
    const [operation, fragment] = [text.slice(0, text.indexOf("fragment ")), text.slice(text.indexOf("fragment "))];
    expect(persistedDocumentId(parse(`# the fragment first\n${fragment}\n${operation.replaceAll("\n", " ")}`))).toBe(id);
    expect(persistedDocumentId(parse(text.replace("pinsTotal", "pinsTotal pinsActive")))).not.toBe(id);
  });

  it("refuses a document that was not generated", () => {
    expect(() => persistedDocumentIdOf(parse("query Circles { circles { name } }"))).toThrow(/npm run codegen/);
  });
});

describe.each(engines)("requests by persisted-document id on %s (DAKGRAPH_OPERATIONS=allowlist)", (engine) => {
  let db: TestDatabase;
  let server: TestServer;
  let auth: { headers: Record<string, string> };

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    await importPostOfficeCsv(db.database, FIXTURE, {});
    server = await startTestServer(db.database, { DAKGRAPH_OPERATIONS: "allowlist", DAKGRAPH_RESPONSE_CACHE: "false" });
    const viewer = await createApiKey(db.database.db, { name: "v", organisation: "AMAZON", roles: ["VIEWER", "ANALYST"] });
    auth = { headers: { authorization: `Bearer ${viewer.key}` } };
    // The key's first use reads it from the database; later requests find it remembered. Comparing statement
    // counts needs every compared request to find it so.
    expect((await server.request({ documentId: persistedDocumentIdOf(CirclesDocument) }, auth)).status).toBe(200);
  });
  afterAll(async () => {
    await server?.close();
    await db?.drop();
  });

  const cases: [string, DocumentNode, Record<string, unknown>][] = [
    ["PincodeOffices", PincodeOfficesDocument, { code: "194401" }],
    ["Coverage (a fragment)", CoverageDocument, { level: "CIRCLE" }],
    ["Circles", CirclesDocument, {}],
  ];

  it.each(cases)("answers %s by id exactly as by its text, in as many statements", async (_name, document, variables) => {
    const byText = await server.request({ query: print(document), variables }, auth);
    expect(byText.body.errors).toBeUndefined();
    const byDocumentId = await server.request({ documentId: persistedDocumentIdOf(document), variables }, auth);
    // The client preset's documented example sends the same id as Apollo's persisted-query extension.
    const byExtension = await server.request({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: persistedDocumentIdOf(document) } } }, auth);
    for (const byId of [byDocumentId, byExtension]) {
      expect(byId.status).toBe(200);
      expect(byId.body).toEqual(byText.body);
      expect(JSON.stringify(byId.body)).toBe(JSON.stringify(byText.body));
      expect(byId.statements).toBe(byText.statements);
    }
    expect(byText.statements).toBeGreaterThan(0);
  });

  it("shows the fixture's data, so equal answers are not two empty ones", async () => {
    const offices = await server.request({ documentId: persistedDocumentIdOf(PincodeOfficesDocument), variables: { code: "194401" } }, auth);
    expect(offices.body.data.pincode.code).toBe("194401");
    expect(offices.body.data.pincode.postOffices.nodes.length).toBeGreaterThan(0);
    const circles = await server.request({ documentId: persistedDocumentIdOf(CirclesDocument) }, auth);
    expect(circles.body.data.circles.length).toBeGreaterThan(0);
  });

  it("refuses an unknown id with PERSISTED_QUERY_NOT_FOUND, and no statement", async () => {
    const adHoc = persistedDocumentId(parse("query Circles { circles { name } }"));
    const unknown = [
      { documentId: adHoc },
      { documentId: "sha256:" + "0".repeat(64) },
      { extensions: { persistedQuery: { version: 1, sha256Hash: adHoc } } },
      { extensions: { persistedQuery: { version: 1, sha256Hash: adHoc.slice("sha256:".length) } } },
    ];
    for (const body of unknown) {
      const result = await server.request(body, auth);
      expect(result.body.errors).toHaveLength(1);
      expect(result.body.errors[0].extensions.code, JSON.stringify(body)).toBe("PERSISTED_QUERY_NOT_FOUND");
      expect(result.body.data).toBeUndefined();
      expect(result.statements).toBeLessThanOrEqual(1);
    }
  });
});
