import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import { createRedisRateLimiter, type RateLimiter } from "../src/server/rate-limit.js";
import { freePort } from "./support/postgres-server.js";

/*
 * The rate limit shared through Redis (DAKGRAPH_REDIS_URL): two limiters stand for two replicas, each with its
 * own connection. Runs where Redis answers at TEST_REDIS_URL (default: the local one CI provides).
 */

const REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

async function redisAnswers(): Promise<boolean> {
  const probe = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on("error", () => {});
  try {
    await probe.connect();
    return (await probe.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

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
