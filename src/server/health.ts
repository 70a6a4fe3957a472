import type { ConnectionAttempts } from "../db/socket.js";

/*
 * /healthz: is this process able to serve once its database is there? It stays 200 while PostgreSQL is
 * away (restarting every replica would not bring it back) and answers 503 only when the process itself
 * cannot recover: a connection attempt that neither connected nor failed long past the connect timeout
 * (postgres.js lost track of it), or a statement of the pool unanswered long past every timeout that
 * should have ended it.
 */

/** What /healthz remembers between calls: its own probe statement, at most one at a time. */
export interface HealthState {
  /** When the probe statement still waiting for its answer was sent (ms since the epoch). */
  probeSentAt?: number | null;
}

export interface HealthBounds {
  /** DAKGRAPH_DB_CONNECT_TIMEOUT_MS: postgres.js abandons a connect attempt after it. */
  readonly connectTimeoutMs: number;
  /** DAKGRAPH_STATEMENT_TIMEOUT_MS: PostgreSQL cancels a statement after it. */
  readonly statementTimeoutMs: number;
}

/** Slack over the timeouts before a wait counts as stuck: timers and the event loop may run late under load. */
const GRACE_MS = 5000;

export function processHealth(
  state: HealthState,
  attempts: ConnectionAttempts | null,
  now: number,
  bounds: HealthBounds,
): { healthy: boolean; body: Record<string, unknown> } {
  const database = attempts === null ? {} : { connecting: attempts.connecting, lastFailure: attempts.lastFailure?.message ?? null };
  const stuckConnectingMs = attempts?.oldestConnectingSince == null ? 0 : now - attempts.oldestConnectingSince;
  if (stuckConnectingMs > bounds.connectTimeoutMs * 2 + GRACE_MS) {
    return {
      healthy: false,
      body: {
        status: "unhealthy",
        reason: `a database connection has been opening for ${Math.round(stuckConnectingMs / 1000)} s, past the connect timeout (DAKGRAPH_DB_CONNECT_TIMEOUT_MS): the pool cannot recover; restart the process`,
        ...database,
      },
    };
  }
  const probeWaitMs = state.probeSentAt == null ? 0 : now - state.probeSentAt;
  if (probeWaitMs > bounds.connectTimeoutMs + (bounds.statementTimeoutMs || 60_000) + GRACE_MS) {
    return {
      healthy: false,
      body: {
        status: "unhealthy",
        reason: `a probe statement has waited ${Math.round(probeWaitMs / 1000)} s for the connection pool, past the connect and statement timeouts: the pool cannot recover; restart the process`,
        ...database,
      },
    };
  }
  return { healthy: true, body: { status: "ok", ...database } };
}
