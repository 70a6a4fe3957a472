import path from "node:path";
import { fileURLToPath } from "node:url";
import { sql } from "drizzle-orm";
import { migrate as migratePglite } from "drizzle-orm/pglite/migrator";
import type { PgliteDatabase } from "drizzle-orm/pglite";
import { migrate as migratePostgres } from "drizzle-orm/postgres-js/migrator";
import type { PostgresJsDatabase } from "drizzle-orm/postgres-js";
import { type Database, queryRows } from "./client.js";

export const MIGRATIONS_FOLDER = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../drizzle");

/** Applies the migrations drizzle-kit wrote to drizzle/, on either engine. */
export async function migrate(database: Database): Promise<void> {
  const config = { migrationsFolder: MIGRATIONS_FOLDER };
  if (database.engine === "pglite") {
    await migratePglite(database.db as unknown as PgliteDatabase<Record<string, never>>, config);
  } else {
    await migratePostgres(database.db as unknown as PostgresJsDatabase<Record<string, never>>, config);
  }
}

/** How many migrations the database has applied and how many drizzle/ holds (for /readyz). */
export async function migrationStatus(database: Database): Promise<{ applied: number; expected: number }> {
  const { readMigrationFiles } = await import("drizzle-orm/migrator");
  const expected = readMigrationFiles({ migrationsFolder: MIGRATIONS_FOLDER }).length;
  const rows = await queryRows<{ applied: number }>(
    database.db,
    sql`select count(*)::int as applied from drizzle.__drizzle_migrations`,
  );
  return { applied: rows[0]?.applied ?? 0, expected };
}
