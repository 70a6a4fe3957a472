/**
 * Token buckets in memory, one per caller (API key, token subject or IP address): `burst` requests
 * at once, refilled at `perMinute`. Per process: behind a load balancer with N processes a caller
 * gets up to N times the rate; that is acceptable for abuse protection, not for billing.
 */
export interface RateLimiter {
  /** Takes `cost` tokens; returns 0 when allowed, else the whole seconds to wait before retrying. */
  take(key: string, cost: number, now?: number): number;
}

export function createRateLimiter(perMinute: number, burst: number, maxBuckets = 100_000): RateLimiter {
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    take(key, cost, now = Date.now()) {
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
    },
  };
}
