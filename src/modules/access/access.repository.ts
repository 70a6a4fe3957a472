import { and, asc, eq, isNull, lt, sql } from "drizzle-orm";
import { type Db, queryRows } from "../../db/client.js";
import { API_KEY_REVOKED_CHANNEL } from "../../db/notify.js";
import { circleTable } from "../postal-hierarchy/postal-hierarchy.sql.js";
import { apiKeyTable, auditLogTable } from "./access.sql.js";

/* The API-key statements; access.keys.ts holds the rules (key format, hashing, what a key may name). */

/** The id of the postal circle with this name, in any case; undefined when none. */
export async function findCircleIdByName(db: Db, name: string): Promise<number | undefined> {
  const rows = await db
    .select({ id: circleTable.id })
    .from(circleTable)
    .where(sql`lower(${circleTable.name}) = lower(${name})`);
  return rows[0]?.id;
}

/** Stores a key (its digest, never the key); returns its id. */
export async function insertApiKey(db: Db, values: typeof apiKeyTable.$inferInsert): Promise<number> {
  const [row] = await db.insert(apiKeyTable).values(values).returning({ id: apiKeyTable.id });
  return row!.id;
}

const summaryColumns = {
  id: apiKeyTable.id,
  prefix: apiKeyTable.prefix,
  name: apiKeyTable.name,
  organisation: apiKeyTable.organisation,
  roles: apiKeyTable.roles,
  circle: circleTable.name,
  createdAt: apiKeyTable.createdAt,
  revokedAt: apiKeyTable.revokedAt,
  lastUsedAt: apiKeyTable.lastUsedAt,
};

/** Every key (revoked ones too) with its circle's name, oldest first; or the one with `id`. */
export function findApiKeySummaries(db: Db, id?: number) {
  const query = db.select(summaryColumns).from(apiKeyTable).leftJoin(circleTable, eq(circleTable.id, apiKeyTable.circleId));
  return (id === undefined ? query : query.where(eq(apiKeyTable.id, id))).orderBy(asc(apiKeyTable.id));
}

/**
 * Revokes the active key with this id or prefix; returns its id, or undefined when none is active. The same
 * statement tells every server process sharing the database (API_KEY_REVOKED_CHANNEL, sent when it commits),
 * so each drops the key from its cache at once (access.viewer.ts).
 */
export async function revokeActiveApiKey(db: Db, key: { id: number } | { prefix: string }): Promise<number | undefined> {
  const match = "id" in key ? eq(apiKeyTable.id, key.id) : eq(apiKeyTable.prefix, key.prefix);
  const rows = await queryRows<{ id: number }>(
    db,
    sql`/* revokeActiveApiKey */ with revoked as (
          update ${apiKeyTable} set ${sql.identifier(apiKeyTable.revokedAt.name)} = now()
          where ${and(match, isNull(apiKeyTable.revokedAt))}
          returning ${apiKeyTable.id}
        )
        select id, pg_notify(${API_KEY_REVOKED_CHANNEL}, id::text) from revoked`,
  );
  return rows[0] === undefined ? undefined : Number(rows[0].id);
}

export interface ActiveKey {
  readonly id: number;
  readonly name: string;
  readonly organisation: string;
  readonly roles: readonly string[];
  readonly circle: string | null;
}

/** The active key with this digest, marking it used (one statement). */
export async function useApiKey(db: Db, keyHash: string): Promise<ActiveKey | undefined> {
  const rows = await db
    .update(apiKeyTable)
    .set({ lastUsedAt: sql`now()` })
    .where(and(eq(apiKeyTable.keyHash, keyHash), isNull(apiKeyTable.revokedAt)))
    .returning({
      id: apiKeyTable.id,
      name: apiKeyTable.name,
      organisation: apiKeyTable.organisation,
      roles: apiKeyTable.roles,
      circle: sql<string | null>`(select ${circleTable.name} from ${circleTable} where ${circleTable.id} = ${apiKeyTable.circleId})`,
    });
  return rows[0] as ActiveKey | undefined;
}

/** True when any key (even a revoked one) exists. */
export async function hasAnyApiKey(db: Db): Promise<boolean> {
  const existing = await db.select({ id: apiKeyTable.id }).from(apiKeyTable).limit(1);
  return existing.length > 0;
}

/* The audit log's statements; access.audit.ts holds its rules (what an entry records, when one counts as abandoned). */

/** Stores a mutation's audit entry; returns its id. */
export async function insertAuditEntry(db: Db, values: typeof auditLogTable.$inferInsert): Promise<number> {
  const [row] = await db.insert(auditLogTable).values(values).returning({ id: auditLogTable.id });
  return row!.id;
}

/** OK, or the first error's extensions.code. */
export async function finishAuditEntry(db: Db, id: number, outcome: string): Promise<void> {
  await db.update(auditLogTable).set({ outcome, finishedAt: sql`now()` }).where(eq(auditLogTable.id, id));
}

/** The outcome of a mutation whose process ended (or lost its database) before recording how it went. */
export const ABANDONED = "ABANDONED";

/**
 * Closes PENDING entries older than `olderThanMs` as ABANDONED; returns how many. No request of a running
 * process stays PENDING that long (see abandonedAfterMs in access.audit.ts), so such an entry belongs to a
 * process that died mid-mutation (kill -9, a crash, a lost host), whichever of the processes sharing the
 * database runs this. The database's clock decides, so the processes' clocks need not agree.
 */
export async function closeAbandonedAuditEntries(db: Db, olderThanMs: number): Promise<number> {
  const rows = await db
    .update(auditLogTable)
    .set({ outcome: ABANDONED, finishedAt: sql`now()` })
    .where(and(eq(auditLogTable.outcome, "PENDING"), lt(auditLogTable.at, sql`now() - make_interval(secs => ${olderThanMs / 1000})`)))
    .returning({ id: auditLogTable.id });
  return rows.length;
}
