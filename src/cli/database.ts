import { type Config, loadConfig } from "../config.js";
import { type Database, openDatabase } from "../db/client.js";
import { prepareSchema } from "../db/migrate.js";

/**
 * Opens the configured database (DATABASE_URL or PGlite in DAKGRAPH_DATA_DIR) as the server does: the
 * embedded one migrated, a server one migrated only with DAKGRAPH_MIGRATE_ON_START=true and otherwise
 * refused while migrations are pending (MigrationsPendingError names `dakgraph migrate`).
 */
export async function openConfiguredDatabase(): Promise<{ config: Config; database: Database }> {
  const config = loadConfig();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.databaseUrl === null ? config.dataDir : null,
    maxConnections: config.poolMax,
  });
  try {
    await prepareSchema(database, config.migrateOnStart);
  } catch (error) {
    // An open postgres.js pool would keep the process alive after the error is reported.
    await database.close();
    throw error;
  }
  return { config, database };
}
