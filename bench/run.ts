import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { openDatabase, queryRows } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { createApiKey, revokeApiKey } from "../src/modules/access/access.keys.js";
import { deleteIngestRows, ensureDatabase, ensureDemoData, latestQuarter, sampleBookings } from "./dataset.js";
import { benchImportAgainstCopy, benchRecordShipments, type IngestResult } from "./ingest.js";
import { measure, type RunSample } from "./load.js";
import { type BenchOperation, benchOperations, type Target } from "./operations.js";
import { ROOT, type ServerProcess, START, startServer } from "./processes.js";
import { type BenchResult, markdown, type Row, writeResults } from "./report.js";
import { benchStartup, type StartupResult, startupMarkdown } from "./startup.js";
import { firstDifference, summarise } from "./stats.js";

/*
 * `npm run bench [-- options]`: the read operations dashboards and analysts use, over HTTP against the
 * graph in production mode and against the hand-written SQL baseline (bench/baseline.ts), both child
 * processes on loopback over the same PostgreSQL database; then the ingest rows (bench/ingest.ts).
 * Every figure and its ratio to the baseline come from the same run: rounds alternate between the
 * servers so that drift of a shared machine falls on both. See README "Benchmark".
 */

const { values: args } = parseArgs({
  options: {
    shipments: { type: "string", default: "1000000" },
    reseed: { type: "boolean", default: false },
    seconds: { type: "string", default: "5" },
    rounds: { type: "string", default: "3" },
    warmup: { type: "string", default: "2" },
    connections: { type: "string", default: "1,10" },
    only: { type: "string" },
    "skip-ingest": { type: "boolean", default: false },
    "ingest-only": { type: "boolean", default: false },
    "skip-cache": { type: "boolean", default: false },
    "import-rows": { type: "string", default: "1000000" },
    "import-rounds": { type: "string", default: "3" },
    "import-only": { type: "boolean", default: false },
    repeat: { type: "string", default: "7" },
    "startup-runs": { type: "string", default: "3" },
    "startup-port": { type: "string", default: "4390" },
    "port-base": { type: "string", default: "0" },
    "startup-only": { type: "boolean", default: false },
    "skip-startup": { type: "boolean", default: false },
  },
});

function wholeNumber(name: string, raw: string): number {
  const value = Number(raw.replaceAll(/[,_]/g, ""));
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`--${name} must be a whole number; got ${JSON.stringify(raw)}`);
  return value;
}

const shipments = wholeNumber("shipments", args.shipments);
const seconds = wholeNumber("seconds", args.seconds);
const rounds = Math.max(1, wholeNumber("rounds", args.rounds));
const warmup = wholeNumber("warmup", args.warmup);
const connectionCounts = args.connections.split(",").map((c) => Math.max(1, wholeNumber("connections", c.trim())));
const url = process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/dakgraph_bench";
const logDir = path.join(ROOT, "bench/results/logs");

interface Servers {
  readonly graph: ServerProcess;
  readonly "graph-cached"?: ServerProcess;
  readonly baseline: ServerProcess;
}


const GRAPH_ENV = {
  NODE_ENV: "production",
  // The ready line is logged at info: a LOG_LEVEL above it in the bench's environment would hide it.
  LOG_LEVEL: "info",
  HOST: "127.0.0.1",
  PORT: "0",
  DATABASE_URL: url,
  DAKGRAPH_LOAD_DIRECTORY: "false",
  DAKGRAPH_SEED_DEMO: "false",
  // The per-caller rate limit would throttle the load generator itself: lifted for the run.
  DAKGRAPH_RATE_LIMIT_PER_MINUTE: "1000000",
  DAKGRAPH_RATE_LIMIT_BURST: "1000000",
};

/** --port-base N: the graph on N, the cached graph on N + 1, the baseline on N + 2 (0: any free ports). */
const portBase = wholeNumber("port-base", args["port-base"]);
const portOf = (offset: number) => String(portBase === 0 ? 0 : portBase + offset);

async function startServers(): Promise<Servers> {
  // "localhost" may resolve to ::1 first, where nothing listens.
  const ready = (name: string) => new RegExp(`${name} serving (http://\\S+)`);
  const loopback = (server: ServerProcess): ServerProcess => ({ ...server, url: server.url.replace("//localhost:", "//127.0.0.1:") });
  const graph = (name: string, cache: boolean) =>
    startServer({ name, script: START.script, nodeFlags: START.flags, env: { ...GRAPH_ENV, PORT: portOf(cache ? 1 : 0), DAKGRAPH_RESPONSE_CACHE: String(cache) }, ready: ready("dakgraph"), logFile: path.join(logDir, `${name}.log`) });
  const [uncached, cached, baseline] = await Promise.all([
    graph("graph", false),
    args["skip-cache"] ? undefined : graph("graph-cached", true),
    startServer({ name: "baseline", script: "bench/baseline.ts", env: { BASELINE_DATABASE_URL: url, BASELINE_PORT: portOf(2) }, ready: ready("baseline"), logFile: path.join(logDir, "baseline.log") }),
  ]);
  return { graph: loopback(uncached), ...(cached === undefined ? {} : { "graph-cached": loopback(cached) }), baseline };
}

interface GraphQLResponse {
  data?: unknown;
  errors?: { message: string }[];
}

async function post(server: ServerProcess, body: string, authorization: string): Promise<{ status: number; json: GraphQLResponse }> {
  const response = await fetch(server.url, { method: "POST", headers: { "content-type": "application/json", authorization }, body });
  return { status: response.status, json: (await response.json()) as GraphQLResponse };
}

async function hasQueryField(server: ServerProcess, field: string, authorization: string): Promise<boolean> {
  // With the bench's key: in production an anonymous caller's introspection is refused, which read as "no such field".
  const { json } = await post(server, JSON.stringify({ query: '{ __type(name: "Query") { fields { name } } }' }), authorization);
  const fields = (json.data as { __type: { fields: { name: string }[] } } | undefined)?.__type.fields ?? [];
  return fields.some((f) => f.name === field);
}

/**
 * Before any timing: every request body of an operation answers without errors on every server of the
 * row, and the baseline's `data` deep-equals the graph's (tracking: up to `sample` bodies).
 */
async function checkAnswers(operation: BenchOperation, servers: Servers, authorization: string, sample = 200): Promise<void> {
  for (const body of operation.bodies.slice(0, sample)) {
    const graph = await post(servers.graph, body, authorization);
    if (graph.status !== 200 || graph.json.errors !== undefined || graph.json.data == null) {
      throw new Error(`${operation.name}: the graph answered HTTP ${graph.status} with errors ${JSON.stringify(graph.json.errors)} to ${body.slice(0, 300)}`);
    }
    for (const target of operation.targets.filter((t) => t !== "graph")) {
      const other = await post(servers[target]!, body, authorization);
      const difference = other.status === 200 ? firstDifference(graph.json.data, other.json.data) : `HTTP ${other.status}: ${JSON.stringify(other.json)}`;
      if (difference !== null) {
        throw new Error(`${operation.name}: ${target} and graph disagree, so the ratio would mean nothing.\n  ${difference.replace(/baseline/g, target)}\n  request: ${body.slice(0, 300)}`);
      }
    }
  }
}

/** The start-up bench (bench/startup.ts): before the servers under load start, so that nothing else of ours runs beside it. */
function runStartup(): Promise<StartupResult> {
  const runs = Math.max(1, wholeNumber("startup-runs", args["startup-runs"]));
  return benchStartup({ runs, port: wholeNumber("startup-port", args["startup-port"]), logDir });
}

function importAgainstCopy(database: Awaited<ReturnType<typeof openDatabase>>) {
  return benchImportAgainstCopy({ database, url, rows: wholeNumber("import-rows", args["import-rows"]), rounds: wholeNumber("import-rounds", args["import-rounds"]) });
}

/**
 * `--import-only`: the import against psql COPY alone on the database as it is (migrated, with its demo data),
 * no servers started; for a large database seeded once, and for a partitioned copy of it.
 */
async function runImportOnly(): Promise<void> {
  const database = await openDatabase({ databaseUrl: url, dataDir: null });
  try {
    await deleteIngestRows(database);
    const imported = await importAgainstCopy(database);
    const [shipmentCount] = await queryRows<{ n: number }>(database.db, sql`select count(*)::int as n from shipment`);
    const result: BenchResult = {
      at: new Date().toISOString(),
      database: url.replace(/\/\/[^@]*@/, "//"),
      shipments: Number(shipmentCount!.n),
      data: "reused",
      quarter: "",
      rounds: imported.rounds.length,
      secondsPerRound: 0,
      rows: [],
      skipped: [],
      peakRssMb: {},
      ingest: { recordShipments1000: null, import: imported },
      startup: null,
    };
    const file = writeResults(result);
    console.log(markdown(result));
    console.error(`Written to ${file} (and .json).`);
  } finally {
    await database.close();
  }
}

async function main(): Promise<void> {
  if (args["startup-only"]) {
    const lines = startupMarkdown(await runStartup()).join("\n");
    const file = path.join(ROOT, `bench/results/startup-${new Date().toISOString().replaceAll(":", "-")}.md`);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, `${lines.trim()}\n`);
    console.log(lines);
    console.error(`Written to ${file}.`);
    return;
  }
  if (args["import-only"]) {
    await runImportOnly();
    return;
  }
  const startup = args["skip-startup"] || args.only !== undefined || args["ingest-only"] ? null : await runStartup();
  await ensureDatabase(url);
  const database = await openDatabase({ databaseUrl: url, dataDir: null });
  let servers: Servers | undefined;
  let keyId: number | undefined;
  try {
    try {
      await migrate(database);
    } catch (error) {
      throw new Error(
        `Migrating the bench database failed: ${(error as Error).message.split("\n")[0]}\n` +
          "When a migration in drizzle/ was regenerated after this database applied an earlier version of it, drop the " +
          `database (it is the bench's own: dropdb ${new URL(url).pathname.slice(1)}) and run the bench again.`,
      );
    }
    const leftovers = await deleteIngestRows(database);
    if (leftovers > 0) console.error(`Deleted ${leftovers.toLocaleString("en-IN")} shipments an interrupted ingest step had left.`);
    const data = await ensureDemoData(database, url, shipments, args.reseed);
    const [tracking, quarter] = await Promise.all([sampleBookings(database, 2000, shipments), latestQuarter(database)]);
    const created = await createApiKey(database.db, { name: `bench ${new Date().toISOString()}`, organisation: "PARTNERSHIP", roles: ["ADMIN"] });
    keyId = created.summary.id;
    const authorization = `Bearer ${created.key}`;

    servers = await startServers();
    const hasKpis = await hasQueryField(servers.graph, "quarterlyKpis", authorization);
    const operations = benchOperations({ tracking, quarter, hasKpis, withCache: servers["graph-cached"] !== undefined }).filter(
      (o) => !args["ingest-only"] && (args.only === undefined || args.only.split(",").some((part) => o.name.includes(part.trim()))),
    );
    const skipped = operations.filter((o) => o.skipped !== undefined).map((o) => ({ operation: o.name, reason: o.skipped! }));
    for (const s of skipped) console.error(`Skipped "${s.operation}": ${s.reason}.`);
    const runnable = operations.filter((o) => o.skipped === undefined);
    for (const operation of runnable) await checkAnswers(operation, servers, authorization);
    console.error(`Answers checked: the baseline's data equals the graph's. ${shipments.toLocaleString("en-IN")} shipments, quarter ${quarter}.`);

    const rows: Row[] = [];
    for (const operation of runnable) {
      for (const target of operation.targets) {
        if (warmup > 0) await measure(servers[target]!, operation.bodies, Math.max(...connectionCounts), warmup, authorization);
      }
      for (const connections of connectionCounts) {
        const samples = new Map<Target, RunSample[]>(operation.targets.map((t) => [t, []]));
        for (let round = 0; round < rounds; round += 1) {
          for (const target of operation.targets) samples.get(target)!.push(await measure(servers[target]!, operation.bodies, connections, seconds, authorization));
        }
        const baseline = samples.has("baseline") ? summarise(samples.get("baseline")!) : null;
        for (const target of operation.targets) {
          const summary = summarise(samples.get(target)!);
          const vsBaseline = baseline === null ? null : { rps: summary.rps / baseline.rps, cpuMs: summary.cpuMsPerRequest / baseline.cpuMsPerRequest };
          rows.push({ operation: operation.name, connections, target, summary, vsBaseline });
          console.error(
            `${operation.name} ×${connections} ${target}: ${summary.rps.toFixed(0)} req/s, p95 ${summary.p95.toFixed(1)} ms, ` +
              `${summary.cpuMsPerRequest.toFixed(2)} CPU-ms/req, ${summary.statementsPerRequest.toFixed(1)} SQL/req` +
              (vsBaseline === null || target === "baseline" ? "" : `, ${vsBaseline.rps.toFixed(2)}× baseline req/s, ${vsBaseline.cpuMs.toFixed(2)}× its CPU`) +
              (summary.errors > 0 ? `, ${summary.errors} ERRORS: ${summary.firstError}` : ""),
          );
        }
      }
    }

    let ingest: IngestResult | null = null;
    if (!args["skip-ingest"] && args.only === undefined) {
      console.error("Ingest: recordShipments over HTTP, then import shipments…");
      const recordShipments1000 = await benchRecordShipments({ database, graphUrl: servers.graph.url, authorization, repeat: Math.max(1, wholeNumber("repeat", args.repeat)) });
      ingest = { recordShipments1000, import: await importAgainstCopy(database) };
    }

    const result: BenchResult = {
      at: new Date().toISOString(),
      database: url.replace(/\/\/[^@]*@/, "//"),
      shipments,
      data,
      quarter,
      rounds,
      secondsPerRound: seconds,
      rows,
      skipped,
      peakRssMb: Object.fromEntries(Object.values(servers).map((s: ServerProcess) => [s.name, s.lifetimePeakMb()])),
      ingest,
      startup,
    };
    const file = writeResults(result);
    console.log(markdown(result));
    console.error(`Written to ${file} (and .json).`);
    const failed = rows.filter((r) => r.summary.errors > 0);
    if (failed.length > 0) {
      process.exitCode = 1;
      console.error(`FAILED: ${failed.map((r) => `${r.operation} ×${r.connections} ${r.target}`).join(", ")} answered with errors.`);
    }
  } finally {
    await Promise.all(Object.values(servers ?? {}).map((s: ServerProcess) => s.stop()));
    if (keyId !== undefined) await revokeApiKey(database.db, String(keyId));
    await database.close();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
