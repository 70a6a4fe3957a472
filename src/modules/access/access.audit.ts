import { eq, sql } from "drizzle-orm";
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
