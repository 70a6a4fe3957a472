import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { queryRows } from "../src/db/client.js";
import { progressBar } from "../src/lib/progress.js";
import { Role } from "../src/modules/access/access.roles.js";
import { anonymousViewer, testViewer } from "../src/modules/access/access.viewer.js";
import { seedDemo } from "../src/modules/demo/demo.seed.js";
import { createDirectoryDatabase, engines, type TestDatabase } from "./support/databases.js";
import { createTestGraph, type GraphResult, type TestGraph } from "./support/graph.js";

/*
 * scanEventAggregates and codRemittanceAggregates over the demo data: every group equals a recount written by hand
 * in SQL, in one statement per request, under the same access rules as scanEvents and codRemittances.
 */

type Group = Record<string, unknown>;

describe.each(engines)("scan-event and COD-remittance aggregates on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;
  const rows = <T>(query: ReturnType<typeof sql>) => queryRows<T>(db.database.db, query);
  const groups = (result: GraphResult<unknown>, field: string) => {
    expect(result.errors, JSON.stringify(result.errors)).toBeUndefined();
    return (result.data as Record<string, Group[]>)[field]!;
  };
  /** Groups as comparable rows, in the answer's order. */
  const asRows = (list: Group[], read: (g: Group) => unknown[]) => list.map(read);
  /** Code-point order of the keys, as the server sorts them (localeCompare would ignore "_"). */
  const byKey = (a: unknown[], b: unknown[]) => {
    const [x, y] = [JSON.stringify(a), JSON.stringify(b)];
    return x < y ? -1 : x > y ? 1 : 0;
  };

  beforeAll(async () => {
    db = await createDirectoryDatabase(engine);
    await seedDemo(db.database, { shipments: 3_000, seed: 19, until: "2025-06-30", replace: false }, progressBar(false));
    // Room for every group of the finer groupings below on one page (500 by default).
    graph = await createTestGraph(db.database, { DAKGRAPH_MAX_PAGE_SIZE: "10000" });
  });
  afterAll(async () => {
    await graph?.stop();
    await db?.drop();
  });

  it("groups scans by month, type and destination circle exactly as a recount of the rows, in one statement", async () => {
    const result = await graph.execute(
      `{ scanEventAggregates(groupBy: [{ dimension: OCCURRED_AT, granularity: MONTH }, { dimension: EVENT_TYPE }, { dimension: DESTINATION_CIRCLE }]) {
          occurredAt { label start end } eventType destinationCircle events shipments } }`,
      {},
    );
    const answer = groups(result, "scanEventAggregates");
    expect(result.statements).toBe(1);
    const expected = await rows<{ month: string; event_type: string; circle: string; events: number; shipments: number }>(sql`
      select to_char((e.occurred_at at time zone 'Asia/Kolkata'), 'YYYY-MM') as month, e.event_type,
        case when s.destination_kind = 'ARMY_POSTAL' then 'Army Postal Service' else coalesce(c.name, '(no circle)') end as circle,
        count(*)::int as events, count(distinct e.shipment_id)::int as shipments
      from scan_event e join shipment s on s.id = e.shipment_id
      left join pincode p on p.code = s.destination_pincode left join postal_circle c on c.id = p.primary_circle_id
      group by 1, 2, 3`);
    expect(expected.length).toBeGreaterThan(20);
    const got = asRows(answer, (g) => [(g.occurredAt as Group).label, g.eventType, g.destinationCircle, g.events, g.shipments]);
    // Default order: the keys ascending, in groupBy order.
    const keyOrder = (a: unknown[], b: unknown[]) => byKey(a.slice(0, 3), b.slice(0, 3));
    expect(got).toEqual([...got].sort(keyOrder));
    expect(got.sort(byKey)).toEqual(expected.map((r) => [r.month, r.event_type, r.circle, Number(r.events), Number(r.shipments)]).sort(byKey));
    const first = answer[0]!.occurredAt as Group;
    expect(String(first.start).endsWith("-01")).toBe(true);
  });

  it("groups by fiscal quarter, failure reason, scanning office's circle and pickup location as the rows do", async () => {
    const result = await graph.execute(
      `{ scanEventAggregates(groupBy: [{ dimension: OCCURRED_AT, granularity: FISCAL_QUARTER }, { dimension: FAILED_REASON }, { dimension: OFFICE_CIRCLE }, { dimension: PICKUP_LOCATION }]) {
          occurredAt { label start end } failedReason officeCircle pickupLocation { code } events } }`,
      {},
    );
    const answer = groups(result, "scanEventAggregates");
    const expected = await rows<{ quarter: string; reason: string | null; circle: string | null; code: string; events: number }>(sql`
      select 'FY' || fy || '-' || lpad(((fy + 1) % 100)::text, 2, '0') || '-Q' || q as quarter, reason, circle, code, count(*)::int as events
      from (
        select extract(year from t)::int - case when extract(month from t) < 4 then 1 else 0 end as fy,
          (extract(month from t)::int + 8) % 12 / 3 + 1 as q, e.failed_reason as reason, oc.name as circle, l.code
        from (select *, occurred_at at time zone 'Asia/Kolkata' as t from scan_event) e
        join shipment s on s.id = e.shipment_id join pickup_location l on l.id = s.pickup_location_id
        left join post_office o on o.id = e.office_id left join postal_circle oc on oc.id = o.circle_id
      ) x group by 1, 2, 3, 4`);
    expect(expected.some((r) => r.reason !== null)).toBe(true);
    expect(expected.some((r) => r.circle !== null)).toBe(true);
    const got = asRows(answer, (g) => [(g.occurredAt as Group).label, g.failedReason, g.officeCircle, (g.pickupLocation as Group).code, g.events]);
    expect(got.sort(byKey)).toEqual(expected.map((r) => [r.quarter, r.reason, r.circle, r.code, Number(r.events)]).sort(byKey));
    const q = answer.find((g) => (g.occurredAt as Group).label === "FY2024-25-Q3")!.occurredAt;
    expect(q).toEqual({ label: "FY2024-25-Q3", start: "2024-10-01", end: "2024-12-31" });
    // The office itself, read by id through the loader: one statement more, whatever the number of offices.
    const offices = await graph.execute("{ scanEventAggregates(groupBy: [{ dimension: OFFICE }]) { office { id name } events } }", {});
    const perOffice = groups(offices, "scanEventAggregates");
    expect(offices.statements).toBe(2);
    const [count] = await rows<{ n: number; unmatched: number }>(sql`select count(distinct office_id)::int as n, count(*) filter (where office_id is null)::int as unmatched from scan_event`);
    expect(perOffice.filter((g) => g.office !== null)).toHaveLength(Number(count!.n));
    expect(perOffice.find((g) => g.office === null)?.events ?? 0).toBe(Number(count!.unmatched));
  });

  it("filters with the scanEvents `where`, keeps groups by having, orders by a measure and keeps the first", async () => {
    const all = await rows<{ event_type: string; events: number; shipments: number }>(
      sql`select event_type, count(*)::int as events, count(distinct shipment_id)::int as shipments from scan_event where event_type <> 'BOOKED' group by 1`,
    );
    const threshold = [...all.map((r) => Number(r.events))].sort((a, b) => a - b)[Math.floor(all.length / 2)]!;
    const result = await graph.execute(
      `query ($t: Float) { scanEventAggregates(where: { not: { eventType: { eq: BOOKED } } }, groupBy: [{ dimension: EVENT_TYPE }],
          having: [{ measure: EVENTS, gte: $t }], orderBy: [{ measure: SHIPMENTS, direction: DESC }], first: 3) { eventType events } }`,
      { t: threshold },
    );
    const expected = all
      .filter((r) => Number(r.events) >= threshold)
      .sort((a, b) => Number(b.shipments) - Number(a.shipments) || a.event_type.localeCompare(b.event_type))
      .slice(0, 3)
      .map((r) => ({ eventType: r.event_type, events: Number(r.events) }));
    expect(expected.length).toBe(3);
    expect(groups(result, "scanEventAggregates")).toEqual(expected);
    expect(result.statements).toBe(1);
  });

  it("counts only the scans of shipments bound for a circle-restricted viewer's circle", async () => {
    const [top] = await rows<{ circle: string; events: number; shipments: number }>(sql`
      select c.name as circle, count(*)::int as events, count(distinct e.shipment_id)::int as shipments
      from scan_event e join shipment s on s.id = e.shipment_id join pincode p on p.code = s.destination_pincode
      join postal_circle c on c.id = p.primary_circle_id where s.destination_kind = 'PIN_CODE' group by 1 order by 2 desc limit 1`);
    const [total] = await rows<{ events: number }>(sql`select count(*)::int as events from scan_event`);
    const viewer = testViewer([Role.ANALYST], { organisation: "INDIA_POST", circle: top!.circle });
    const scoped = groups(await graph.execute("{ scanEventAggregates { events shipments } }", {}, { viewer }), "scanEventAggregates");
    expect(scoped).toEqual([{ events: Number(top!.events), shipments: Number(top!.shipments) }]);
    expect(Number(top!.events)).toBeLessThan(Number(total!.events));
    const everyone = groups(await graph.execute("{ scanEventAggregates { events } }", {}, { viewer: testViewer([Role.ANALYST]) }), "scanEventAggregates");
    expect(everyone).toEqual([{ events: Number(total!.events) }]);
  });

  it("refuses viewers without access, and a dimension whose field their roles cannot read, with FORBIDDEN", async () => {
    const denied = async (query: string, roles: Role[]) => {
      const result = await graph.execute(query, {}, { viewer: testViewer(roles) });
      expect(result.errors?.[0]?.extensions?.code, query).toBe("FORBIDDEN");
      return result;
    };
    // As scanEvents, any signed-in viewer may count scans; the office that scanned is OPERATOR's (as ScanEvent.office).
    const anonymous = await graph.execute("{ scanEventAggregates { events } }", {}, { viewer: anonymousViewer() });
    expect(anonymous.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
    expect(anonymous.data).toEqual({ scanEventAggregates: null });
    await denied("{ scanEventAggregates(groupBy: [{ dimension: OFFICE }]) { events } }", [Role.VIEWER]);
    await denied("{ scanEventAggregates(groupBy: [{ dimension: OFFICE_CIRCLE }]) { events } }", [Role.ANALYST]);
    await denied("{ scanEventAggregates(where: { office: { name: { startsWith: \"A\" } } }) { events } }", [Role.ANALYST]);
    await denied("{ scanEventAggregates(groupBy: [{ dimension: EVENT_TYPE }]) { eventType officeCircle } }", [Role.ANALYST]);
    await denied("{ codRemittanceAggregates { batches } }", [Role.VIEWER]);
    const remittances = await denied("{ codRemittanceAggregates { batches } }", [Role.ANALYST, Role.OPERATOR]);
    expect(remittances.data).toEqual({ codRemittanceAggregates: null });
    expect(groups(await graph.execute("{ codRemittanceAggregates { batches } }", {}, { viewer: testViewer([Role.FINANCE]) }), "codRemittanceAggregates")).toHaveLength(1);
  });

  it("answers a granularity on a dimension without time, a dimension twice and an order naming both kinds with BAD_USER_INPUT naming the field", async () => {
    const cases: [string, string][] = [
      ["{ scanEventAggregates(groupBy: [{ dimension: EVENT_TYPE, granularity: MONTH }]) { events } }", "groupBy[0].granularity"],
      ["{ scanEventAggregates(groupBy: [{ dimension: EVENT_TYPE }, { dimension: EVENT_TYPE }]) { events } }", "groupBy[1].dimension"],
      ["{ scanEventAggregates(orderBy: [{ measure: EVENTS, dimension: EVENT_TYPE }]) { events } }", "orderBy[0]"],
      ["{ codRemittanceAggregates(orderBy: [{ direction: DESC }]) { batches } }", "orderBy[0]"],
    ];
    for (const [query, field] of cases) {
      const result = await graph.execute(query, {});
      expect(result.errors?.[0]?.extensions, query).toMatchObject({ code: "BAD_USER_INPUT", field });
      expect(result.statements, query).toBe(0);
    }
  });

  it("groups COD remittances by month and fiscal quarter into the batches' counts and money, in one statement", async () => {
    for (const granularity of ["MONTH", "FISCAL_QUARTER"] as const) {
      const result = await graph.execute(
        `{ codRemittanceAggregates(groupBy: [{ dimension: REMITTED_ON, granularity: ${granularity} }]) { remittedOn { label start end } batches shipments amount { paise rupees } } }`,
        {},
      );
      const answer = groups(result, "codRemittanceAggregates");
      expect(result.statements).toBe(1);
      const label =
        granularity === "MONTH"
          ? sql`to_char(remitted_on, 'YYYY-MM')`
          : sql`'FY' || (extract(year from remitted_on)::int - case when extract(month from remitted_on) < 4 then 1 else 0 end) || '-' ||
              lpad(((extract(year from remitted_on)::int - case when extract(month from remitted_on) < 4 then 1 else 0 end + 1) % 100)::text, 2, '0') ||
              '-Q' || ((extract(month from remitted_on)::int + 8) % 12 / 3 + 1)`;
      const expected = await rows<{ label: string; batches: number; shipments: number; paise: string }>(sql`
        select ${label} as label, count(*)::int as batches, sum(shipment_count)::int as shipments, sum(amount_paise)::text as paise
        from cod_remittance group by 1 order by 1`);
      expect(expected.length).toBeGreaterThan(granularity === "MONTH" ? 3 : 1);
      expect(answer.map((g) => [(g.remittedOn as Group).label, g.batches, g.shipments, (g.amount as Group).paise, (g.amount as Group).rupees])).toEqual(
        expected.map((r) => [r.label, Number(r.batches), Number(r.shipments), Number(r.paise), Number(r.paise) / 100]),
      );
    }
  });

  it("keeps remittance groups by having on the amount in rupees, orders them by it and keeps the first, under the codRemittances `where`", async () => {
    const months = await rows<{ month: string; paise: string; batches: number }>(sql`
      select to_char(remitted_on, 'YYYY-MM') as month, sum(amount_paise)::text as paise, count(*)::int as batches
      from cod_remittance where shipment_count >= 2 group by 1`);
    const median = [...months.map((m) => Number(m.paise))].sort((a, b) => a - b)[Math.floor(months.length / 2)]! / 100;
    const result = await graph.execute(
      `query ($r: Float) { codRemittanceAggregates(where: { shipmentCount: { gte: 2 } }, groupBy: [{ dimension: REMITTED_ON, granularity: MONTH }],
          having: [{ measure: AMOUNT, gt: $r }], orderBy: [{ measure: AMOUNT, direction: DESC }], first: 2) { remittedOn { label } batches amount { paise } } }`,
      { r: median },
    );
    const expected = months
      .filter((m) => Number(m.paise) / 100 > median)
      .sort((a, b) => Number(b.paise) - Number(a.paise) || a.month.localeCompare(b.month))
      .slice(0, 2)
      .map((m) => ({ remittedOn: { label: m.month }, batches: Number(m.batches), amount: { paise: Number(m.paise) } }));
    expect(expected).toHaveLength(2);
    expect(groups(result, "codRemittanceAggregates")).toEqual(expected);
    expect(result.statements).toBe(1);
  });
});
