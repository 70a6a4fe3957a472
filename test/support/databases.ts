import { randomBytes } from "node:crypto";
import postgres from "postgres";
import { type Database, type OpenOptions, openDatabase } from "../../src/db/client.js";
import { migrate } from "../../src/db/migrate.js";

/**
 * The engines integration tests run on: PGlite always; a real PostgreSQL
 * server too when one answers at TEST_DATABASE_URL (default: the local server
 * CI provides, postgres://postgres@127.0.0.1:5432/test). Each test file gets
 * a database of its own on the server, dropped afterwards.
 */
export const SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

async function serverReachable(): Promise<boolean> {
  if (process.env.TEST_DATABASE_URL === "") return false;
  const sql = postgres(SERVER_URL, { max: 1, connect_timeout: 2, onnotice: () => {} });
  try {
    await sql`select 1`;
    return true;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

export const engines: ("pglite" | "postgres")[] = (await serverReachable()) ? ["pglite", "postgres"] : ["pglite"];

export interface TestDatabase {
  readonly database: Database;
  /** The server database's URL; null on PGlite. */
  readonly url: string | null;
  drop(): Promise<void>;
}

/** A new, empty, migrated database on the engine. */
export async function createTestDatabase(engine: "pglite" | "postgres", options: Pick<OpenOptions, "tracer"> = {}): Promise<TestDatabase> {
  if (engine === "pglite") {
    const database = await openDatabase({ databaseUrl: null, dataDir: null, ...options });
    await migrate(database);
    return { database, url: null, drop: () => database.close() };
  }
  const name = `dakgraph_test_${randomBytes(6).toString("hex")}`;
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
  // From template0: whatever else was put in the server's template1 never reaches a test.
  await admin.unsafe(`create database ${name} template template0`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: null, maxConnections: 8, ...options });
  await migrate(database);
  return {
    database,
    url: url.toString(),
    async drop() {
      await database.close();
      await admin.unsafe(`drop database if exists ${name} with (force)`);
      await admin.end({ timeout: 1 });
    },
  };
}
