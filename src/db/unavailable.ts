/*
 * Which failures mean "the database cannot be reached right now", as opposed to a bad statement or a bug:
 * the request may be retried as it is once PostgreSQL is back. They answer HTTP 503 DATABASE_UNAVAILABLE
 * with Retry-After (src/server/plugins/database-unavailable.ts, src/server/http.ts).
 */

/** Seconds a client is asked to wait before retrying (Retry-After): reconnecting takes under a second once PostgreSQL accepts connections. */
export const RETRY_AFTER_SECONDS = 2;

/** Socket errors (Node) and postgres.js's own connection errors (its errors.js `connection`). */
const CONNECTION_ERROR_CODES = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ENETUNREACH",
  "ENOTFOUND",
  "EAI_AGAIN",
  "CONNECTION_CLOSED",
  "CONNECTION_DESTROYED",
  "CONNECTION_ENDED",
  "CONNECT_TIMEOUT",
]);

/**
 * SQLSTATEs of a server going away or not yet there: admin_shutdown (a fast or immediate stop),
 * crash_shutdown, cannot_connect_now (starting up or recovering), and class 08, connection exceptions.
 */
function isUnavailableSqlState(code: string): boolean {
  return code === "57P01" || code === "57P02" || code === "57P03" || /^08[0-9A-Z]{3}$/.test(code);
}

/** True when `error`, or an error it wraps (drizzle's `cause`, graphql-js's `originalError`), says the database is unreachable. */
export function isDatabaseUnavailable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 6 && typeof current === "object" && current !== null; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && (CONNECTION_ERROR_CODES.has(code) || isUnavailableSqlState(code))) return true;
    const next = current as { cause?: unknown; originalError?: unknown };
    current = next.originalError ?? next.cause;
  }
  return false;
}
