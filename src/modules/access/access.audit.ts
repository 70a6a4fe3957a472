import { and, eq, lt, sql } from "drizzle-orm";
import type { Db } from "../../db/client.js";
import { auditLogTable } from "./access.sql.js";
import type { Viewer } from "./access.viewer.js";

export interface AuditStart {
  readonly requestId: string;
  readonly viewer: Viewer;
  readonly operationName: string | null;
  readonly fields: readonly string[];
  readonly inputBytes: number;
}

/** Records a mutation before it runs; returns the entry's id. */
export async function startAuditEntry(db: Db, entry: AuditStart): Promise<number> {
  const { viewer } = entry;
  const rows = await db
    .insert(auditLogTable)
    .values({
      requestId: entry.requestId,
      viewerKind: viewer.kind,
      apiKeyId: viewer.kind === "apiKey" && viewer.id !== null ? Number(viewer.id) : null,
      viewerName: viewer.name,
      organisation: viewer.organisation,
      operationName: entry.operationName,
      fields: [...entry.fields],
      inputBytes: entry.inputBytes,
      outcome: "PENDING",
    })
    .returning({ id: auditLogTable.id });
  return rows[0]!.id;
}

/** OK, or the first error's extensions.code. */
export async function finishAuditEntry(db: Db, id: number, outcome: string): Promise<void> {
  await db.update(auditLogTable).set({ outcome, finishedAt: sql`now()` }).where(eq(auditLogTable.id, id));
}

/** The outcome of a mutation whose process ended (or lost its database) before recording how it went. */
export const ABANDONED = "ABANDONED";

/**
 * Closes PENDING entries older than `olderThanMs` as ABANDONED; returns how many. No request of a running
 * process stays PENDING that long (see abandonedAfterMs), so such an entry belongs to a process that died
 * mid-mutation (kill -9, a crash, a lost host), whichever of the processes sharing the database runs this.
 */
export async function closeAbandonedAuditEntries(db: Db, olderThanMs: number): Promise<number> {
  const rows = await db
    .update(auditLogTable)
    .set({ outcome: ABANDONED, finishedAt: sql`now()` })
    .where(and(eq(auditLogTable.outcome, "PENDING"), lt(auditLogTable.at, sql`now() - make_interval(secs => ${olderThanMs / 1000})`)))
    .returning({ id: auditLogTable.id });
  return rows.length;
}

/**
 * The longest an audit entry of a live process can stay PENDING: the request deadline, then the statement
 * already running when it passed (the request starts no other), then the connection the closing update may
 * need, and a second of slack. Without a statement timeout no bound is known: an hour is taken.
 */
export function abandonedAfterMs(timeouts: { requestTimeoutMs: number; statementTimeoutMs: number; dbConnectTimeoutMs: number }): number {
  if (timeouts.statementTimeoutMs === 0) return 3_600_000;
  return timeouts.requestTimeoutMs + timeouts.statementTimeoutMs + timeouts.dbConnectTimeoutMs + 1000;
}

/**
 * Once `afterMs` has passed since this process started, every entry left PENDING by a process that ran
 * before it is older than the bound: one sweep then closes them, and leaves other live processes' alone.
 */
export function scheduleAbandonedAuditSweep(db: Db, afterMs: number, log: (closed: number) => void, fail: (error: unknown) => void): void {
  setTimeout(() => {
    closeAbandonedAuditEntries(db, afterMs).then((closed) => closed > 0 && log(closed), fail);
  }, afterMs).unref();
}
