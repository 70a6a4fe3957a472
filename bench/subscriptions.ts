import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { print } from "graphql";
import { createClient, type Client } from "graphql-ws";
import WebSocket from "ws";
import { openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { RecordScanEventsDocument } from "../src/generated/operations.js";
import { createApiKey, revokeApiKey } from "../src/modules/access/access.keys.js";
import { ensureDatabase, ensureDemoData, sampleBookings } from "./dataset.js";
import { cpuMsOf, memoryOf, ROOT, START, startServer } from "./processes.js";
import { percentile } from "./stats.js";

/*
 * `npm run bench:subscriptions [-- options]`: N WebSocket subscribers (graphql-ws, one socket each) on one graph
 * process follow one shipment (shipmentUpdated); scans of it are recorded through the mutation over HTTP, one at a
 * time, and every subscriber's arrival is timed from the moment the mutation answered (its transaction committed)
 * and from the moment it was sent. The server runs as `npm start` runs it, in production mode, over the bench's
 * PostgreSQL database; its memory is read from /proc before and after the subscribers join. See README "Benchmark".
 */

const { values: args } = parseArgs({
  options: {
    subscribers: { type: "string", default: "1000" },
    events: { type: "string", default: "20" },
    shipments: { type: "string", default: "1000000" },
    reseed: { type: "boolean", default: false },
  },
});
const subscriberCount = Number(args.subscribers);
const eventCount = Number(args.events);
const shipments = Number(args.shipments.replaceAll(/[,_]/g, ""));
const url = process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/dakgraph_bench";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const SUBSCRIPTION = "subscription ($tn: [TrackingNumber!]!) { shipmentUpdated(trackingNumbers: $tn) { trackingNumber status lastEvent { eventType occurredAt } } }";

await ensureDatabase(url);
const database = await openDatabase({ databaseUrl: url, dataDir: null });
let server: Awaited<ReturnType<typeof startServer>> | undefined;
let keyId: number | undefined;
const clients: Client[] = [];
try {
  await migrate(database);
  await ensureDemoData(database, url, shipments, args.reseed);
  // A sample of blocks may hold no row: ask again.
  let booking: { trackingNumber: string; bookingDate: string } | undefined;
  for (let attempt = 0; attempt < 10 && booking === undefined; attempt += 1) [booking] = await sampleBookings(database, 100, shipments);
  if (booking === undefined) throw new Error("The bench database has no demo shipment to follow.");
  const created = await createApiKey(database.db, { name: `bench subscriptions ${new Date().toISOString()}`, organisation: "PARTNERSHIP", roles: ["OPERATOR"] });
  keyId = created.summary.id;
  const authorization = `Bearer ${created.key}`;
  server = await startServer({
    name: "graph-subscriptions",
    script: START.script,
    nodeFlags: START.flags,
    env: {
      NODE_ENV: "production",
      LOG_LEVEL: "info",
      HOST: "127.0.0.1",
      PORT: "0",
      DATABASE_URL: url,
      DAKGRAPH_LOAD_DIRECTORY: "false",
      DAKGRAPH_SEED_DEMO: "false",
      DAKGRAPH_RATE_LIMIT_BURST: "100000",
    },
    ready: /dakgraph serving (http:\/\/\S+)/,
    logFile: path.join(ROOT, "bench/results/logs/graph-subscriptions.log"),
  });
  const graphUrl = server.url.replace("//localhost:", "//127.0.0.1:");
  const pid = server.pid;

  // Each arrival per event, per subscriber: performance.now() when its `next` came.
  const arrivals: number[][] = [];
  let current = -1;
  const subscribe = () => {
    const client = createClient({ url: graphUrl.replace(/^http/, "ws"), webSocketImpl: WebSocket, connectionParams: { Authorization: authorization }, lazy: false, retryAttempts: 0 });
    clients.push(client);
    client.subscribe(
      { query: SUBSCRIPTION, variables: { tn: [booking.trackingNumber] } },
      {
        next: (result) => {
          if (result.errors !== undefined) throw new Error(JSON.stringify(result.errors));
          if (current >= 0) arrivals[current]!.push(performance.now());
        },
        error: (error) => console.error("subscription failed", error),
        complete: () => {},
      },
    );
  };
  let clock = Date.now() - 60 * 60_000;
  const record = async () => {
    const events = [{ trackingNumber: booking.trackingNumber, bookingDate: booking.bookingDate, occurredAt: new Date((clock += 1000)).toISOString(), event: "BAGGED" }];
    const response = await fetch(graphUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization },
      body: JSON.stringify({ query: print(RecordScanEventsDocument), variables: { input: { events } } }),
    });
    const body = (await response.json()) as { errors?: unknown };
    if (body.errors !== undefined) throw new Error(`recordScanEvents failed: ${JSON.stringify(body.errors)}`);
  };

  // Warm: one subscriber hears one event, so schema, plans and connections are what a running server has.
  subscribe();
  await sleep(1000);
  await record();
  await sleep(1500);
  const rssBefore = memoryOf(pid).rssMb;
  const joined = performance.now();
  for (let i = 1; i < subscriberCount; i += 1) {
    subscribe();
    // In steps of 100 sockets, as a fleet of dashboards reconnecting would: the bench measures delivery, not a SYN flood.
    if (i % 100 === 0) await sleep(50);
  }
  // Subscribed: graphql-ws acknowledges connections, not subscriptions; wait until an event reaches them all.
  arrivals.push([]);
  current = 0;
  for (let attempt = 0; attempt < 20 && arrivals[0]!.length < subscriberCount; attempt += 1) {
    arrivals[0] = [];
    await sleep(1000);
    await record();
    await sleep(1000);
  }
  if (arrivals[0]!.length < subscriberCount) throw new Error(`only ${arrivals[0]!.length} of ${subscriberCount} subscribers heard an event`);
  const joinSeconds = (performance.now() - joined) / 1000;
  await sleep(2000);
  const rssAfter = memoryOf(pid).rssMb;

  // The notification goes out at commit, before the mutation's answer is written: "after the answer" can be negative,
  // so the table times from the send, and the fan-out from the first subscriber's arrival.
  const fromAnswer: number[] = [];
  const fromSend: number[] = [];
  const fanOut: number[] = [];
  const mutations: number[] = [];
  const cpuBefore = cpuMsOf(pid);
  for (let i = 1; i <= eventCount; i += 1) {
    arrivals.push([]);
    current = i;
    const sent = performance.now();
    await record();
    const committed = performance.now();
    const deadline = committed + 10_000;
    while (arrivals[i]!.length < subscriberCount && performance.now() < deadline) await sleep(2);
    if (arrivals[i]!.length < subscriberCount) throw new Error(`event ${i}: ${arrivals[i]!.length} of ${subscriberCount} subscribers heard it within 10 s`);
    const first = Math.min(...arrivals[i]!);
    mutations.push(committed - sent);
    for (const at of arrivals[i]!) {
      fromAnswer.push(at - committed);
      fromSend.push(at - sent);
      fanOut.push(at - first);
    }
    await sleep(200);
  }
  const cpuPerEvent = (cpuMsOf(pid) - cpuBefore) / eventCount;
  for (const list of [fromAnswer, fromSend, fanOut, mutations]) list.sort((a, b) => a - b);
  const ms = (v: number) => `${v.toFixed(1)} ms`;
  const row = (name: string, s: number[]) => `| ${name} | ${ms(percentile(s, 50))} | ${ms(percentile(s, 95))} | ${ms(percentile(s, 99))} | ${ms(s.at(-1)!)} |`;
  const report = [
    `# Subscriptions bench, ${new Date().toISOString()}`,
    "",
    `${subscriberCount} subscribers (one WebSocket each, shipmentUpdated of one shipment) on one graph process, ${eventCount} scans recorded one at a time over HTTP; ${shipments.toLocaleString("en-IN")} demo shipments on PostgreSQL.`,
    "",
    "| delivery, every subscriber of every event | p50 | p95 | p99 | max |",
    "|---|---|---|---|---|",
    row("after the mutation was sent", fromSend),
    row("after the first subscriber heard it (fan-out)", fanOut),
    row("after the mutation's answer arrived", fromAnswer),
    row("the mutation itself (send to answer)", mutations),
    "",
    `Server RSS ${rssBefore.toFixed(1)} MB with one subscriber, ${rssAfter.toFixed(1)} MB with ${subscriberCount}: ${(((rssAfter - rssBefore) * 1024) / (subscriberCount - 1)).toFixed(1)} KB per subscriber (socket, subscription, its buffers). ${subscriberCount} subscribers joined and heard a first event in ${joinSeconds.toFixed(1)} s. Server CPU per event (${subscriberCount} deliveries, the mutation included): ${cpuPerEvent.toFixed(0)} ms.`,
    "",
  ].join("\n");
  console.log(report);
  const out = path.join(ROOT, "bench/results", `subscriptions-${new Date().toISOString().replaceAll(/[:.]/g, "-")}.md`);
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, report);
} finally {
  await Promise.all(clients.map((client) => client.dispose()));
  await server?.stop();
  if (keyId !== undefined) await revokeApiKey(database.db, String(keyId));
  await database.close();
}
