import type { ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { TEST_REDIS_URL, redisAnswers } from "./support/redis.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "../src/modules/access/access.keys.js";
import { RESPONSE_CACHE_HEADER } from "../src/server/response-cache.js";
import { startServerProcess } from "./support/server-process.js";
import { createTestDatabase, engines, type TestDatabase } from "./support/databases.js";

/*
 * Stateless replicas (issue 22 item 1): two server processes, started from src/main.ts as `npm start` starts it
 * (production settings: response cache on), on one PostgreSQL database and one Redis. The rate limit is one
 * budget across both; a key revoked elsewhere stops working on both within 5 s; a write through one empties the
 * other's cached answer. Skipped where no PostgreSQL server answers; the rate-limit case where no Redis does.
 */

const REDIS_URL = TEST_REDIS_URL;
/** 200 requests per window of 10 s (1200 a minute): the window outlasts the test's burst of requests. */
const PER_MINUTE = 1200;
const BURST = 200;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const redisUp = await redisAnswers();

interface Replica {
  readonly child: ChildProcess;
  readonly origin: string;
}

describe.skipIf(!engines.includes("postgres"))("two replicas on one PostgreSQL", () => {
  let test: TestDatabase;
  const replicas: Replica[] = [];
  const keyPrefix = `dakgraph-test-${randomBytes(6).toString("hex")}`;

  async function start(): Promise<Replica> {
    return startServerProcess({
      DATABASE_URL: test.url!,
      DAKGRAPH_POOL_MAX: "4",
      DAKGRAPH_RATE_LIMIT_PER_MINUTE: String(PER_MINUTE),
      DAKGRAPH_RATE_LIMIT_BURST: String(BURST),
      DAKGRAPH_REDIS_URL: redisUp ? REDIS_URL : "",
      DAKGRAPH_REDIS_KEY_PREFIX: keyPrefix,
    });
  }

  async function post(replica: Replica, key: string, body: unknown) {
    const response = await fetch(`${replica.origin}/graphql`, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${key}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, cache: response.headers.get(RESPONSE_CACHE_HEADER), body: (await response.json()) as { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] } };
  }

  const newKey = async (name: string) => (await createApiKey(test.database.db, { name, organisation: "PARTNERSHIP", roles: ["ADMIN"] })).key;

  beforeAll(async () => {
    test = await createTestDatabase("postgres");
    replicas.push(...(await Promise.all([start(), start()])));
  }, 120_000);

  afterAll(async () => {
    for (const { child } of replicas) child.kill("SIGTERM");
    await Promise.all(replicas.map(({ child }) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once("exit", resolve)))));
    await test?.drop();
    if (redisUp) {
      const redis = new Redis(REDIS_URL);
      const keys = await redis.keys(`${keyPrefix}:*`);
      if (keys.length > 0) await redis.del(...keys);
      redis.disconnect();
    }
  });

  it.skipIf(!redisUp)(`holds a caller to one budget of ${BURST} across both replicas`, async () => {
    const key = await newKey("rate limit");
    const [a, b] = replicas as [Replica, Replica];
    // Let both replicas' Redis connections settle: a request before that is limited by its replica alone.
    await Promise.all([post(a, key, { query: "{ __typename }" }), post(b, key, { query: "{ __typename }" })]);
    const started = Date.now();
    const statuses = { a: [] as number[], b: [] as number[] };
    const total = BURST + 60 - 2;
    // Eight clients at a time, every other request to the other replica.
    for (let sent = 0; sent < total; sent += 8) {
      await Promise.all(
        Array.from({ length: Math.min(8, total - sent) }, async (_, i) => {
          const which = (sent + i) % 2 === 0 ? "a" : "b";
          statuses[which].push((await post(which === "a" ? a : b, key, { query: "{ __typename }" })).status);
        }),
      );
    }
    const elapsed = Date.now() - started;
    const allowed = (list: number[]) => list.filter((status) => status === 200).length;
    const limited = (list: number[]) => list.filter((status) => status === 429).length;
    console.log(`replicas test: ${total + 2} requests split across two replicas in ${elapsed} ms: ${allowed(statuses.a) + 2 + allowed(statuses.b)} allowed (${allowed(statuses.a) + 1} + ${allowed(statuses.b) + 1}), ${limited(statuses.a) + limited(statuses.b)} refused 429`);
    expect([...statuses.a, ...statuses.b].every((status) => status === 200 || status === 429)).toBe(true);
    // The window is 10 s: all of them fell in one, so exactly the budget got through, across both.
    expect(elapsed).toBeLessThan(10_000);
    expect(allowed(statuses.a) + allowed(statuses.b) + 2).toBe(BURST);
    expect(limited(statuses.a)).toBeGreaterThan(0);
    expect(limited(statuses.b)).toBeGreaterThan(0);
  });

  it("stops a revoked key on both replicas within 5 s", async () => {
    const key = await newKey("to revoke");
    // Both replicas have the key cached.
    for (const replica of replicas) for (let i = 0; i < 2; i += 1) expect((await post(replica, key, { query: "{ viewer { name } }" })).status).toBe(200);
    await revokeApiKey(test.database.db, key.slice(0, 12));
    const revoked = Date.now();
    const flipped = await Promise.all(
      replicas.map(async (replica) => {
        for (;;) {
          const { status, body } = await post(replica, key, { query: "{ viewer { name } }" });
          if (status === 401) {
            expect(body.errors?.[0]?.extensions?.code).toBe("UNAUTHENTICATED");
            return Date.now() - revoked;
          }
          expect(status).toBe(200);
          expect(Date.now() - revoked).toBeLessThan(5000);
          await sleep(20);
        }
      }),
    );
    console.log(`replicas test: the revoked key refused by the replicas ${flipped.join(" ms and ")} ms after the revocation committed`);
    for (const ms of flipped) expect(ms).toBeLessThan(5000);
  });

  it("empties the other replica's cached answer after a write through one", async () => {
    const key = await newKey("cache");
    const [a, b] = replicas as [Replica, Replica];
    const read = { query: "{ publicHolidays { day name } }" };
    // Read once on A too: A's cache is started, and its own mutation must empty it as well.
    await post(a, key, read);
    const first = await post(b, key, read);
    const second = await post(b, key, read);
    expect(second.cache).toBe("hit");
    expect(second.body).toEqual(first.body);
    const written = await post(a, key, {
      query: `mutation ($input: SetPublicHolidaysInput!) { setPublicHolidays(input: $input) { created } }`,
      variables: { input: { add: [{ date: "2031-10-02", name: "Gandhi Jayanti" }] } },
    });
    expect(written.body).toEqual({ data: { setPublicHolidays: { created: 1 } } });
    const committed = Date.now();
    let after = await post(b, key, read);
    while (after.cache === "hit") {
      expect(Date.now() - committed, "B still served its cached answer").toBeLessThan(2000);
      await sleep(10);
      after = await post(b, key, read);
    }
    const ms = Date.now() - committed;
    console.log(`replicas test: B's cached answer gone ${ms} ms after A's mutation answered`);
    expect(after.cache).toBe("miss");
    expect(JSON.stringify(after.body)).toContain("Gandhi Jayanti");
    // The statistics poll (once a second, published about a second after a commit) could not have done it this fast.
    expect(ms).toBeLessThan(500);
  });
});
