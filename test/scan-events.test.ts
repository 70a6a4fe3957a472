import type { GraphQLEnumType } from "graphql";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { progressBar } from "../src/lib/progress.js";
import { Role } from "../src/modules/access/access.roles.js";
import { anonymousViewer, testViewer } from "../src/modules/access/access.viewer.js";
import { seedDemo } from "../src/modules/demo/demo.seed.js";
import { createSchema } from "../src/schema.js";
import { createDirectoryDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, type GraphResult, type TestGraph } from "./support/graph.js";

/*
 * Query.scanEvents: every scan of every shipment, filtered by the generated ScanEventWhere (the scan's fields, its
 * office, its shipment and the shipment's own relations), ordered by any ScanEventOrderBy, paged either way. Each
 * operation runs through the single statement and through the resolvers (`{ singleStatement: false }`): the answers
 * must be equal, and the filters equal a reference computed from every scan.
 */

/** A scan with the values the filters and orders here compare. */
interface Scan {
  id: string;
  occurredAt: string;
  eventType: string;
  failedReason: string | null;
  rawText: string | null;
  officeName: string | null;
  office: { state: string | null } | null;
  shipment: { trackingNumber: string; bookingDate: string; paymentMode: string; pickupLocation: { code: string }; destination: { primaryCircle: { name: string } | null } | null };
}
const SCAN_FIELDS = `id occurredAt eventType failedReason rawText officeName office { state }
  shipment { trackingNumber bookingDate paymentMode pickupLocation { code } destination { primaryCircle { name } } }`;

type Page = {
  scanEvents: {
    totalCount: number;
    nodes: Scan[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
};
const PAGE = `query ($w: ScanEventWhere, $o: [ScanEventOrderBy!], $first: Int, $after: String, $last: Int, $before: String) {
  scanEvents(where: $w, orderBy: $o, first: $first, after: $after, last: $last, before: $before) {
    totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { ${SCAN_FIELDS} } } }`;

describe.each(engines)("scan events on %s", (engine) => {
  let db: TestDatabase;
  let single: TestGraph;
  let reference: TestGraph;
  let all: Scan[];

  /** The same operation through both paths: equal answers (key order too); the single statement's result. */
  async function both(query: string, variables: Record<string, unknown>, viewer = testViewer([Role.ADMIN])): Promise<GraphResult<Page>> {
    const a = (await single.execute(query, variables, { viewer })) as GraphResult<Page>;
    const b = (await reference.execute(query, variables, { viewer })) as GraphResult<Page>;
    expect(JSON.stringify(a.data), JSON.stringify(variables)).toBe(JSON.stringify(b.data));
    expect(a.errors).toEqual(b.errors);
    return a;
  }

  /** Every scan matching `where`, page by page in the default order, its totalCount checked on every page. */
  async function scansWhere(where: unknown): Promise<Scan[]> {
    const scans: Scan[] = [];
    let after: string | null = null;
    for (;;) {
      const result = await both(PAGE, { w: where, first: 500, after });
      expect(result.errors, JSON.stringify(where)).toBeUndefined();
      const { totalCount, nodes, pageInfo } = result.data!.scanEvents;
      scans.push(...nodes);
      if (!pageInfo.hasNextPage) {
        expect(scans).toHaveLength(totalCount);
        return scans;
      }
      after = pageInfo.endCursor;
    }
  }

  beforeAll(async () => {
    db = await createDirectoryDatabase(engine);
    await seedDemo(db.database, { shipments: 400, seed: 19, until: "2026-09-30", replace: false }, progressBar(false));
    single = await createTestGraph(db.database);
    reference = await createTestGraph(db.database, {}, { singleStatement: false });
    all = await scansWhere(null);
  });
  afterAll(async () => {
    await single?.stop();
    await reference?.stop();
    await db?.drop();
  });

  it("lists every scan newest first, and Shipment.events is the same scans of one shipment", async () => {
    expect(all.length).toBeGreaterThan(1500);
    expect(new Set(all.map((s) => s.id)).size).toBe(all.length);
    const times = all.map((s) => s.occurredAt);
    expect(times).toEqual([...times].sort().reverse());
    const one = all[all.length >> 1]!.shipment;
    const tracked = await reference.execute(`{ shipment(trackingNumber: "${one.trackingNumber}", bookingDate: "${one.bookingDate}") { events { id eventType occurredAt } } }`);
    const events = (tracked.data as { shipment: { events: { id: string }[] } }).shipment.events;
    const scans = await both(`query ($w: ScanEventWhere) { scanEvents(where: $w, orderBy: [{ field: OCCURRED_AT }]) { nodes { id eventType occurredAt } } }`, {
      w: { shipment: { trackingNumber: { eq: one.trackingNumber }, bookingDate: { eq: one.bookingDate } } },
    });
    expect(events.length).toBeGreaterThan(1);
    expect(scans.data!.scanEvents.nodes).toEqual(events);
  });

  it("filters with and / or / not, per-type operators and through the office and the shipment, as a reference over every scan", async () => {
    const circle = all.find((s) => s.shipment.destination?.primaryCircle?.name !== undefined)!.shipment.destination!.primaryCircle!.name;
    const state = all.find((s) => s.office?.state !== null && s.office?.state !== undefined)!.office!.state!;
    const middle = all[all.length >> 1]!.occurredAt;
    const cases: [unknown, (s: Scan) => boolean][] = [
      // A null reason matches neither a condition on it nor its not: `isNull` asks for it.
      [
        { eventType: { in: ["DELIVERED", "DELIVERY_ATTEMPTED"] }, or: [{ failedReason: { isNull: true } }, { not: { failedReason: { eq: "ADDRESSEE_ABSENT" } } }] },
        (s) => s.eventType === "DELIVERED" || (s.eventType === "DELIVERY_ATTEMPTED" && s.failedReason !== "ADDRESSEE_ABSENT"),
      ],
      [{ not: { failedReason: { eq: "ADDRESSEE_ABSENT" } } }, (s) => s.failedReason !== null && s.failedReason !== "ADDRESSEE_ABSENT"],
      [{ or: [{ occurredAt: { gte: middle } }, { shipment: { paymentMode: { eq: "COD" } } }] }, (s) => s.occurredAt >= middle || s.shipment.paymentMode === "COD"],
      [{ shipment: { pickupLocation: { code: { eq: "SYN-DEL" } } }, and: [{ eventType: { ne: "BOOKED" } }] }, (s) => s.shipment.pickupLocation.code === "SYN-DEL" && s.eventType !== "BOOKED"],
      [{ shipment: { destination: { primaryCircle: { name: { eq: circle } } } } }, (s) => s.shipment.destination?.primaryCircle?.name === circle],
      [{ office: { state: { eq: state } }, occurredAt: { lt: middle } }, (s) => s.office?.state === state && s.occurredAt < middle],
      [{ failedReason: { isNull: false } }, (s) => s.failedReason !== null],
      [{ rawText: { contains: "deliver" } }, (s) => (s.rawText ?? "").toLowerCase().includes("deliver")],
      // A null office matches neither a condition on it nor its not.
      [{ not: { office: { state: { eq: state } } } }, (s) => s.office !== null && s.office.state !== state],
      [{ or: [] }, () => false],
    ];
    for (const [where, predicate] of cases) {
      const expected = all.filter(predicate).map((s) => s.id);
      if (JSON.stringify(where) !== '{"or":[]}') expect(expected.length, `${JSON.stringify(where)} selects some scans`).toBeGreaterThan(0);
      expect(expected.length, `${JSON.stringify(where)} does not select every scan`).toBeLessThan(all.length);
      expect((await scansWhere(where)).map((s) => s.id), JSON.stringify(where)).toEqual(expected);
    }
  });

  it("answers a filtered page, its count, cursors and the scanned shipment in 1 statement; the resolvers take 2", async () => {
    const query = `query ($w: ScanEventWhere) { scanEvents(where: $w, first: 5, orderBy: [{ field: SHIPMENT_BOOKED_AT, direction: DESC }]) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id eventType shipment { trackingNumber status } } } } }`;
    const variables = { w: { shipment: { pickupLocation: { code: { in: ["SYN-DEL", "SYN-BOM"] } } }, eventType: { eq: "DELIVERED" } } };
    const a = await single.execute(query, variables);
    const b = await reference.execute(query, variables);
    expect(a.errors).toBeUndefined();
    expect(JSON.stringify(a.data)).toBe(JSON.stringify(b.data));
    expect((a.data as { scanEvents: { totalCount: number } }).scanEvents.totalCount).toBeGreaterThan(5);
    expect(a.statements).toBe(1);
    // The page and the count; the scanned shipments through one batched loader call.
    expect(b.statements).toBe(3);
  });

  it("orders by every order key either way, pages forward and backward through the same scans, and refuses another order's cursor", async () => {
    const schema = await createSchema();
    const keys = (schema.getType("ScanEventOrderField") as GraphQLEnumType).getValues().map((v) => v.name);
    expect(keys).toEqual(expect.arrayContaining(["OCCURRED_AT", "EVENT_TYPE", "OFFICE_STATE", "SHIPMENT_BOOKED_AT", "SHIPMENT_COD_AMOUNT"]));
    // The scans of a spread of shipments (delivered and not, COD and prepaid, with and without an office), so nulls and ties occur.
    const numbers = [...new Set(all.filter((_, i) => i % Math.ceil(all.length / 12) === 0).map((s) => s.shipment.trackingNumber))];
    const where = { shipment: { trackingNumber: { in: numbers } } };
    const read = async (orderBy: unknown, page: Record<string, unknown>) => {
      const result = await both(PAGE, { w: where, o: orderBy, ...page });
      expect(result.errors, JSON.stringify({ orderBy, page })).toBeUndefined();
      return result.data!.scanEvents;
    };
    /** Every scan of the order, 17 at a time: first/after from the start, or last/before from the end. */
    const walk = async (orderBy: unknown, backward: boolean): Promise<string[]> => {
      const ids: string[] = [];
      let cursor: string | null = null;
      for (;;) {
        const page = await read(orderBy, backward ? { last: 17, before: cursor } : { first: 17, after: cursor });
        if (backward) ids.unshift(...page.nodes.map((n) => n.id));
        else ids.push(...page.nodes.map((n) => n.id));
        if (!(backward ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage)) return ids;
        cursor = backward ? page.pageInfo.startCursor : page.pageInfo.endCursor;
      }
    };
    for (const field of keys) {
      for (const direction of ["ASC", "DESC"]) {
        const orderBy = [{ field, direction }];
        const whole = (await read(orderBy, { first: 200 })).nodes.map((n) => n.id);
        expect(whole.length).toBeGreaterThan(30);
        expect(await walk(orderBy, false), `${field} ${direction} forward`).toEqual(whole);
        expect(await walk(orderBy, true), `${field} ${direction} backward`).toEqual(whole);
      }
    }
    // Sorted as stated, null greatest: by the failed attempt's reason, then time descending.
    const sorted = (await read([{ field: "FAILED_REASON" }, { field: "OCCURRED_AT", direction: "DESC" }], { first: 200 })).nodes;
    const rank = (s: Scan) => `${s.failedReason ?? "\uffff"}|${String(1e15 - Date.parse(s.occurredAt)).padStart(16, "0")}`;
    expect(sorted.map(rank)).toEqual([...sorted.map(rank)].sort());
    expect(sorted.some((s) => s.failedReason === null) && sorted.some((s) => s.failedReason !== null)).toBe(true);
    // A cursor of another order, or of another connection, is refused naming the argument.
    const cursor = (await read([{ field: "EVENT_TYPE" }], { first: 1 })).pageInfo.endCursor;
    const foreign = await both(PAGE, { w: where, o: [{ field: "OCCURRED_AT" }], first: 1, after: cursor });
    expect(foreign.errors![0]!.extensions).toMatchObject({ code: "INVALID_CURSOR", field: "after" });
    const shipments = await single.execute(`{ shipments(first: 1) { pageInfo { endCursor } } }`);
    const shipmentCursor = (shipments.data as { shipments: { pageInfo: { endCursor: string } } }).shipments.pageInfo.endCursor;
    const other = await both(PAGE, { last: 1, before: shipmentCursor });
    expect(other.errors![0]!.extensions).toMatchObject({ code: "INVALID_CURSOR", field: "before" });
    // About 1,500 statements on both paths, each planned over shipment's and scan_event's quarter partitions (22 for
    // these 400 shipments, 2021 to 2026): on PGlite under a loaded CI runner that came to about 110 s.
  }, 300_000);

  it("keeps a viewer limited to a circle to the scans of shipments bound for it", async () => {
    const circle = all.find((s) => s.shipment.destination?.primaryCircle?.name !== undefined)!.shipment.destination!.primaryCircle!.name;
    const scoped = testViewer([Role.OPERATOR], { organisation: "INDIA_POST", circle });
    const expected = all.filter((s) => s.shipment.destination?.primaryCircle?.name === circle).map((s) => s.id);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(all.length);
    const ids: string[] = [];
    let after: string | null = null;
    for (;;) {
      // The single statement leaves a circle-scoped viewer to the resolvers, which answer with the scope applied.
      const result: GraphResult<Page> = await single.execute(PAGE, { first: 500, after }, { viewer: scoped }) as GraphResult<Page>;
      expect(result.errors).toBeUndefined();
      const page = result.data!.scanEvents;
      expect(page.totalCount).toBe(expected.length);
      ids.push(...page.nodes.map((n) => n.id));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(ids).toEqual(expected);
    // A filter cannot widen the scope.
    const outside = await single.execute(PAGE, { w: { not: { shipment: { destination: { primaryCircle: { name: { eq: circle } } } } } } }, { viewer: scoped });
    expect((outside.data as Page).scanEvents.totalCount).toBe(0);
  });

  it("refuses a filter or order on a restricted field to a viewer without its roles, as reading it is refused", async () => {
    const analyst = testViewer([Role.ANALYST]);
    const byOffice = await both(PAGE, { w: { officeName: { contains: "delhi" } }, first: 1 }, analyst);
    expect(byOffice.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", requiredRoles: ["OPERATOR", "ADMIN"] });
    const byCod = await both(PAGE, { o: [{ field: "SHIPMENT_COD_AMOUNT", direction: "DESC" }], first: 1 }, testViewer([Role.OPERATOR]));
    expect(byCod.errors![0]!.extensions).toMatchObject({ code: "FORBIDDEN", requiredRoles: ["FINANCE", "ADMIN"] });
    const finance = await both(`{ scanEvents(orderBy: [{ field: SHIPMENT_COD_AMOUNT, direction: DESC }], first: 1) { totalCount } }`, {}, testViewer([Role.FINANCE]));
    expect(finance.errors).toBeUndefined();
    // Reading scans at all needs a viewer.
    const anonymous = await reference.execute(`{ scanEvents(first: 1) { totalCount } }`, {}, { viewer: anonymousViewer() });
    expect(anonymous.errors![0]!.extensions).toMatchObject({ code: "UNAUTHENTICATED" });
  });
});
