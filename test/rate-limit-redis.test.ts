import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import fs from "node:fs";
import { Redis } from "ioredis";
import { TEST_REDIS_URL, redisAnswers } from "./support/redis.js";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisRateLimiter, type RateLimiter } from "../src/server/rate-limit.js";
import { freePort } from "./support/postgres-server.js";

/*
 * The rate limit shared through Redis (DAKGRAPH_REDIS_URL): two limiters stand for two replicas, each with its
 * own connection. Runs where Redis answers at TEST_REDIS_URL (default: the local one CI provides).
 */

const REDIS_URL = TEST_REDIS_URL;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe.skipIf(!(await redisAnswers()))("rate limit shared through Redis", () => {
  // Test runs sharing the Redis keep to their own keys.
  const keyPrefix = `dakgraph-test-${randomBytes(6).toString("hex")}`;
  const limiters: RateLimiter[] = [];
  const limiter = (url = REDIS_URL, perMinute = 60, burst = 10) => {
    const made = createRedisRateLimiter({ url, keyPrefix, perMinute, burst, connectTimeoutMs: 500 });
    limiters.push(made);
    return made;
  };
  afterAll(async () => {
    await Promise.all(limiters.map((each) => each.close()));
    const redis = new Redis(REDIS_URL);
    const keys = await redis.keys(`${keyPrefix}:*`);
    if (keys.length > 0) await redis.del(...keys);
    redis.disconnect();
  });

  it("holds a caller to one budget across replicas, with Retry-After to the window's end", async () => {
    const [a, b] = [limiter(), limiter()];
    // Ready connections: a limiter asked before its connection is ready answers from its own fallback.
    await sleep(300);
    const answers: number[] = [];
    for (let i = 0; i < 16; i += 1) answers.push(await (i % 2 === 0 ? a : b).take("key:1", 1));
    expect(answers.filter((wait) => wait === 0)).toHaveLength(10);
    // 10 a window of 10 s (60 a minute): the wait is at most the window.
    for (const wait of answers.slice(10)) expect(wait).toBeGreaterThanOrEqual(1), expect(wait).toBeLessThanOrEqual(10);
    // Another caller has its own budget.
    expect(await b.take("key:2", 3)).toBe(0);
    // A batch of operations costs its count.
    expect(await a.take("key:2", 8)).toBeGreaterThan(0);
  });

  it("falls back to a per-process limit when Redis cannot be reached, without waiting on it", async () => {
    const nowhere = `redis://127.0.0.1:${await freePort()}`;
    const [a, b] = [limiter(nowhere, 60, 5), limiter(nowhere, 60, 5)];
    const started = Date.now();
    const answers = await Promise.all([a, b].map(async (each) => {
      const waits: number[] = [];
      for (let i = 0; i < 7; i += 1) waits.push(await each.take("key:3", 1));
      return waits;
    }));
    expect(Date.now() - started).toBeLessThan(1000);
    // Each process holds the caller to the limit on its own: 5 each, not 5 in all.
    for (const waits of answers) expect(waits.filter((wait) => wait === 0)).toHaveLength(5);
  });
});

/** A Redis server of the test's own, to stop and start (the shared one must not be touched). */
const REDIS_SERVER = "/usr/bin/redis-server";

describe.skipIf(!fs.existsSync(REDIS_SERVER))("rate limit through a Redis that stops and comes back", () => {
  let server: ChildProcess | null = null;
  let port = 0;
  const startRedis = async () => {
    server = spawn(REDIS_SERVER, ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"], { stdio: "ignore" });
    for (let i = 0; i < 100 && !(await redisAnswers(`redis://127.0.0.1:${port}`, 300)); i += 1) await sleep(50);
  };
  const stopRedis = async () => {
    const stopping = server!;
    const exited = new Promise((resolve) => stopping.once("exit", resolve));
    stopping.kill("SIGKILL");
    await exited;
    server = null;
  };
  afterAll(async () => {
    if (server !== null) await stopRedis();
  });

  it("falls back while Redis is away, answering at once, and shares the limit again once it is back", async () => {
    port = await freePort();
    await startRedis();
    const url = `redis://127.0.0.1:${port}`;
    const [a, b] = [0, 1].map(() => createRedisRateLimiter({ url, keyPrefix: "outage", perMinute: 60, burst: 4, connectTimeoutMs: 500 }));
    try {
      await sleep(300);
      // Shared: 4 in all.
      const shared = [];
      for (let i = 0; i < 6; i += 1) shared.push(await (i % 2 === 0 ? a! : b!).take("k1", 1));
      expect(shared.filter((wait) => wait === 0)).toHaveLength(4);

      await stopRedis();
      const started = Date.now();
      const alone = [];
      for (let i = 0; i < 6; i += 1) alone.push(await a!.take("k2", 1));
      // Each take answered by the fallback without waiting on a reconnect.
      expect(Date.now() - started).toBeLessThan(1500);
      expect(alone.filter((wait) => wait === 0)).toHaveLength(4);

      await startRedis();
      // ioredis reconnects in the background (its retries are at most 2 s apart).
      await sleep(2500);
      const again = [];
      for (let i = 0; i < 6; i += 1) again.push(await (i % 2 === 0 ? a! : b!).take("k3", 1));
      expect(again.filter((wait) => wait === 0)).toHaveLength(4);
      // Counted in the new Redis: the limit is shared again.
      const inspect = new Redis(url);
      expect(Number(await inspect.get("outage:rate:k3"))).toBe(6);
      inspect.disconnect();
    } finally {
      await Promise.all([a!.close(), b!.close()]);
    }
  });
});

