import { createHash } from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openDatabase } from "../../db/client.js";
import { LOCK_FILE } from "../../db/data-dir-lock.js";
import { migrate, MIGRATIONS_FOLDER } from "../../db/migrate.js";
import { dumpPgliteDataDir } from "../../db/pglite-snapshot.repository.js";
import { installedVersion } from "../../lib/installed-package.js";
import type { Progress } from "../../lib/progress.js";
import { DIRECTORY_PACKAGES, type DirectoryLoadSummary, loadDirectoryFromPackages } from "./post-office.directory.js";

/*
 * The embedded database's first start from a snapshot: an empty PGlite cluster, the migrations and the
 * directory load cost most of a quick start (the cluster's initdb, 155,000 offices through COPY, their
 * indexes), and their result is the same on every machine for the same code and packages. So `npm
 * install` (postinstall) runs them once, through the same loadDirectoryFromPackages a server database
 * uses, and keeps the data directory as a gzipped tarball under node_modules/.cache/dakgraph/; an empty
 * data directory then starts from a copy of it.
 *
 * The file name carries a hash of everything the result depends on: PGlite's and the directory
 * packages' versions, the migrations, src/db, and the files of the directory's modules that write or
 * shape the rows. A change to any of them makes the snapshot stale; a stale or missing snapshot is
 * ignored and the start loads the directory as before, only slower (`dakgraph snapshot directory`
 * builds a fresh one).
 */

const MODULES = path.resolve(import.meta.dirname, "..");
const DB_SOURCES = path.resolve(import.meta.dirname, "../../db");
const ROOT = path.resolve(import.meta.dirname, "../../..");

/** Where snapshots live: node_modules/.cache is the usual home of derived files that go with the installed packages. */
export const SNAPSHOT_DIR = path.join(ROOT, "node_modules/.cache/dakgraph");

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir, { recursive: true, encoding: "utf8" })
    .map((name) => path.join(dir, name))
    .filter((file) => fs.statSync(file).isFile())
    .sort();
}

/** The hash of what a directory snapshot's contents depend on (see above), 16 hex digits. */
export function directorySnapshotKey(): string {
  const hash = createHash("sha256");
  for (const name of ["@electric-sql/pglite", ...DIRECTORY_PACKAGES]) hash.update(`${name}@${installedVersion(name)}\n`);
  // The modules' files that write or shape rows (not their resolvers, types or loaders, which a snapshot does not hold).
  const writesRows = /\.(directory|normalise|repository|sql|snapshot)\.[jt]s$/;
  const sources = [
    ...filesUnder(MIGRATIONS_FOLDER),
    ...filesUnder(DB_SOURCES),
    ...["post-office", "pincode", "postal-hierarchy"].flatMap((module) => filesUnder(path.join(MODULES, module)).filter((file) => writesRows.test(file))),
  ];
  for (const file of sources) {
    hash.update(`${path.relative(ROOT, file)}\n`);
    hash.update(fs.readFileSync(file));
  }
  return hash.digest("hex").slice(0, 16);
}

/** The snapshot file for this code and these packages, in `dir` (SNAPSHOT_DIR unless a test says otherwise). */
export function directorySnapshotPath(dir = SNAPSHOT_DIR, key = directorySnapshotKey()): string {
  return path.join(dir, `directory-${key}.tar.gz`);
}

/**
 * The current snapshot's bytes when `dataDir` holds no cluster yet (PGlite's initdb has not run there);
 * null when it does, or when no snapshot was built for this code and these packages.
 */
export function snapshotForEmptyDataDir(dataDir: string, dir = SNAPSHOT_DIR): { file: string; blob: Blob } | null {
  if (fs.existsSync(path.join(dataDir, "PG_VERSION"))) return null;
  const file = directorySnapshotPath(dir);
  if (!fs.existsSync(file)) return null;
  return { file, blob: new Blob([fs.readFileSync(file)]) };
}

/**
 * Builds the snapshot: a fresh PGlite cluster in a temporary folder, the migrations, the directory
 * load, then its tarball written beside (and in place of) older snapshots.
 */
export async function buildDirectorySnapshot(progress: Progress, dir = SNAPSHOT_DIR): Promise<{ file: string; bytes: number; summary: DirectoryLoadSummary }> {
  const key = directorySnapshotKey();
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-snapshot-"));
  try {
    const dataDir = path.join(scratch, "pgdata");
    const database = await openDatabase({ databaseUrl: null, dataDir });
    let summary: DirectoryLoadSummary;
    try {
      await migrate(database);
      summary = await loadDirectoryFromPackages(database, progress);
    } finally {
      await database.close();
    }
    // The lock file belongs to the process that had the directory open, not to the copies.
    fs.rmSync(path.join(dataDir, LOCK_FILE), { force: true });
    const tarball = Buffer.from(await (await dumpPgliteDataDir(dataDir)).arrayBuffer());
    fs.mkdirSync(dir, { recursive: true });
    const file = directorySnapshotPath(dir, key);
    const partial = `${file}.${process.pid}.partial`;
    fs.writeFileSync(partial, tarball);
    fs.renameSync(partial, file);
    for (const old of fs.readdirSync(dir)) {
      if (old.startsWith("directory-") && path.join(dir, old) !== file && !old.endsWith(".partial")) fs.rmSync(path.join(dir, old));
    }
    return { file, bytes: tarball.length, summary };
  } finally {
    fs.rmSync(scratch, { recursive: true, force: true });
  }
}
