import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DashboardCoverageMapDocument, DashboardMapSummaryDocument } from "../src/generated/operations.js";
import { fiscalQuarterLastDay, type PinClass, pinClass } from "../src/lib/coverage-map.js";
import { istDateOf } from "../src/lib/fiscal-quarter.js";
import { lastCompleteFiscalQuarter } from "../src/lib/indian-format.js";
import { progressBar } from "../src/lib/progress.js";
import { Role } from "../src/modules/access/access.roles.js";
import { anonymousViewer, testViewer, type Viewer } from "../src/modules/access/access.viewer.js";
import { COVERAGE_MAP_COST } from "../src/modules/coverage-map/coverage-map.resolver.js";
import { seedDemo } from "../src/modules/demo/demo.seed.js";
import { createDirectoryDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, type GraphResult, root, type TestGraph } from "./support/graph.js";

/*
 * Query.coverageMap against what the dashboard used to read page by page (the operation below, as DashboardMapPins
 * was registered before the map moved to coverageMap): on the real directory with a small demo seed, the compact
 * answer must hold the same PINs, in code order, with the same centroid (to 4 decimals), circle and class as
 * pincodes + Pincode.coverage give, for an unscoped ANALYST and for a key limited to one circle.
 */
const PAGED = `query MapPins($zone: String!, $after: String, $asOf: Date!, $quarter: FiscalQuarter!) {
  pincodes(first: 500, after: $after, where: { code: { startsWith: $zone }, coordinateQuality: { in: [IN_INDIA, SWAPPED_CORRECTED, GEONAMES] } }) {
    pageInfo { hasNextPage endCursor }
    nodes { code location { latitude longitude } primaryCircle { name } coverage(asOf: $asOf, quarter: $quarter) { serviceable activeInQuarter } }
  }
}`;

interface PagedPin {
  code: string;
  location: { latitude: number; longitude: number } | null;
  primaryCircle: { name: string } | null;
  coverage: { serviceable: boolean; activeInQuarter: boolean } | null;
}
interface PagedAnswer {
  pincodes: { pageInfo: { hasNextPage: boolean; endCursor: string | null }; nodes: PagedPin[] } | null;
}

interface Pin {
  code: string;
  latitude: number;
  longitude: number;
  circle: string | null;
  pinClass: PinClass;
}

/**
 * The compact answer equals the paged one: the same PINs in the same order with the same circle and class, and each
 * coordinate the paged one rounded to 4 decimals (within half a step: PostgreSQL rounds the float's decimal text,
 * so 79.41975 stored as 79.4197499… may round either way).
 */
function expectSamePins(compactPins: readonly Pin[], pagedPins: readonly Pin[]): void {
  const facts = (pins: readonly Pin[]) => pins.map(({ code, circle, pinClass }) => ({ code, circle, pinClass }));
  expect(facts(compactPins)).toEqual(facts(pagedPins));
  const far: string[] = [];
  compactPins.forEach((pin, i) => {
    for (const axis of ["latitude", "longitude"] as const) {
      const rounded = pin[axis];
      if (Math.round(rounded * 1e4) / 1e4 !== rounded || Math.abs(rounded - pagedPins[i]![axis]) > 0.5e-4 + 1e-9) far.push(`${pin.code} ${axis} ${rounded} vs ${pagedPins[i]![axis]}`);
    }
  });
  expect(far).toEqual([]);
}

describe.each(engines)("the coverage map on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;
  const quarter = lastCompleteFiscalQuarter(new Date());
  const asOf = fiscalQuarterLastDay(quarter);
  const analyst = testViewer([Role.ANALYST]);
  const delhi = testViewer([Role.ANALYST], { organisation: "INDIA_POST", circle: "Delhi" });

  beforeAll(async () => {
    db = await createDirectoryDatabase(engine);
    await seedDemo(db.database, { shipments: 1_500, seed: 21, until: istDateOf(new Date()), replace: false }, progressBar(false));
    graph = await createTestGraph(db.database);
  }, 600_000);
  afterAll(async () => {
    await graph?.stop();
    await db?.drop();
  });

  /** Zones 1 to 8, each followed by its cursor: the dashboard's former 43 requests. */
  async function paged(viewer: Viewer): Promise<Pin[]> {
    const pins: Pin[] = [];
    for (const zone of ["1", "2", "3", "4", "5", "6", "7", "8"]) {
      let after: string | null = null;
      for (;;) {
        const page: GraphResult<PagedAnswer> = await graph.execute<PagedAnswer, Record<string, unknown>>(PAGED, { zone, after, asOf, quarter }, { viewer });
        expect(page.errors).toBeUndefined();
        const pincodes: NonNullable<PagedAnswer["pincodes"]> = root(page, "pincodes");
        for (const pin of pincodes.nodes) {
          if (pin.location === null) continue;
          pins.push({
            code: pin.code,
            latitude: pin.location.latitude,
            longitude: pin.location.longitude,
            circle: pin.primaryCircle?.name ?? null,
            pinClass: pinClass(pin.coverage),
          });
        }
        if (!pincodes.pageInfo.hasNextPage) break;
        after = pincodes.pageInfo.endCursor;
      }
    }
    return pins;
  }

  async function compact(viewer: Viewer): Promise<{ pins: Pin[]; statements: number }> {
    const result = await graph.execute(DashboardCoverageMapDocument, { quarter, asOf }, { viewer });
    expect(result.errors).toBeUndefined();
    const map = result.data!.coverageMap;
    expect(map.quarter).toBe(quarter);
    expect(map.asOf).toBe(asOf);
    for (const list of [map.codes, map.latitudes, map.longitudes, map.circleIndexes, map.classes]) expect(list).toHaveLength(map.count);
    const pins = map.codes.map((code, i) => ({
      code,
      latitude: map.latitudes[i]!,
      longitude: map.longitudes[i]!,
      circle: map.circleIndexes[i] === null ? null : map.circles[map.circleIndexes[i]!]!,
      pinClass: map.classes[i]! as PinClass,
    }));
    return { pins, statements: result.statements };
  }

  const tally = (pins: readonly Pin[]) => {
    const counts: Record<PinClass, number> = { ACTIVE: 0, SERVED: 0, NOT_SERVED: 0, HIDDEN: 0 };
    for (const pin of pins) counts[pin.pinClass] += 1;
    return counts;
  };

  it("gives an unscoped ANALYST, PIN by PIN, what the paged pincodes and Pincode.coverage give, in one statement", async () => {
    const [reference, answer] = await Promise.all([paged(analyst), compact(analyst)]);
    expect(answer.statements).toBe(1);
    expectSamePins(answer.pins, reference);
    // The real directory, and the seed's deliveries and serviceability: every class but HIDDEN occurs.
    const counts = tally(answer.pins);
    expect(answer.pins.length).toBeGreaterThanOrEqual(19_000);
    expect(counts.ACTIVE).toBeGreaterThan(0);
    expect(counts.SERVED).toBeGreaterThan(0);
    expect(counts.NOT_SERVED).toBeGreaterThan(0);
    expect(counts.HIDDEN).toBe(0);
    // The map's PIN count is the summary's drawable count (the legend adds up to it on the page).
    const summary = await graph.execute(DashboardMapSummaryDocument, { asOf, quarter }, { viewer: analyst });
    expect(root(summary, "drawable").totalCount).toBe(answer.pins.length);
  }, 300_000);

  it("hides the coverage of PINs outside a circle-limited key's circle, as Pincode.coverage does", async () => {
    const [reference, answer] = await Promise.all([paged(delhi), compact(delhi)]);
    expectSamePins(answer.pins, reference);
    const counts = tally(answer.pins);
    const inDelhi = answer.pins.filter((pin) => pin.circle === "Delhi");
    expect(inDelhi.length).toBeGreaterThan(0);
    expect(counts.HIDDEN).toBe(answer.pins.length - inDelhi.length);
    expect(inDelhi.every((pin) => pin.pinClass !== "HIDDEN")).toBe(true);
    // Delhi's own PINs are classed as the unscoped key sees them.
    const unscoped = new Map((await compact(analyst)).pins.map((pin) => [pin.code, pin.pinClass]));
    expect(inDelhi.map((pin) => pin.pinClass)).toEqual(inDelhi.map((pin) => unscoped.get(pin.code)));
  }, 300_000);

  it("refuses a caller without credentials, and reads serviceability on the quarter's last day by default", async () => {
    const anonymous = await graph.execute(DashboardCoverageMapDocument, { quarter, asOf }, { viewer: anonymousViewer() });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    const byDefault = await graph.execute<{ coverageMap: { asOf: string; classes: string[] } }, Record<string, unknown>>(
      "query ($quarter: FiscalQuarter!) { coverageMap(quarter: $quarter) { asOf classes } }",
      { quarter },
      { viewer: analyst },
    );
    expect(byDefault.errors).toBeUndefined();
    expect(byDefault.data!.coverageMap.asOf).toBe(asOf);
    expect(byDefault.data!.coverageMap.classes).toEqual((await compact(analyst)).pins.map((pin) => pin.pinClass));
  }, 120_000);

  it("is costed as one row per PIN, within the default cost limit", async () => {
    expect(COVERAGE_MAP_COST).toBeGreaterThanOrEqual(19_159);
    const tooDear = await createTestGraph(db.database, { DAKGRAPH_MAX_COST: String(COVERAGE_MAP_COST - 1) });
    try {
      const refused = await tooDear.execute(DashboardCoverageMapDocument, { quarter, asOf }, { viewer: analyst });
      expect(refused.errors?.[0]?.extensions?.code).toBe("QUERY_TOO_COMPLEX");
      expect(refused.statements).toBe(0);
    } finally {
      await tooDear.stop();
    }
  });
});
