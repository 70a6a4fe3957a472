import "reflect-metadata";
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { parseArgs } from "node:util";
import { openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { createApiKey, revokeApiKey } from "../src/modules/access/access.keys.js";
import { ensureDatabase, ensureDemoData } from "./dataset.js";
import { cpuMsOf, memoryOf, resetPeakRss, ROOT, startServer } from "./processes.js";

/*
 * `npm run bench:export [-- options]`: GET /export of every demo shipment (the registered ShipmentsExport) from
 * the graph in production mode, as a child process over the bench's PostgreSQL database, reading the server's
 * memory from /proc: VmRSS before, VmHWM (peak) during. Then a slow client that reads for a while and hangs up:
 * the server's memory while its socket is full, and its CPU once the client is gone (paging must stop).
 * See README "Benchmark".
 */

const { values: args } = parseArgs({
  options: {
    shipments: { type: "string", default: "1000000" },
    reseed: { type: "boolean", default: false },
    "slow-seconds": { type: "string", default: "10" },
    // npm start's young-generation size; a smaller one shows how much of the peak is garbage not yet collected.
    "semi-space-mb": { type: "string", default: "64" },
  },
});

const shipments = Number(args.shipments.replaceAll(/[,_]/g, ""));
const slowSeconds = Number(args["slow-seconds"]);
const url = process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/dakgraph_bench";

interface Download {
  readonly status: number;
  readonly bytes: number;
  readonly lines: number;
  readonly trailer: string | undefined;
  readonly seconds: number;
}

/**
 * Streams the export, counting bytes and line ends without keeping the body. `pauseMs` after each chunk makes a
 * slow reader; `abortAfterMs` hangs up then.
 */
function download(target: string, authorization: string, options: { pauseMs?: number; abortAfterMs?: number; onLines?: (lines: number) => void } = {}): Promise<Download> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.get(target, { headers: { authorization } }, (res) => {
      let bytes = 0;
      let lines = 0;
      const finish = () => resolve({ status: res.statusCode!, bytes, lines, trailer: res.trailers["x-export-status"], seconds: (performance.now() - started) / 1000 });
      res.on("data", (chunk: Buffer) => {
        bytes += chunk.length;
        for (let i = chunk.indexOf(10); i !== -1; i = chunk.indexOf(10, i + 1)) lines += 1;
        options.onLines?.(lines);
        if (options.pauseMs !== undefined) {
          res.pause();
          setTimeout(() => res.resume(), options.pauseMs);
        }
      });
      res.on("end", finish);
      if (options.abortAfterMs !== undefined) {
        setTimeout(() => {
          req.destroy();
          finish();
        }, options.abortAfterMs);
      }
    });
    req.on("error", (error) => {
      if (options.abortAfterMs === undefined) reject(error);
    });
  });
}

/** Samples VmRSS every 100 ms: the peak where VmHWM cannot be reset (clear_refs not writable). */
function sampleRss(pid: number): { stop(): number } {
  let peak = memoryOf(pid).rssMb;
  const timer = setInterval(() => (peak = Math.max(peak, memoryOf(pid).rssMb)), 100);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, memoryOf(pid).rssMb);
    },
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

await ensureDatabase(url);
const database = await openDatabase({ databaseUrl: url, dataDir: null });
let keyId: number | undefined;
let server: Awaited<ReturnType<typeof startServer>> | undefined;
try {
  await migrate(database);
  await ensureDemoData(database, url, shipments, args.reseed);
  const created = await createApiKey(database.db, { name: `bench export ${new Date().toISOString()}`, organisation: "PARTNERSHIP", roles: ["ADMIN"] });
  keyId = created.summary.id;
  const authorization = `Bearer ${created.key}`;
  server = await startServer({
    name: "graph-export",
    script: "src/main.ts",
    nodeFlags: [`--max-semi-space-size=${Number(args["semi-space-mb"])}`],
    // Production defaults (response cache on, page size 500): what a deployed server does.
    env: { NODE_ENV: "production", LOG_LEVEL: "info", HOST: "127.0.0.1", PORT: "0", DATABASE_URL: url, DAKGRAPH_LOAD_DIRECTORY: "false", DAKGRAPH_SEED_DEMO: "false" },
    ready: /dakgraph serving (http:\/\/\S+)/,
    logFile: path.join(ROOT, "bench/results/logs/graph-export.log"),
  });
  const base = new URL("/export?operation=ShipmentsExport", server.url.replace("//localhost:", "//127.0.0.1:")).toString();
  // Warm: the schema's plans and the first statements, so that "before" is a server that has answered.
  const warm = await download(`${base}&variables=${encodeURIComponent(JSON.stringify({ filter: { status: ["LOST"] } }))}`, authorization);
  if (warm.status !== 200) throw new Error(`The warm-up export answered HTTP ${warm.status}.`);
  await sleep(1000);
  const pid = server.pid;
  const before = memoryOf(pid).rssMb;
  const hwmReset = resetPeakRss(pid);
  const sampler = sampleRss(pid);
  const cpuBefore = cpuMsOf(pid);
  // The server's RSS as the rows go by: flat memory is the same figure at a tenth of the rows as at all of them.
  const milestones = [0.1, 0.25, 0.5, 0.75, 1].map((share) => Math.floor(share * shipments));
  const rssAt: { rows: number; rssMb: number }[] = [];
  const full = await download(base, authorization, {
    onLines: (lines) => {
      while (milestones.length > 0 && lines - 1 >= milestones[0]!) rssAt.push({ rows: milestones.shift()!, rssMb: memoryOf(pid).rssMb });
    },
  });
  const sampled = sampler.stop();
  const peak = hwmReset ? Math.max(memoryOf(pid).peakMb, sampled) : sampled;
  const cpuMs = cpuMsOf(pid) - cpuBefore;
  const rows = full.lines - 1;
  if (full.status !== 200 || full.trailer !== `complete; rows=${rows}`) throw new Error(`The export answered ${full.status}, trailer ${full.trailer}, ${rows} rows.`);

  // The slow client: a 20 ms pause after every chunk read, then a hang-up.
  await sleep(1000);
  const slowBefore = memoryOf(pid).rssMb;
  const slowSampler = sampleRss(pid);
  const slow = await download(base, authorization, { pauseMs: 20, abortAfterMs: slowSeconds * 1000 });
  const slowPeak = slowSampler.stop();
  await sleep(500);
  const cpuAfterHangUp = cpuMsOf(pid);
  await sleep(2000);
  const idleCpuMs = cpuMsOf(pid) - cpuAfterHangUp;

  const results = {
    semiSpaceMb: Number(args["semi-space-mb"]),
    shipments,
    rows,
    megabytes: full.bytes / 1e6,
    seconds: full.seconds,
    rowsPerSecond: rows / full.seconds,
    serverCpuMs: cpuMs,
    rssBeforeMb: before,
    rssPeakMb: peak,
    extraRssMb: peak - before,
    rssAtRows: rssAt,
    peakFrom: hwmReset ? "VmHWM after clear_refs, and VmRSS sampled every 100 ms" : "VmRSS sampled every 100 ms",
    slowClient: { seconds: slowSeconds, rowsRead: Math.max(0, slow.lines - 1), rssBeforeMb: slowBefore, rssPeakMb: slowPeak, extraRssMb: slowPeak - slowBefore, serverCpuMsInTheTwoSecondsAfterHangUp: idleCpuMs },
  };
  const f = (n: number, digits = 1) => n.toLocaleString("en-IN", { maximumFractionDigits: digits });
  const text = [
    `Export of ${f(rows, 0)} shipments (ShipmentsExport, ${f(results.megabytes)} MB of CSV; --max-semi-space-size=${results.semiSpaceMb}): ${f(full.seconds)} s, ${f(results.rowsPerSecond, 0)} rows/s, server CPU ${f(cpuMs / 1000)} s.`,
    `Server RSS before ${f(before)} MB, peak during ${f(peak)} MB: ${f(peak - before)} MB extra (${results.peakFrom}).`,
    `Server RSS as the rows went by: ${rssAt.map((m) => `${f(m.rows, 0)} rows ${f(m.rssMb)} MB`).join(", ")}.`,
    `Slow client (20 ms pause per chunk, hung up after ${slowSeconds} s, ${f(results.slowClient.rowsRead, 0)} rows read): RSS ${f(slowBefore)} → peak ${f(slowPeak)} MB (${f(slowPeak - slowBefore)} MB extra); server CPU in the 2 s after the hang-up ${f(idleCpuMs, 0)} ms.`,
  ].join("\n");
  console.log(text);
  const dir = path.join(ROOT, "bench/results");
  fs.mkdirSync(dir, { recursive: true });
  const stamp = new Date().toISOString().replaceAll(/[:.]/g, "-");
  fs.writeFileSync(path.join(dir, `export-${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, `export-${stamp}.md`), `${text}\n`);
} finally {
  await server?.stop();
  if (keyId !== undefined) await revokeApiKey(database.db, String(keyId));
  await database.close();
}
