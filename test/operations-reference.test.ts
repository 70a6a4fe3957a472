import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../src/db/client.js";
import { PickupLocationsDocument, SearchPostOfficesDocument, UpsertPickupLocationDocument } from "../src/generated/operations.js";
import { toGlobalId } from "../src/lib/global-id.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, root, type TestGraph } from "./support/graph.js";

const FIXTURE = new URL("./fixtures/post-offices-current.csv", import.meta.url).pathname;

describe.each(engines)("pickup locations on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;
  let officeId: string;

  const rowCount = async () =>
    (await queryRows<{ n: number }>(db.database.db, sql`select count(*)::int as n from pickup_location`))[0]!.n;
  const input = (overrides: Record<string, unknown> = {}) => ({
    code: "leh-ho",
    name: "Leh pickup point",
    postOfficeId: officeId,
    city: "Leh",
    validFrom: "2022-01-10",
    dailyCapacity: 400,
    ...overrides,
  });

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    await importPostOfficeCsv(db.database, FIXTURE, {});
    graph = await createTestGraph(db.database);
    const offices = await graph.execute(SearchPostOfficesDocument, { filter: { pincode: "194101" } });
    officeId = root(offices, "postOffices").nodes[0]!.id;
  });
  afterAll(async () => {
    await graph?.stop();
    await db?.drop();
  });

  it("creates a location, reports a retry as unchanged and a change as updated", async () => {
    const created = await graph.execute(UpsertPickupLocationDocument, { input: input() });
    expect(created.errors).toBeUndefined();
    expect(created.data!.upsertPickupLocation).toMatchObject({
      created: 1,
      updated: 0,
      unchanged: 0,
      pickupLocation: { code: "LEH-HO", city: "Leh", state: "Ladakh", validFrom: "2022-01-10", validTo: null, dailyCapacity: 400 },
    });
    const retry = await graph.execute(UpsertPickupLocationDocument, { input: input() });
    expect(retry.data!.upsertPickupLocation).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const closed = await graph.execute(UpsertPickupLocationDocument, { input: input({ validTo: "2024-03-31" }) });
    expect(closed.data!.upsertPickupLocation).toMatchObject({ created: 0, updated: 1, unchanged: 0, pickupLocation: { validTo: "2024-03-31" } });
    expect(await rowCount()).toBe(1);
  });

  it("answers which locations were open on a day, closed ones kept", async () => {
    const on = async (asOf?: string) =>
      (await graph.execute(PickupLocationsDocument, asOf === undefined ? {} : { asOf })).data!.pickupLocations.map((p) => p.code);
    expect(await on("2022-01-09")).toEqual([]);
    expect(await on("2022-01-10")).toEqual(["LEH-HO"]);
    expect(await on("2024-03-31")).toEqual(["LEH-HO"]);
    expect(await on("2024-04-01")).toEqual([]);
    expect(await on()).toEqual(["LEH-HO"]);
    const all = await graph.execute(PickupLocationsDocument, {});
    expect(all.data!.pickupLocations[0]!.postOffice.pincode.code).toBe("194101");
  });

  it("keeps the old names one release: activeOn, activeFrom and activeTo answer as asOf, validFrom and validTo; both at once are refused", async () => {
    const old = `query ($d: Date) { pickupLocations(activeOn: $d) { code activeFrom activeTo validFrom validTo } }`;
    const closedOn = async (day: string) => (await graph.execute(old, { d: day })).data as { pickupLocations: Record<string, unknown>[] };
    expect((await closedOn("2024-04-01")).pickupLocations).toEqual([]);
    expect((await closedOn("2024-03-31")).pickupLocations).toEqual([
      { code: "LEH-HO", activeFrom: "2022-01-10", activeTo: "2024-03-31", validFrom: "2022-01-10", validTo: "2024-03-31" },
    ]);
    const both = await graph.execute(`{ pickupLocations(asOf: "2024-03-31", activeOn: "2024-03-31") { code } }`);
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "activeOn", replacedBy: "asOf" });

    const { validFrom: _, ...oldInput } = input({ activeFrom: "2022-01-10", activeTo: "2024-03-31" });
    const retry = await graph.execute(UpsertPickupLocationDocument, { input: oldInput });
    expect(retry.data!.upsertPickupLocation).toMatchObject({ created: 0, updated: 0, unchanged: 1 });
    const twice = await graph.execute(UpsertPickupLocationDocument, { input: input({ activeFrom: "2022-01-10" }) });
    expect(twice.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.activeFrom", replacedBy: "input.validFrom" });
    const backwards = await graph.execute(UpsertPickupLocationDocument, { input: { ...oldInput, activeTo: "2022-01-09" } });
    expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.activeTo" });
    const { validFrom: __, ...neither } = input();
    const missing = await graph.execute(UpsertPickupLocationDocument, { input: neither });
    expect(missing.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "input.validFrom" });
  });

  it.each([
    [{ code: "x" }, "input.code"],
    [{ code: "bad code!" }, "input.code"],
    [{ dailyCapacity: 0 }, "input.dailyCapacity"],
    [{ name: "   " }, "input.name"],
    [{ validFrom: "2024-05-01", validTo: "2024-04-30" }, "input.validTo"],
    [{ code: "NEW-1", postOfficeId: toGlobalId("PostOffice", 987654) }, "input.postOfficeId"],
    [{ code: "NEW-2", postOfficeId: toGlobalId("Circle", 1) }, "input.postOfficeId"],
  ])("rejects %j naming %s and writes nothing", async (overrides, field) => {
    const before = await rowCount();
    const result = await graph.execute(UpsertPickupLocationDocument, { input: input(overrides) });
    expect(result.errors?.[0]?.extensions).toMatchObject({ field });
    expect(["BAD_USER_INPUT", "INVALID_ID"]).toContain(result.errors?.[0]?.extensions?.code);
    expect(await rowCount()).toBe(before);
  });

  it("rejects an impossible date as BAD_USER_INPUT", async () => {
    const result = await graph.execute(UpsertPickupLocationDocument, { input: input({ validFrom: "2024-02-30" }) });
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    expect(result.errors?.[0]?.message).toContain("2024-02-30");
    expect(result.statements).toBe(0);
  });
});

describe.each(engines)("the product code list on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;
  beforeAll(async () => {
    db = await createTestDatabase(engine);
    graph = await createTestGraph(db.database);
  });
  afterAll(async () => {
    await graph?.stop();
    await db?.drop();
  });

  it("switches Speed Post and Business Parcel to their successors on 16 Dec 2024", async () => {
    const on = async (day: string) =>
      ((await graph.execute(`{ products(asOf: "${day}") { code } }`)).data as { products: { code: string }[] }).products.map((p) => p.code);
    expect(await on("2024-12-15")).toEqual(["BUSINESS_PARCEL", "EXPRESS_PARCEL", "REGISTERED_PARCEL", "SPEED_POST"]);
    expect(await on("2024-12-16")).toEqual([
      "EXPRESS_PARCEL",
      "INDIA_POST_PARCEL",
      "REGISTERED_PARCEL",
      "SPEED_POST_DOCUMENT",
      "SPEED_POST_PARCEL",
    ]);
    const all = (await graph.execute("{ products { code maxWeightGrams } }")).data as { products: { code: string; maxWeightGrams: number | null }[] };
    expect(all.products).toHaveLength(7);
    expect(all.products.find((p) => p.code === "SPEED_POST")?.maxWeightGrams).toBe(35_000);
  });

  it("keeps activeOn, effectiveFrom and effectiveTo one release, equal to asOf, validFrom and validTo", async () => {
    const old = (await graph.execute(`{ products(activeOn: "2024-12-15") { code effectiveFrom effectiveTo validFrom validTo } }`)).data as {
      products: { code: string; effectiveFrom: string | null; effectiveTo: string | null; validFrom: string | null; validTo: string | null }[];
    };
    expect(old.products.map((p) => p.code)).toEqual(["BUSINESS_PARCEL", "EXPRESS_PARCEL", "REGISTERED_PARCEL", "SPEED_POST"]);
    expect(old.products.find((p) => p.code === "SPEED_POST")).toMatchObject({ effectiveTo: "2024-12-15", validTo: "2024-12-15" });
    for (const p of old.products) expect([p.effectiveFrom, p.effectiveTo]).toEqual([p.validFrom, p.validTo]);
    const both = await graph.execute(`{ products(asOf: "2024-12-15", activeOn: "2024-12-15") { code } }`);
    expect(both.errors?.[0]?.extensions).toMatchObject({ code: "BAD_USER_INPUT", field: "activeOn" });
  });
});
