import { mkdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import type { BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildDashboard } from "../src/dashboard/build.mjs";
import { queryRows } from "../src/db/client.js";
import {
  DashboardKpiScopesDocument,
  DashboardKpisDocument,
  type DashboardKpisQuery,
  DashboardCoverageMapDocument,
  DashboardMapSummaryDocument,
  type DashboardMapSummaryQuery,
} from "../src/generated/operations.js";
import { fiscalQuarterLastDay } from "../src/lib/coverage-map.js";
import { formatIndianNumber, formatKpiChange, formatKpiFigure, lastCompleteFiscalQuarter } from "../src/lib/indian-format.js";
import { FINANCE_KPIS, TREND_QUARTERS, trendStart } from "../src/lib/kpi-trend.js";
import { addQuarters, formatFiscalQuarter, parseFiscalQuarter } from "../src/lib/fiscal-quarter.js";
import { persistedDocumentIdOf } from "../src/lib/persisted-document.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { recordScanEventBatch } from "../src/modules/shipment/scan-event.ingest.js";
import { DASHBOARD_CSP } from "../src/server/dashboard.js";
import { CHROMIUM, hasChromium, isLocal, launchOfflineBrowser } from "./support/browser.js";
import type { TestDatabase } from "./support/databases.js";
import { DASHBOARD_TEST_ENGINE, type DashboardFixture, startDashboardFixture } from "./support/dashboard.js";

/**
 * The dashboard (GET /dashboard) in a real browser, as test/explorer.browser.test.ts drives the explorer: signed in
 * with an ANALYST key its KPI tiles show what the graph answers for the same operation and a tracking search shows
 * the scan timeline; a VIEWER key gets no KPI panel and never asks for it; no request leaves localhost.
 */
/** Screenshots at the two sizes the layout must hold; looked at by whoever changes the page. */
const SCREENSHOTS = path.join(tmpdir(), "dakgraph-dashboard-screenshots");
const SIZES = { desktop: { width: 1280, height: 720 }, phone: { width: 390, height: 844 } };

/**
 * PGlite, as the quick start runs; DAKGRAPH_DASHBOARD_TEST_ENGINE=postgres runs the same page on the PostgreSQL server
 * (its directory template costs a load on first use, too slow for every CI run).
 */
const ENGINE = DASHBOARD_TEST_ENGINE;

describe.skipIf(!hasChromium)(
  hasChromium ? `the dashboard in headless Chromium, offline, on ${ENGINE}` : `the dashboard in headless Chromium (skipped: no browser at ${CHROMIUM}; apt-get install chromium)`,
  () => {
    let testDatabase: TestDatabase | undefined;
    let fixture: DashboardFixture | undefined;
    let profileDir: string | undefined;
    let browser: BrowserContext | undefined;
    let page: Page;
    let analystKey: string;
    let viewerKey: string;
    let financeKey: string;
    let bundle: Awaited<ReturnType<typeof buildDashboard>>;
    let circleKey: string;
    let origin: string;
    const requested: string[] = [];
    /** The operation ids the page sent to /graphql, in order. */
    const operations: string[] = [];
    const pageErrors: string[] = [];
    /** Console errors: a CSP refusal (an eval, an inline style) is reported there, not as a page error. */
    const consoleErrors: string[] = [];

    beforeAll(async () => {
      fixture = await startDashboardFixture();
      testDatabase = fixture.testDatabase;
      origin = fixture.origin;
      bundle = fixture.bundle;
      analystKey = (await createApiKey(testDatabase.database.db, { name: "dashboard analyst", organisation: "PARTNERSHIP", roles: ["ANALYST"] })).key;
      viewerKey = (await createApiKey(testDatabase.database.db, { name: "dashboard viewer", organisation: "AMAZON", roles: ["VIEWER"] })).key;
      financeKey = (await createApiKey(testDatabase.database.db, { name: "dashboard finance", organisation: "AMAZON", roles: ["ANALYST", "FINANCE"] })).key;
      circleKey = (
        await createApiKey(testDatabase.database.db, { name: "dashboard circle", organisation: "INDIA_POST", roles: ["ANALYST"], circle: "Maharashtra" })
      ).key;

      ({ browser, profileDir } = await launchOfflineBrowser(SIZES.desktop, (request) => {
        requested.push(request.url());
        if (new URL(request.url()).pathname === "/graphql") operations.push((request.postDataJSON() as { documentId: string }).documentId);
      }));
      page = browser.pages()[0] ?? (await browser.newPage());
      page.on("pageerror", (error) => pageErrors.push(error.message));
      page.on("console", (message) => {
        if (message.type() === "error" || /Content Security Policy/i.test(message.text())) consoleErrors.push(message.text());
      });
      await mkdir(SCREENSHOTS, { recursive: true });
    }, 120_000);

    afterAll(async () => {
      await browser?.close();
      await fixture?.close();
      if (profileDir !== undefined) await rm(profileDir, { recursive: true, force: true });
    });

    /** The graph's answer to the page's KPI operation, once the page shows that quarter and scope. */
    async function waitForKpis(key: string, quarter: string, scope: { kind: "CIRCLE" | "STATE"; key: string } | null): Promise<DashboardKpisQuery> {
      const scopeValue = scope === null ? "NATIONAL" : `${scope.kind}:${scope.key}`;
      await page.locator(`#kpi-panel[data-quarter="${quarter}"][data-scope="${scopeValue}"][aria-busy="false"]`).waitFor({ timeout: 20_000 });
      const response = await fetch(`${origin}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
        body: JSON.stringify({ documentId: persistedDocumentIdOf(DashboardKpisDocument), variables: { quarter, from: trendStart(quarter), scope } }),
      });
      const { data, errors } = (await response.json()) as { data: DashboardKpisQuery; errors?: unknown };
      expect(errors).toBeUndefined();
      return data;
    }

    /**
     * Each tile shows the answer's figure, changes, target and definition; each trend chart draws a point per quarter
     * with a value, a tick per quarter with a target and the chosen quarter in red, and its points carry the values.
     */
    async function expectKpiPanels(answer: DashboardKpisQuery, readsMoney: boolean): Promise<void> {
      const row = answer.tiles![0]!;
      const metrics = row.metrics.filter((metric) => readsMoney || !FINANCE_KPIS.has(metric.key));
      expect(await page.locator("#kpi-panel .tile").count()).toBe(metrics.length);
      expect(await page.locator("#trend-panel .trend").count()).toBe(metrics.length);
      expect(answer.trend).toHaveLength(TREND_QUARTERS);
      expect(answer.trend!.at(-1)!.quarter).toBe(row.quarter);
      for (const metric of metrics) {
        const tile = page.locator(`.tile[data-kpi="${metric.key}"]`);
        expect(await tile.locator(".exact").textContent(), metric.key).toBe(formatKpiFigure(metric.value, metric.unit).exact);
        expect(await tile.getAttribute("title"), metric.key).toBe(metric.definition);
        expect(await tile.locator(".qoq").textContent(), metric.key).toBe(`QoQ ${formatKpiChange(metric.quarterOnQuarter, metric.unit) ?? "–"}`);
        expect(await tile.locator(".yoy").textContent(), metric.key).toBe(`YoY ${formatKpiChange(metric.yearOnYear, metric.unit) ?? "–"}`);
        const target = await tile.locator(".tile-target").textContent();
        if (metric.target === null) expect(target, metric.key).toBe("No target");
        else expect(target, metric.key).toContain(`${formatKpiFigure(metric.target, metric.unit).exact}: ${metric.targetMet ? "met" : "not met"}`);

        const series = answer.trend!.map((q) => q.metrics.find((m) => m.key === metric.key)!);
        const chart = page.locator(`.trend[data-kpi="${metric.key}"] .trend-chart[data-rendered="true"]`);
        await chart.waitFor();
        expect(await chart.getAttribute("data-quarters"), metric.key).toBe(String(TREND_QUARTERS));
        expect(await page.locator(`.trend[data-kpi="${metric.key}"]`).getAttribute("title"), metric.key).toBe(metric.definition);
        const points = chart.locator("g.kpi_point_marks path");
        expect(await points.count(), metric.key).toBe(series.filter((m) => m.value !== null).length);
        expect(await chart.locator("g.kpi_target_marks path").count(), metric.key).toBe(series.filter((m) => m.target !== null).length);
        expect(await chart.locator("g.kpi_current_marks path").count(), metric.key).toBe(metric.value === null ? 0 : 1);
        // Vega-Lite labels each point for screen readers ("label: Q2 FY27; value: 1234"): the values drawn are the graph's.
        const drawn = (await points.evaluateAll((paths) => paths.map((p) => p.getAttribute("aria-label") ?? ""))).map((label) => Number(/value: ([-\d.,]+)/.exec(label)?.[1]?.replaceAll(",", "")));
        const expected = series.filter((m) => m.value !== null).map((m) => m.value!);
        expect(drawn.length, metric.key).toBe(expected.length);
        drawn.forEach((value, i) => expect(value, `${metric.key} point ${i}`).toBeCloseTo(expected[i]!, 1));
      }
    }

    async function signIn(key: string): Promise<void> {
      await page.goto(`${origin}/dashboard`);
      await page.getByLabel("API key").fill(key);
      await page.getByRole("button", { name: "Sign in" }).click();
      await page.getByRole("button", { name: "Sign out" }).waitFor();
    }

    it("serves the page and its assets from this server under a CSP", async () => {
      for (const asset of ["/dashboard", "/dashboard/app.js", "/dashboard/app.css"]) {
        const response = await fetch(`${origin}${asset}`);
        expect(response.status, asset).toBe(200);
        expect(response.headers.get("content-security-policy")).toBe(DASHBOARD_CSP);
      }
      expect((await fetch(`${origin}/dashboard/other.js`)).status).toBe(404);
      expect((await fetch(`${origin}/dashboard/app.js.gz`)).status).toBe(404);
      // The bundle (Vega included) goes gzipped to a client that accepts it, as it is to one that does not.
      const gzipped = await fetch(`${origin}/dashboard/app.js`, { headers: { "accept-encoding": "gzip" } });
      expect(gzipped.headers.get("content-encoding")).toBe("gzip");
      const plain = await fetch(`${origin}/dashboard/app.js`, { headers: { "accept-encoding": "identity" } });
      expect(plain.headers.get("content-encoding")).toBeNull();
      expect(await gzipped.text()).toBe(await plain.text());
      // Issue 21's budget for the JavaScript shipped.
      expect(bundle.jsGzipBytes).toBeLessThan(300 * 1024);
    });

    it("signed in with an ANALYST key, shows the graph's KPI figures and a tracking timeline", async () => {
      await signIn(analystKey);
      expect(await page.evaluate(() => sessionStorage.getItem("dakgraph.dashboard.key"))).toBe(analystKey);
      expect(page.url()).not.toContain(analystKey);
      await page.locator(".banner").filter({ hasText: "Synthetic data" }).waitFor();

      // The default: the last complete quarter, national. The same operation asked of the graph directly: each tile
      // and each trend chart shows what it answers.
      const quarter = lastCompleteFiscalQuarter(new Date());
      const national = await waitForKpis(analystKey, quarter, null);
      // COD and remittance figures need FINANCE (KpiKey's "Figures visible to"): the graph answers them null to an
      // ANALYST, and the page leaves their tiles and charts out.
      const all = national.tiles![0]!.metrics;
      expect(all.filter((metric) => FINANCE_KPIS.has(metric.key)).map((metric) => metric.value)).toEqual([...FINANCE_KPIS].map(() => null));
      expect(all.find((metric) => metric.key === "DELIVERED_VOLUME")?.value).toBeGreaterThan(0);
      await expectKpiPanels(national, false);
      await page.screenshot({ path: path.join(SCREENSHOTS, "kpis-desktop.png"), fullPage: true });

      // An earlier quarter and a circle, then a state: the tiles and trends follow the pickers.
      const earlier = formatFiscalQuarter(addQuarters(parseFiscalQuarter(quarter), -1));
      await page.locator("#kpi-quarter").selectOption(earlier);
      await page.locator("#kpi-scope").selectOption("CIRCLE:Maharashtra");
      const circle = await waitForKpis(analystKey, earlier, { kind: "CIRCLE", key: "Maharashtra" });
      expect(circle.tiles![0]!.scope.name).toBe("Maharashtra");
      expect(circle.tiles![0]!.metrics.find((metric) => metric.key === "DELIVERED_VOLUME")?.value).toBeGreaterThan(0);
      await expectKpiPanels(circle, false);
      expect(await page.locator("#kpi-panel h2").textContent()).toContain(`Maharashtra, ${circle.tiles![0]!.label}`);
      await page.locator("#kpi-scope").selectOption("STATE:Karnataka");
      await expectKpiPanels(await waitForKpis(analystKey, earlier, { kind: "STATE", key: "Karnataka" }), false);
      await page.locator("#kpi-quarter").selectOption(quarter);
      await page.locator("#kpi-scope").selectOption("NATIONAL");
      await waitForKpis(analystKey, quarter, null);

      // A delivered shipment's timeline, in IST.
      const [shipment] = await queryRows<{ tracking_number: string; events: number }>(
        testDatabase!.database.db,
        sql`select s.tracking_number, count(*)::int as events from shipment s join scan_event e on e.shipment_id = s.id
            where s.status = 'DELIVERED' group by s.id, s.tracking_number order by s.id desc limit 1`,
      );
      await page.getByLabel("Tracking number").fill(shipment!.tracking_number);
      await page.getByRole("button", { name: "Track" }).click();
      await page.locator(".timeline li").first().waitFor();
      expect(await page.locator(".timeline li").count()).toBe(shipment!.events);
      expect(await page.locator(".timeline li").last().textContent()).toMatch(/ IST DELIVERED/);
      // Live (src/dashboard/live.ts): a scan recorded now, by another writer, joins the open timeline without a reload.
      await page.waitForTimeout(500);
      await testDatabase!.database.transaction(({ db }) =>
        recordScanEventBatch(db, [{ trackingNumber: shipment!.tracking_number, occurredAt: new Date(Date.now() - 60_000), event: "ON_HOLD" }], (i) => `scan ${i}`),
      );
      await page.locator(".timeline li").nth(shipment!.events).waitFor({ timeout: 5000 });
      expect(await page.locator(".timeline li").last().textContent()).toMatch(/ IST ON_HOLD/);

      for (const [name, size] of Object.entries(SIZES)) {
        await page.setViewportSize(size);
        await page.screenshot({ path: path.join(SCREENSHOTS, `analyst-${name}.png`), fullPage: false });
        // The layout holds: nothing wider than the viewport.
        expect(await page.evaluate(() => document.documentElement.scrollWidth), name).toBeLessThanOrEqual(size.width);
      }
      await page.setViewportSize(SIZES.desktop);
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByLabel("API key").waitFor();
      expect(await page.evaluate(() => sessionStorage.getItem("dakgraph.dashboard.key"))).toBeNull();
    }, 120_000);

    it("draws every PIN with usable coordinates on the coverage map, and the circle filter redraws fewer", async () => {
      operations.length = 0;
      await signIn(analystKey);
      const canvas = page.locator("#map-panel canvas.map");
      await canvas.and(page.locator("[data-points-drawn]")).waitFor({ timeout: 30_000 });
      const quarter = lastCompleteFiscalQuarter(new Date());
      const response = await fetch(`${origin}/graphql`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${analystKey}` },
        body: JSON.stringify({ documentId: persistedDocumentIdOf(DashboardMapSummaryDocument), variables: { quarter, asOf: fiscalQuarterLastDay(quarter) } }),
      });
      const { data } = (await response.json()) as { data: DashboardMapSummaryQuery };
      const drawable = data.drawable!.totalCount;
      // The real directory: 19,159 PINs, 19,095 of them with usable coordinates (directory.test.ts), none Army Postal.
      expect(data.all!.totalCount).toBe(19_159);
      expect(drawable).toBeGreaterThanOrEqual(19_000);
      const drawn = Number(await canvas.getAttribute("data-points-drawn"));
      expect(drawn).toBe(drawable);
      expect(await page.locator("#map-panel .drawable").textContent()).toBe(formatIndianNumber(drawable));
      // The legend's counts add up to what was drawn, and the demo's deliveries make some PINs active.
      const legend = Object.fromEntries(
        await Promise.all(
          ["ACTIVE", "SERVED", "NOT_SERVED"].map(async (key) => [key, Number((await page.locator(`.legend li[data-class="${key}"] .count`).textContent())!.replaceAll(",", ""))]),
        ),
      ) as Record<string, number>;
      expect(legend.ACTIVE! + legend.SERVED! + legend.NOT_SERVED!).toBe(drawn);
      expect(legend.ACTIVE).toBeGreaterThan(0);
      expect(await page.locator("#map-panel .army-postal strong").textContent()).toBe(formatIndianNumber(data.armyPostal!.totalCount));
      expect(await page.locator("#map-panel .remote-classes li").count()).toBe(data.remoteClasses.length);
      // Every PIN in one request (Query.coverageMap), not pages.
      expect(operations.filter((id) => id === persistedDocumentIdOf(DashboardCoverageMapDocument)).length).toBe(1);
      await page.locator("#map-panel").scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOTS, "map-desktop.png") });

      await page.locator("#map-panel select").selectOption("Jammu & Kashmir");
      await page.waitForFunction((all) => Number(document.querySelector("#map-panel canvas.map")?.getAttribute("data-points-drawn")) < all, drawn);
      const inCircle = Number(await canvas.getAttribute("data-points-drawn"));
      expect(inCircle).toBeGreaterThan(0);
      expect(inCircle).toBeLessThan(drawn);
      await page.setViewportSize(SIZES.phone);
      await page.locator("#map-panel").scrollIntoViewIfNeeded();
      await page.screenshot({ path: path.join(SCREENSHOTS, "map-phone.png") });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(SIZES.phone.width);
      await page.setViewportSize(SIZES.desktop);
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByLabel("API key").waitFor();
    }, 60_000);

    it("shows COD and remittance KPIs to a key with FINANCE, and a circle's key its own circle only", async () => {
      const quarter = lastCompleteFiscalQuarter(new Date());
      await signIn(financeKey);
      const answer = await waitForKpis(financeKey, quarter, null);
      expect(answer.tiles![0]!.metrics.find((metric) => metric.key === "COD_COLLECTED")?.value).toBeGreaterThan(0);
      await expectKpiPanels(answer, true);
      expect(await page.locator(`.tile[data-kpi="COD_COLLECTED"]`).count()).toBe(1);
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByLabel("API key").waitFor();

      operations.length = 0;
      await signIn(circleKey);
      const own = await waitForKpis(circleKey, quarter, { kind: "CIRCLE", key: "Maharashtra" });
      await expectKpiPanels(own, false);
      expect(await page.locator("#kpi-scope option").evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value))).toEqual(["CIRCLE:Maharashtra"]);
      expect(operations).not.toContain(persistedDocumentIdOf(DashboardKpiScopesDocument));
      await page.setViewportSize(SIZES.phone);
      await page.evaluate(() => window.scrollTo(0, 0));
      await page.screenshot({ path: path.join(SCREENSHOTS, "kpis-phone.png") });
      // The panel's top (heading, legend, first charts): it is taller than the screen, and "if needed" centres it.
      await page.locator("#trend-panel").evaluate((panel) => panel.scrollIntoView({ block: "start" }));
      await page.screenshot({ path: path.join(SCREENSHOTS, "trends-phone.png") });
      expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(SIZES.phone.width);
      await page.setViewportSize(SIZES.desktop);
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.getByLabel("API key").waitFor();
    }, 60_000);

    it("shows a VIEWER no KPI panel and never asks for it", async () => {
      operations.length = 0;
      await signIn(viewerKey);
      await page.locator("#tracking-panel").waitFor();
      expect(await page.locator("#kpi-panel").count()).toBe(0);
      expect(operations).not.toContain(persistedDocumentIdOf(DashboardKpisDocument));
      expect(await page.locator("#trend-panel").count()).toBe(0);
      expect(operations.length).toBeGreaterThan(0);
      await page.screenshot({ path: path.join(SCREENSHOTS, "viewer-desktop.png") });

      expect(pageErrors).toEqual([]);
      expect(consoleErrors).toEqual([]);
      expect(requested.filter((url) => !isLocal(url))).toEqual([]);
    });
  },
);
