import "reflect-metadata";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { queryRows, openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { progressBar } from "../src/lib/progress.js";
import { s10CheckDigit } from "../src/lib/s10.js";
import { isDirectoryLoaded, loadDirectoryFromPackages } from "../src/modules/post-office/post-office.directory.js";
import { findPickupLocationByCode, insertPickupLocation } from "../src/modules/pickup-location/pickup-location.repository.js";
import { importShipmentsFile } from "../src/modules/shipment/shipment.import.js";
import { loadConfig } from "../src/config.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { createSchema } from "../src/schema.js";
import { createApolloServer } from "../src/server/apollo.js";
import { listen } from "../src/server/http.js";

/*
 * Ingest benchmark (npm run bench:ingest): against a real PostgreSQL server (BENCH_DATABASE_URL, default
 * the local one, database dakgraph_bench, created when missing),
 *   1. `dakgraph import shipments` of a generated CSV of --shipments rows (default 1,000,000), timed;
 *   2. the recordShipments mutation with 1,000 new items, --repeat times, over HTTP to the server started
 *      in production mode on loopback, and the same 1,000 again (all unchanged).
 * Results print as a table and go to bench/results/ingest-<time>.json (git-ignored).
 */

const { values: args } = parseArgs({
  options: {
    shipments: { type: "string", default: "1000000" },
    repeat: { type: "string", default: "7" },
  },
});
const total = Number(args.shipments);
const repeat = Number(args.repeat);
const url = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/dakgraph_bench";

async function ensureDatabase(target: string): Promise<void> {
  const parsed = new URL(target);
  const name = parsed.pathname.slice(1);
  parsed.pathname = "/postgres";
  const admin = postgres(parsed.toString(), { max: 1, onnotice: () => {} });
  const exists = await admin`select 1 from pg_database where datname = ${name}`;
  if (exists.length === 0) await admin.unsafe(`create database "${name.replaceAll('"', '""')}"`);
  await admin.end();
}

function s10(prefix: string, serial: number): string {
  const digits = String(serial).padStart(8, "0");
  return `${prefix}${digits}${s10CheckDigit(digits)}IN`;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

await ensureDatabase(url);
const database = await openDatabase({ databaseUrl: url, dataDir: null });
await migrate(database);
if (!(await isDirectoryLoaded(database))) {
  console.error("Loading the post-office directory into the bench database…");
  await loadDirectoryFromPackages(database, progressBar());
}
const db = database.db;
let pickup = await findPickupLocationByCode(db, "BENCH-DEL");
if (pickup === undefined) {
  const [office] = await queryRows<{ id: number; state: string }>(db, sql`select id, state from post_office where pincode = '110001' order by id limit 1`);
  pickup = await insertPickupLocation(db, {
    code: "BENCH-DEL",
    name: "Bench pickup (synthetic)",
    postOfficeId: office!.id,
    city: "New Delhi",
    state: office!.state,
    activeFrom: "2013-01-01",
    activeTo: null,
    dailyCapacity: 1_000_000,
  }, true);
}
const pins = (await queryRows<{ code: string }>(db, sql`select code from pincode where coalesce(delivery_office_count, 1) > 0 order by code`)).map((r) => r.code);
// Serials continue from what earlier runs stored, so every run books new shipments.
const [{ n: stored }] = (await queryRows<{ n: number }>(db, sql`select count(*)::int as n from shipment`)) as [{ n: number }];
let serial = 10_000_000 + stored;

const day0 = Date.parse("2024-04-01T04:30:00Z");
function row(i: number): string[] {
  const s = serial++;
  const cod = i % 3 === 0;
  return [
    s10("CM", s % 100_000_000),
    new Date(day0 + (i % 240) * 86_400_000 + (i % 600) * 60_000).toISOString(),
    "BUSINESS_PARCEL",
    cod ? "COD" : "PREPAID",
    cod ? String(200 + (i % 4000)) : "",
    String(2000 + (i % 3000)),
    "BENCH-DEL",
    pins[(i * 7919) % pins.length]!,
  ];
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-bench-"));
const file = path.join(dir, "shipments.csv");
const out = fs.createWriteStream(file);
out.write("tracking_number,booked_at,product_code,payment_mode,cod_amount,weight_grams,pickup_location_code,destination_pincode\n");
for (let i = 0; i < total; i += 1) {
  if (!out.write(`${row(i).join(",")}\n`)) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
}
await new Promise<void>((resolve) => out.end(resolve));

const importStarted = performance.now();
const report = await importShipmentsFile(database, file);
const importSeconds = (performance.now() - importStarted) / 1000;
console.error(`import: ${report.records} records, ${report.shipments.created} created, ${report.rejected} rejected in ${importSeconds.toFixed(1)} s`);

// The mutation over HTTP, as a client sends it, against the server in production mode on loopback.
// The per-key rate limit would throttle the load generator itself: lifted for the run.
const config = loadConfig({ NODE_ENV: "production", PORT: "0", DATABASE_URL: url, DAKGRAPH_RATE_LIMIT_PER_MINUTE: "1000000", DAKGRAPH_RATE_LIMIT_BURST: "1000000" });
const apollo = createApolloServer(await createSchema(), config);
await apollo.start();
const server = await listen({ config, database, apollo });
// An OPERATOR key of the bench database, made for this run: mutations need one.
const { key } = await createApiKey(db, { name: `bench ${new Date().toISOString()}`, organisation: "PARTNERSHIP", roles: ["OPERATOR"] });
const MUTATION = "mutation Record($input: RecordShipmentsInput!) { recordShipments(input: $input) { created updated unchanged } }";
async function record(items: Record<string, unknown>[]): Promise<{ ms: number; counts: { created: number; unchanged: number } }> {
  const started = performance.now();
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: MUTATION, variables: { input: { shipments: items } } }),
  });
  const body = (await response.json()) as { data?: { recordShipments: { created: number; unchanged: number } }; errors?: unknown };
  const ms = performance.now() - started;
  if (body.data === undefined || body.data === null) throw new Error(`recordShipments failed: ${JSON.stringify(body.errors)}`);
  return { ms, counts: body.data.recordShipments };
}
const batchMs: number[] = [];
let lastBatch: Record<string, unknown>[] = [];
for (let r = 0; r < repeat; r += 1) {
  const items = Array.from({ length: 1000 }, (_, i) => {
    const [trackingNumber, bookedAt, productCode, paymentMode, codAmount, weightGrams, pickupLocationCode, destinationPincode] = row(i);
    return {
      trackingNumber,
      bookedAt,
      productCode,
      paymentMode,
      codAmount: codAmount === "" ? null : Number(codAmount),
      weightGrams: Number(weightGrams),
      pickupLocationCode,
      destinationPincode,
    };
  });
  const { ms, counts } = await record(items);
  if (counts.created !== 1000) throw new Error(`expected 1,000 created, got ${counts.created}`);
  batchMs.push(ms);
  lastBatch = items;
}
const { ms: retryMs, counts: retry } = await record(lastBatch);
if (retry.unchanged !== 1000) throw new Error(`expected 1,000 unchanged, got ${retry.unchanged}`);
await server.close();
await apollo.stop();

const sorted = [...batchMs].sort((a, b) => a - b);
const result = {
  at: new Date().toISOString(),
  server: url.replace(/\/\/[^@]*@/, "//"),
  import: { rows: report.records, created: report.shipments.created, seconds: importSeconds, rowsPerSecond: Math.round(report.records / importSeconds) },
  recordShipments1000: { runs: batchMs.length, p50Ms: percentile(sorted, 50), maxMs: sorted.at(-1), retryUnchangedMs: retryMs },
};
fs.mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
fs.writeFileSync(new URL(`./results/ingest-${result.at.replaceAll(":", "-")}.json`, import.meta.url), `${JSON.stringify(result, null, 2)}\n`);
console.log(`| measure | value |
|---|---|
| import shipments (${result.import.rows.toLocaleString("en-IN")} rows) | ${importSeconds.toFixed(1)} s, ${result.import.rowsPerSecond.toLocaleString("en-IN")} rows/s |
| recordShipments 1,000 new (p50 of ${batchMs.length}) | ${result.recordShipments1000.p50Ms.toFixed(0)} ms (max ${result.recordShipments1000.maxMs!.toFixed(0)} ms) |
| recordShipments 1,000 unchanged | ${retryMs.toFixed(0)} ms |`);
fs.rmSync(dir, { recursive: true, force: true });
await database.close();
