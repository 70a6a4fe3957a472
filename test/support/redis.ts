import { Redis } from "ioredis";

/** The Redis the tests share (CI provides one at 127.0.0.1:6379); TEST_REDIS_URL points elsewhere. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

/** Whether a Redis answers PING at `url` within `timeoutMs`; one attempt, no reconnects. */
export async function redisAnswers(url = TEST_REDIS_URL, timeoutMs = 1000): Promise<boolean> {
  const probe = new Redis(url, { lazyConnect: true, connectTimeout: timeoutMs, maxRetriesPerRequest: 0, retryStrategy: () => null });
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
