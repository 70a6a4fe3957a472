import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { type MigrationMeta, readMigrationFiles } from "drizzle-orm/migrator";
import fs from "node:fs";
import { fillKpiMonthRollup } from "../modules/kpi/kpi-rollup.repository.js";
import { type Database, type Db, queryRows } from "./client.js";

/** drizzle/ beside src/ and dist/ alike: both sit one level below the package root. */
export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../drizzle");

/**
 * The advisory lock every migrator takes: "dakgraph" in ASCII read as a 64-bit integer, so no other
 * application sharing the database picks the same key by accident. Held for the migrating transaction
 * only (pg_advisory_xact_lock): a migrator that dies releases it with its connection.
 */
export const MIGRATION_LOCK_KEY = "7233180568578519144";

/*
 * drizzle-kit's bookkeeping table, in the layout drizzle-orm's own migrator writes (hash, created_at: the
 * migration's folderMillis), so databases migrated before this file took over carry on where they were.
 */
const MIGRATIONS_TABLE = sql`drizzle.__drizzle_migrations`;

/**
 * Rows a migration's new table needs from the data already there, computed by the code that keeps the table
 * current rather than copied into the migration's SQL: run in the migrating transaction right after the
 * migration of that tag (drizzle/meta/_journal.json), and only then, so an empty database pays nothing.
 */
const DATA_STEPS: Readonly<Record<string, (db: Db) => Promise<void>>> = {
  "0013_kpi_month_rollup": fillKpiMonthRollup,
};

/** Each migration's tag by its folderMillis (drizzle's `when`), which is all readMigrationFiles keeps of it. */
function tagsByMillis(): Map<number, string> {
  const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS_FOLDER, "meta/_journal.json"), "utf8")) as { entries: { when: number; tag: string }[] };
  return new Map(journal.entries.map((e) => [e.when, e.tag]));
}

export interface MigrationOutcome {
  /** Migrations this call applied (0: the database was up to date, perhaps after waiting for another migrator). */
  readonly applied: number;
  /** Migrations in drizzle/. */
  readonly expected: number;
  /** Whether another process held the lock when this one asked, so this one waited for it. */
  readonly waited: boolean;
}

function migrationFiles(): MigrationMeta[] {
  return readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER });
}

function pendingAfter(migrations: readonly MigrationMeta[], lastCreatedAt: string | number | null | undefined): MigrationMeta[] {
  // drizzle's rule: a migration is pending when it is newer than the newest one applied.
  return migrations.filter((migration) => lastCreatedAt === null || lastCreatedAt === undefined || Number(lastCreatedAt) < migration.folderMillis);
}

/**
 * Applies the pending migrations of drizzle/ in one transaction, under the advisory lock: two migrators at
 * once (replicas starting together, `dakgraph migrate` run twice) take turns, and the second finds nothing
 * left to do. `onWait` is called when another process holds the lock, before waiting for it.
 *
 * No statement timeout inside: waiting for the lock, or building an index on a large table, may take longer
 * than a request's DAKGRAPH_STATEMENT_TIMEOUT_MS, and cancelling a migration half way helps no one.
 */
export async function migrate(database: Database, onWait: () => void = () => {}): Promise<MigrationOutcome> {
  const migrations = migrationFiles();
  return database.transaction(async ({ db }) => {
    await db.execute(sql`set local statement_timeout = 0`);
    const [free] = await queryRows<{ locked: boolean }>(db, sql`select pg_try_advisory_xact_lock(${MIGRATION_LOCK_KEY}::bigint) as locked`);
    const waited = free?.locked !== true;
    if (waited) {
      onWait();
      await queryRows(db, sql`select pg_advisory_xact_lock(${MIGRATION_LOCK_KEY}::bigint)`);
    }
    await db.execute(sql`create schema if not exists drizzle`);
    await db.execute(sql`create table if not exists ${MIGRATIONS_TABLE} (id serial primary key, hash text not null, created_at bigint)`);
    const [last] = await queryRows<{ created_at: string | null }>(db, sql`select max(created_at)::text as created_at from ${MIGRATIONS_TABLE}`);
    const pending = pendingAfter(migrations, last?.created_at);
    const tags = pending.length > 0 ? tagsByMillis() : new Map<number, string>();
    for (const migration of pending) {
      for (const statement of migration.sql) {
        if (statement.trim() !== "") await db.execute(sql.raw(statement));
      }
      await DATA_STEPS[tags.get(migration.folderMillis) ?? ""]?.(db);
      await db.execute(sql`insert into ${MIGRATIONS_TABLE} (hash, created_at) values (${migration.hash}, ${migration.folderMillis})`);
    }
    return { applied: pending.length, expected: migrations.length, waited };
  });
}

/** How many migrations the database has applied, how many drizzle/ holds and how many of those are pending (for /readyz and start-up). */
export async function migrationStatus(database: Database): Promise<{ applied: number; expected: number; pending: number }> {
  const migrations = migrationFiles();
  const [table] = await queryRows<{ present: boolean }>(database.db, sql`select to_regclass('drizzle.__drizzle_migrations') is not null as present`);
  if (table?.present !== true) return { applied: 0, expected: migrations.length, pending: migrations.length };
  const [row] = await queryRows<{ applied: number; created_at: string | null }>(
    database.db,
    sql`select count(*)::int as applied, max(created_at)::text as created_at from ${MIGRATIONS_TABLE}`,
  );
  return { applied: row?.applied ?? 0, expected: migrations.length, pending: pendingAfter(migrations, row?.created_at).length };
}

/** Said when another migrator holds the lock, so a start that pauses there says why. */
export function announceWait(): void {
  console.error("Another process is applying migrations to this database: waiting for it to finish…");
}

export class MigrationsPendingError extends Error {
  constructor(readonly pending: number, readonly expected: number) {
    super(
      `The PostgreSQL database (DATABASE_URL) has ${pending} of ${expected} migrations pending: run \`dakgraph migrate\` once ` +
        "(it takes a lock, so running it from several places at once is safe), then start the server again; or set " +
        "DAKGRAPH_MIGRATE_ON_START=true to have every server apply them at start.",
    );
    this.name = "MigrationsPendingError";
  }
}

/**
 * What a process does with migrations before it uses the database. The embedded database (one process,
 * its own files) and a server database with DAKGRAPH_MIGRATE_ON_START=true are migrated, under the lock;
 * any other server database must already be up to date, or MigrationsPendingError names the command.
 */
export async function prepareSchema(database: Database, migrateOnStart: boolean, onWait = announceWait): Promise<MigrationOutcome | null> {
  if (database.engine === "pglite" || migrateOnStart) return migrate(database, onWait);
  const status = await migrationStatus(database);
  if (status.pending > 0) throw new MigrationsPendingError(status.pending, status.expected);
  return null;
}
