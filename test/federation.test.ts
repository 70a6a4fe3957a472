import fs from "node:fs";
import { ApolloServer } from "@apollo/server";
import { ApolloServerPluginInlineTraceDisabled } from "@apollo/server/plugin/disabled";
import { startStandaloneServer } from "@apollo/server/standalone";
import { composeServices } from "@apollo/composition";
import { ApolloGateway, RemoteGraphQLDataSource } from "@apollo/gateway";
import { buildSubgraphSchema } from "@apollo/subgraph";
import { sql } from "drizzle-orm";
import { parse } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { queryRows } from "../src/db/client.js";
import { toGlobalId } from "../src/lib/global-id.js";
import { progressBar } from "../src/lib/progress.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { Role } from "../src/modules/access/access.roles.js";
import { anonymousViewer, testViewer } from "../src/modules/access/access.viewer.js";
import { seedDemo } from "../src/modules/demo/demo.seed.js";
import { printSubgraphSdl } from "../src/modules/federation/federation.sdl.js";
import { createSchema } from "../src/schema.js";
import { createApolloServer } from "../src/server/apollo.js";
import { listen, type RunningServer } from "../src/server/http.js";
import { createDirectoryDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, type TestGraph } from "./support/graph.js";

/*
 * The graph as an Apollo Federation 2 subgraph (src/modules/federation, README "Federation"): `_service` answers the
 * committed SDL, `_entities` reads each key through the loaders (statement counts, not times), under the same access
 * rules as the root fields; the SDL composes with a second subgraph, and a gateway runs a query across both against our
 * real HTTP server.
 */

const ENTITIES = `query Entities($representations: [_Any!]!) {
  _entities(representations: $representations) {
    __typename
    ... on PostOffice { id name pincode { code } }
    ... on Pincode { code officeCount }
    ... on PickupLocation { code name postOffice { name } }
    ... on Shipment { trackingNumber bookingDate status pickupLocation { code } }
  }
}`;

interface Keys {
  readonly offices: { id: string; pincode: string }[];
  readonly locations: string[];
  readonly shipments: { trackingNumber: string; bookingDate: string; pincode: string; circle: string | null }[];
}

/** The orders subgraph of the gateway test: an order service that owns orders and extends Shipment with its order id. */
const ORDERS_SDL = `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.3", import: ["@key"])
  scalar TrackingNumber
  scalar Date
  type Order { orderId: ID! shipment: Shipment! }
  type Shipment @key(fields: "trackingNumber bookingDate") {
    trackingNumber: TrackingNumber!
    bookingDate: Date!
    orderId: ID
  }
  type Query { order(orderId: ID!): Order }
`;

describe.each(engines)("the federation subgraph on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;
  let keys: Keys;

  beforeAll(async () => {
    db = await createDirectoryDatabase(engine);
    await seedDemo(db.database, { shipments: 1_500, seed: 11, until: "2026-09-30", replace: false }, progressBar(false));
    graph = await createTestGraph(db.database);
    const offices = await queryRows<{ id: number; pincode: string }>(db.database.db, sql`select id, pincode from post_office order by id limit 60`);
    const locations = await queryRows<{ code: string }>(db.database.db, sql`select code from pickup_location order by code`);
    const shipments = await queryRows<{ tracking_number: string; booking_date: string; pincode: string; circle: string | null }>(
      db.database.db,
      sql`select s.tracking_number, s.booking_date::text as booking_date, s.destination_pincode as pincode, c.name as circle
         from shipment s left join pincode p on p.code = s.destination_pincode left join postal_circle c on c.id = p.primary_circle_id
        where s.destination_kind <> 'ARMY_POSTAL' order by s.id limit 60`,
    );
    keys = {
      offices: offices.map((o) => ({ id: toGlobalId("PostOffice", o.id), pincode: o.pincode })),
      locations: locations.map((l) => l.code),
      shipments: shipments.map((s) => ({ trackingNumber: s.tracking_number, bookingDate: s.booking_date, pincode: s.pincode, circle: s.circle })),
    };
    expect(keys.locations.length).toBeGreaterThan(3);
  });
  afterAll(async () => {
    await graph?.stop();
    await db?.drop();
  });

  /** `n` representations of each entity type, and their expected keys in order. */
  function representations(n: number): Record<string, string>[] {
    return [
      ...keys.offices.slice(0, n).map((o) => ({ __typename: "PostOffice", id: o.id })),
      ...[...new Set(keys.offices.map((o) => o.pincode))].slice(0, n).map((code) => ({ __typename: "Pincode", code })),
      ...keys.locations.slice(0, n).map((code) => ({ __typename: "PickupLocation", code: code.toLowerCase() })),
      ...keys.shipments.slice(0, n).map((s) => ({ __typename: "Shipment", trackingNumber: s.trackingNumber, bookingDate: s.bookingDate })),
    ];
  }

  it("answers _service with the committed schema/subgraph.graphql, which carries the four @keys", async () => {
    const result = await graph.execute<{ _service: { sdl: string } }, Record<string, never>>("{ _service { sdl } }");
    expect(result.errors).toBeUndefined();
    const committed = fs.readFileSync(new URL("../schema/subgraph.graphql", import.meta.url), "utf8");
    expect(result.data?._service.sdl).toBe(committed);
    expect(committed).toBe(printSubgraphSdl(await createSchema()));
    for (const key of [
      'type PostOffice implements Node @key(fields: "id")',
      'type Pincode implements Node @key(fields: "code")',
      'type PickupLocation implements Node @key(fields: "code")',
      'type Shipment implements Node @key(fields: "trackingNumber bookingDate")',
    ]) {
      expect(committed).toContain(key);
    }
  });

  it("resolves every key in the order given, through the loaders: as many statements for 60 of each type as for 2", async () => {
    const small = await graph.execute<any, any>(ENTITIES, { representations: representations(2) });
    const many = representations(60);
    const large = await graph.execute<any, any>(ENTITIES, { representations: many });
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    const entities = large.data._entities as any[];
    expect(entities).toHaveLength(many.length);
    entities.forEach((entity, i) => {
      const asked = many[i]!;
      expect(entity.__typename).toBe(asked.__typename);
      if (asked.__typename === "PostOffice") expect(entity.id).toBe(asked.id);
      if (asked.__typename === "Pincode") expect(entity.code).toBe(asked.code);
      if (asked.__typename === "PickupLocation") expect(entity.code).toBe(asked.code!.toUpperCase());
      if (asked.__typename === "Shipment") expect([entity.trackingNumber, entity.bookingDate]).toEqual([asked.trackingNumber, asked.bookingDate]);
    });
    // One statement per loader batch, never one per entity: offices by id, PINs by code (the offices' PINs among them,
    // from the loader's cache), pickup locations by code, shipments by key; then the pickup locations' offices (postOffice,
    // and the circle check) and the shipments' pickup locations by id.
    expect(large.statements).toBe(6);
    expect(small.statements).toBe(6);
    expect(large.sql.filter((text) => text.includes("findShipmentsByTrackingKeys"))).toHaveLength(1);
    expect(large.sql.filter((text) => text.includes("findPickupLocationsByCodes"))).toHaveLength(1);
  });

  it("gives null for a key that names nothing, and BAD_USER_INPUT or INVALID_ID for a malformed one, at its index", async () => {
    const shipment = keys.shipments[0]!;
    const result = await graph.execute<any, any>(ENTITIES, {
      representations: [
        { __typename: "Shipment", trackingNumber: shipment.trackingNumber, bookingDate: "2001-01-01" },
        { __typename: "PickupLocation", code: "NO-SUCH-PLACE" },
        { __typename: "Shipment", trackingNumber: "EE123456789IN", bookingDate: shipment.bookingDate },
        { __typename: "PostOffice", id: "not an id" },
        { __typename: "Pincode" },
        { __typename: "Shipment", trackingNumber: shipment.trackingNumber, bookingDate: shipment.bookingDate },
      ],
    });
    expect(result.data._entities[0]).toBeNull();
    expect(result.data._entities[1]).toBeNull();
    expect(result.data._entities[5].trackingNumber).toBe(shipment.trackingNumber);
    const codes = Object.fromEntries((result.errors ?? []).map((e) => [e.path?.join("."), e.extensions?.code]));
    expect(codes).toEqual({ "_entities.2": "BAD_USER_INPUT", "_entities.3": "INVALID_ID", "_entities.4": "BAD_USER_INPUT" });
    const notAnObject = await graph.execute<any, any>(ENTITIES, { representations: ["Shipment"] });
    expect(notAnObject.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("applies the root fields' access rules: credentials for pickup locations and shipments, each field's roles, the circle scope", async () => {
    const shipment = keys.shipments[0]!;
    const shipmentKey = { __typename: "Shipment", trackingNumber: shipment.trackingNumber, bookingDate: shipment.bookingDate };
    const office = { __typename: "PostOffice", id: keys.offices[0]!.id };
    // Anonymous: the directory is public, as postOffice is; shipments and pickup locations need credentials, as shipment does.
    const anonymous = await graph.execute<any, any>(
      `query($r: [_Any!]!) { _entities(representations: $r) { ... on PostOffice { name } ... on Shipment { status } ... on PickupLocation { code } } }`,
      { r: [office, shipmentKey, { __typename: "PickupLocation", code: keys.locations[0] }] },
      { viewer: anonymousViewer() },
    );
    expect(anonymous.data._entities[0].name).toEqual(expect.any(String));
    expect(anonymous.data._entities.slice(1)).toEqual([null, null]);
    expect(anonymous.errors?.map((e) => [e.path?.join("."), e.extensions?.code])).toEqual([
      ["_entities.1", "UNAUTHENTICATED"],
      ["_entities.2", "UNAUTHENTICATED"],
    ]);
    const direct = await graph.execute<any, any>(`query($t: TrackingNumber!, $d: Date) { shipment(trackingNumber: $t, bookingDate: $d) { status } }`, { t: shipment.trackingNumber, d: shipment.bookingDate }, { viewer: anonymousViewer() });
    expect(direct.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");

    // A VIEWER asking a FINANCE field gets the same FORBIDDEN error through _entities as through shipment.
    const viewer = testViewer([Role.VIEWER]);
    const through = await graph.execute<any, any>(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Shipment { status codAmount { paise } } } }`, { r: [shipmentKey] }, { viewer });
    const root = await graph.execute<any, any>(`query($t: TrackingNumber!, $d: Date) { shipment(trackingNumber: $t, bookingDate: $d) { status codAmount { paise } } }`, { t: shipment.trackingNumber, d: shipment.bookingDate }, { viewer });
    expect(through.data._entities[0].status).toBe(root.data.shipment.status);
    expect(through.data._entities[0].codAmount).toBeNull();
    expect(through.errors).toHaveLength(1);
    expect(through.errors![0]!.extensions).toEqual(root.errors![0]!.extensions);
    expect(through.errors![0]!.extensions?.code).toBe("FORBIDDEN");

    // A viewer limited to a circle: shipments bound elsewhere read as null, as through shipment; its own circle's do not.
    const inside = keys.shipments.find((s) => s.circle !== null)!;
    const outside = keys.shipments.find((s) => s.circle !== null && s.circle !== inside.circle)!;
    const circleViewer = testViewer([Role.VIEWER], { organisation: "INDIA_POST", circle: inside.circle });
    const scoped = await graph.execute<any, any>(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Shipment { trackingNumber } } }`, {
      r: [inside, outside].map((s) => ({ __typename: "Shipment", trackingNumber: s.trackingNumber, bookingDate: s.bookingDate })),
    }, { viewer: circleViewer });
    expect(scoped.errors).toBeUndefined();
    expect(scoped.data._entities).toEqual([{ trackingNumber: inside.trackingNumber }, null]);
    const rootOutside = await graph.execute<any, any>(`query($t: TrackingNumber!, $d: Date) { shipment(trackingNumber: $t, bookingDate: $d) { trackingNumber } }`, { t: outside.trackingNumber, d: outside.bookingDate }, { viewer: circleViewer });
    expect(rootOutside.data.shipment).toBeNull();
  });

  it("keeps the limits, the allowlist and the introspection rule: cost by representations, registered operations only, _service as introspection", async () => {
    const costly = await createTestGraph(db.database, { DAKGRAPH_MAX_COST: "100" });
    const allowlist = await createTestGraph(db.database, { DAKGRAPH_OPERATIONS: "allowlist" });
    const closed = await createTestGraph(db.database, { DAKGRAPH_INTROSPECTION: "authenticated" });
    try {
      const few = await costly.execute<any, any>(ENTITIES, { representations: representations(2) });
      expect(few.errors).toBeUndefined();
      const many = await costly.execute<any, any>(ENTITIES, { representations: representations(60) });
      expect(many.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");

      const refused = await allowlist.execute<any, any>(ENTITIES, { representations: representations(1) }, { viewer: testViewer([Role.VIEWER]) });
      expect(refused.errors?.[0]?.extensions?.code).toBe("OPERATION_NOT_ALLOWED");

      const hidden = await closed.execute<any, any>("{ _service { sdl } }", {}, { viewer: anonymousViewer() });
      expect(hidden.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
      const shown = await closed.execute<any, any>("{ _service { sdl } }", {}, { viewer: testViewer([Role.VIEWER]) });
      expect(shown.data._service.sdl).toContain("@key");
    } finally {
      await Promise.all([costly.stop(), allowlist.stop(), closed.stop()]);
    }
  });

  it("composes with an orders subgraph and answers a query across both through @apollo/gateway and our HTTP server", async () => {
    const shipment = keys.shipments[1]!;
    const orders = new Map([["ORD-1", { orderId: "ORD-1", shipment: { trackingNumber: shipment.trackingNumber, bookingDate: shipment.bookingDate, orderId: "ORD-1" } }]]);

    // Our server, as deployed: HTTP, API key, rate limit, plugins. The orders service is a plain @apollo/subgraph server.
    const config = loadConfig({ NODE_ENV: "test", PORT: "0", LOG_LEVEL: "warn", DAKGRAPH_RATE_LIMIT_PER_MINUTE: "100000", DAKGRAPH_RATE_LIMIT_BURST: "100000" });
    const apollo = createApolloServer(await createSchema(), config);
    await apollo.start();
    let ours: RunningServer | undefined;
    const ordersServer = new ApolloServer({
      plugins: [ApolloServerPluginInlineTraceDisabled()],
      schema: buildSubgraphSchema([{
        typeDefs: parse(ORDERS_SDL),
        resolvers: {
          Query: { order: (_: unknown, { orderId }: { orderId: string }) => orders.get(orderId) ?? null },
          Shipment: {
            __resolveReference: (ref: { trackingNumber: string; bookingDate: string }) => {
              const order = [...orders.values()].find((o) => o.shipment.trackingNumber === ref.trackingNumber && o.shipment.bookingDate === ref.bookingDate);
              return { ...ref, orderId: order?.orderId ?? null };
            },
          },
        } as never,
      }]),
    });
    const gatewayServer = { stop: async () => {} };
    try {
      ours = await listen({ config, database: db.database, apollo });
      const { url: ordersUrl } = await startStandaloneServer(ordersServer, { listen: { port: 0, host: "127.0.0.1" } });
      const { key } = await createApiKey(db.database.db, { name: "federation router", organisation: "AMAZON", roles: ["OPERATOR"] });
      // The static supergraph: our committed subgraph SDL and the orders SDL, with the URLs they listen on.
      const composed = composeServices([
        { name: "dakgraph", url: ours.url, typeDefs: parse(fs.readFileSync(new URL("../schema/subgraph.graphql", import.meta.url), "utf8")) },
        { name: "orders", url: ordersUrl, typeDefs: parse(ORDERS_SDL) },
      ]);
      expect(composed.errors).toBeUndefined();
      const gateway = new ApolloGateway({
        supergraphSdl: composed.supergraphSdl!,
        buildService: ({ url }) =>
          new RemoteGraphQLDataSource({
            url: url!,
            // The router passes the caller's credentials on, so dakgraph applies the caller's roles and circle.
            willSendRequest: ({ request, context }) => {
              const authorization = (context as { authorization?: string }).authorization;
              if (authorization !== undefined) request.http?.headers.set("authorization", authorization);
            },
          }),
      });
      const router = new ApolloServer<{ authorization?: string }>({ gateway: gateway as never });
      await router.start();
      gatewayServer.stop = () => router.stop();
      const ask = async (query: string, authorization?: string) => {
        const response = await router.executeOperation({ query }, { contextValue: authorization === undefined ? {} : { authorization } });
        if (response.body.kind !== "single") throw new Error("incremental delivery is not used");
        return response.body.singleResult as { data?: any; errors?: { message: string; extensions?: Record<string, unknown> }[] };
      };

      // orders → dakgraph: the order's shipment is resolved by _entities on our server.
      const across = await ask(
        `{ order(orderId: "ORD-1") { orderId shipment { trackingNumber bookingDate orderId status pickupLocation { code } destination { code } } } }`,
        `Bearer ${key}`,
      );
      expect(across.errors).toBeUndefined();
      expect(across.data.order).toMatchObject({
        orderId: "ORD-1",
        shipment: { trackingNumber: shipment.trackingNumber, bookingDate: shipment.bookingDate, orderId: "ORD-1", status: expect.any(String), destination: { code: shipment.pincode } },
      });
      // dakgraph → orders: our shipment, with the order id the orders subgraph adds.
      const back = await ask(
        `{ shipment(trackingNumber: "${shipment.trackingNumber}", bookingDate: "${shipment.bookingDate}") { trackingNumber orderId pickupLocation { code } } }`,
        `Bearer ${key}`,
      );
      expect(back.errors).toBeUndefined();
      expect(back.data.shipment).toMatchObject({ trackingNumber: shipment.trackingNumber, orderId: "ORD-1" });
      // Without credentials our part is refused as it would be without a router.
      const anonymous = await ask(`{ order(orderId: "ORD-1") { orderId shipment { status } } }`);
      expect(anonymous.data?.order?.shipment ?? null).toBeNull();
      expect(JSON.stringify(anonymous.errors)).toContain("UNAUTHENTICATED");
    } finally {
      await gatewayServer.stop();
      await ordersServer.stop();
      await ours?.close();
      await apollo.stop();
    }
  });
});

describe("composition", () => {
  it("reports a conflict: an orders subgraph that types Shipment.trackingNumber as String, where dakgraph says TrackingNumber", async () => {
    const conflicting = ORDERS_SDL.replace("trackingNumber: TrackingNumber!", "trackingNumber: String!");
    const composed = composeServices([
      { name: "dakgraph", typeDefs: parse(printSubgraphSdl(await createSchema())) },
      { name: "orders", typeDefs: parse(conflicting) },
    ]);
    expect(composed.supergraphSdl).toBeUndefined();
    const errors = composed.errors ?? [];
    expect(errors.map((e) => e.extensions.code)).toContain("FIELD_TYPE_MISMATCH");
    expect(errors.find((e) => e.extensions.code === "FIELD_TYPE_MISMATCH")?.message).toContain("Shipment.trackingNumber");
  });
});
