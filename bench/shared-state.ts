import "reflect-metadata";
import fs from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { sql } from "drizzle-orm";
import { drizzle } from "drizzle-orm/postgres-js";
import { integer, pgTable, text, timestamp } from "drizzle-orm/pg-core";
import postgres from "postgres";
import { Redis } from "ioredis";
import { RateLimiterDrizzle, RateLimiterRes } from "rate-limiter-flexible";
import { type Database, openDatabase } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { DATA_CHANGED_CHANNEL, notifySql } from "../src/db/notify.js";
import { createApiKey, hashApiKey } from "../src/modules/access/access.keys.js";
import { useApiKey } from "../src/modules/access/access.repository.js";
import { createRateLimiter, createRedisRateLimiter, type RateLimiter, sharedWindow } from "../src/server/rate-limit.js";
import { ensureDatabase } from "./dataset.js";
import { ROOT } from "./processes.js";
import { percentile } from "./stats.js";

/*
 * `npm run bench:shared-state [-- options]`: what sharing state between replicas costs (README "Several replicas").
 * - The rate limit's store: one take() per request, in memory, in Redis (rate-limiter-flexible's RateLimiterRedis,
 *   what DAKGRAPH_REDIS_URL uses), and in PostgreSQL (rate-limiter-flexible's RateLimiterDrizzle: the same fixed
 *   window as one upsert per request, on the bench's database). Latency per take one at a time and with
 *   concurrent requests, and the Node process's CPU per take.
 * - The key cache's backstop TTL: what one key lookup (a cache miss) costs.
 * - The change feed: what the notify adds to a writing transaction, and how long from commit to a listener in
 *   another connection hearing it.
 * The bench's database is its own (created when missing, like `npm run bench`'s); the limiter table is made and
 * dropped by the run.
 */

const { values: args } = parseArgs({
  options: {
    takes: { type: "string", default: "5000" },
    concurrency: { type: "string", default: "16" },
    callers: { type: "string", default: "1000" },
  },
});
const takes = Number(args.takes);
const concurrency = Number(args.concurrency);
const callers = Number(args.callers);
const url = process.env.BENCH_DATABASE_URL || "postgres://postgres@127.0.0.1:5432/dakgraph_bench_replicas";
const redisUrl = process.env.BENCH_REDIS_URL || "redis://127.0.0.1:6379";

/** The limiter's table, as rate-limiter-flexible's RateLimiterDrizzle expects it. */
const rateLimitTable = pgTable("bench_rate_limit", {
  key: text("key").primaryKey(),
  points: integer("points").notNull(),
  expire: timestamp("expire"),
});

interface Measured {
  readonly name: string;
  readonly p50: number;
  readonly p99: number;
  readonly concurrentP50: number;
  readonly concurrentP99: number;
  readonly perSecond: number;
  readonly cpuUsPerTake: number;
  readonly extra: string;
}

async function measure(name: string, take: (key: string) => Promise<unknown>, extra: () => Promise<string> = async () => ""): Promise<Measured> {
  // Warm-up: connections open, scripts loaded, statements prepared.
  for (let i = 0; i < 200; i += 1) await take(`warm:${i}`);
  const serial: number[] = [];
  const cpu = process.cpuUsage();
  for (let i = 0; i < takes; i += 1) {
    const started = performance.now();
    await take(`caller:${i % callers}`);
    serial.push(performance.now() - started);
  }
  const cpuUs = process.cpuUsage(cpu);
  const concurrent: number[] = [];
  const wallStarted = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < takes) {
        const i = next++;
        const started = performance.now();
        await take(`caller:${i % callers}`);
        concurrent.push(performance.now() - started);
      }
    }),
  );
  const wall = (performance.now() - wallStarted) / 1000;
  serial.sort((a, b) => a - b);
  concurrent.sort((a, b) => a - b);
  return {
    name,
    p50: percentile(serial, 50),
    p99: percentile(serial, 99),
    concurrentP50: percentile(concurrent, 50),
    concurrentP99: percentile(concurrent, 99),
    perSecond: takes / wall,
    cpuUsPerTake: (cpuUs.user + cpuUs.system) / takes,
    extra: await extra(),
  };
}

const ms = (value: number) => value.toFixed(3);

async function main(): Promise<void> {
  await ensureDatabase(url);
  const database = await openDatabase({ databaseUrl: url, dataDir: null, maxConnections: 20 });
  const other = await openDatabase({ databaseUrl: url, dataDir: null, maxConnections: 2 });
  const raw = postgres(url, { max: concurrency, onnotice: () => {} });
  const lines: string[] = [];
  try {
    await migrate(database);
    const { points, durationSeconds } = sharedWindow(600, 60);
    const results: Measured[] = [];

    // Far above the callers' budget: every take is allowed, as for a caller within its limit.
    const memory = createRateLimiter(1_000_000, 1_000_000);
    results.push(await measure("memory (token bucket, per process)", (key) => memory.take(key, 1)));

    const redisPrefix = `bench-${process.pid}`;
    const redis: RateLimiter = createRedisRateLimiter({ url: redisUrl, keyPrefix: redisPrefix, perMinute: 1_000_000, burst: 1_000_000 });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const inspect = new Redis(redisUrl);
    results.push(
      await measure("Redis (rate-limiter-flexible RateLimiterRedis)", (key) => redis.take(key, 1), async () => {
        // A take Redis did not answer in time went to the per-process fallback: count the ones it counted.
        const keys = await inspect.keys(`${redisPrefix}:*`);
        const counted = keys.length === 0 ? 0 : (await inspect.mget(...keys)).reduce((sum, value) => sum + Number(value), 0);
        if (keys.length > 0) await inspect.del(...keys);
        return `${counted} of ${2 * takes + 200} takes counted in Redis`;
      }),
    );
    inspect.disconnect();
    await redis.close();

    await raw`drop table if exists bench_rate_limit`;
    await raw`create table bench_rate_limit (key text primary key, points integer not null, expire timestamp)`;
    const pgLimiter = new RateLimiterDrizzle({ storeClient: drizzle({ client: raw }), schema: rateLimitTable, points: 1_000_000, duration: 60, clearExpiredByTimeout: false });
    results.push(
      await measure(
        "PostgreSQL (rate-limiter-flexible RateLimiterDrizzle, one upsert)",
        (key) => pgLimiter.consume(key, 1).catch((error: unknown) => (error instanceof RateLimiterRes ? error : Promise.reject(error))),
        // Each take updates a row on the primary: a new row version (WAL, and a dead tuple for vacuum) per request.
        async () => "one row update per take",
      ),
    );
    await raw`drop table bench_rate_limit`;

    lines.push(
      `## Rate limit store: one take() per request (${takes} takes over ${callers} callers; window ${points}/${durationSeconds} s at the defaults)`,
      "",
      "| store | p50 ms | p99 ms | p50 ms, " + concurrency + " at once | p99 ms, " + concurrency + " at once | takes/s at once | Node CPU µs/take | other |",
      "|---|---|---|---|---|---|---|---|",
      ...results.map((r) => `| ${r.name} | ${ms(r.p50)} | ${ms(r.p99)} | ${ms(r.concurrentP50)} | ${ms(r.concurrentP99)} | ${Math.round(r.perSecond)} | ${Math.round(r.cpuUsPerTake)} | ${r.extra} |`),
      "",
    );

    // A key lookup: what the cache saves, and the backstop TTL spends once per key per 5 s per process.
    const { key } = await createApiKey(database.db, { name: "bench replicas", organisation: "PARTNERSHIP", roles: ["ADMIN"] });
    const digest = hashApiKey(key);
    const lookups: number[] = [];
    for (let i = 0; i < 2000; i += 1) {
      const started = performance.now();
      await useApiKey(database.db, digest);
      lookups.push(performance.now() - started);
    }
    lookups.sort((a, b) => a - b);
    lines.push(
      "## Key cache backstop",
      "",
      `One key lookup (useApiKey, the cache miss): p50 ${ms(percentile(lookups, 50))} ms, p99 ${ms(percentile(lookups, 99))} ms. ` +
        "A TTL of 5 s spends it once per active key every 5 s per process.",
      "",
    );

    // The notify a writing transaction adds, and delivery to another connection.
    await database.db.execute(sql`create temporary table if not exists bench_notify (n int)`);
    const withNotify: number[] = [];
    const heard: number[] = [];
    let sentAt = 0;
    let waiting: (() => void) | null = null;
    const unlisten = await other.listen(DATA_CHANGED_CHANNEL, () => {
      heard.push(performance.now() - sentAt);
      waiting?.();
    });
    for (let i = 0; i < 500; i += 1) {
      const arrived = new Promise<void>((resolve) => (waiting = resolve));
      let started = 0;
      await database.transaction(async ({ db }) => {
        await db.execute(sql`select 1`);
        started = performance.now();
        await db.execute(notifySql(DATA_CHANGED_CHANNEL, "bench"));
        withNotify.push(performance.now() - started);
        // From here: COMMIT sent, then delivered (the listener may hear it before the commit's answer is read).
        sentAt = performance.now();
      });
      await arrived;
    }
    await unlisten();
    withNotify.sort((a, b) => a - b);
    heard.sort((a, b) => a - b);
    lines.push(
      "## Change feed",
      "",
      `The notify statement inside a transaction: p50 ${ms(percentile(withNotify, 50))} ms, p99 ${ms(percentile(withNotify, 99))} ms. ` +
        `From the work's end (COMMIT sent) to a listener on another connection hearing it: p50 ${ms(percentile(heard, 50))} ms, p99 ${ms(percentile(heard, 99))} ms (${heard.length} messages).`,
      "",
    );
  } finally {
    await raw.end({ timeout: 1 });
    await other.close();
    await database.close();
  }
  const report = [`# Replicas: shared state costs, ${new Date().toISOString()}`, "", ...lines].join("\n");
  console.log(report);
  const directory = path.join(ROOT, "bench", "results");
  fs.mkdirSync(directory, { recursive: true });
  fs.writeFileSync(path.join(directory, `replicas-${new Date().toISOString().replaceAll(":", "-")}.md`), `${report}\n`);
}

await main();
