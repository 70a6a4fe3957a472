import { type Config, loadConfig } from "../config.js";
import { type Database, openDatabase } from "../db/client.js";
import { migrate } from "../db/migrate.js";

/** Opens the configured database (DATABASE_URL or PGlite in DAKGRAPH_DATA_DIR) with migrations applied. */
export async function openConfiguredDatabase(): Promise<{ config: Config; database: Database }> {
  const config = loadConfig();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl === null ? config.dataDir : null,
  });
  try {
    await migrate(database);
  } catch (error) {
    // An open postgres.js pool would keep the process alive after the error is reported.
    await database.close();
    throw error;
  }
  return { config, database };
}
