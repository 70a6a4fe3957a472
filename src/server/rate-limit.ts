import { Redis } from "ioredis";
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { logger } from "./logger.js";

/**
 * Per-caller request limits (API key, token subject or IP address). Two kinds:
 * - in memory (createRateLimiter), the single-process default: token buckets, `burst` requests at once,
 *   refilled at `perMinute`. Behind a load balancer with N processes a caller gets up to N times the rate.
 * - shared through Redis (createRedisRateLimiter, when DAKGRAPH_REDIS_URL is set): one budget per caller
 *   across every replica, through rate-limiter-flexible (README "Several replicas" has the measurements
 *   that chose Redis over PostgreSQL for it).
 */
export interface RateLimiter {
  /** Takes `cost` tokens; resolves 0 when allowed, else the whole seconds to wait before retrying. */
  take(key: string, cost: number): Promise<number>;
  /** Lets go of the store's connection, if any. */
  close(): Promise<void>;
}

/** The in-memory token bucket, with its clock exposed for tests. */
export interface MemoryRateLimiter extends RateLimiter {
  takeAt(key: string, cost: number, now: number): number;
}

export function createRateLimiter(perMinute: number, burst: number, maxBuckets = 100_000): MemoryRateLimiter {
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  const takeAt = (key: string, cost: number, now: number): number => {
    let bucket = buckets.get(key);
    if (bucket === undefined) {
      // Bounds memory against a spray of keys. Dropping every bucket also forgets partly drained ones: each of those
      // callers starts again with a full burst, so at most `burst` extra requests per caller each time the map fills.
      if (buckets.size >= maxBuckets) buckets.clear();
      bucket = { tokens: burst, at: now };
      buckets.set(key, bucket);
    }
    bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * perMs);
    bucket.at = now;
    if (bucket.tokens >= cost) {
      bucket.tokens -= cost;
      return 0;
    }
    return Math.max(1, Math.ceil((cost - bucket.tokens) / perMs / 1000));
  };
  return {
    takeAt,
    take: async (key, cost) => takeAt(key, cost, Date.now()),
    close: async () => {},
  };
}

/**
 * The shared limit as a fixed window, which is what rate-limiter-flexible keeps in Redis (one atomic
 * INCRBY with expiry per request): `burst` requests per window of burst/perMinute minutes, so the same
 * most-at-once and the same rate over a minute as the token bucket; a window is at least 1 s, so a burst
 * below one second's rate is raised to it. Unlike a bucket, a caller can spend one window's budget at its
 * end and the next one's at once: up to twice `burst` in a moment, never more than the rate over time.
 */
export function sharedWindow(perMinute: number, burst: number): { points: number; durationSeconds: number } {
  const durationSeconds = Math.max(1, Math.round((60 * burst) / perMinute));
  return { points: Math.max(burst, Math.round((perMinute * durationSeconds) / 60)), durationSeconds };
}

export interface RedisRateLimiterOptions {
  readonly url: string;
  /** Prefix of the limiter's Redis keys: deployments (and test runs) sharing one Redis keep apart by it. */
  readonly keyPrefix: string;
  readonly perMinute: number;
  readonly burst: number;
  /** Longest a Redis connection may take to open, in ms. */
  readonly connectTimeoutMs?: number;
}

/**
 * Redis down or slow: the limiter falls back to a per-process limit with the same window (rate-limiter-flexible's
 * insurance limiter), as a single process would have; it is not failing closed, since Redis going away must
 * not refuse every request of every replica, nor open, since an abusive caller is still held to N times its
 * limit. Commands are not queued while Redis is away (ioredis's offline queue is off): they fail at once and the
 * fallback answers, so a request never waits on a reconnect. ioredis reconnects in the background.
 */
export function createRedisRateLimiter(options: RedisRateLimiterOptions): RateLimiter {
  const { points, durationSeconds } = sharedWindow(options.perMinute, options.burst);
  const client = new Redis(options.url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    connectTimeout: options.connectTimeoutMs ?? 1000,
    // The limit is consulted on the request's path: a Redis that accepts the connection but hangs must not hold it.
    commandTimeout: 250,
    retryStrategy: (times) => Math.min(times * 100, 2000),
  });
  let down = false;
  client.on("error", (error: Error) => {
    if (down) return;
    down = true;
    logger.warn("rate limit: Redis unavailable; each process limits callers on its own until it is back", { error: error.message });
  });
  client.on("ready", () => {
    if (down) logger.info("rate limit: Redis is back; the limit is shared again");
    down = false;
  });
  const limiter = new RateLimiterRedis({
    storeClient: client,
    keyPrefix: `${options.keyPrefix}:rate`,
    points,
    duration: durationSeconds,
    rejectIfRedisNotReady: true,
    // A caller over its limit stays over it until the window ends: this process refuses it without asking Redis.
    inMemoryBlockOnConsumed: points + 1,
    insuranceLimiter: new RateLimiterMemory({ points, duration: durationSeconds }),
  });
  return {
    async take(key, cost) {
      try {
        await limiter.consume(key, cost);
        return 0;
      } catch (result) {
        if (result instanceof RateLimiterRes) return Math.max(1, Math.ceil(result.msBeforeNext / 1000));
        throw result;
      }
    },
    async close() {
      client.disconnect();
    },
  };
}
