import "reflect-metadata";
import fs from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { type Browser, chromium } from "playwright-core";
import { buildDashboard } from "../src/dashboard/build.mjs";
import { DashboardKpisDocument, DashboardViewerDocument } from "../src/generated/operations.js";
import { persistedDocumentIdOf } from "../src/lib/persisted-document.js";
import { openDatabase } from "../src/db/client.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { QUIET_CHROMIUM_ARGS } from "../src/report/report.pdf.js";
import { DASHBOARD_BUILD_DIRS } from "../src/server/dashboard.js";
import { ROOT, START, startServer, type ServerProcess } from "./processes.js";
import { percentile } from "./stats.js";

/*
 * The dashboard's first render (README "Benchmark", dashboard; issue 21 item 7): `npm start`'s server on the quick
 * start's embedded database with its 60,000 synthetic demo shipments, a fresh server process per run (so the response
 * cache, on as in production, is cold, and so is everything else the process keeps), and a fresh headless Chromium
 * context per run (no HTTP cache), signed in with an ADMIN key put in sessionStorage before the page loads. Each run
 * times, from the navigation's start (the page's performance.now() origin), until
 *   - "KPIs": the KPI tiles are shown and every trend chart is drawn;
 *   - "all panels": that, the coverage map drawn with every PIN and its summary beside it, and no panel busy
 *     (no element with aria-busy="true": every panel marks itself busy while its data is on the way).
 * Also the JavaScript shipped: app.js as served, gzipped (what a compressing proxy or CDN sends), and raw.
 *
 * Before each run the new process answers a few other operations (WARM_UP), so a run times a running server whose
 * response cache holds none of the page's answers; --cold leaves that out and times a process that has answered nothing.
 *
 *   npm run bench:dashboard -- [--runs 7] [--cold] [--data-dir DIR] [--timeout-seconds 60]
 *
 * --data-dir reuses (or fills, when empty) a data directory, keeping it; without it a temporary one is filled by a first
 * start (the demo seed takes a minute or so) and removed at the end.
 */

const { values: args } = parseArgs({
  options: {
    runs: { type: "string", default: "7" },
    /** Skip the warm-up: time a server process that has answered nothing yet. */
    cold: { type: "boolean", default: false },
    "data-dir": { type: "string" },
    "timeout-seconds": { type: "string", default: "60" },
  },
});
const runs = Number(args.runs);
const timeoutMs = Number(args["timeout-seconds"]) * 1000;
const CHROMIUM = "/usr/bin/chromium";
const KEY_STORAGE = "dakgraph.dashboard.key";
const logDir = path.join(ROOT, "bench/results/logs");

/** Every local request goes through; anything else is refused, so a page that reached out would fail loudly. */
const LOCAL = /^(https?|ws):\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?\//;

function startGraph(name: string, dataDir: string): Promise<ServerProcess> {
  return startServer({
    name,
    script: START.script,
    nodeFlags: START.flags,
    // Production mode with the response cache on (the default there), on any free port.
    env: { HOST: "127.0.0.1", PORT: "0", DATABASE_URL: "", DAKGRAPH_DATA_DIR: dataDir, NODE_ENV: "production", DAKGRAPH_RESPONSE_CACHE: "true" },
    ready: /dakgraph serving (http:\/\/\S+)/,
    logFile: path.join(logDir, `${name}.log`),
    timeoutMs: 600_000,
  });
}

/**
 * Requests that warm the new server process (module code, Apollo's and PGlite's first statements, the KPI loaders)
 * without filling the response cache for the page: none is a document the page sends, so the page's answers stay cold.
 */
const WARM_UP = [
  "query BenchWarmViewer { viewer { authenticated roles } dataProvenance { containsSyntheticData } }",
  'query BenchWarmKpis { quarterlyKpis(from: "FY2021-22-Q1", to: "FY2021-22-Q4") { quarter metrics { key value target } } }',
  "query BenchWarmPins { pincodes(first: 100) { totalCount nodes { code location { latitude longitude } } } }",
];

async function warmUp(origin: string, key: string): Promise<void> {
  for (const query of WARM_UP) {
    const response = await fetch(`${origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify({ query }),
    });
    const body = (await response.json()) as { errors?: { message: string }[] };
    if (body.errors !== undefined) throw new Error(`Warm-up failed: ${body.errors[0]!.message}`);
  }
}

/** In the page: the time (ms since navigation start) once the KPI tiles are shown and every trend chart is drawn. */
function kpisReady(): number | false {
  const tiles = document.querySelectorAll("#kpi-panel .tile").length;
  const charts = document.querySelectorAll("#trend-panel .trend").length;
  const drawn = document.querySelectorAll('#trend-panel .trend-chart[data-rendered="true"]').length;
  return tiles > 0 && charts > 0 && drawn === charts ? performance.now() : false;
}

/** In the page: the same, once the map is drawn, its summary is beside it and no panel is busy. */
function allReady(): number | false {
  const tiles = document.querySelectorAll("#kpi-panel .tile").length;
  const charts = document.querySelectorAll("#trend-panel .trend").length;
  const drawn = document.querySelectorAll('#trend-panel .trend-chart[data-rendered="true"]').length;
  const map = document.querySelector("#map-panel canvas.map[data-points-drawn]") !== null && document.querySelector("#map-panel .army-postal") !== null;
  const busy = document.querySelector('[aria-busy="true"]') !== null;
  return tiles > 0 && charts > 0 && drawn === charts && map && !busy ? performance.now() : false;
}

interface Sample {
  /** When the viewer's and the KPI panel's answers had arrived (ms after the navigation began, as the bench saw them). */
  readonly viewerAnswerMs: number;
  readonly kpisAnswerMs: number;
  readonly kpisMs: number;
  readonly allMs: number;
  readonly graphRequests: number;
  readonly graphBytes: number;
  readonly trendCharts: number;
  readonly pointsDrawn: number;
}

async function oneRun(browser: Browser, origin: string, key: string): Promise<Sample> {
  const context = await browser.newContext({ viewport: { width: 1280, height: 720 } });
  try {
    await context.route("**/*", (route) => (LOCAL.test(route.request().url()) ? route.continue() : route.abort("blockedbyclient")));
    // Signed in before the page's own script runs: the run times the page, not a person typing.
    await context.addInitScript(([storage, value]) => sessionStorage.setItem(storage!, value!), [KEY_STORAGE, key]);
    let graphRequests = 0;
    const answered = new Map<string, number>();
    context.on("request", (request) => {
      if (new URL(request.url()).pathname === "/graphql") graphRequests += 1;
    });
    context.on("requestfinished", (request) => {
      if (new URL(request.url()).pathname !== "/graphql") return;
      const id = (request.postDataJSON() as { documentId?: string }).documentId ?? "";
      if (!answered.has(id)) answered.set(id, performance.now() - started);
    });
    const page = await context.newPage();
    const started = performance.now();
    await page.goto(`${origin}/dashboard`, { waitUntil: "commit" });
    const kpisMs = (await (await page.waitForFunction(kpisReady, undefined, { polling: "raf", timeout: timeoutMs })).jsonValue()) as number;
    const allMs = (await (await page.waitForFunction(allReady, undefined, { polling: "raf", timeout: timeoutMs })).jsonValue()) as number;
    const facts = await page.evaluate(() => ({
      graphBytes: performance
        .getEntriesByType("resource")
        .filter((entry) => new URL(entry.name).pathname === "/graphql")
        .reduce((sum, entry) => sum + (entry as PerformanceResourceTiming).encodedBodySize, 0),
      trendCharts: document.querySelectorAll("#trend-panel .trend").length,
      pointsDrawn: Number(document.querySelector("#map-panel canvas.map")?.getAttribute("data-points-drawn")),
    }));
    return {
      viewerAnswerMs: answered.get(persistedDocumentIdOf(DashboardViewerDocument)) ?? Number.NaN,
      kpisAnswerMs: answered.get(persistedDocumentIdOf(DashboardKpisDocument)) ?? Number.NaN,
      kpisMs,
      allMs,
      graphRequests,
      ...facts,
    };
  } finally {
    await context.close();
  }
}

/** The body as sent, not decoded (fetch would decompress it). */
function bytesOnTheWire(url: string, encoding: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { headers: { "accept-encoding": encoding } }, (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("end", () => resolve(Buffer.concat(chunks)));
      })
      .on("error", reject);
  });
}

function describe(values: readonly number[]): { median: number; p95: number; min: number; max: number } {
  const sorted = [...values].sort((a, b) => a - b);
  return { median: percentile(sorted, 50), p95: percentile(sorted, 95), min: sorted[0]!, max: sorted.at(-1)! };
}

async function main(): Promise<void> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`No browser at ${CHROMIUM} (apt-get install chromium).`);
  fs.mkdirSync(logDir, { recursive: true });
  // What `npm start` serves, built from the sources being measured.
  const bundle = await buildDashboard(DASHBOARD_BUILD_DIRS[1]!);
  const keep = args["data-dir"] !== undefined;
  const dataDir = args["data-dir"] ?? fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-bench-dashboard-"));
  fs.mkdirSync(dataDir, { recursive: true });
  let browser: Browser | undefined;
  try {
    // A first start fills an empty directory (directory snapshot, demo seed, rollups); a populated one just opens.
    console.error(`Preparing ${dataDir} (a first start seeds the demo data)…`);
    await (await startGraph("dashboard-prepare", dataDir)).stop();
    // The bench's own ADMIN key, written while no server holds the directory (PGlite is one process).
    const database = await openDatabase({ databaseUrl: null, dataDir });
    const { key } = await createApiKey(database.db, { name: `bench dashboard ${new Date().toISOString()}`, organisation: "PARTNERSHIP", roles: ["ADMIN"] });
    await database.close();

    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: [...QUIET_CHROMIUM_ARGS] });
    const served = { raw: 0, gzip: 0 };
    const samples: Sample[] = [];
    for (let run = 1; run <= runs; run += 1) {
      const server = await startGraph(`dashboard-run-${run}`, dataDir);
      try {
        const origin = new URL(server.url).origin;
        if (run === 1) {
          served.raw = (await bytesOnTheWire(`${origin}/dashboard/app.js`, "identity")).length;
          served.gzip = (await bytesOnTheWire(`${origin}/dashboard/app.js`, "gzip")).length;
        }
        if (!args.cold) await warmUp(origin, key);
        const sample = await oneRun(browser, origin, key);
        samples.push(sample);
        console.error(
          `run ${run}/${runs}: viewer answered ${sample.viewerAnswerMs.toFixed(0)} ms, KPIs answered ${sample.kpisAnswerMs.toFixed(0)} ms, ` +
            `KPIs and trends drawn ${sample.kpisMs.toFixed(0)} ms, all panels ${sample.allMs.toFixed(0)} ms ` +
            `(${sample.graphRequests} graph requests, ${(sample.graphBytes / 1e6).toFixed(1)} MB, ${sample.trendCharts} charts, ${sample.pointsDrawn} PINs drawn)`,
        );
      } finally {
        await server.stop();
      }
    }
    const kpis = describe(samples.map((s) => s.kpisMs));
    const viewerAnswer = describe(samples.map((s) => s.viewerAnswerMs));
    const kpisAnswer = describe(samples.map((s) => s.kpisAnswerMs));
    const all = describe(samples.map((s) => s.allMs));
    const ms = (n: number) => n.toLocaleString("en-IN", { maximumFractionDigits: 0 });
    const lines = [
      `# Dashboard first render, ${new Date().toISOString()}`,
      "",
      `${runs} runs, each on a fresh server process (cold response cache${args.cold ? ", no request answered before" : ", warmed up by other operations"}) and a fresh browser context (cold HTTP cache); ` +
        `headless Chromium at 1280×720; load average ${os.loadavg().map((l) => l.toFixed(1)).join(", ")} at the end.`,
      "",
      "| from navigation to | median ms | p95 ms | min–max ms |",
      "|---|---|---|---|",
      `| the viewer's answer (DashboardViewer) in | ${ms(viewerAnswer.median)} | ${ms(viewerAnswer.p95)} | ${ms(viewerAnswer.min)}–${ms(viewerAnswer.max)} |`,
      `| the KPI panel's answer (DashboardKpis) in | ${ms(kpisAnswer.median)} | ${ms(kpisAnswer.p95)} | ${ms(kpisAnswer.min)}–${ms(kpisAnswer.max)} |`,
      `| KPI tiles and trend charts drawn | ${ms(kpis.median)} | ${ms(kpis.p95)} | ${ms(kpis.min)}–${ms(kpis.max)} |`,
      `| every panel populated, the map included | ${ms(all.median)} | ${ms(all.p95)} | ${ms(all.min)}–${ms(all.max)} |`,
      "",
      `JavaScript shipped: app.js ${(served.raw / 1024).toFixed(0)} KB, sent as ${(served.gzip / 1024).toFixed(1)} KB to a browser accepting gzip ` +
        `(with app.css and index.html: ${(bundle.gzipBytes / 1024).toFixed(1)} KB).`,
      `Graph requests per load: ${samples[0]!.graphRequests}, ${(samples[0]!.graphBytes / 1e6).toFixed(1)} MB of JSON; ${samples[0]!.trendCharts} trend charts; ${samples[0]!.pointsDrawn} PINs drawn.`,
    ];
    console.log(lines.join("\n"));
    const stamp = new Date().toISOString().replaceAll(":", "-");
    fs.writeFileSync(path.join(ROOT, `bench/results/dashboard-${stamp}.md`), `${lines.join("\n")}\n`);
    fs.writeFileSync(path.join(ROOT, `bench/results/dashboard-${stamp}.json`), JSON.stringify({ runs, served, bundle, samples, kpis, all }, null, 2));
  } finally {
    await browser?.close();
    if (!keep) fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

await main();
