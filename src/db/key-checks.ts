import { sql } from "drizzle-orm";
import { type Db, queryRows } from "./client.js";

/*
 * Bulk writes without per-row foreign-key triggers.
 *
 * PostgreSQL checks a foreign key with a trigger per inserted row: one index lookup per row per key.
 * On a bulk load those lookups are a large share of the statement's time. Like pg_restore
 * --disable-triggers, a superuser may switch triggers off for a statement (session_replication_role
 * = replica) and check the keys once, set-wise, instead. Two conditions:
 * - the role is a superuser (the setting is theirs only); otherwise the triggers stay on;
 * - the tables carry no trigger of ours: `replica` would skip it as well, silently.
 * The caller must then check the keys itself, and lock the referenced rows as the triggers would
 * (FOR KEY SHARE) where rows are written beside concurrent transactions.
 */

/** Whether key checks of writes to `tables` may be switched off (see above). */
export async function canDeferKeyChecks(db: Db, tables: readonly string[]): Promise<boolean> {
  const rows = await queryRows<{ ok: boolean }>(
    db,
    sql`/* canDeferKeyChecks */ select current_setting('is_superuser') = 'on' and not exists (
          select 1 from pg_trigger where not tgisinternal
            and tgrelid in (select (jsonb_array_elements_text(${JSON.stringify(tables)}::jsonb))::regclass)) as ok`,
  );
  return rows[0]!.ok;
}

/** Runs `write` with foreign-key triggers off when `defer`, on again afterwards. Call inside a transaction. */
export async function withKeyChecksDeferred<T>(db: Db, defer: boolean, write: () => Promise<T>): Promise<T> {
  if (!defer) return write();
  await db.execute(sql`set local session_replication_role = replica`);
  const result = await write();
  await db.execute(sql`set local session_replication_role = origin`);
  return result;
}
