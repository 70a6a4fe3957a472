import "reflect-metadata";
import { openDatabase, type Database } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { SearchPostOfficesDocument, UpsertPickupLocationDocument } from "../src/generated/operations.js";
import { createApiKey } from "../src/modules/access/access.keys.js";
import { importPostOfficeCsv } from "../src/modules/post-office/post-office.import.js";
import { DIRECTORY_FIXTURE } from "../test/support/delhi-pickup.js";
import { createTestGraph, root } from "../test/support/graph.js";
import { startTestServer } from "../test/support/http.js";
import { PostgresServer, postgresUnavailable } from "../test/support/postgres-server.js";
import { percentile } from "./stats.js";

/*
 * `npm run bench:read-replicas`: what read routing costs and where reads go. A PostgreSQL 15 primary and a streaming
 * replica of its own (pg_basebackup -R, from /usr/lib/postgresql/15/bin or DAKGRAPH_TEST_PG_BIN), the HTTP server
 * in-process over the primary alone and over primary + replica, in turns, the same reads from CONNECTIONS clients:
 * requests per second, latency, and the statements each server ran. Both servers live on this machine, so this
 * measures the router's own cost and the split of the load, not the capacity a replica on its own machine adds.
 *
 * BENCH_REPLICA_SECONDS (per round, default 8), BENCH_REPLICA_ROUNDS (default 2), BENCH_REPLICA_CONNECTIONS
 * (default 8); DAKGRAPH_TEST_REPLICA_PORTS=primary,replica pins the PostgreSQL ports.
 */

const SECONDS = Number(process.env.BENCH_REPLICA_SECONDS ?? "8");
const ROUNDS = Number(process.env.BENCH_REPLICA_ROUNDS ?? "2");
const CONNECTIONS = Number(process.env.BENCH_REPLICA_CONNECTIONS ?? "8");
const [PRIMARY_PORT, REPLICA_PORT] = (process.env.DAKGRAPH_TEST_REPLICA_PORTS ?? "").split(",").map((port) => (port.trim() === "" ? undefined : Number(port)));

const READS = [
  `{ pickupLocation(code: "LEH-HO") { code name dailyCapacity } }`,
  `{ postOffices(filter: { pincode: "194101" }, first: 3) { nodes { name officeType } } }`,
];

interface Round {
  readonly requests: number;
  readonly seconds: number;
  readonly latencies: number[];
  readonly errors: number;
}

async function drive(url: string, key: string): Promise<Round> {
  const latencies: number[] = [];
  let errors = 0;
  const started = performance.now();
  const until = started + SECONDS * 1000;
  await Promise.all(
    Array.from({ length: CONNECTIONS }, async (_, client) => {
      for (let turn = client; performance.now() < until; turn += 1) {
        const sent = performance.now();
        const response = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
          body: JSON.stringify({ query: READS[turn % READS.length] }),
        });
        const body = (await response.json()) as { errors?: unknown };
        if (response.status !== 200 || body.errors !== undefined) errors += 1;
        latencies.push(performance.now() - sent);
      }
    }),
  );
  return { requests: latencies.length, seconds: (performance.now() - started) / 1000, latencies, errors };
}

async function main(): Promise<void> {
  if (postgresUnavailable !== null) {
    console.log(`bench:read-replicas skipped: ${postgresUnavailable}`);
    return;
  }
  const primary = await PostgresServer.create(PRIMARY_PORT);
  let replica: PostgresServer | undefined;
  const opened: Database[] = [];
  try {
    await primary.start();
    const setup = await openDatabase({ databaseUrl: primary.url, dataDir: null, maxConnections: 2 });
    opened.push(setup);
    await migrate(setup);
    await importPostOfficeCsv(setup, DIRECTORY_FIXTURE, {});
    const key = (await createApiKey(setup.db, { name: "bench", organisation: "PARTNERSHIP", roles: ["ADMIN"] })).key;
    const graph = await createTestGraph(setup);
    const offices = await graph.execute(SearchPostOfficesDocument, { filter: { pincode: "194101" } });
    const office = root(offices, "postOffices").nodes[0]!.id;
    await graph.execute(UpsertPickupLocationDocument, { input: { code: "LEH-HO", name: "Leh", postOfficeId: office, city: "Leh", activeFrom: "2022-01-01", dailyCapacity: 50 } as never });
    await graph.stop();
    replica = await PostgresServer.replicaOf(primary, REPLICA_PORT);
    await replica.start();

    const plain = await openDatabase({ databaseUrl: primary.url, dataDir: null, maxConnections: 8 });
    const routed = await openDatabase({ databaseUrl: primary.url, dataDir: null, maxConnections: 8, replicaUrls: [replica.url] });
    opened.push(plain, routed);
    await routed.routing!.checked();
    const env = { DAKGRAPH_RATE_LIMIT_PER_MINUTE: "1000000", DAKGRAPH_RATE_LIMIT_BURST: "1000000" };
    const servers = { "primary only": await startTestServer(plain, env), "primary + replica": await startTestServer(routed, env) };
    const results: Record<string, Round[]> = { "primary only": [], "primary + replica": [] };
    // A warm-up round each (connections, prepared statements, JIT of our own code), then the measured rounds in turns.
    for (const server of Object.values(servers)) await drive(server.url, key);
    const before = routed.routing!.targets().map((t) => ({ ...t }));
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, server] of Object.entries(servers)) results[name]!.push(await drive(server.url, key));
    }
    const after = routed.routing!.targets();
    for (const server of Object.values(servers)) await server.close();

    console.log(`bench:read-replicas: ${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s each, reads alternating a single statement and a resolvers' search`);
    for (const [name, rounds] of Object.entries(results)) {
      const latencies = rounds.flatMap((r) => r.latencies).sort((a, b) => a - b);
      const requests = rounds.reduce((n, r) => n + r.requests, 0);
      const seconds = rounds.reduce((n, r) => n + r.seconds, 0);
      const errors = rounds.reduce((n, r) => n + r.errors, 0);
      console.log(
        `  ${name.padEnd(18)} ${(requests / seconds).toFixed(0).padStart(6)} req/s  p50 ${percentile(latencies, 50).toFixed(2)} ms  p95 ${percentile(latencies, 95).toFixed(2)} ms  ${errors} errors`,
      );
    }
    for (const target of after) {
      const was = before.find((t) => t.name === target.name)!;
      console.log(`  primary + replica: ${target.statements - was.statements} statements on ${target.name} (${target.role}${target.role === "replica" ? `, ${target.state}, lag ${target.lagMs} ms` : ""})`);
    }
  } finally {
    for (const database of opened) await database.close().catch(() => {});
    await replica?.dispose();
    await primary.dispose();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
