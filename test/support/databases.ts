import { randomBytes } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { gunzipSync } from "node:zlib";
import postgres from "postgres";
import { inject } from "vitest";
import { type Database, type OpenOptions, openDatabase } from "../../src/db/client.js";
import { LOCK_FILE } from "../../src/db/data-dir-lock.js";
import { migrate } from "../../src/db/migrate.js";
import { dumpPgliteDataDir } from "../../src/db/pglite-snapshot.repository.js";
import { progressBar } from "../../src/lib/progress.js";
import { loadDirectoryFromPackages } from "../../src/modules/post-office/post-office.directory.js";
import { buildDirectorySnapshot, directorySnapshotKey, directorySnapshotPath, SNAPSHOT_DIR } from "../../src/modules/post-office/post-office.snapshot.js";

/**
 * The engines integration tests run on: PGlite always; a real PostgreSQL
 * server too when one answers at TEST_DATABASE_URL (default: the local server
 * CI provides, postgres://postgres@127.0.0.1:5432/test). Each test file gets
 * a database of its own on the server, dropped afterwards.
 */
export const SERVER_URL = process.env.TEST_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/test";

/** What the names of a run's server databases start with: TEST_DATABASE_PREFIX lets runs sharing a server keep to their own names. */
export const TEST_DATABASE_PREFIX = process.env.TEST_DATABASE_PREFIX ?? "dakgraph_test";

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

/*
 * Every test database starts as a copy of one migrated database instead of an empty cluster migrated again
 * (PGlite's is kept beside the directory snapshot, under the same key, so it is made again only when the
 * migrations, src/db or PGlite change; a server's is made once per run): the suite opens about a hundred of them and is CPU-bound on CI's two cores. On
 * PGlite a new cluster costs about 2.5 s of CPU (its initdb) and the migrations 0.4 s more; a copy of a
 * migrated cluster's files (PGlite's dumpDataDir) 0.8 s. On a server a copy is one CREATE DATABASE … TEMPLATE.
 * migrate() still runs on each copy: it finds nothing pending, which it checks in one short statement.
 */

/** The copy a PGlite test database starts from: a migrated cluster's files, an uncompressed tarball (no gunzip per database). */
const MIGRATED_PGLITE = path.join(SNAPSHOT_DIR, `test-migrated-${directorySnapshotKey()}.tar`);
let migratedPglite: Promise<Blob> | undefined;

/** Reads the migrated cluster's tarball, building it first when this code and these packages have none yet. */
function migratedPgliteTarball(): Promise<Blob> {
  migratedPglite ??= (async () => {
    if (!fs.existsSync(MIGRATED_PGLITE)) {
      const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-test-migrated-"));
      try {
        const database = await openDatabase({ databaseUrl: null, dataDir: scratch });
        try {
          await migrate(database);
        } finally {
          await database.close();
        }
        fs.rmSync(path.join(scratch, LOCK_FILE), { force: true });
        const tarball = gunzipSync(Buffer.from(await (await dumpPgliteDataDir(scratch)).arrayBuffer()));
        fs.mkdirSync(SNAPSHOT_DIR, { recursive: true });
        // Test files run in parallel workers: each writes its own partial file, and the rename is atomic.
        const partial = `${MIGRATED_PGLITE}.${process.pid}.partial`;
        fs.writeFileSync(partial, tarball);
        fs.renameSync(partial, MIGRATED_PGLITE);
        for (const old of fs.readdirSync(SNAPSHOT_DIR)) {
          const file = path.join(SNAPSHOT_DIR, old);
          if (old.startsWith("test-migrated-") && file !== MIGRATED_PGLITE && !old.endsWith(".partial")) fs.rmSync(file, { force: true });
        }
      } finally {
        fs.rmSync(scratch, { recursive: true, force: true });
      }
    }
    return new Blob([fs.readFileSync(MIGRATED_PGLITE)]);
  })();
  return migratedPglite;
}

/**
 * The server's database names of this test run start with this prefix (vitest's globalSetup, which drops
 * every database with it when the run ends: test/support/global-setup.ts).
 */
export function runDatabasePrefix(): string {
  return `${TEST_DATABASE_PREFIX}_${inject("testRunId")}`;
}

/**
 * The name of a template database of this run, built by `build` on a new database the first time any test
 * file asks for it. Files run in parallel: an advisory lock on the server makes the others wait for the first
 * build, and the template takes its name only when complete (a build that failed half way leaves no template).
 */
export async function serverTemplate(kind: string, build: (url: string) => Promise<void>): Promise<string> {
  const name = `${runDatabasePrefix()}_${kind}`;
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
  // One connection for the lock and the statements: CREATE DATABASE cannot run inside a transaction, so the lock is a session's.
  const session = await admin.reserve();
  try {
    await session`select pg_advisory_lock(hashtext(${name}))`;
    const [found] = await session`select 1 from pg_database where datname = ${name}`;
    if (found !== undefined) return name;
    const building = `${name}_building`;
    const source = kind === "migrated" ? "template0" : await serverTemplate("migrated", migrateServerDatabase);
    await session.unsafe(`drop database if exists ${building} with (force)`);
    await session.unsafe(`create database ${building} template ${source}`);
    const url = new URL(SERVER_URL);
    url.pathname = `/${building}`;
    await build(url.toString());
    await session.unsafe(`alter database ${building} rename to ${name}`);
    return name;
  } finally {
    await session`select pg_advisory_unlock(hashtext(${name}))`.catch(() => {});
    session.release();
    await admin.end({ timeout: 1 });
  }
}

async function migrateServerDatabase(url: string): Promise<void> {
  const database = await openDatabase({ databaseUrl: url, dataDir: null, maxConnections: 2 });
  try {
    await migrate(database);
  } finally {
    await database.close();
  }
}

/** A new, migrated database on the engine, empty or (`template`) a copy of a template of this run (serverTemplate). */
export async function createTestDatabase(
  engine: "pglite" | "postgres",
  options: Pick<OpenOptions, "tracer"> & { readonly pgliteTarball?: Blob; readonly serverTemplate?: string } = {},
): Promise<TestDatabase> {
  const { pgliteTarball, serverTemplate: template, ...open } = options;
  if (engine === "pglite") {
    const database = await openDatabase({ databaseUrl: null, dataDir: null, initialDataDir: pgliteTarball ?? (await migratedPgliteTarball()), ...open });
    await migrate(database);
    return { database, url: null, drop: () => database.close() };
  }
  const name = `${runDatabasePrefix()}_${randomBytes(6).toString("hex")}`;
  const admin = postgres(SERVER_URL, { max: 1, onnotice: () => {} });
  // A copy of a template this run built from template0: whatever else was put in the server's template1 never reaches a test.
  await admin.unsafe(`create database ${name} template ${template ?? (await serverTemplate("migrated", migrateServerDatabase))}`);
  const url = new URL(SERVER_URL);
  url.pathname = `/${name}`;
  const database = await openDatabase({ databaseUrl: url.toString(), dataDir: null, maxConnections: 8, ...open });
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

/** The install's directory snapshot (npm's postinstall builds it), built here when this code and these packages have none. */
export async function currentDirectorySnapshot(): Promise<string> {
  const file = directorySnapshotPath();
  if (!fs.existsSync(file)) await buildDirectorySnapshot(progressBar(false));
  return file;
}

let directorySnapshot: Promise<Blob> | undefined;

function directorySnapshotTarball(): Promise<Blob> {
  directorySnapshot ??= currentDirectorySnapshot().then((file) => new Blob([fs.readFileSync(file)], { type: "application/gzip" }));
  return directorySnapshot;
}

async function loadServerDirectory(url: string): Promise<void> {
  const database = await openDatabase({ databaseUrl: url, dataDir: null, maxConnections: 2 });
  try {
    await loadDirectoryFromPackages(database, progressBar(false));
  } finally {
    await database.close();
  }
}

/**
 * A new database holding the real post-office directory (1.55 lakh offices), without loading it again: on
 * PGlite a copy of the directory snapshot, on a server a copy of a database this run loaded once. A load costs
 * 20–40 s of CPU; the files that need the directory only to query it take a copy. The load itself is tested
 * where it happens: directory.test.ts, on both engines, against the load's own report and (PGlite) the snapshot.
 */
export async function createDirectoryDatabase(engine: "pglite" | "postgres", options: Pick<OpenOptions, "tracer"> = {}): Promise<TestDatabase> {
  return engine === "pglite"
    ? createTestDatabase(engine, { ...options, pgliteTarball: await directorySnapshotTarball() })
    : createTestDatabase(engine, { ...options, serverTemplate: await serverTemplate("directory", loadServerDirectory) });
}
