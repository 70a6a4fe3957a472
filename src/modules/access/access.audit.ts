import type { Db } from "../../db/client.js";
import { closeAbandonedAuditEntries, insertAuditEntry } from "./access.repository.js";
import type { Viewer } from "./access.viewer.js";

export interface AuditStart {
  readonly requestId: string;
  readonly viewer: Viewer;
  readonly operationName: string | null;
  readonly fields: readonly string[];
  readonly inputBytes: number;
}

/** Records a mutation before it runs; returns the entry's id. */
export function startAuditEntry(db: Db, entry: AuditStart): Promise<number> {
  const { viewer } = entry;
  return insertAuditEntry(db, {
    requestId: entry.requestId,
    viewerKind: viewer.kind,
    apiKeyId: viewer.kind === "apiKey" && viewer.id !== null ? Number(viewer.id) : null,
    viewerName: viewer.name,
    organisation: viewer.organisation,
    operationName: entry.operationName,
    fields: [...entry.fields],
    inputBytes: entry.inputBytes,
    outcome: "PENDING",
  });
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
