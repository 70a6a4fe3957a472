import { sql } from "drizzle-orm";
import { type Db, queryRows } from "./client.js";

/*
 * Secondary indexes built once after a bulk load instead of row by row during it.
 *
 * Every row COPY writes into a table is also inserted into each of its indexes, one at a time; a GIN
 * trigram index pays that for every trigram of the row. CREATE INDEX over the loaded table sorts the
 * keys once and writes the index bottom up, which is several times cheaper (the advice of PostgreSQL's
 * "Populating a Database" chapter, and what pg_restore does). The definitions are read back from the
 * catalogue, so the indexes come back exactly as the migrations made them.
 *
 * Only indexes that back no constraint are dropped: primary keys and unique constraints stay (foreign
 * keys depend on them, and they reject bad rows during the load). Dropping an index takes an ACCESS
 * EXCLUSIVE lock on its table until the transaction ends, so callers defer only on tables that are
 * empty when the load begins: nobody reading them loses anything by waiting.
 */

export interface DeferredIndexes {
  readonly definitions: readonly string[];
}

/** Drops the secondary indexes of `tables` (run inside the loading transaction) and returns their definitions. */
export async function dropSecondaryIndexes(db: Db, tables: readonly string[]): Promise<DeferredIndexes> {
  const rows = await queryRows<{ name: string; definition: string }>(
    db,
    sql`/* dropSecondaryIndexes */ select quote_ident(i.relname) as name,
          -- A partitioned table's index prints as CREATE INDEX … ON ONLY parent, which would build it on the parent
          -- alone, invalid, with no partition's index under it; without ONLY it is built on every partition.
          case when i.relkind = 'I' then regexp_replace(pg_get_indexdef(i.oid), ' ON ONLY ', ' ON ') else pg_get_indexdef(i.oid) end as definition
        from pg_index x
        join pg_class i on i.oid = x.indexrelid
        join pg_class t on t.oid = x.indrelid
        where t.relnamespace = (select oid from pg_namespace where nspname = current_schema())
          and t.relname = any(${sql.param([...tables])}::text[])
          and not exists (select 1 from pg_constraint c where c.conindid = x.indexrelid)
        order by i.relname`,
  );
  for (const row of rows) await db.execute(sql.raw(`drop index ${row.name}`));
  return { definitions: rows.map((r) => r.definition) };
}

/** Builds again what dropSecondaryIndexes dropped, in the same transaction. */
export async function createDeferredIndexes(db: Db, deferred: DeferredIndexes): Promise<void> {
  for (const definition of deferred.definitions) await db.execute(sql.raw(definition));
}

/** Whether every one of `tables` is empty (the condition for deferring their indexes). */
export async function tablesAreEmpty(db: Db, tables: readonly string[]): Promise<boolean> {
  const checks = tables.map((table) => sql`not exists (select 1 from ${sql.identifier(table)})`);
  const rows = await queryRows<{ empty: boolean }>(db, sql`/* tablesAreEmpty */ select ${sql.join(checks, sql` and `)} as empty`);
  return rows[0]!.empty;
}

/**
 * Runs `load` with the secondary indexes of `tables` dropped when all of them are empty, and builds the
 * indexes afterwards; otherwise just runs `load`. Call inside the transaction that writes the rows.
 */
export async function withIndexesDeferred<T>(db: Db, tables: readonly string[], load: () => Promise<T>): Promise<T> {
  if (!(await tablesAreEmpty(db, tables))) return load();
  const deferred = await dropSecondaryIndexes(db, tables);
  const result = await load();
  await createDeferredIndexes(db, deferred);
  return result;
}
