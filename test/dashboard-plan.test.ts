import { type SQL, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, queryRows } from "../src/db/client.js";
import { PickupDashboardDocument, RecordShipmentsDocument, SearchPostOfficesDocument, type ShipmentInput, UpsertPickupLocationDocument } from "../src/generated/operations.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { DIRECTORY_FIXTURE } from "./support/delhi-pickup.js";
import { createTestGraph, type GraphResult, type TestGraph } from "./support/graph.js";

/*
 * The pickup dashboard's plan holds whatever the data: a location with no shipments, or none recent, costs
 * what a busy one costs. Each path's statements (the single statement; the resolvers' page loader) are run
 * again under EXPLAIN ANALYZE with the parameters they were sent with, and no scan of `shipment` may examine
 * more rows than the dashboard returns (plus the one row per location a page reads to see past its end).
 * A plan that walks the (booked_at, id) index keeping one location's rows reads the whole table for the
 * empty and the closed location: thousands of rows here.
 */

const BUSY = ["BUSY-A", "BUSY-B", "BUSY-C", "BUSY-D", "BUSY-E", "BUSY-F"];
const PER_BUSY = 600;
const CLOSED = "CLOSED-2021";
const CLOSED_SHIPMENTS = 150;
const EMPTY = "NEW-EMPTY";
const LATEST = 20;

function s10(serial: number): string {
  const digits = String(serial).padStart(8, "0");
  return `EE${digits}${s10CheckDigit(digits)}IN`;
}

/** A booking `minutes` after `start`, at the location. */
function booking(serial: number, location: string, start: number, minutes: number): ShipmentInput {
  return {
    trackingNumber: s10(serial),
    bookedAt: new Date(start + minutes * 60_000).toISOString(),
    productCode: "EXPRESS_PARCEL",
    paymentMode: "PREPAID",
    weightGrams: 500,
    pickupLocationCode: location,
    destinationPincode: "194401",
  } as ShipmentInput;
}

interface PlanNode {
  readonly "Node Type": string;
  readonly "Relation Name"?: string;
  readonly "Index Name"?: string;
  readonly "Actual Rows": number;
  readonly "Actual Loops": number;
  readonly "Rows Removed by Filter"?: number;
  readonly "Rows Removed by Index Recheck"?: number;
  readonly Plans?: readonly PlanNode[];
}

/** Rows each scan of `shipment` in the plan examined, over all its loops (EXPLAIN shows per-loop averages). */
function shipmentScans(node: PlanNode, into: { scan: string; rows: number }[] = []): { scan: string; rows: number }[] {
  if (node["Relation Name"] === "shipment") {
    const perLoop = node["Actual Rows"] + (node["Rows Removed by Filter"] ?? 0) + (node["Rows Removed by Index Recheck"] ?? 0);
    into.push({ scan: `${node["Node Type"]} ${node["Index Name"] ?? ""}`.trim(), rows: Math.round(perLoop * node["Actual Loops"]) });
  }
  for (const child of node.Plans ?? []) shipmentScans(child, into);
  return into;
}

/** The statement as sent ($1, $2, … bound to `params`), prefixed. */
function withParameters(prefix: string, text: string, params: readonly unknown[]): SQL {
  const pieces = text.split(/\$(\d+)/);
  return sql.join(
    pieces.map((piece, i) => (i % 2 === 0 ? sql.raw(i === 0 ? `${prefix} ${piece}` : piece) : sql`${params[Number(piece) - 1]}`)),
    sql.raw(""),
  );
}

/** A literal for EXECUTE's arguments, coerced there to the prepared statement's parameter types. */
function literal(value: unknown): string {
  if (value === null || value === undefined) return "null";
  return `'${String(value).replaceAll("'", "''")}'`;
}

type PlanKind = "custom" | "generic";

/**
 * The statement's plan with its parameters (custom), and without them (generic) when `generic` is set: the single
 * statement runs prepared with the session's plan_cache_mode, so a server may keep a generic plan once it costs no
 * more than the custom ones; the resolvers' pool plans every statement with its parameters (src/db/client.ts).
 */
async function explain(database: Database, text: string, params: readonly unknown[], generic: boolean): Promise<Partial<Record<PlanKind, PlanNode>>> {
  const planOf = (rows: Record<string, unknown>[]) => {
    const value = Object.values(rows[0]!)[0];
    return (typeof value === "string" ? JSON.parse(value) : value)[0].Plan as PlanNode;
  };
  const custom = planOf(await queryRows(database.db, withParameters("explain (analyze, format json)", text, params)));
  if (!generic) return { custom };
  const prepared = await database.transaction(async ({ db }) => {
    await db.execute(sql`set local plan_cache_mode = force_generic_plan`);
    await db.execute(sql.raw(`prepare dashboard_plan as ${text}`));
    const rows = await queryRows<Record<string, unknown>>(db, sql.raw(`explain (analyze, format json) execute dashboard_plan(${params.map(literal).join(", ")})`));
    await db.execute(sql`deallocate dashboard_plan`);
    return planOf(rows);
  });
  return { custom, generic: prepared };
}

describe.each(engines)("the pickup dashboard's plan on %s", (engine) => {
  let db: TestDatabase;
  let single: TestGraph;
  let resolvers: TestGraph;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    await importPostOfficeCsv(db.database, DIRECTORY_FIXTURE, {});
    single = await createTestGraph(db.database);
    resolvers = await createTestGraph(db.database, {}, { singleStatement: false });
    const offices = await single.execute(SearchPostOfficesDocument, { filter: { pincode: "110001" } });
    const postOfficeId = offices.data!.postOffices.nodes[0]!.id;
    const locations = [
      ...BUSY.map((code) => ({ code, activeFrom: "2021-01-01" })),
      { code: CLOSED, activeFrom: "2021-01-01", activeTo: "2021-12-31" },
      { code: EMPTY, activeFrom: "2026-09-01" },
    ];
    for (const location of locations) {
      const made = await single.execute(UpsertPickupLocationDocument, {
        input: { name: location.code, postOfficeId, city: "New Delhi", dailyCapacity: 5000, ...location },
      });
      expect(made.errors).toBeUndefined();
    }
    // Recorded in booking order, as a live table fills: the closed location's 2021 bookings, then the busy ones
    // in turns from April 2025 (their rows interleave). The table is then stored in booked_at order, which makes
    // walking the (booked_at, id) index look cheap to the planner: the trap this test is about.
    const bookings: ShipmentInput[] = [];
    const recent = Date.parse("2025-04-01T04:30:00Z");
    for (let i = 0; i < CLOSED_SHIPMENTS; i++) bookings.push(booking(50_000 + i, CLOSED, Date.parse("2021-02-01T04:30:00Z"), i * 600));
    for (let i = 0; i < PER_BUSY * BUSY.length; i++) bookings.push(booking(10_000 + i, BUSY[i % BUSY.length]!, recent, i * 60));
    for (let i = 0; i < bookings.length; i += 1000) {
      const recorded = await single.execute(RecordShipmentsDocument, { input: { shipments: bookings.slice(i, i + 1000) } });
      expect(recorded.errors).toBeUndefined();
    }
    // Statistics as a settled database has them (autovacuum analyzes a server's tables; PGlite's only when told).
    await db.database.db.execute(sql`analyze shipment`);
  });
  afterAll(async () => {
    await single?.stop();
    await resolvers?.stop();
    await db?.drop();
  });

  /** Every statement of the run that reads `shipment`, explained: its scans of `shipment` and what each examined. */
  async function shipmentReads(run: GraphResult<unknown>, generic: boolean) {
    const reads: { statement: string; plan: PlanKind; scans: { scan: string; rows: number }[] }[] = [];
    for (const [i, text] of run.sql.entries()) {
      if (!/\bshipment\b/.test(text)) continue;
      const plans = await explain(db.database, text, run.parameters[i]!, generic);
      for (const [plan, root] of Object.entries(plans)) reads.push({ statement: text, plan: plan as PlanKind, scans: shipmentScans(root) });
    }
    return reads;
  }

  // The single statement reads each page's rows, planned with and without its parameters; the resolvers read
  // the page's ids, then its rows by id, planned with their parameters.
  it.each([
    ["the single statement", () => single, { statement: "/* singleStatement PickupDashboard */", generic: true, scans: 2 }],
    ["the resolvers", () => resolvers, { statement: "/* findLatestShipmentsPerParent */", generic: false, scans: 2 }],
  ] as const)("reads no more shipments through %s than the dashboard shows, an empty and a closed location among busy ones", async (_, graph, expected) => {
    const run = await graph().execute(PickupDashboardDocument, { latest: LATEST });
    expect(run.errors).toBeUndefined();
    const locations = run.data!.pickupLocations;
    const shown = new Map(locations.map((l) => [l.code, l.shipments!.nodes.length]));
    expect(Object.fromEntries(shown)).toEqual({ ...Object.fromEntries(BUSY.map((c) => [c, LATEST])), [CLOSED]: LATEST, [EMPTY]: 0 });
    expect(locations.find((l) => l.code === CLOSED)!.shipments!.nodes.every((n) => n.bookedAt.startsWith("2021-"))).toBe(true);

    const returned = [...shown.values()].reduce((a, b) => a + b, 0);
    const reads = await shipmentReads(run as GraphResult<unknown>, expected.generic);
    expect(reads.filter((r) => r.plan === "custom").map((r) => r.statement.includes(expected.statement))).toEqual([true]);
    expect(reads.flatMap((r) => r.scans)).toHaveLength(expected.scans);
    for (const read of reads) {
      for (const scan of read.scans) {
        expect(scan.rows, `${read.statement.slice(0, 60)} (${read.plan} plan): ${scan.scan}`).toBeLessThanOrEqual(returned + locations.length);
      }
    }
  });
});
