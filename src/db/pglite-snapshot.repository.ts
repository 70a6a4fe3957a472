import fs from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { pg_trgm } from "@electric-sql/pglite/contrib/pg_trgm";

/**
 * A closed PGlite data directory as a gzipped tarball (PGlite's dumpDataDir format), which
 * openDatabase's `initialDataDir` starts an empty directory from. A checkpoint first, so the copy needs
 * no WAL replay when it is opened.
 */
export async function dumpPgliteDataDir(dataDir: string): Promise<Blob> {
  const client = await PGlite.create({ dataDir, extensions: { pg_trgm } });
  try {
    await client.query("checkpoint");
    // After the checkpoint only the current WAL segment is needed; the ones after it are old segments kept
    // for reuse (16 MB each, about half the directory after a load). PostgreSQL creates them again as it
    // needs them, so the copy leaves them out.
    const [current] = (await client.query<{ segment: string }>("select pg_walfile_name(pg_current_wal_lsn()) as segment")).rows;
    const wal = path.join(dataDir, "pg_wal");
    for (const name of fs.readdirSync(wal)) {
      if (/^[0-9A-F]{24}$/.test(name) && name > current!.segment) fs.rmSync(path.join(wal, name));
    }
    return await client.dumpDataDir("gzip");
  } finally {
    await client.close();
  }
}
