import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { parse as parseCsv } from "csv-parse/sync";
import { sql } from "drizzle-orm";
import { chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.js";
import { queryRows } from "../src/db/client.js";
import {
  RecordCodRemittanceDocument,
  RecordQuarterlyReviewDocument,
  RecordScanEventsDocument,
  RecordShipmentsDocument,
  ReportKpiTrendDocument,
  ReportReferenceDocument,
  SetKpiTargetsDocument,
  type ShipmentInput,
  UpdateActionItemDocument,
} from "../src/generated/operations.js";
import { parseFiscalQuarter } from "../src/lib/fiscal-quarter.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { renderCharts } from "../src/report/report.charts.js";
import { KPI_CSV_HEADER } from "../src/report/report.csv.js";
import { inProcessGraph, parseScopeOption, REPORT_VIEWER, type ReportGraph, trendVariables } from "../src/report/report.data.js";
import { formatCompact, formatCompactRupees, formatCount, formatHeadline, formatRupees } from "../src/report/report.format.js";
import { renderHtml, SECTION_IDS } from "../src/report/report.html.js";
import { renderMarkdown } from "../src/report/report.markdown.js";
import { buildReportModel, type ReportMetric, sharedWordPrefix, writeHighlights } from "../src/report/report.model.js";
import { findChromium, HEADLESS_CHROMIUM_ARGS } from "../src/report/report.pdf.js";
import { writeQuarterlyReport, type WrittenReport } from "../src/report/report.write.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";
import { setUpDelhiPickup } from "./support/delhi-pickup.js";
import { createTestGraph, root, type TestGraph } from "./support/graph.js";

describe("Indian number formats", () => {
  it("groups in lakh and crore through Intl, and words large figures as partners do", () => {
    expect(formatCount(12345678)).toBe("1,23,45,678");
    expect(formatRupees(12345678)).toBe("₹1,23,45,678");
    expect(formatRupees(1234.5)).toBe("₹1,234.50");
    // Intl puts a no-break space (which one depends on the ICU version) before lakh and crore.
    const spaced = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");
    expect(spaced(formatCompactRupees(42_000_000))).toBe("₹4.2 crore");
    expect(spaced(formatHeadline(590_000, "SHIPMENTS"))).toBe("5.9 lakh shipments");
    expect(formatCompact(98_765)).toBe("98,765"); // under a lakh: never "98.8 thousand"
  });

  it("strips only whole leading words that every name shares", () => {
    expect(sharedWordPrefix(["Amazon pickup point, Pune H.O", "Amazon pickup point, Patna H.O"])).toBe("Amazon pickup point, ");
    expect(sharedWordPrefix(["Delhi GPO", "Delhi North"])).toBe("Delhi ");
    expect(sharedWordPrefix(["Pune", "Patna"])).toBe("");
    expect(sharedWordPrefix(["Only one"])).toBe("");
  });
});

describe("highlights", () => {
  const metric = (key: string, unit: ReportMetric["unit"], direction: ReportMetric["direction"], value: number, base: number, target: number | null = null): ReportMetric => {
    const met = target === null ? null : direction === "HIGHER_IS_BETTER" ? value >= target : value <= target;
    const change = { baseQuarter: "FY2024-25-Q2", baseValue: base, ratio: null, change: null, pointChange: value - base };
    return {
      key: key as ReportMetric["key"],
      name: key,
      unit,
      direction,
      value,
      numerator: null,
      denominator: null,
      target,
      attainment: target === null ? null : direction === "HIGHER_IS_BETTER" ? value / target : target / value,
      targetMet: met,
      quarterOnQuarter: change,
      yearOnYear: change,
    };
  };

  it("ranks movers by relative change, reading each KPI's direction, and lists missed targets worst first", () => {
    const h = writeHighlights([
      metric("DELIVERED_VOLUME", "SHIPMENTS", "HIGHER_IS_BETTER", 150, 100, 160), // +50%, better; target missed (0.9375)
      metric("RETURN_TO_ORIGIN", "PERCENT", "LOWER_IS_BETTER", 3, 4, 3.5), // −25%, better; met
      metric("TRANSIT_DAYS_MEAN", "DAYS", "LOWER_IS_BETTER", 5, 4, 4), // +25%, worse; missed (0.8)
      metric("ON_TIME_DELIVERY", "PERCENT", "HIGHER_IS_BETTER", 90, 92), // −2.2%, worse
      metric("BOOKED_VOLUME", "SHIPMENTS", "HIGHER_IS_BETTER", 100, 100), // unchanged: not a mover
    ]);
    expect(h.improved.map((x) => x.key)).toEqual(["DELIVERED_VOLUME", "RETURN_TO_ORIGIN"]);
    expect(h.worsened.map((x) => x.key)).toEqual(["TRANSIT_DAYS_MEAN", "ON_TIME_DELIVERY"]);
    expect(h.improved[1]!.text).toContain("fell 1.0 pts");
    expect(h.missed.map((x) => x.key)).toEqual(["TRANSIT_DAYS_MEAN", "DELIVERED_VOLUME"]);
    expect(h.summary).toBe("1 of 3 KPIs with a target met it.");
  });
});

const QUARTER = parseFiscalQuarter("Q3 FY2024-25");

const s10 = (serial: number) => {
  const digits = String(serial).padStart(8, "0");
  return `EK${digits}${s10CheckDigit(digits)}IN`;
};

const booking = (serial: number, bookedAt: string, extra: Partial<ShipmentInput> = {}): ShipmentInput => ({
  trackingNumber: s10(serial),
  bookedAt,
  productCode: "SPEED_POST",
  paymentMode: "PREPAID",
  weightGrams: 500,
  pickupLocationCode: "DEL-GPO",
  destinationPincode: "110001",
  ...extra,
});

const delivered = (serial: number, day: string) => [
  { trackingNumber: s10(serial), event: "OUT_FOR_DELIVERY", occurredAt: `${day}T08:00:00+05:30` },
  { trackingNumber: s10(serial), event: "DELIVERED", occurredAt: `${day}T11:00:00+05:30` },
];

/** Every http(s) or protocol-relative URL in a src or href attribute, a CSS url() or an @import. */
function externalReferences(html: string): string[] {
  const patterns = [/\b(?:src|href|srcset|action|poster|data)\s*=\s*["']?\s*((?:https?:)?\/\/[^"'\s>]*)/gi, /url\(\s*["']?\s*((?:https?:)?\/\/[^)"']*)/gi, /@import\s+["']?([^"';\s]+)/gi];
  return patterns.flatMap((p) => [...html.matchAll(p)].map((m) => m[1]!));
}

const CHROMIUM = findChromium(process.env.CHROMIUM_PATH);

describe.each(engines)("the quarterly report on %s", (engine) => {
  let db: TestDatabase;
  let graph: TestGraph;
  let reportGraph: ReportGraph;
  let outDir: string;
  let report: WrittenReport;

  beforeAll(async () => {
    db = await createTestDatabase(engine);
    graph = await createTestGraph(db.database);
    await setUpDelhiPickup(db.database, graph, 50);
    const steps = [
      // Q2: 3 booked, 2 delivered (one COD ₹800); Q3: 4 booked, 3 delivered (two COD, ₹1,500 and ₹2,250), one failed attempt.
      await graph.execute(RecordShipmentsDocument, {
        input: {
          shipments: [
            booking(1, "2024-08-01T10:00:00+05:30"),
            booking(2, "2024-08-05T10:00:00+05:30", { paymentMode: "COD", codAmount: 800 }),
            booking(3, "2024-09-10T10:00:00+05:30"),
            booking(4, "2024-10-07T10:00:00+05:30"),
            booking(5, "2024-10-08T10:00:00+05:30", { paymentMode: "COD", codAmount: 1500 }),
            booking(6, "2024-11-04T10:00:00+05:30", { paymentMode: "COD", codAmount: 2250 }),
            booking(7, "2024-12-02T10:00:00+05:30"),
          ],
        },
      }),
      await graph.execute(RecordScanEventsDocument, {
        input: {
          events: [
            ...delivered(1, "2024-08-02"),
            ...delivered(2, "2024-08-09"),
            ...delivered(4, "2024-10-08"),
            { trackingNumber: s10(5), event: "OUT_FOR_DELIVERY", occurredAt: "2024-10-09T08:00:00+05:30" },
            { trackingNumber: s10(5), event: "DELIVERY_ATTEMPTED", occurredAt: "2024-10-09T12:00:00+05:30", failedReason: "ADDRESSEE_ABSENT" as const },
            ...delivered(5, "2024-10-10"),
            ...delivered(6, "2024-11-06"),
          ],
        },
      }),
      await graph.execute(RecordCodRemittanceDocument, { input: { reference: "UTR-REPORT-1", remittedOn: "2024-08-16", amount: 800, shipments: [{ trackingNumber: s10(2) }] } }),
      await graph.execute(RecordCodRemittanceDocument, { input: { reference: "UTR-REPORT-2", remittedOn: "2024-10-18", amount: 1500, shipments: [{ trackingNumber: s10(5) }] } }),
      await graph.execute(SetKpiTargetsDocument, {
        input: {
          quarter: "Q3 FY25",
          scope: { kind: "NATIONAL" },
          targets: [
            { key: "DELIVERED_VOLUME", value: 4 }, // 3 delivered: missed
            { key: "ON_TIME_DELIVERY", value: 50 }, // 1 of 3 on time (#4; #5 and #6 a day late): missed
            { key: "RETURN_TO_ORIGIN", value: 5 },
          ],
        },
      }),
      await graph.execute(SetKpiTargetsDocument, {
        // 4 handed over ÷ (92 days × 50) = 0.09%: missed.
        input: { quarter: "Q3 FY25", scope: { kind: "PICKUP_LOCATION", key: "DEL-GPO" }, targets: [{ key: "PICKUP_UTILISATION", value: 1 }] },
      }),
      await graph.execute(RecordQuarterlyReviewDocument, {
        input: {
          quarter: "Q2 FY25",
          heldOn: "2024-10-15",
          participants: ["Director (Parcel), India Post", "Head of Last Mile, Amazon India"],
          summary: "Volumes on track.",
          decisions: ["Add a second daily dispatch at Delhi GPO."],
          actionItems: [
            { title: "Second dispatch at Delhi GPO", owner: "INDIA_POST", due: "2024-11-30", status: "OPEN" },
            { title: "Share weekly pickup forecasts <weekly>", owner: "AMAZON", due: "2024-12-15", status: "OPEN" },
          ],
        },
      }),
    ];
    for (const step of steps) expect(step.errors).toBeUndefined();
    const recorded = steps.at(-1)!.data as { recordQuarterlyReview: { review: { actionItems: { id: string }[] } } };
    const done = await graph.execute(UpdateActionItemDocument, { input: { id: recorded.recordQuarterlyReview.review.actionItems[0]!.id, status: "DONE", note: "Running since 1 Dec" } });
    expect(done.errors).toBeUndefined();

    outDir = await mkdtemp(path.join(tmpdir(), "dakgraph-report-test-"));
    reportGraph = await inProcessGraph(loadConfig({ NODE_ENV: "test" }), db.database);
    report = await writeQuarterlyReport(reportGraph, { quarter: QUARTER, scope: null }, outDir, { chromium: CHROMIUM });
  }, 120_000);

  afterAll(async () => {
    await reportGraph?.close();
    await graph?.stop();
    await db?.drop();
    if (outDir !== undefined) await rm(outDir, { recursive: true, force: true });
  });

  it("writes every section to the HTML and the Markdown, with the title page's facts", async () => {
    const html = await readFile(report.files.html, "utf8");
    const markdown = await readFile(report.files.markdown, "utf8");
    expect(html).toContain('<header class="title-page" id="title">');
    for (const [id, name] of SECTION_IDS) {
      expect(html, id).toContain(`<section id="${id}"`);
      expect(html, id).toContain(`<h2>${name.replace("&", "&amp;")}`);
      expect(markdown, id).toMatch(new RegExp(`^## ${name}`, "m"));
    }
    for (const text of ["Q3 FY2024-25 (Oct–Dec 2024)", "1 Oct 2024 – 31 Dec 2024 (IST", "Amazon India × India Post (Department of Posts)", "Data as of"]) {
      expect(html).toContain(text);
      expect(markdown).toContain(text);
    }
    // Five charts, each an SVG drawn by Vega (its scenegraph classes), none hand-built.
    expect(html.match(/<svg [^>]*class="marks"/g)).toHaveLength(5);
    // Figures: delivered 3 in Q3 against 2 in Q2 (+50%); the missed target; the previous review's item, done since.
    expect(markdown).toContain("| Delivered volume | 3 shipments | +50% |");
    expect(report.model.highlights.missed.map((m) => m.key)).toEqual(["ON_TIME_DELIVERY", "DELIVERED_VOLUME", "PICKUP_UTILISATION_BY_LOCATION"]);
    expect(report.model.highlights.summary).toBe("1 of 3 KPIs with a target met it.");
    expect(html).toContain("Pickup utilisation below target at 1 of 1 locations: Delhi GPO pickup 0.1% against 1.0%.");
    expect(html).toContain("Delivered volume: 3 against a target of at least 4 (attainment 75.0%).");
    expect(report.model.review.previousActionItems.map((i) => [i.title, i.status, i.recorded])).toEqual([
      ["Second dispatch at Delhi GPO", "DONE", "recorded open"],
      ["Share weekly pickup forecasts <weekly>", "OPEN", null],
    ]);
    expect(html).toContain("Share weekly pickup forecasts &lt;weekly&gt;");
    expect(html).not.toContain("<weekly>");
    // Every KPI definition, as the graph gives it; the attribution; no banner on real data.
    expect(report.model.definitions).toHaveLength(report.data.reference.kpiDefinitions.length);
    for (const d of report.data.reference.kpiDefinitions) expect(markdown).toContain(d.definition);
    expect(html).toContain("Government Open Data Licence – India");
    expect(report.model.synthetic).toBe(false);
    expect(html).not.toContain("SYNTHETIC DATA");
    expect(markdown).not.toContain("SYNTHETIC DATA");
  });

  it("makes no external request: a CSP that forbids network loads, no http(s) URL in src or href, no script", async () => {
    const html = await readFile(report.files.html, "utf8");
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src 'none';[^"]*">/);
    expect(externalReferences(html)).toEqual([]);
    expect(externalReferences('<img src="https://cdn.example/x.png"><link href="//fonts.example/css">')).toHaveLength(2); // the check itself bites
    expect(html).not.toMatch(/<script|<link|<iframe|<img/i);
  });

  it.runIf(CHROMIUM !== null)("opens in headless Chromium without a single request but the file itself, and prints a PDF", async () => {
    expect((await readFile(report.files.pdf!)).subarray(0, 5).toString()).toBe("%PDF-");
    const browser = await chromium.launch({ executablePath: CHROMIUM!, args: [...HEADLESS_CHROMIUM_ARGS] });
    try {
      const page = await browser.newPage();
      const requests: string[] = [];
      page.on("request", (request) => requests.push(request.url()));
      const url = pathToFileURL(report.files.html).href;
      await page.goto(url, { waitUntil: "networkidle" });
      expect(requests).toEqual([url]);
      expect(await page.locator("section").count()).toBe(SECTION_IDS.length);
    } finally {
      await browser.close();
    }
  });

  it("writes a CSV whose every number is the graph's answer to the same typed operation", async () => {
    const answer = await graph.execute(ReportKpiTrendDocument, trendVariables({ quarter: QUARTER, scope: null }), { viewer: REPORT_VIEWER });
    expect(answer.errors).toBeUndefined();
    const current = root(answer, "quarterlyKpis").at(-1)!;
    expect(current.quarter).toBe("FY2024-25-Q3");
    const rows = parseCsv(await readFile(report.files.csv, "utf8"), { columns: true }) as Record<string, string>[];
    expect(Object.keys(rows[0]!)).toEqual([...KPI_CSV_HEADER]);
    expect(rows.map((r) => r.key)).toEqual(current.metrics.map((m) => m.key));
    const same = (cell: string, expected: number | boolean | string | null) => {
      if (expected === null) return cell === "";
      if (typeof expected === "number") return cell !== "" && Number(cell) === expected;
      return cell === String(expected);
    };
    let numbers = 0;
    for (const row of rows) {
      const m = current.metrics.find((x) => x.key === row.key)!;
      const expected: Record<string, number | boolean | string | null> = {
        quarter: current.quarter,
        scope_kind: current.scope.kind,
        scope_key: current.scope.key,
        name: m.name,
        unit: m.unit,
        direction: m.direction,
        value: m.value,
        numerator: m.numerator,
        denominator: m.denominator,
        target: m.target,
        attainment: m.attainment,
        target_met: m.targetMet,
        qoq_base_quarter: m.quarterOnQuarter.baseQuarter,
        qoq_base_value: m.quarterOnQuarter.baseValue,
        qoq_ratio: m.quarterOnQuarter.ratio,
        qoq_change: m.quarterOnQuarter.change,
        qoq_point_change: m.quarterOnQuarter.pointChange,
        yoy_base_quarter: m.yearOnYear.baseQuarter,
        yoy_base_value: m.yearOnYear.baseValue,
        yoy_ratio: m.yearOnYear.ratio,
        yoy_change: m.yearOnYear.change,
        yoy_point_change: m.yearOnYear.pointChange,
      };
      for (const [column, value] of Object.entries(expected)) {
        expect(same(row[column]!, value), `${row.key}.${column}: CSV ${JSON.stringify(row[column])}, graph ${JSON.stringify(value)}`).toBe(true);
        if (typeof value === "number") numbers += 1;
      }
    }
    // Known by hand, so the comparison above cannot pass on an empty or all-null table.
    const byKey = Object.fromEntries(rows.map((r) => [r.key, r]));
    expect([byKey.DELIVERED_VOLUME!.value, byKey.BOOKED_VOLUME!.value, byKey.COD_COLLECTED!.value, byKey.COD_REMITTED!.value]).toEqual(["3", "4", "3750", "1500"]);
    expect(byKey.DELIVERED_VOLUME!.target_met).toBe("false");
    expect(numbers).toBeGreaterThan(60);
  });

  it("shows the synthetic-data banner on the title page, in every printed page's margin and in the Markdown when demo rows exist", async () => {
    await queryRows(db.database.db, sql`update pickup_location set synthetic = true`);
    try {
      const data = { ...report.data, reference: await reportGraph.execute(ReportReferenceDocument, {}) };
      expect(data.reference.dataProvenance.containsSyntheticData).toBe(true);
      const model = buildReportModel(data);
      const html = renderHtml(model, await renderCharts(model));
      expect(html).toContain('id="synthetic-banner"');
      expect(html).toMatch(/@top-center \{ content: "SYNTHETIC DATA/);
      expect(renderMarkdown(model)).toMatch(/^> \*\*⚠ SYNTHETIC DATA: the pickup locations in this report/m);
    } finally {
      await queryRows(db.database.db, sql`update pickup_location set synthetic = false`);
    }
  });

  it("narrows the KPIs to a scope and refuses a malformed one", async () => {
    const scoped = await writeQuarterlyReport(reportGraph, { quarter: QUARTER, scope: parseScopeOption("pickup_location:DEL-GPO") }, outDir, { chromium: null });
    expect(scoped.files.csv).toMatch(/quarterly-review-FY2024-25-Q3-pickup-location-del-gpo\.kpis\.csv$/);
    expect(scoped.model.scopeName).toBe("Delhi GPO pickup");
    expect(scoped.files.pdf).toBeNull();
    expect(scoped.pdfSkipped).toContain("No Chromium found");
    expect(() => parseScopeOption("CIRCLE")).toThrow(/needs a key/);
    expect(() => parseScopeOption("GALAXY:Andromeda")).toThrow(/must be one of/);
    expect(parseScopeOption("NATIONAL")).toBeNull();
  });
});
