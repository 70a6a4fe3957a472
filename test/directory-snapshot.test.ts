import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Database, openDatabase, queryRows } from "../src/db/client.js";
import { migrate } from "../src/db/migrate.js";
import { progressBar } from "../src/lib/progress.js";
import { isDirectoryLoaded, loadDirectoryFromPackages } from "../src/modules/post-office/post-office.directory.js";
import { buildDirectorySnapshot, directorySnapshotPath, snapshotForEmptyDataDir } from "../src/modules/post-office/post-office.snapshot.js";

/*
 * The embedded database's first start from the directory snapshot (post-office.snapshot.ts): a data
 * directory started from it must hold what a direct load writes, rows and indexes alike (the load
 * builds some indexes after its COPY: src/db/bulk-indexes.repository.ts).
 *
 * The snapshot checked is the one `npm ci` built (its postinstall runs buildDirectorySnapshot, and never fails
 * the install, so a build that fails leaves no file): the one users start from, and the one other test files copy
 * (test/support/databases.ts). Only when there is none for this code and these packages is it built here;
 * building a second one alongside would cost another whole load and check nothing more.
 */

/** An order-independent digest of the directory's tables, and the indexes each table has. */
async function fingerprint(database: Database): Promise<{ tables: Record<string, string>; indexes: string[] }> {
  const tables: Record<string, string> = {};
  for (const [table, columns] of [
    ["post_office", "pincode, name, name_key, office_type, circle_id, region_id, division_id, district, state, taluk, source"],
    ["pincode", "code, latitude, longitude, coordinate_quality, office_count, delivery_office_count, primary_state, primary_district, primary_circle_id"],
    ["postal_circle", "id, name"],
    ["postal_region", "id, circle_id, name"],
    ["postal_division", "id, region_id, name"],
  ] as const) {
    const rows = await queryRows<{ digest: string }>(
      database.db,
      sql.raw(`select count(*) || ':' || md5(coalesce(string_agg(md5(row(${columns})::text), '' order by md5(row(${columns})::text)), '')) as digest from ${table}`),
    );
    tables[table] = rows[0]!.digest;
  }
  const indexes = await queryRows<{ definition: string }>(
    database.db,
    sql`select indexdef as definition from pg_indexes where schemaname = 'public' and tablename in ('post_office', 'pincode') order by indexname`,
  );
  return { tables, indexes: indexes.map((r) => r.definition) };
}

describe("the directory snapshot", () => {
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), "dakgraph-snapshot-test-"));
  const dataDir = path.join(scratch, "data");
  let direct: Database;
  let restored: Database;

  beforeAll(async () => {
    if (!fs.existsSync(directorySnapshotPath())) await buildDirectorySnapshot(progressBar(false));
    const snapshot = snapshotForEmptyDataDir(dataDir);
    expect(snapshot?.file).toBe(directorySnapshotPath());
    restored = await openDatabase({ databaseUrl: null, dataDir, initialDataDir: snapshot!.blob });
    await migrate(restored);
    direct = await openDatabase({ databaseUrl: null, dataDir: null });
    await migrate(direct);
    await loadDirectoryFromPackages(direct, progressBar(false));
  });
  afterAll(async () => {
    await restored?.close();
    await direct?.close();
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it("starts an empty data directory with the directory a direct load writes, rows and indexes alike", async () => {
    expect(await isDirectoryLoaded(restored)).toBe(true);
    const [fromSnapshot, loaded] = [await fingerprint(restored), await fingerprint(direct)];
    expect(fromSnapshot.tables.post_office).toMatch(/^15\d{4}:/);
    expect(fromSnapshot).toEqual(loaded);
    expect(loaded.indexes.some((d) => d.includes("gin_trgm_ops"))).toBe(true);
  });

  it("is not offered to a data directory that holds a database already", () => {
    expect(snapshotForEmptyDataDir(dataDir)).toBeNull();
  });
});
