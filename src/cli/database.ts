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
  await migrate(database);
  return { config, database };
}
