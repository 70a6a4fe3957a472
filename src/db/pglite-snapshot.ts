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
    return await client.dumpDataDir("gzip");
  } finally {
    await client.close();
  }
}
