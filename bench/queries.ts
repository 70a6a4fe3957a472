import "reflect-metadata";
import fs from "node:fs";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { loadConfig } from "../src/config.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { openDatabase, queryRows } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { createSchema } from "../src/schema.js";
import { createApolloServer } from "../src/server/apollo.js";
import { listen } from "../src/server/http.js";

/*
 * Read benchmark (npm run bench:queries): the server in production mode on loopback over the bench
 * database (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/dakgraph_bench, loaded with
 * `dakgraph seed demo` beforehand), each operation for --seconds at 1 and at 10 concurrent clients.
 * Prints req/s and p50/p95/p99 latency (ms, measured by the client, HTTP included) and writes
 * bench/results/queries-<time>.json.
 */

const { values: args } = parseArgs({
  options: {
    seconds: { type: "string", default: "10" },
    only: { type: "string" },
  },
});
const seconds = Number(args.seconds);
const url = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/dakgraph_bench";

const database = await openDatabase({ databaseUrl: url, dataDir: null, maxConnections: 20 });
await migrate(database);
const [{ shipments }] = (await queryRows<{ shipments: number }>(database.db, sql`select count(*)::int as shipments from shipment`)) as [{ shipments: number }];
const sample = await queryRows<{ tracking_number: string; booking_date: string }>(
  database.db,
  sql`select tracking_number, booking_date::text from shipment tablesample system (0.1) limit 500`,
);
const [{ quarter }] = (await queryRows<{ quarter: string }>(
  database.db,
  sql`select coalesce(max(quarter), 'FY2024-25-Q2') as quarter from pin_delivery_quarter`,
)) as [{ quarter: string }];

interface Operation {
  readonly name: string;
  readonly body: (i: number) => unknown;
}

const OPERATIONS: Operation[] = [
  {
    name: "coverage by circle",
    body: () => ({ query: `query { coverage(level: CIRCLE, quarter: "${quarter}") { areas { area pinsServiceable pinsActive shipmentsDelivered } } }` }),
  },
  {
    name: "coverage national",
    body: () => ({ query: `query { coverage(level: NATIONAL, quarter: "${quarter}") { areas { area pinsTotal pinsServiceable pinsActive armyLocationsServed remotePinsServed } } }` }),
  },
  {
    name: "coverage trend by circle, 8 quarters",
    body: () => ({
      query: `query { coverageTrend(level: CIRCLE, from: "FY2023-24-Q1", to: "FY2024-25-Q4") { quarter areas { area pinsActive } } }`,
    }),
  },
  {
    name: "tracking lookup",
    body: (i) => {
      const s = sample[i % Math.max(1, sample.length)]!;
      return {
        query: `query T($t: TrackingNumber!, $d: Date) { shipment(trackingNumber: $t, bookingDate: $d) { trackingNumber status deliveredAt events { occurredAt eventType rawText office { name } } } }`,
        variables: { t: s.tracking_number, d: s.booking_date },
      };
    },
  },
  {
    name: "dashboard",
    body: () => ({
      query: `query { pickupLocations { code postOffice { name } shipments(first: 20) { nodes { trackingNumber status deliveryOffice { name } lastEvent { eventType occurredAt } } } } }`,
    }),
  },
  {
    name: "directory search",
    body: (i) => ({ query: `query { postOffices(filter: { nameStartsWith: "${["Ra", "Sh", "Ma", "Ko", "Ba"][i % 5]}" }, first: 50) { nodes { name pincode { code } } } }` }),
  },
];

// The per-key rate limit would throttle the load generator itself: lifted for the run.
const config = loadConfig({ NODE_ENV: "production", PORT: "0", DATABASE_URL: url, DAKGRAPH_RATE_LIMIT_PER_MINUTE: "1000000", DAKGRAPH_RATE_LIMIT_BURST: "1000000" });
const apollo = createApolloServer(await createSchema(), config);
await apollo.start();
const server = await listen({ config, database, apollo });
// Partnership data needs a key: BENCH_API_KEY, or an ADMIN key of the bench database made for this run.
const key =
  process.env.BENCH_API_KEY ??
  (await createApiKey(database.db, { name: `bench ${new Date().toISOString()}`, organisation: "PARTNERSHIP", roles: ["ADMIN"] })).key;
const headers: Record<string, string> = { "content-type": "application/json", authorization: `Bearer ${key}` };

async function run(op: Operation, concurrency: number) {
  const latencies: number[] = [];
  let errors = 0;
  let i = 0;
  const end = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < end) {
        const started = performance.now();
        const response = await fetch(server.url, { method: "POST", headers, body: JSON.stringify(op.body(i++)) });
        const body = (await response.json()) as { errors?: unknown };
        latencies.push(performance.now() - started);
        if (body.errors !== undefined) errors += 1;
      }
    }),
  );
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))] ?? Number.NaN;
  return { operation: op.name, concurrency, requests: latencies.length, errors, rps: latencies.length / seconds, p50: pct(50), p95: pct(95), p99: pct(99) };
}

const results = [];
for (const op of OPERATIONS.filter((o) => args.only === undefined || o.name.includes(args.only))) {
  for (const concurrency of [1, 10]) {
    const r = await run(op, concurrency);
    results.push(r);
    console.error(`${r.operation} ×${concurrency}: ${r.rps.toFixed(0)} req/s, p50 ${r.p50.toFixed(1)} ms, p95 ${r.p95.toFixed(1)} ms${r.errors ? `, ${r.errors} errors` : ""}`);
  }
}
await server.close();
await apollo.stop();
await database.close();

const at = new Date().toISOString();
fs.mkdirSync(new URL("./results/", import.meta.url), { recursive: true });
fs.writeFileSync(new URL(`./results/queries-${at.replaceAll(":", "-")}.json`, import.meta.url), `${JSON.stringify({ at, shipments, quarter, seconds, results }, null, 2)}\n`);
console.log(`Shipments in the database: ${shipments.toLocaleString("en-IN")}; quarter ${quarter}.\n`);
console.log("| operation | clients | req/s | p50 ms | p95 ms | p99 ms | errors |\n|---|---|---|---|---|---|---|");
for (const r of results) {
  console.log(`| ${r.operation} | ${r.concurrency} | ${r.rps.toFixed(0)} | ${r.p50.toFixed(1)} | ${r.p95.toFixed(1)} | ${r.p99.toFixed(1)} | ${r.errors} |`);
}
