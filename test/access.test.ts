import http from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { type GraphQLField, type GraphQLResolveInfo, type GraphQLSchema, isInterfaceType, isNonNullType, isObjectType } from "graphql";
import { exportJWK, generateKeyPair, SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { createContext } from "../src/context.js";
import { queryRows } from "../src/db/client.js";
import { PickupLocationsDocument, RecordShipmentsDocument, SearchPostOfficesDocument, UpsertPickupLocationDocument } from "../src/generated/operations.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { createApiKey, hashApiKey, listApiKeys, revokeApiKey } from "../src/modules/access/access.keys.js";
import { hasRestrictedInputs } from "../src/modules/access/access.inputs.js";
import { ACCESS_EXTENSION, type AccessExtension, authChecker, PUBLIC, Role } from "../src/modules/access/access.roles.js";
import { anonymousViewer, testViewer, type Viewer } from "../src/modules/access/access.viewer.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { createSchema } from "../src/schema.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, root, type TestGraph } from "./support/graph.js";
import { startTestServer, type TestServer } from "./support/http.js";

const FIXTURE = new URL("./fixtures/post-offices-current.csv", import.meta.url).pathname;
const JWT_SECRET = "test secret of at least thirty-two bytes!";

/** Every field of the schema that carries an access rule, as "Type.field" → the rule's roles. */
function restrictedFields(schema: GraphQLSchema): Map<string, { field: GraphQLField<unknown, unknown>; type: string; roles: readonly string[] }> {
  const fields = new Map<string, { field: GraphQLField<unknown, unknown>; type: string; roles: readonly string[] }>();
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) && !isInterfaceType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const access = field.extensions[ACCESS_EXTENSION] as AccessExtension | undefined;
      if (access !== undefined) fields.set(`${type.name}.${field.name}`, { field, type: type.name, roles: access.roles });
    }
  }
  return fields;
}

const VIEWERS: Record<string, Viewer> = {
  anonymous: anonymousViewer(),
  ...Object.fromEntries(Object.values(Role).map((role) => [role, testViewer([role])])),
};

describe("the access rules in the schema", () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    schema = await createSchema();
  });

  it("marks every root field, and every mutation needs OPERATOR or a stricter role", () => {
    const restricted = restrictedFields(schema);
    const unmarked = [schema.getQueryType()!, schema.getMutationType()!].flatMap((type) =>
      Object.keys(type.getFields())
        .map((name) => `${type.name}.${name}`)
        .filter((name) => !restricted.has(name)),
    );
    expect(unmarked).toEqual([]);
    for (const name of Object.keys(schema.getMutationType()!.getFields())) {
      const roles = restricted.get(`Mutation.${name}`)!.roles;
      expect(roles.length, `Mutation.${name}`).toBeGreaterThan(0);
      expect(roles, `Mutation.${name}`).not.toContain(PUBLIC);
      expect(roles, `Mutation.${name}`).not.toContain(Role.VIEWER);
      expect(roles, `Mutation.${name}`).not.toContain(Role.ANALYST);
    }
  });

  it("makes every restricted field of an object type nullable, so a denial nulls that field and not its parent", () => {
    // A denied non-null field nulls its parent, and the nulling climbs through every non-null parent: one
    // restricted non-null leaf can empty a whole list. Root fields are checked by the next test.
    const roots = new Set([schema.getQueryType()!.name, schema.getMutationType()!.name]);
    const nonNull = [...restrictedFields(schema)]
      .filter(([, { field, type }]) => !roots.has(type) && isNonNullType(field.type))
      .map(([name]) => name);
    expect(nonNull).toEqual([]);
    // The walk sees the fields the issue named: the check cannot pass on an empty enumeration.
    const checked = [...restrictedFields(schema)].filter(([, { type }]) => !roots.has(type)).map(([name]) => name);
    expect(checked).toEqual(expect.arrayContaining(["Pincode.shipments", "PickupLocation.shipments", "Shipment.codAmount", "ShipmentStatsGroup.codAmount"]));
  });

  it("makes every root Query field a known viewer may be refused nullable, so a denial keeps the other root fields of the request", () => {
    // A root field's null climbs to `data` itself when the field is non-null: one FORBIDDEN root field would
    // empty every other answer of the request. A field is refused when its mark names roles (or Army Postal
    // roles), or when an argument, input field or enum value inside one needs roles (access.inputs.ts):
    // `shipments(where: { codAmount })` needs FINANCE though `shipments` does not. Fields open to any signed-in
    // viewer (or to anyone) with no such input are refused only to a caller without credentials, whose request as
    // a whole asks for a key (UNAUTHENTICATED).
    const query = schema.getQueryType()!;
    const refusable = Object.values(query.getFields()).filter((field) => {
      const access = field.extensions[ACCESS_EXTENSION] as AccessExtension | undefined;
      return access?.roles.some((role) => role !== PUBLIC) === true || access?.armyPostal !== undefined || hasRestrictedInputs(field);
    });
    expect(refusable.filter((field) => isNonNullType(field.type)).map((field) => `${query.name}.${field.name}`)).toEqual([]);
    // The walk finds both kinds: the check cannot pass on an empty enumeration.
    expect(refusable.map((field) => field.name)).toEqual(
      expect.arrayContaining(["quarterlyKpis", "codRemittances", "shipments", "scanEvents", "shipmentAggregates", "pincodes", "postOffices", "serviceability"]),
    );
  });

  it("tells SDL readers who may read each restricted field", () => {
    for (const [name, { field }] of restrictedFields(schema)) expect(field.description, name).toMatch(/Visible to: /);
  });

  it("holds today's rules", () => {
    const rules = Object.fromEntries([...restrictedFields(schema)].map(([name, { roles }]) => [name, [...roles]]));
    expect(rules).toMatchObject({
      "Mutation.upsertPickupLocation": [Role.OPERATOR],
      "Query.pickupLocations": [],
      "Query.pickupLocation": [],
      "PostOffice.pickupLocations": [],
      "Query.postOffices": [PUBLIC],
      "Query.pincodes": [PUBLIC],
      "Query.circles": [PUBLIC],
      "Query.products": [PUBLIC],
      "Query.viewer": [PUBLIC],
      "Shipment.destinationKind": [Role.OPERATOR],
      "Shipment.destinationPincode": [Role.OPERATOR],
    });
    const army = Object.fromEntries(
      [...restrictedFields(schema)].flatMap(([name, { field }]) => {
        const clause = (field.extensions[ACCESS_EXTENSION] as AccessExtension).armyPostal;
        return clause === undefined ? [] : [[name, [...clause]]];
      }),
    );
    expect(army).toEqual({
      "Pincode.coverage": [Role.ARMY_POSTAL],
      "Pincode.shipments": [Role.ARMY_POSTAL],
      "Serviceability.pincode": [Role.ARMY_POSTAL],
      "Shipment.destinationPincode": [Role.ARMY_POSTAL],
    });
  });

  // Enumerated from the schema: a field another module marks later is in this matrix without a change here.
  describe.each([true, false])("role matrix with a public directory %s", (publicDirectory) => {
    it("lets exactly the right viewers through every restricted field, and denies the others with the right code", async () => {
      const config = loadConfig({ NODE_ENV: "test", DAKGRAPH_PUBLIC_DIRECTORY: String(publicDirectory) });
      const checked: string[] = [];
      for (const [name, { field, type, roles }] of restrictedFields(schema)) {
        for (const [viewerName, viewer] of Object.entries(VIEWERS)) {
          // No database: a denied field must fail before any work, an allowed one is only checked, not resolved.
          const context = createContext(config, { db: undefined } as never, viewer);
          const info = { parentType: schema.getType(type), fieldName: field.name, path: { key: field.name, prev: undefined } } as unknown as GraphQLResolveInfo;
          const anonymous = viewer.kind === "anonymous";
          const expected = roles.includes(PUBLIC)
            ? publicDirectory || !anonymous
            : !anonymous && (roles.length === 0 || viewer.roles.includes(Role.ADMIN) || roles.some((role) => viewer.roles.includes(role as Role)));
          if (expected) {
            expect(await authChecker({ context, info, root: {}, args: {} }, [...roles] as Role[]), `${name} as ${viewerName}`).toBe(true);
          } else {
            // Through the field's real resolver: proves the decorator is wired, and the check runs before any work.
            const denial = await Promise.resolve()
              .then(() => field.resolve!({}, {}, context, info))
              .then(
                () => null,
                (error: { extensions?: { code?: string } }) => error.extensions?.code,
              );
            expect(denial, `${name} as ${viewerName}`).toBe(anonymous ? "UNAUTHENTICATED" : "FORBIDDEN");
          }
          checked.push(`${name}:${viewerName}`);
        }
      }
      expect(checked.length).toBeGreaterThanOrEqual(restrictedFields(schema).size * 7);
    });
  });
});

describe.each(engines)("access on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;
  let server: TestServer;
  let officeIds: Record<string, string>;
  const upsert = (code: string, office: string) => ({
    input: { code, name: `${code} point`, postOfficeId: officeIds[office]!, city: "X", activeFrom: "2023-01-01", dailyCapacity: 100 },
  });

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    await importPostOfficeCsv(db.database, FIXTURE, {});
    graph = await createTestGraph(db.database);
    server = await startTestServer(db.database, { DAKGRAPH_JWT_SECRET: JWT_SECRET, DAKGRAPH_JWT_ISSUER: "test-idp" });
    officeIds = {};
    for (const pin of ["110001", "194101"]) {
      const offices = await graph.execute(SearchPostOfficesDocument, { filter: { pincode: pin }, first: 1 });
      officeIds[pin] = root(offices, "postOffices").nodes[0]!.id;
    }
    expect((await graph.execute(UpsertPickupLocationDocument, upsert("DEL-1", "110001"))).errors).toBeUndefined();
    expect((await graph.execute(UpsertPickupLocationDocument, upsert("LEH-1", "194101"))).errors).toBeUndefined();
  });
  afterAll(async () => {
    await server?.close();
    await graph?.stop();
    await db?.drop();
  });

  const viewerQuery = "{ viewer { authenticated kind name organisation roles circle } }";

  it("creates keys that are shown once and stored only as a digest", async () => {
    const { key, summary } = await createApiKey(db.database.db, { name: "Delhi dashboard", organisation: "india_post", roles: ["viewer", "ANALYST"], circle: "delhi" });
    expect(key).toMatch(/^dak_[a-z0-9]{8}_[A-Za-z0-9_-]{43}$/);
    expect(summary).toMatchObject({ name: "Delhi dashboard", organisation: "INDIA_POST", roles: ["VIEWER", "ANALYST"], circle: "Delhi", revokedAt: null });
    expect(key.startsWith(summary.prefix)).toBe(true);
    const stored = await queryRows<{ key_hash: string }>(db.database.db, sql`select key_hash from api_key where id = ${summary.id}`);
    expect(stored[0]!.key_hash).toBe(hashApiKey(key));
    const dump = JSON.stringify(await queryRows(db.database.db, sql`select * from api_key`));
    expect(dump).not.toContain(key.slice(13));
  });

  it.each([
    [{ name: "x", organisation: "AMAZON", roles: ["GOD"] }, "roles"],
    [{ name: "x", organisation: "FEDEX", roles: ["VIEWER"] }, "organisation"],
    [{ name: " ", organisation: "AMAZON", roles: ["VIEWER"] }, "name"],
    [{ name: "x", organisation: "AMAZON", roles: ["VIEWER"], circle: "Delhi" }, "circle"],
    [{ name: "x", organisation: "INDIA_POST", roles: ["VIEWER"], circle: "Atlantis" }, "circle"],
  ])("refuses key %j naming %s", async (input, field) => {
    await expect(createApiKey(db.database.db, input)).rejects.toMatchObject({ extensions: { code: "BAD_USER_INPUT", field } });
  });

  it("authenticates a bearer key, lists it and stops accepting it once revoked", async () => {
    const { key, summary } = await createApiKey(db.database.db, { name: "ops bot", organisation: "AMAZON", roles: ["OPERATOR"] });
    const me = await server.request({ query: viewerQuery }, { headers: { authorization: `Bearer ${key}` } });
    expect(me.body.data.viewer).toEqual({ authenticated: true, kind: "apiKey", name: "ops bot", organisation: "AMAZON", roles: ["OPERATOR"], circle: null });
    const listed = (await listApiKeys(db.database.db)).find((k) => k.id === summary.id)!;
    expect(listed.lastUsedAt).not.toBeNull();
    const { key: other, summary: otherSummary } = await createApiKey(db.database.db, { name: "old", organisation: "AMAZON", roles: ["VIEWER"] });
    expect((await revokeApiKey(db.database.db, otherSummary.prefix))?.revokedAt).not.toBeNull();
    expect(await revokeApiKey(db.database.db, String(otherSummary.id))).toBeUndefined();
    const refused = await server.request({ query: viewerQuery }, { headers: { authorization: `Bearer ${other}` } });
    expect(refused.status).toBe(401);
    expect(refused.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    expect(refused.headers.get("www-authenticate")).toContain("Bearer");
  });

  it.each(["Bearer dak_00000000_" + "A".repeat(43), "Basic dXNlcjpwYXNz", "Bearer", "Bearer not-a-jwt"])("answers 401 UNAUTHENTICATED to %j", async (authorization) => {
    const result = await server.request({ query: viewerQuery }, { headers: { authorization } });
    expect(result.status).toBe(401);
    expect(result.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("accepts a JWT signed with the configured secret and maps its claims", async () => {
    const token = await new SignJWT({ org: "INDIA_POST", roles: ["OPERATOR"], circle: "Delhi", name: "Delhi ops" })
      .setProtectedHeader({ alg: "HS256" })
      .setSubject("user-17")
      .setIssuer("test-idp")
      .setExpirationTime("5m")
      .sign(new TextEncoder().encode(JWT_SECRET));
    const me = await server.request({ query: viewerQuery }, { headers: { authorization: `Bearer ${token}` } });
    expect(me.body.data.viewer).toEqual({ authenticated: true, kind: "token", name: "Delhi ops", organisation: "INDIA_POST", roles: ["OPERATOR"], circle: "Delhi" });
    const wrongIssuer = await new SignJWT({ org: "AMAZON", roles: ["ADMIN"] })
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("elsewhere")
      .sign(new TextEncoder().encode(JWT_SECRET));
    expect((await server.request({ query: viewerQuery }, { headers: { authorization: `Bearer ${wrongIssuer}` } })).status).toBe(401);
  });

  it("accepts a JWT signed by a key of the configured JWKS endpoint, and refuses one signed by another key", async () => {
    // A local identity provider: an HTTP server publishing one RSA public key as a JWKS document.
    const { publicKey, privateKey } = await generateKeyPair("RS256");
    const other = await generateKeyPair("RS256");
    const jwk = { ...(await exportJWK(publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    const idp = http.createServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => idp.listen(0, "127.0.0.1", resolve));
    const jwksUrl = `http://127.0.0.1:${(idp.address() as AddressInfo).port}/.well-known/jwks.json`;
    const withJwks = await startTestServer(db.database, { DAKGRAPH_JWKS_URL: jwksUrl, DAKGRAPH_JWT_AUDIENCE: "dakgraph" });
    try {
      const sign = (key: Parameters<SignJWT["sign"]>[0]) =>
        new SignJWT({ org: "AMAZON", roles: ["ANALYST"], name: "Amazon analyst" })
          .setProtectedHeader({ alg: "RS256", kid: "k1" })
          .setAudience("dakgraph")
          .setExpirationTime("5m")
          .sign(key);
      const me = await withJwks.request({ query: viewerQuery }, { headers: { authorization: `Bearer ${await sign(privateKey)}` } });
      expect(me.body.data.viewer).toMatchObject({ authenticated: true, kind: "token", organisation: "AMAZON", roles: ["ANALYST"] });
      const forged = await withJwks.request({ query: viewerQuery }, { headers: { authorization: `Bearer ${await sign(other.privateKey)}` } });
      expect(forged.status).toBe(401);
      expect(forged.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
    } finally {
      await withJwks.close();
      await new Promise<void>((resolve) => idp.close(() => resolve()));
    }
  });

  it("lets anonymous callers read the public directory and nothing else", async () => {
    const me = await server.request({ query: viewerQuery });
    expect(me.body.data.viewer).toMatchObject({ authenticated: false, kind: "anonymous", roles: [] });
    const directory = await server.request({ query: '{ pincode(code: "194401") { code postOffices(first: 5) { totalCount } } circles { name } products { code } }' });
    expect(directory.body.errors).toBeUndefined();
    expect(directory.body.data.pincode.postOffices.totalCount).toBeGreaterThan(0);
    const pickup = await server.request({ query: "{ pickupLocations { code } }" });
    expect(pickup.body.data).toBeNull();
    expect(pickup.body.errors[0].extensions).toMatchObject({ code: "UNAUTHENTICATED", field: "Query.pickupLocations" });
  });

  it("nulls only the denied field and reports it at its path", async () => {
    const result = await server.request({ query: '{ postOffices(filter: { pincode: "110001" }, first: 2) { totalCount nodes { name pickupLocations { code } } } }' });
    expect(result.status).toBe(200);
    expect(result.body.data.postOffices.totalCount).toBeGreaterThan(0);
    expect(result.body.data.postOffices.nodes[0].name).toEqual(expect.any(String));
    expect(result.body.data.postOffices.nodes[0].pickupLocations).toBeNull();
    expect(result.body.errors[0].path).toEqual(["postOffices", "nodes", 0, "pickupLocations"]);
    expect(result.body.errors[0].extensions.code).toBe("UNAUTHENTICATED");
  });

  it("answers FORBIDDEN with the field and the roles when a known viewer lacks the role", async () => {
    const result = await graph.execute(UpsertPickupLocationDocument, upsert("DEL-2", "110001"), { viewer: testViewer([Role.ANALYST]) });
    expect(result.data).toBeNull();
    expect(result.errors![0]!.path).toEqual(["upsertPickupLocation"]);
    expect(result.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", field: "Mutation.upsertPickupLocation", requiredRoles: ["OPERATOR", "ADMIN"], viewerRoles: ["ANALYST"] });
    const rows = await queryRows<{ n: number }>(db.database.db, sql`select count(*)::int as n from pickup_location where code = 'DEL-2'`);
    expect(rows[0]!.n).toBe(0);
  });

  it("keeps a VIEWER's allowed root fields when the same request asks for restricted ones", async () => {
    const query = `{
      pickupLocations { code }
      quarterlyKpis(from: "FY2024-25-Q2", to: "FY2024-25-Q2") { quarter }
      codRemittances(first: 1) { totalCount }
      products { code }
    }`;
    const result = await graph.execute<Record<string, unknown>, Record<string, never>>(query, {}, { viewer: testViewer([Role.VIEWER]) });
    expect(result.data).not.toBeNull();
    expect(result.data).toMatchObject({ quarterlyKpis: null, codRemittances: null, products: expect.any(Array) });
    expect((result.data!.pickupLocations as { code: string }[]).map((p) => p.code).sort()).toEqual(["DEL-1", "LEH-1"]);
    const denials = result.errors!.map((e) => [e.path!.join("."), e.extensions!.code, e.extensions!.field]).sort();
    expect(denials).toEqual([
      ["codRemittances", "FORBIDDEN", "Query.codRemittances"],
      ["quarterlyKpis", "FORBIDDEN", "Query.quarterlyKpis"],
    ]);
  });

  it("nulls only shipments, not the whole answer, when an ANALYST filters it by a FINANCE value", async () => {
    // shipments itself is open to every signed-in viewer; its where.codAmount needs Shipment.codAmount's FINANCE.
    const query = "{ shipments(where: { codAmount: { gt: 100 } }) { totalCount } products { code } }";
    type Answer = { shipments: { totalCount: number } | null; products: { code: string }[] };
    const finance = await graph.execute<Answer, Record<string, never>>(query, {}, { viewer: testViewer([Role.FINANCE]) });
    expect(finance.errors).toBeUndefined();
    expect(root(finance, "shipments").totalCount).toEqual(expect.any(Number));
    expect(root(finance, "products").length).toBeGreaterThan(0);
    const analyst = await graph.execute<Answer, Record<string, never>>(query, {}, { viewer: testViewer([Role.ANALYST]) });
    expect(analyst.data).toEqual({ shipments: null, products: root(finance, "products") });
    expect(analyst.errors?.map((e) => [e.path, e.extensions?.code, e.extensions?.field])).toEqual([[["shipments"], "FORBIDDEN", "ShipmentWhere.codAmount"]]);
  });

  it("limits an India Post circle user to the circle's rows", async () => {
    const delhi = testViewer([Role.OPERATOR], { organisation: "INDIA_POST", circle: "Delhi" });
    const list = await graph.execute(PickupLocationsDocument, {}, { viewer: delhi });
    expect(list.data!.pickupLocations.map((p) => p.code)).toEqual(["DEL-1"]);
    const all = await graph.execute(PickupLocationsDocument, {});
    expect(all.data!.pickupLocations.map((p) => p.code)).toEqual(["DEL-1", "LEH-1"]);
    expect((await graph.execute('{ pickupLocation(code: "leh-1") { code } }', {}, { viewer: delhi })).data).toEqual({ pickupLocation: null });
    const leh = await graph.execute('{ pickupLocation(code: "LEH-1") { id } }');
    const viaNode = await graph.execute("query ($id: ID!) { node(id: $id) { id } }", { id: (leh.data as { pickupLocation: { id: string } }).pickupLocation.id }, { viewer: delhi });
    expect(viaNode.data).toEqual({ node: null });
    const outside = await graph.execute(UpsertPickupLocationDocument, upsert("LEH-2", "194101"), { viewer: delhi });
    expect(outside.errors![0]!.extensions!.code).toBe("FORBIDDEN");
    const inside = await graph.execute(UpsertPickupLocationDocument, upsert("DEL-3", "110001"), { viewer: delhi });
    expect(inside.errors).toBeUndefined();
  });

  it("shows a circle user only the shipments of its circle's pickup locations bound for that circle", async () => {
    const booking = (serial: string, pin: string) => ({
      trackingNumber: `EA${serial}${s10CheckDigit(serial)}IN`,
      bookedAt: "2024-08-05T10:00:00+05:30",
      productCode: "SPEED_POST",
      paymentMode: "PREPAID" as const,
      weightGrams: 500,
      pickupLocationCode: "DEL-1",
      destinationPincode: pin,
    });
    const recorded = await graph.execute(RecordShipmentsDocument, { input: { shipments: [booking("51000001", "110001"), booking("51000002", "194401")] } });
    expect(recorded.errors).toBeUndefined();
    const query = '{ pickupLocation(code: "DEL-1") { shipments(first: 10) { totalCount nodes { destinationPincode } } } }';
    type Page = { pickupLocation: { shipments: { totalCount: number; nodes: { destinationPincode: string }[] } } };
    const everyone = (await graph.execute(query)).data as Page;
    expect(everyone.pickupLocation.shipments.totalCount).toBe(2);
    const delhi = testViewer([Role.OPERATOR], { organisation: "INDIA_POST", circle: "Delhi" });
    const scoped = (await graph.execute(query, {}, { viewer: delhi })).data as Page;
    expect(scoped.pickupLocation.shipments).toEqual({ totalCount: 1, nodes: [{ destinationPincode: "110001" }] });
  });

  it("writes an audit row for every mutation, with who, what and the outcome", async () => {
    const operator = testViewer([Role.OPERATOR], { organisation: "AMAZON", name: "audit check" });
    await graph.execute(UpsertPickupLocationDocument, upsert("AUD-1", "110001"), { viewer: operator });
    await graph.execute(UpsertPickupLocationDocument, upsert("AUD-2", "110001"), { viewer: testViewer([Role.VIEWER], { name: "audit viewer" }) });
    const rows = await queryRows<Record<string, unknown>>(
      db.database.db,
      sql`select viewer_name, organisation, operation_name, fields, outcome, input_bytes, finished_at is not null as finished from audit_log where viewer_name like 'audit %' order by id`,
    );
    expect(rows).toMatchObject([
      { viewer_name: "audit check", organisation: "AMAZON", operation_name: "UpsertPickupLocation", fields: ["upsertPickupLocation"], outcome: "OK", finished: true },
      { viewer_name: "audit viewer", outcome: "FORBIDDEN", finished: true },
    ]);
    expect(rows[0]!.input_bytes).toBeGreaterThan(100);
  });
});
