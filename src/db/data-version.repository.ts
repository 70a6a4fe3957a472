import { sql } from "drizzle-orm";
import { type Database, queryRows } from "./client.js";

/**
 * The database's count of row changes outside the access tables (API key use and the audit log are written
 * by reads and mutations themselves); null where it cannot be read. The response cache drops its answers when
 * it moves.
 */
export async function dataVersion(database: Database): Promise<string | null> {
  const [row] = await queryRows<{ version: string | null }>(
    database.db,
    sql`/* responseCacheDataVersion */ select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::text as version
        from pg_stat_user_tables where relname not in ('api_key', 'audit_log')`,
  );
  return row?.version ?? null;
}
